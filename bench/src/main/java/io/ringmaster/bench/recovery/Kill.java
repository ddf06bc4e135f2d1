package io.ringmaster.bench.recovery;

/**
 * A kill that happened: SIGKILL sent to {@code pid} (rank {@code rank}) at wall time {@code timeMs},
 * when the job had reported epoch {@code epoch} step {@code step} in ring generation {@code generation}.
 */
record Kill(int rank, long pid, int epoch, long step, long generation, long timeMs) {}
