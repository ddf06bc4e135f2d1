package io.ringmaster.worker.collective;

/**
 * Snapshot of one rank's all-reduce, for stall inspection: a rank stuck with {@code leftStarted ==
 * false} is waiting for a left neighbour that has not begun this op.
 *
 * @param generation membership generation
 * @param rank this rank
 * @param opSeq sequence number of the current op, or of the last one when {@code running} is false;
 *     -1 before the first op
 * @param running whether an all-reduce is in progress on this rank
 * @param framesSent frames of this op sent to the right neighbour
 * @param framesReceived frames of this op received from the left neighbour
 * @param framesPerOp frames each direction carries in this op
 * @param leftStarted whether the left neighbour has sent any frame of this op
 * @param elapsedNanos time since this op started (0 when not running)
 */
public record OpProgress(
    long generation,
    int rank,
    long opSeq,
    boolean running,
    int framesSent,
    int framesReceived,
    int framesPerOp,
    boolean leftStarted,
    long elapsedNanos) {}
