/**
 * Tests of the Helm chart in {@code helm/ringmaster}, without a cluster and without a helm binary.
 *
 * <p>{@link io.ringmaster.deploy.Chart} runs Helm's own lint and template code through helm-java (Helm
 * linked in as a native library). {@link io.ringmaster.deploy.StrictManifests} parses what Helm rendered
 * into fabric8's typed Kubernetes model classes and refuses any field the Kubernetes API does not define,
 * so a misspelt or misplaced field fails a test here instead of being dropped (or refused) by a cluster
 * later. {@link io.ringmaster.deploy.RenderedChart} looks objects up in one rendering for the assertions.
 *
 * <p>The container images are checked here too, without building one: {@link io.ringmaster.deploy.ImageModules}
 * reads the Jib configuration of the {@code images/} modules (names, base, native jars, profiles), and
 * {@link io.ringmaster.deploy.ImageEntrypoint} runs the images' shell entrypoint against a fake application
 * directory, cpuinfo and {@code java} to see what it would start.
 *
 * <p>What these tests cannot show: that the images run (scripts/prove-images.sh shows it once, by hand, see
 * docs/IMAGES.md), that the coordinator's flags are accepted by the
 * coordinator of the same version, that a CNI enforces the NetworkPolicies as intended, and that an API
 * server accepts the CRD; those need a real cluster.
 */
package io.ringmaster.deploy;
