/**
 * Tests of the Helm chart in {@code helm/ringmaster}, without a cluster and without a helm binary.
 *
 * <p>{@link io.ringmaster.deploy.Chart} runs Helm's own lint and template code through helm-java (Helm
 * linked in as a native library). {@link io.ringmaster.deploy.StrictManifests} parses what Helm rendered
 * into fabric8's typed Kubernetes model classes and refuses any field the Kubernetes API does not define,
 * so a misspelt or misplaced field fails a test here instead of being dropped (or refused) by a cluster
 * later. {@link io.ringmaster.deploy.RenderedChart} looks objects up in one rendering for the assertions.
 *
 * <p>What these tests cannot show: that the images run, that the coordinator's flags are accepted by the
 * coordinator of the same version, that a CNI enforces the NetworkPolicies as intended, and that an API
 * server accepts the CRD; those need a real cluster.
 */
package io.ringmaster.deploy;
