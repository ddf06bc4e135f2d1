/**
 * The training engine inside a worker: builds the DL4J network of a job ({@link
 * io.ringmaster.worker.engine.ModelFactory}) and runs it as one data-parallel replica ({@link
 * io.ringmaster.worker.engine.Replica}): local gradient, external all-reduce over a flat buffer, update with
 * the global batch size, evaluation, state export and checkpoints.
 */
package io.ringmaster.worker.engine;
