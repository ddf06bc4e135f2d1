package io.ringmaster.bench.collective;

import io.ringmaster.worker.collective.CollectiveException;
import io.ringmaster.worker.collective.RingAllReduce;
import io.ringmaster.worker.collective.RingOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * All-reduce bus bandwidth of the gRPC ring with 2 ranks in 2 JVM processes over loopback, next to raw
 * loopback TCP measured by the same program, in one run. This process (the launcher, rank 0) starts the
 * peer process (rank 1) with the same JVM and class path, warms both up (raw TCP and all-reduce at the
 * largest size for {@code warmupSeconds}: JIT compilation alone takes several CPU seconds), then for
 * every size runs rounds of (raw TCP one way, raw TCP both ways, all-reduce), interleaved so that all
 * three see the same background load, and reports the median of {@code iterations} rounds after
 * {@code warmup} untimed ones, plus the CPU time both processes spent per GiB moved (a figure that does
 * not depend on what else runs on the machine).
 *
 * <p>Every round also runs the same all-reduce on a second ring whose ranks talk TLS (mutual, ECDSA P-256
 * certificates from a development CA made for the run, as {@code ringmaster certs} makes them), so the cost of
 * TLS on the collective is measured under the same load: columns "TLS allreduce", "TLS bus bw", "TLS/plain".
 *
 * <p>Bus bandwidth = bytes * 2(N-1)/N / time (NCCL's convention; for N = 2 it is bytes / time: each rank
 * sends and receives the whole vector's size), comparable with one direction of the link.
 */
public final class AllReduceBench {
  private static final int MIB = 1024 * 1024;

  private AllReduceBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--peer")) {
      peer(Integer.parseInt(args[1]), BenchConfig.parse(Arrays.copyOfRange(args, 2, args.length)));
    } else {
      launcher(BenchConfig.parse(args));
    }
  }

  private static void launcher(BenchConfig config) throws Exception {
    RingOptions options = config.ringOptions();
    System.out.printf("ring all-reduce, 2 ranks in 2 JVMs over loopback; chunk %d KiB, window %d MiB,"
            + " send buffer %d MiB, frames ahead %d; median of %d after %d s + %d warm-up%n",
        options.chunkBytes() / 1024, options.flowControlWindowBytes() / MIB,
        options.sendBufferBytes() / MIB, options.framesAhead(), config.iterations(),
        config.warmupSeconds(), config.warmup());
    Process peer;
    try (ServerSocketChannel listener = Link.listen()) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      for (String jvmArg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        // same JVM flags for the peer; a flight recording gets its own file (".peer.jfr")
        cmd.add(jvmArg.replaceAll("(filename=[^,]*)\\.jfr", "$1.peer.jfr"));
      }
      Path certs = TlsRing.makeCertificates();
      cmd.add("-D" + TlsRing.CERTS_PROPERTY + "=" + certs);
      System.setProperty(TlsRing.CERTS_PROPERTY, certs.toString());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AllReduceBench.class.getName(),
          "--peer", Integer.toString(listener.socket().getLocalPort())));
      cmd.addAll(config.toArgs());
      peer = new ProcessBuilder(cmd).inheritIO().start();
      try (Link link = Link.accept(listener); GrpcRank rank = new GrpcRank(options);
          TlsRing tls = TlsRing.open(options, 0)) {
        int maxBytes = Arrays.stream(config.sizesMiB()).max().orElse(1) * MIB;
        RawTcp raw = new RawTcp(link, maxBytes);
        link.writeInt(rank.port());
        link.writeInt(tls.rank().port());
        int peerPort = link.readInt();
        int peerTlsPort = link.readInt();
        RingAllReduce ring = rank.join(0, rank.port(), peerPort, options);
        RingAllReduce tlsRing = tls.rank().join(0, tls.rank().port(), peerTlsPort, options);
        FloatBuffer vector = vector(maxBytes);
        warmUp(link, config, raw, ring, vector, maxBytes, true);
        warmUp(link, config, raw, tlsRing, vector, maxBytes, true);

        System.out.printf("%8s %14s %14s %12s %14s %10s %10s %14s %14s %10s   %s%n", "size", "TCP 1-way",
            "TCP 2-way/dir", "allreduce", "bus bw", "bus/TCP1", "bus/TCP2", "TLS allreduce", "TLS bus bw",
            "TLS/plain", "CPU s/GiB moved (both JVMs): TCP 1-way, TCP 2-way, allreduce, TLS allreduce");
        for (int mib : config.sizesMiB()) {
          int bytes = mib * MIB;
          FloatBuffer v = vector.duplicate().limit(bytes / 4);
          Round[] rounds = new Round[config.warmup() + config.iterations()];
          long[] cpu = new long[4];
          for (int i = 0; i < rounds.length; i++) {
            // interleaved, so that the three measurements see the same background load
            link.barrier();
            long c0 = CpuClock.processCpuNanos();
            long oneWay = raw.sendOneWay(bytes);
            long c1 = CpuClock.processCpuNanos();
            long twoWay = raw.exchange(bytes);
            long c2 = CpuClock.processCpuNanos();
            long allReduce = timeAllReduce(ring, v);
            long c3 = CpuClock.processCpuNanos();
            long tlsAllReduce = timeAllReduce(tlsRing, v);
            long c4 = CpuClock.processCpuNanos();
            String[] peerCpu = link.readLine().split(" ");
            if (i >= config.warmup()) {
              cpu[0] += c1 - c0 + Long.parseLong(peerCpu[0]);
              cpu[1] += c2 - c1 + Long.parseLong(peerCpu[1]);
              cpu[2] += c3 - c2 + Long.parseLong(peerCpu[2]);
              cpu[3] += c4 - c3 + Long.parseLong(peerCpu[3]);
            }
            rounds[i] = new Round(oneWay, twoWay, allReduce, tlsAllReduce);
          }
          Round[] timed = Arrays.copyOfRange(rounds, config.warmup(), rounds.length);
          long oneWay = median(timed, Round::oneWay);
          long twoWay = median(timed, Round::twoWay);
          long allReduce = median(timed, Round::allReduce);
          long tlsAllReduce = median(timed, Round::tlsAllReduce);
          double gib = (double) bytes * timed.length / (1L << 30);
          double tcp1 = bytes / (oneWay / 1e9) / 1e6;
          double tcp2 = bytes / (twoWay / 1e9) / 1e6;
          double bus = bytes * (2.0 * (2 - 1) / 2) / (allReduce / 1e9) / 1e6;
          double tlsBus = bytes * (2.0 * (2 - 1) / 2) / (tlsAllReduce / 1e9) / 1e6;
          // CPU per GiB moved: one-way moves `bytes`, the exchange and the all-reduce move it each way
          System.out.printf("%5d MiB %9.0f MB/s %9.0f MB/s %9.2f ms %9.0f MB/s %10.2f %10.2f %11.2f ms %9.0f MB/s"
                  + " %10.2f   %.2f %.2f %.2f %.2f%n",
              mib, tcp1, tcp2, allReduce / 1e6, bus, bus / tcp1, bus / tcp2, tlsAllReduce / 1e6, tlsBus,
              tlsBus / bus, cpu[0] / 1e9 / gib, cpu[1] / 1e9 / (2 * gib), cpu[2] / 1e9 / (2 * gib),
              cpu[3] / 1e9 / (2 * gib));
        }
        link.barrier();
      }
    }
    if (!peer.waitFor(30, TimeUnit.SECONDS)) {
      peer.destroyForcibly();
      throw new IllegalStateException("the peer process did not exit");
    }
  }

  private static void peer(int linkPort, BenchConfig config) throws Exception {
    RingOptions options = config.ringOptions();
    try (Link link = Link.connect(linkPort); GrpcRank rank = new GrpcRank(options);
        TlsRing tls = TlsRing.open(options, 1)) {
      int maxBytes = Arrays.stream(config.sizesMiB()).max().orElse(1) * MIB;
      RawTcp raw = new RawTcp(link, maxBytes);
      int port0 = link.readInt();
      int tlsPort0 = link.readInt();
      link.writeInt(rank.port());
      link.writeInt(tls.rank().port());
      RingAllReduce ring = rank.join(1, port0, rank.port(), options);
      RingAllReduce tlsRing = tls.rank().join(1, tlsPort0, tls.rank().port(), options);
      FloatBuffer vector = vector(maxBytes);
      warmUp(link, config, raw, ring, vector, maxBytes, false);
      warmUp(link, config, raw, tlsRing, vector, maxBytes, false);
      int runs = config.warmup() + config.iterations();
      for (int mib : config.sizesMiB()) {
        int bytes = mib * MIB;
        FloatBuffer v = vector.duplicate().limit(bytes / 4);
        for (int i = 0; i < runs; i++) {
          link.barrier();
          long c0 = CpuClock.processCpuNanos();
          raw.receiveOneWay(bytes);
          long c1 = CpuClock.processCpuNanos();
          raw.exchange(bytes);
          long c2 = CpuClock.processCpuNanos();
          ring.allReduceSum(v);
          long c3 = CpuClock.processCpuNanos();
          tlsRing.allReduceSum(v);
          long c4 = CpuClock.processCpuNanos();
          link.writeLine((c1 - c0) + " " + (c2 - c1) + " " + (c3 - c2) + " " + (c4 - c3));
        }
      }
      link.barrier();
    }
  }

  /**
   * Alternates raw TCP and all-reduce rounds at the largest size until the launcher's clock says
   * {@code warmupSeconds} passed; the launcher tells the peer after each round whether to go on.
   */
  private static void warmUp(Link link, BenchConfig config, RawTcp raw, RingAllReduce ring,
      FloatBuffer vector, int bytes, boolean launcher) throws Exception {
    long end = System.nanoTime() + config.warmupSeconds() * 1_000_000_000L;
    while (true) {
      if (launcher) {
        boolean more = System.nanoTime() < end;
        link.writeInt(more ? 1 : 0);
        if (!more) {
          return;
        }
        raw.sendOneWay(bytes);
      } else {
        if (link.readInt() == 0) {
          return;
        }
        raw.receiveOneWay(bytes);
      }
      raw.exchange(bytes);
      ring.allReduceSum(vector);
      ring.allReduceSum(vector.duplicate().limit(vector.limit() / 16));
    }
  }

  /** Off-heap vector in native order, like ND4J's gradients; small values so sums stay finite. */
  private static FloatBuffer vector(int bytes) {
    FloatBuffer v = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < v.limit(); i++) {
      v.put(i, (i % 1000) * 1e-6f);
    }
    return v;
  }

  private static long timeAllReduce(RingAllReduce ring, FloatBuffer v) throws CollectiveException {
    long start = System.nanoTime();
    ring.allReduceSum(v);
    return System.nanoTime() - start;
  }

  /** One interleaved measurement, nanoseconds. */
  private record Round(long oneWay, long twoWay, long allReduce, long tlsAllReduce) {}

  private static long median(Round[] rounds, java.util.function.ToLongFunction<Round> field) {
    long[] t = Arrays.stream(rounds).mapToLong(field).sorted().toArray();
    return t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2;
  }
}
