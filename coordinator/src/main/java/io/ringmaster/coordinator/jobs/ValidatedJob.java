package io.ringmaster.coordinator.jobs;

import io.ringmaster.job.data.DatasetInfo;
import io.ringmaster.job.spec.JobSpec;

/**
 * A spec that passed every check, resolved (every default filled in), with the shapes of its datasets as
 * read from the files.
 *
 * @param spec the resolved spec
 * @param specProto the same, in the proto form that is stored ({@code Job.spec}) and sent as it is to every
 *     worker ({@code Assign.spec})
 */
public record ValidatedJob(JobSpec spec, io.ringmaster.proto.v1.JobSpec specProto, DatasetInfo train,
    DatasetInfo test) {}
