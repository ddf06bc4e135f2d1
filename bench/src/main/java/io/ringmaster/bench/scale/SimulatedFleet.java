package io.ringmaster.bench.scale;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.ringmaster.proto.v1.WorkerControlGrpc;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Many {@link SimulatedWorker}s in this JVM, each on its own gRPC connection to the coordinator by default
 * (as separate worker processes would be; {@code workersPerConnection} > 1 multiplexes several streams on
 * one connection), all driven by one small timer pool. gRPC delivers the coordinator's messages on the
 * connections' event loops (direct executor): the workers' handlers never block.
 */
final class SimulatedFleet implements AutoCloseable {
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<SimulatedWorker> workers = new ArrayList<>();
  private final ScheduledExecutorService timer;
  private final Timeline timeline;

  SimulatedFleet(String host, int port, int count, int workersPerConnection, long epochNanos, Timeline timeline) {
    this.timeline = timeline;
    this.timer = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "sim-timer");
      t.setDaemon(true);
      return t;
    });
    WorkerControlGrpc.WorkerControlStub stub = null;
    for (int i = 0; i < count; i++) {
      if (i % workersPerConnection == 0) {
        // the real worker's control channel: keepalive 10 s (WorkerRuntime)
        ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor()
            .keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS).build();
        channels.add(ch);
        stub = WorkerControlGrpc.newStub(ch);
      }
      workers.add(new SimulatedWorker(i, stub, timer, timeline, epochNanos));
    }
  }

  /** Attaches every worker (Hello on each stream) without waiting for Welcome. */
  void attachAll() {
    workers.forEach(SimulatedWorker::attach);
  }

  int size() {
    return workers.size();
  }

  /** The worker holding {@code rank} of the current ring, if any. */
  Optional<SimulatedWorker> byRank(int rank) {
    return workers.stream().filter(w -> !w.ended() && w.rank() == rank).findFirst();
  }

  /** Workers whose stream is still open. */
  List<SimulatedWorker> alive() {
    return workers.stream().filter(w -> !w.ended()).sorted(Comparator.comparing(SimulatedWorker::workerId)).toList();
  }

  Timeline timeline() {
    return timeline;
  }

  @Override
  public void close() throws InterruptedException {
    workers.forEach(SimulatedWorker::close);
    timer.shutdownNow();
    for (ManagedChannel ch : channels) {
      ch.shutdownNow();
    }
    for (ManagedChannel ch : channels) {
      ch.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
