/** Collective operations between worker replicas: the gRPC ring all-reduce. */
package io.ringmaster.worker.collective;
