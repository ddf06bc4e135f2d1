package io.ringmaster.cli;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.ringmaster.cli.client.ChannelFactory;
import io.ringmaster.cli.support.CliContext;
import io.ringmaster.cli.support.CoordinatorLauncher;
import io.ringmaster.cli.support.ShutdownHooks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ringmaster} commands in this JVM with captured output, against a {@link FakeJobService}
 * on an in-process gRPC server (whatever --coordinator says).
 */
final class CliHarness implements AutoCloseable {
  /** What a command printed and returned. */
  record Result(int exitCode, String out, String err) {}

  final FakeJobService service = new FakeJobService();
  final FakeDatasetService datasets = new FakeDatasetService();
  final MutableClock clock = new MutableClock(Instant.ofEpochMilli(TestJobs.T0));
  private final String name = InProcessServerBuilder.generateName();
  private final Server server;
  boolean terminal;
  CoordinatorLauncher coordinators = settings -> {
    throw new AssertionError("this test starts no coordinator");
  };
  ChannelFactory channels = address -> InProcessChannelBuilder.forName(name).directExecutor().build();
  /** Shutdown actions the commands registered and have not unregistered, by name. */
  final Map<String, Runnable> hooks = new ConcurrentHashMap<>();
  final ShutdownHooks shutdownHooks = (hookName, action) -> {
    hooks.put(hookName, action);
    return () -> hooks.remove(hookName, action);
  };

  CliHarness() throws IOException {
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service).addService(datasets).build()
        .start();
  }

  ManagedChannel channel() {
    return InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      int code = Cli.execute(new CliContext(o, e, terminal, CliContext.DEFAULT_COLUMNS, clock, channels, coordinators, shutdownHooks), args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
