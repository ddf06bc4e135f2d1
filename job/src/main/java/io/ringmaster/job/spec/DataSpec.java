package io.ringmaster.job.spec;

/** Training and test sets. Both required: evaluation is part of every epoch. */
public record DataSpec(DatasetRef train, DatasetRef test) {}
