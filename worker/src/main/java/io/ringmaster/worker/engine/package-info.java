/**
 * The training engine inside a worker: runs the job's DL4J network (built by {@code
 * io.ringmaster.model.ModelFactory}) as one data-parallel replica ({@link
 * io.ringmaster.worker.engine.Replica}): local gradient, external all-reduce over one flat buffer that
 * holds the gradient and the step's counters ({@link io.ringmaster.worker.engine.Replica#reduceBuffer()},
 * read back as a {@link io.ringmaster.worker.engine.ReducedStep}), NaN/infinity detection before the
 * all-reduce, update with the global batch size, evaluation, state export for exact continuation, and
 * checkpoints.
 *
 * <p>Speed (docs/ENGINE-SPEED.md): a network made only of dense layers and a softmax/cross-entropy output
 * trains through {@link io.ringmaster.worker.engine.DenseStep} (every product computed once, straight BLAS
 * calls on the parameter and gradient views) instead of DL4J's {@code computeGradientAndScore}; an Adam
 * network without regularisation is updated by {@link io.ringmaster.worker.engine.FusedAdam} (one vectorised
 * pass) instead of DL4J's updater. Both fall back to DL4J by themselves for networks they do not take and
 * keep DL4J's array layouts (flat gradient, updater state), so replicas, checkpoints and the ring see no
 * difference.
 * {@link io.ringmaster.worker.engine.StepPhases} splits each step's wall and CPU time into data,
 * forward, backward, all-reduce, update and other (off by default; {@code RINGMASTER_STEP_PHASES=1} makes a
 * worker log it per epoch); the forward/backward boundary comes from DL4J through
 * {@link io.ringmaster.worker.engine.StepPhaseListener}, or from {@link io.ringmaster.worker.engine.DenseStep}.
 */
package io.ringmaster.worker.engine;
