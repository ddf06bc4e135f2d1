package io.ringmaster.bench.recovery;

import java.util.Optional;

/**
 * The kill of a disturbed run: what was planned, what happened ({@code kill} empty with a
 * {@code problem} when it could not be done, e.g. the job failed before reaching the planned step), and the
 * recovery timeline read from the job's events.
 */
record Disturbance(KillPlan plan, Optional<Kill> kill, Optional<String> problem, Optional<RecoveryTimeline> timeline) {}
