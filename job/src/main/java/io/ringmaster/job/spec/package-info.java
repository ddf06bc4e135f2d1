/**
 * Job specs as plain records, their YAML and proto forms, and how a spec is resolved once.
 *
 * <p>A spec's life: a reader ({@link io.ringmaster.job.spec.JobSpecYaml} for job files, {@link
 * io.ringmaster.job.spec.SpecProtos#resolve} for a submitted proto) converts it as given, then {@link
 * io.ringmaster.job.spec.JobSpecResolver} fills every default (the only place that does) and validates the
 * values ({@link io.ringmaster.job.spec.JobSpecValidator}, naming every bad field by its path, e.g. {@code
 * spec.data.train.path}). The coordinator stores that resolved spec and sends it as it is to every worker,
 * which reads it back with a plain conversion ({@link io.ringmaster.job.spec.SpecProtos#fromProto}).
 */
package io.ringmaster.job.spec;
