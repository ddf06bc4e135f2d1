/**
 * Collective operations between worker replicas: the gRPC ring all-reduce.
 *
 * <p>Public API: {@link io.ringmaster.worker.collective.Collective} (what training code calls),
 * {@link io.ringmaster.worker.collective.RingAllReduce#join} (one instance per generation), the
 * server-side {@link io.ringmaster.worker.collective.CollectiveService} (one per worker process, added
 * to its gRPC server), {@link io.ringmaster.worker.collective.CollectiveTransport} (server and channel
 * tuning), and the value types {@link io.ringmaster.worker.collective.RingMembership}, {@link
 * io.ringmaster.worker.collective.PeerAddress}, {@link io.ringmaster.worker.collective.RingOptions} and
 * {@link io.ringmaster.worker.collective.OpProgress}. The protocol is described in {@link
 * io.ringmaster.worker.collective.RingAllReduce}.
 *
 * <p>A ring is one generation of one job. A worker process serves jobs one after another and each job
 * numbers its generations from its own start, so the service keys rings by (job id, generation), the
 * hello of every ring stream names both, and a worker that is done with a job {@linkplain
 * io.ringmaster.worker.collective.CollectiveService#leave leaves} it; see {@link
 * io.ringmaster.worker.collective.CollectiveService} for which streams are attached, kept waiting or
 * rejected.
 */
package io.ringmaster.worker.collective;
