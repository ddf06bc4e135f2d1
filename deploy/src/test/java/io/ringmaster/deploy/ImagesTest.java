package io.ringmaster.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container images' configuration, checked without building an image (CI never builds one): the image
 * names Jib is configured with are the ones the chart runs, the native libraries each image carries, that
 * the CUDA image and the images themselves stay out of the default build, and what the images' entrypoint
 * starts java with.
 */
class ImagesTest {
  private static final ImageModules IMAGES = ImageModules.ofThisRepository();
  private static final Chart CHART = Chart.ringmaster();
  private static final String APP = "/app";
  private static final List<String> CLASSPATH = List.of(APP + "/resources", APP + "/classes",
      APP + "/libs/nd4j-native-1.0.0-M2.1.jar", APP + "/libs/nd4j-native-1.0.0-M2.1-linux-x86_64.jar",
      APP + "/libs/nd4j-native-1.0.0-M2.1-linux-x86_64-avx2.jar", APP + "/libs/ringmaster-cli-0.1.0-SNAPSHOT.jar");

  @Test
  void theChartRunsTheImagesJibBuildsUnderTheirDefaultNamesAndTag() {
    RenderedChart chart = CHART.render(Map.of());
    Container coordinator = chart.coordinatorContainer();

    assertThat(coordinator.getImage()).isEqualTo(IMAGES.imageName("coordinator")).isEqualTo("ringmaster/coordinator:0.1.0");
    assertThat(chart.flag("--k8s-worker-image")).isEqualTo(IMAGES.imageName("worker"));
    assertThat(chart.flag("--k8s-worker-image-cuda")).isEqualTo(IMAGES.imageName("worker-cuda"));
    // the chart gives arguments only: the image's entrypoint (the ringmaster command) runs them
    assertThat(coordinator.getCommand()).isNullOrEmpty();
    assertThat(coordinator.getArgs().get(0)).isEqualTo("coordinator");
    assertThat(ImageModules.text(IMAGES.pluginConfiguration(""), "container", "entrypoint", "arg"))
        .isEqualTo("/app/bin/ringmaster");
  }

  @Test
  void theBaseImageIsAPropertyDefaultingToTemurin17AndTheImagesRunAsTheChartsUser() {
    Map<String, String> props = IMAGES.properties("");
    assertThat(ImageModules.text(IMAGES.pluginConfiguration(""), "from", "image")).isEqualTo("${ringmaster.image.base}");
    assertThat(props).containsEntry("ringmaster.image.base", "eclipse-temurin:17-jre");

    var securityContext = CHART.render(Map.of()).coordinator().getSpec().getTemplate().getSpec().getSecurityContext();
    assertThat(props.get("ringmaster.image.user"))
        .isEqualTo(securityContext.getRunAsUser() + ":" + securityContext.getRunAsGroup());
  }

  @Test
  void noImageIsBuiltByDefaultAndTheCudaWorkerOnlyWithItsProfile() {
    assertThat(IMAGES.modules("..")).doesNotContain("images");
    assertThat(IMAGES.profileModules("..", "images")).containsExactly("images");
    assertThat(IMAGES.modules("")).containsExactly("coordinator", "worker");
    assertThat(IMAGES.profileModules("", "cuda")).containsExactly("worker-cuda");
  }

  @Test
  void theCoordinatorCarriesOnlyTheGenericNativeBuildAndTheCudaWorkerNoCpuBuild() {
    assertThat(nativeJars("coordinator")).containsExactly("org.nd4j:nd4j-native", "org.nd4j:nd4j-native:linux-x86_64");
    assertThat(cliExclusions("coordinator")).containsExactly("org.nd4j:nd4j-native");

    assertThat(cliExclusions("worker")).isEmpty(); // the model module's generic and AVX2 builds

    assertThat(nativeJars("worker-cuda")).containsExactly("org.nd4j:nd4j-cuda-11.6", "org.nd4j:nd4j-cuda-11.6:linux-x86_64",
        "org.bytedeco:cuda", "org.bytedeco:cuda:linux-x86_64-redist");
    assertThat(cliExclusions("worker-cuda")).containsExactly("org.nd4j:nd4j-native");
  }

  @Test
  void onACpuWithoutAvx2TheEntrypointLeavesTheAvx2BuildOut(@TempDir Path dir) throws Exception {
    ImageEntrypoint.Launch launch = entrypoint(dir).run(CLASSPATH, "fpu sse4_2 avx avx512f", Map.of(), "worker",
        "--coordinator", "c:7070");

    assertThat(launch.classpath()).containsExactlyElementsOf(
        CLASSPATH.stream().filter(e -> !e.endsWith("-linux-x86_64-avx2.jar")).toList());
  }

  @Test
  void onAnAvx2CpuTheWholeClasspathIsKeptInJibsOrder(@TempDir Path dir) throws Exception {
    ImageEntrypoint.Launch launch = entrypoint(dir).run(CLASSPATH, "fpu sse4_2 avx avx2 fma", Map.of(), "worker",
        "--coordinator", "c:7070");

    assertThat(launch.classpath()).containsExactlyElementsOf(CLASSPATH);
    assertThat(launch.java()).endsWith("/jdk/bin/java");
    assertThat(launch.afterClasspath()).containsExactly("io.ringmaster.cli.Main", "worker", "--coordinator", "c:7070");
  }

  @Test
  void aJobsWorkersCanBeForcedOntoOneBuildAndAnAvx2BuildIsRefusedWhereItCannotRun(@TempDir Path dir)
      throws Exception {
    ImageEntrypoint entrypoint = entrypoint(dir);
    List<String> generic = CLASSPATH.stream().filter(e -> !e.endsWith("-linux-x86_64-avx2.jar")).toList();

    assertThat(entrypoint.run(CLASSPATH, "avx avx2", Map.of("RINGMASTER_ND4J_BUILD", "generic"), "worker").classpath())
        .containsExactlyElementsOf(generic);
    assertThat(entrypoint.run(CLASSPATH, "avx avx2", Map.of("RINGMASTER_ND4J_BUILD", "avx2"), "worker").classpath())
        .containsExactlyElementsOf(CLASSPATH);

    ImageEntrypoint.Result refused = entrypoint.start(CLASSPATH, "sse4_2 avx", Map.of("RINGMASTER_ND4J_BUILD", "avx2"),
        "worker");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.launch()).isNull();
    assertThat(refused.output()).contains("RINGMASTER_ND4J_BUILD=avx2 but this CPU has no AVX2", "use generic");

    ImageEntrypoint.Result typo = entrypoint.start(CLASSPATH, "avx2", Map.of("RINGMASTER_ND4J_BUILD", "avx512"),
        "worker");
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.output()).contains("must be auto, generic or avx2, got 'avx512'");
  }

  @Test
  void aWorkerGetsTheLocalSchedulersFlagsAndThePodsOwnFlagsWin(@TempDir Path dir) throws Exception {
    ImageEntrypoint entrypoint = entrypoint(dir);

    ImageEntrypoint.Launch byHand = entrypoint.run(CLASSPATH, "avx2", Map.of(), "worker", "--coordinator", "c:7070");
    assertThat(byHand.javaToolOptions()).startsWith(
        "-Xms1024m -Xmx1024m -Xmn96m -XX:SurvivorRatio=2 -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxbytes=2048m"
            + " -Dorg.bytedeco.javacpp.maxphysicalbytes=0");
    assertThat(byHand.ompThreads()).isEqualTo("1");

    // what the Kubernetes scheduler puts on a worker pod for heapMb 3072, offheapMb 4096, threads 4
    String podFlags = "-Xms3072m -Xmx3072m -Xmn96m -XX:SurvivorRatio=2 -Dorg.bytedeco.javacpp.maxbytes=4096m"
        + " -Dorg.bytedeco.javacpp.maxphysicalbytes=0 -XX:+UseSerialGC";
    ImageEntrypoint.Launch inAPod = entrypoint.run(CLASSPATH, "avx2",
        Map.of("JAVA_TOOL_OPTIONS", podFlags, "OMP_NUM_THREADS", "4"), "worker", "--coordinator", "c:7070");
    // the JVM reads JAVA_TOOL_OPTIONS left to right, the last value of a flag wins: the pod's come last
    assertThat(inAPod.javaToolOptions()).endsWith(" " + podFlags);
    assertThat(inAPod.ompThreads()).isEqualTo("4");
    assertThat(inAPod.args()).noneMatch(a -> a.startsWith("-X") || a.startsWith("-D"));
  }

  @Test
  void theCoordinatorIsSizedByItsContainerNotByAFixedHeap(@TempDir Path dir) throws Exception {
    ImageEntrypoint.Launch launch = entrypoint(dir).run(CLASSPATH, "avx2",
        Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75", "RINGMASTER_JAVA_OPTS", "-Dextra=1"),
        "coordinator", "--host", "0.0.0.0");

    assertThat(launch.javaToolOptions()).doesNotContain("-Xmx").endsWith(" -XX:MaxRAMPercentage=75")
        .contains("-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-cache");
    assertThat(launch.args().get(0)).isEqualTo("-Dextra=1");
    assertThat(launch.afterClasspath()).containsExactly("io.ringmaster.cli.Main", "coordinator", "--host", "0.0.0.0");
  }

  private static ImageEntrypoint entrypoint(Path dir) {
    Path script = IMAGES.file("images/src/jib/app/bin/ringmaster");
    assertThat(Files.isRegularFile(script)).as("the entrypoint %s", script).isTrue();
    return new ImageEntrypoint(script, dir);
  }

  private static List<String> nativeJars(String module) {
    return IMAGES.dependencies(module).stream()
        .filter(d -> d.artifactId().startsWith("nd4j-") || d.groupId().equals("org.bytedeco"))
        .map(ImageModules.Dependency::key).toList();
  }

  private static List<String> cliExclusions(String module) {
    return IMAGES.dependencies(module).stream().filter(d -> d.artifactId().equals("ringmaster-cli"))
        .findFirst().orElseThrow(() -> new AssertionError(module + " does not depend on ringmaster-cli"))
        .exclusions();
  }
}
