/** Deterministic per-epoch shard plans derived from (seed, epoch). */
package io.ringmaster.job.plan;
