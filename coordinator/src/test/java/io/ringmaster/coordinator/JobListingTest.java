package io.ringmaster.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.coordinator.api.JobServiceImpl;
import io.ringmaster.coordinator.jobs.RetentionPolicy;
import io.ringmaster.coordinator.store.InMemoryJobStore;
import io.ringmaster.proto.v1.CheckpointRef;
import io.ringmaster.proto.v1.DeleteJobRequest;
import io.ringmaster.proto.v1.GetJobRequest;
import io.ringmaster.proto.v1.Job;
import io.ringmaster.proto.v1.JobServiceGrpc;
import io.ringmaster.proto.v1.JobSpec;
import io.ringmaster.proto.v1.JobState;
import io.ringmaster.proto.v1.ListJobsRequest;
import io.ringmaster.proto.v1.ListJobsResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ListJobs paging, DeleteJob and retention against a real coordinator on loopback (external scheduler:
 * no worker starts). Jobs are put in its store directly, so thousands cost nothing to make.
 */
class JobListingTest {
  @TempDir Path tmp;
  InMemoryJobStore store;
  CoordinatorServer coordinator;
  ManagedChannel channel;
  JobServiceGrpc.JobServiceBlockingStub jobs;
  long now;

  @BeforeEach
  void start() throws Exception {
    store = new InMemoryJobStore();
    coordinator = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("runs"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL).store(store).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    jobs = JobServiceGrpc.newBlockingStub(channel);
    now = System.currentTimeMillis();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    coordinator.close();
  }

  Job put(String id, long createdAtMs, JobState state) {
    Job j = Job.newBuilder().setId(id).setState(state).setCreatedAtMs(createdAtMs)
        .setFinishedAtMs(state == JobState.JOB_STATE_SUCCEEDED || state == JobState.JOB_STATE_FAILED ? createdAtMs + 1000 : 0)
        .setSpec(JobSpec.newBuilder().setName("job " + id).setEpochs(1))
        .setJobDir(tmp.resolve("runs/jobs").resolve(id).toString()).build();
    store.put(j);
    return j;
  }

  @Test
  void pagesReturnEveryJobExactlyOnceWhileJobsAreAdded() {
    for (int i = 0; i < 1234; i++) {
      put(String.format("old-%05d", i), 1_000_000 + i / 7, i % 3 == 0 ? JobState.JOB_STATE_FAILED : JobState.JOB_STATE_SUCCEEDED);
    }
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListJobsResponse page = jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(100).setPageToken(token).build());
      assertThat(page.getJobsCount()).isLessThanOrEqualTo(100);
      page.getJobsList().forEach(j -> seen.add(j.getId()));
      token = page.getNextPageToken();
      put("new-" + pages, 2_000_000 + pages, JobState.JOB_STATE_SUCCEEDED); // submitted while paging: newer than all
      pages++;
    } while (!token.isEmpty());

    assertThat(seen).hasSize(1234).doesNotHaveDuplicates().allMatch(id -> id.startsWith("old-"));
    assertThat(pages).isEqualTo(13);
    List<String> newestFirst = store.list().stream().map(Job::getId).filter(id -> id.startsWith("old-")).toList();
    assertThat(seen).containsExactlyElementsOf(newestFirst);
  }

  @Test
  void defaultAndMaximumPageSizesAndStateFilter() {
    for (int i = 0; i < 600; i++) {
      put("j" + i, 1000 + i, i < 10 ? JobState.JOB_STATE_FAILED : JobState.JOB_STATE_SUCCEEDED);
    }
    assertThat(jobs.listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount())
        .isEqualTo(JobServiceImpl.DEFAULT_PAGE_SIZE);
    assertThat(jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(100_000).build()).getJobsCount())
        .isEqualTo(JobServiceImpl.MAX_PAGE_SIZE);

    ListJobsRequest failed = ListJobsRequest.newBuilder().addStates(JobState.JOB_STATE_FAILED).setPageSize(4).build();
    ListJobsResponse first = jobs.listJobs(failed);
    Set<String> ids = new HashSet<>();
    first.getJobsList().forEach(j -> ids.add(j.getId()));
    ListJobsResponse second = jobs.listJobs(failed.toBuilder().setPageToken(first.getNextPageToken()).build());
    ListJobsResponse third = jobs.listJobs(failed.toBuilder().setPageToken(second.getNextPageToken()).build());
    second.getJobsList().forEach(j -> ids.add(j.getId()));
    third.getJobsList().forEach(j -> ids.add(j.getId()));
    assertThat(ids).hasSize(10).allMatch(id -> Integer.parseInt(id.substring(1)) < 10);
    assertThat(third.getNextPageToken()).isEmpty();

    assertThatThrownBy(() -> jobs.listJobs(ListJobsRequest.newBuilder().setPageToken(first.getNextPageToken()).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("another state filter");
        });
    assertThatThrownBy(() -> jobs.listJobs(ListJobsRequest.newBuilder().setPageToken("garbage!").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void largeJobsArePagedUnderTheMessageLimit() {
    // stored before names were capped: ~0.9 MB names; five of them broke the unpaged listing
    for (int i = 0; i < 5; i++) {
      store.put(put("big" + i, 1000 + i, JobState.JOB_STATE_SUCCEEDED).toBuilder()
          .setSpec(JobSpec.newBuilder().setName("x".repeat(900_000))).build());
    }
    int total = 0;
    String token = "";
    do {
      ListJobsResponse page = jobs.listJobs(ListJobsRequest.newBuilder().setPageToken(token).build());
      assertThat(page.getSerializedSize()).isLessThan(4 << 20);
      total += page.getJobsCount();
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertThat(total).isEqualTo(5);
  }

  @Test
  void deleteRemovesRecordCheckpointsAndDirectoryAndRefusesActiveJobs() throws Exception {
    put("done", now - 5000, JobState.JOB_STATE_SUCCEEDED);
    Path dir = tmp.resolve("runs/jobs/done");
    Files.createDirectories(dir.resolve("checkpoints"));
    Files.writeString(dir.resolve("checkpoints/e0001-s000000.ckpt"), "bytes");
    Files.writeString(dir.resolve("model.zip"), "model");
    store.addCheckpoint(CheckpointRef.newBuilder().setJobId("done").setId("e0001-s000000").build());
    put("running", now, JobState.JOB_STATE_RUNNING);
    put("queued", now, JobState.JOB_STATE_QUEUED);

    Job deleted = jobs.deleteJob(DeleteJobRequest.newBuilder().setJobId("done").build());

    assertThat(deleted.getId()).isEqualTo("done");
    assertThat(store.get("done")).isEmpty();
    assertThat(store.checkpoints("done")).isEmpty();
    assertThat(dir).doesNotExist();
    assertThat(tmp.resolve("runs/jobs")).exists();
    assertThatThrownBy(() -> jobs.getJob(GetJobRequest.newBuilder().setJobId("done").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    for (String active : List.of("running", "queued")) {
      assertThatThrownBy(() -> jobs.deleteJob(DeleteJobRequest.newBuilder().setJobId(active).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription()).contains("cancel it first");
          });
      assertThat(store.get(active)).isPresent();
    }
    assertThatThrownBy(() -> jobs.deleteJob(DeleteJobRequest.newBuilder().setJobId("done").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void retentionDeletesOldAndSurplusFinishedJobsOnly() throws Exception {
    long day = Duration.ofDays(1).toMillis();
    put("ancient", now - 30 * day, JobState.JOB_STATE_FAILED);
    put("old", now - 10 * day, JobState.JOB_STATE_SUCCEEDED);
    put("recent1", now - 3 * day, JobState.JOB_STATE_SUCCEEDED);
    put("recent2", now - 2 * day, JobState.JOB_STATE_CANCELLED);
    put("recent3", now - day, JobState.JOB_STATE_SUCCEEDED);
    put("running-old", now - 40 * day, JobState.JOB_STATE_RUNNING);
    Files.createDirectories(tmp.resolve("runs/jobs/old/logs"));

    List<String> byAge = coordinator.jobs().applyRetention(
        new RetentionPolicy(Duration.ofDays(7), 0, RetentionPolicy.DEFAULT_INTERVAL));
    assertThat(byAge).containsExactlyInAnyOrder("ancient", "old");
    assertThat(tmp.resolve("runs/jobs/old")).doesNotExist();

    List<String> byCount = coordinator.jobs().applyRetention(
        new RetentionPolicy(Duration.ZERO, 2, RetentionPolicy.DEFAULT_INTERVAL));
    assertThat(byCount).containsExactly("recent1");
    assertThat(store.list()).extracting(Job::getId).containsExactly("recent3", "recent2", "running-old");
    assertThat(coordinator.jobs().applyRetention(RetentionPolicy.KEEP_ALL)).isEmpty();
  }

  @Test
  void theCoordinatorAppliesItsRetentionPolicyPeriodically() throws Exception {
    InMemoryJobStore own = new InMemoryJobStore();
    long day = Duration.ofDays(1).toMillis();
    own.put(Job.newBuilder().setId("stale").setState(JobState.JOB_STATE_SUCCEEDED).setCreatedAtMs(now - 9 * day)
        .setFinishedAtMs(now - 9 * day).build());
    own.put(Job.newBuilder().setId("fresh").setState(JobState.JOB_STATE_SUCCEEDED).setCreatedAtMs(now).setFinishedAtMs(now)
        .build());
    try (CoordinatorServer c = CoordinatorServer.builder().port(0).dataDir(tmp.resolve("runs2"))
        .scheduler(CoordinatorServer.SchedulerKind.EXTERNAL).store(own)
        .retention(new RetentionPolicy(Duration.ofDays(7), 0, Duration.ofMillis(100))).build().start()) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> own.get("stale").isEmpty());
      own.put(Job.newBuilder().setId("stale2").setState(JobState.JOB_STATE_FAILED).setCreatedAtMs(now - 8 * day)
          .setFinishedAtMs(now - 8 * day).build());
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> own.get("stale2").isEmpty());
      assertThat(own.get("fresh")).isPresent();
    }
  }
}
