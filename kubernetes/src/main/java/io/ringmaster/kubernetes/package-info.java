/**
 * The Kubernetes scheduler: one worker pod per rank, created with the fabric8 client, followed with an
 * informer, admitted by gang. {@link io.ringmaster.kubernetes.KubernetesScheduler} implements the
 * coordinator's {@code WorkerScheduler}: {@link io.ringmaster.kubernetes.WorkerPods} builds the pods (labels,
 * owner reference, requests and limits, placement, volumes, the worker's command line and JVM flags),
 * {@link io.ringmaster.kubernetes.PodOutcome} reads a pod's status into plain words (OOM-killed, evicted,
 * image not pullable, unschedulable), {@link io.ringmaster.kubernetes.ClusterCapacity} decides whether a
 * job's gang fits the cluster's allocatable resources before anything is created. fabric8 8 brings Vert.x /
 * Netty 4.2 and Jackson 3: this module must never share a JVM with Spark.
 */
package io.ringmaster.kubernetes;
