/**
 * Turns jobs and job events into text for people (epoch lines, the live progress bar, tables, status
 * pages, the final report) and into the JSON run summary. Pure formatting: no gRPC calls; every class
 * writes to a {@link java.io.PrintStream} or returns a string, and takes a clock or zone where time
 * matters, so all of it is testable.
 */
package io.ringmaster.cli.render;
