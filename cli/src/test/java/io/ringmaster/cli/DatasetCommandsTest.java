package io.ringmaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringmaster.job.transfer.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** submit's data upload, {@code datasets ls|push|rm} and {@code download} against a scripted coordinator. */
class DatasetCommandsTest {
  @TempDir Path dir;
  private CliHarness cli;

  @BeforeEach
  void start() throws IOException {
    cli = new CliHarness();
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  private Path dataFiles() throws IOException {
    Files.write(dir.resolve("train-images.gz"), new byte[] {1, 2, 3});
    Files.write(dir.resolve("train-labels.gz"), new byte[] {4, 5});
    Files.write(dir.resolve("test-images.gz"), new byte[] {6});
    Files.write(dir.resolve("test-labels.gz"), new byte[] {7, 8, 9, 10});
    return ClientCommandsTest.writeJob(dir, "workers: 2\nepochs: 1\n");
  }

  @Test
  void submitUploadsTheFilesTheCoordinatorCannotSeeAndNamesThemByHash() throws IOException {
    Path job = dataFiles();

    CliHarness.Result r = cli.run("submit", job.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.datasets.asked).as("it asks before uploading").hasSize(4);
    assertThat(cli.datasets.stored).containsOnlyKeys("train-images.gz", "train-labels.gz", "test-images.gz",
        "test-labels.gz");
    assertThat(r.err()).contains("The coordinator cannot see " + dir.resolve("train-images.gz"))
        .contains("uploading train-images.gz").contains("100%");
    assertThat(cli.service.submitted).singleElement().satisfies(s -> {
      assertThat(s.getData().getTrain().getPath()).isEmpty();
      assertThat(s.getData().getTrain().getDataset()).isEqualTo(Sha256.of(new byte[] {1, 2, 3}));
      assertThat(s.getData().getTest().getLabelsDataset()).isEqualTo(Sha256.of(new byte[] {7, 8, 9, 10}));
    });
  }

  @Test
  void submitSendsThePathsWhenTheCoordinatorSeesTheSameFiles() throws IOException {
    Path job = dataFiles();
    cli.datasets.seesEverything = true;

    CliHarness.Result r = cli.run("submit", job.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(cli.datasets.stored).isEmpty();
    assertThat(cli.service.submitted).singleElement()
        .satisfies(s -> assertThat(s.getData().getTrain().getPath()).isEqualTo(dir.resolve("train-images.gz").toString()));
  }

  @Test
  void datasetsPushListAndRemove() throws IOException {
    Path f = Files.write(dir.resolve("my data.idx"), new byte[] {0, 0, 8, 3});

    CliHarness.Result push = cli.run("datasets", "push", f.toString());
    assertThat(push.exitCode()).as(push.err()).isZero();
    assertThat(cli.datasets.stored).containsOnlyKeys("my_data.idx");
    assertThat(push.out()).contains("sha256 " + Sha256.of(new byte[] {0, 0, 8, 3}));

    CliHarness.Result ls = cli.run("datasets", "ls");
    assertThat(ls.out().lines().toList()).hasSize(2);
    assertThat(ls.out()).contains("NAME").contains("my_data.idx").contains("idx-images").contains("28x28");

    CliHarness.Result rm = cli.run("datasets", "rm", "my_data.idx");
    assertThat(rm.exitCode()).isZero();
    assertThat(cli.datasets.stored).isEmpty();
    assertThat(cli.run("datasets", "rm", "my_data.idx").exitCode()).isNotZero();
  }

  @Test
  void severalFilesArePushedInOneCommandAndNameIsForOneFileOnly() throws IOException {
    Path a = Files.write(dir.resolve("a.idx"), new byte[] {0, 0, 8, 3});
    Path b = Files.write(dir.resolve("b.idx"), new byte[] {0, 0, 8, 1});

    CliHarness.Result push = cli.run("datasets", "push", a.toString(), b.toString());
    assertThat(push.exitCode()).as(push.err()).isZero();
    assertThat(cli.datasets.stored).containsOnlyKeys("a.idx", "b.idx");
    assertThat(push.out()).contains("sha256 " + Sha256.of(new byte[] {0, 0, 8, 3}))
        .contains("sha256 " + Sha256.of(new byte[] {0, 0, 8, 1}));

    CliHarness.Result named = cli.run("datasets", "push", a.toString(), b.toString(), "--name", "x");
    assertThat(named.exitCode()).isEqualTo(io.ringmaster.cli.support.ExitCodes.USAGE);
    assertThat(named.err()).contains("--name names one dataset but 2 files were given");
  }

  @Test
  void downloadSavesTheModelVerified() throws IOException {
    cli.datasets.model = new byte[] {'P', 'K', 3, 4, 42};
    Path out = dir.resolve("out").resolve("m.zip");

    CliHarness.Result r = cli.run("download", "job-1", "-o", out.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(cli.datasets.model);
    assertThat(r.out()).contains("Saved the model of job job-1 to " + out);
  }
}
