package io.ringmaster.coordinator.jobs;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.JobSpec;

/** A spec that passed every check, with the shapes of its datasets as read from the files. */
public record ValidatedJob(JobSpec spec, DatasetInfo train, DatasetInfo test) {}
