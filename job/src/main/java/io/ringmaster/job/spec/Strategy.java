package io.ringmaster.job.spec;

/** How replicas combine their gradients. */
public enum Strategy {
  /** Synchronous data parallelism: ring all-reduce of the gradient sum every step. */
  ALLREDUCE;
}
