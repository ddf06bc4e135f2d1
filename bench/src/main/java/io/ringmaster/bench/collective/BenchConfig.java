package io.ringmaster.bench.collective;

import io.ringmaster.worker.collective.RingOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark settings, parsed from {@code --name=value} arguments and passed on to the peer process.
 *
 * @param sizesMiB vector sizes in MiB
 * @param warmupSeconds untimed seconds of raw TCP and all-reduce at the largest size before any
 *     measurement, so that both JVMs finish JIT compilation first (it takes several CPU seconds)
 * @param warmup untimed iterations per size
 * @param iterations timed iterations per size (the median is reported)
 * @param chunkKiB ring frame payload in KiB
 * @param windowMiB HTTP/2 flow-control window in MiB
 * @param sendBufferMiB gRPC on-ready threshold of the ring stream in MiB
 * @param framesAhead inbound frames requested ahead
 */
record BenchConfig(int[] sizesMiB, int warmupSeconds, int warmup, int iterations, int chunkKiB, int windowMiB,
    int sendBufferMiB, int framesAhead) {

  static BenchConfig parse(String[] args) {
    int[] sizes = {1, 4, 16, 64};
    int warmupSeconds = 10;
    int warmup = 5;
    int iterations = 10;
    RingOptions d = RingOptions.defaults();
    int chunk = d.chunkBytes() / 1024;
    int window = d.flowControlWindowBytes() / (1024 * 1024);
    int sendBuffer = d.sendBufferBytes() / (1024 * 1024);
    int ahead = d.framesAhead();
    for (String a : args) {
      String[] kv = a.replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("argument '" + a + "' is not --name=value; " + usage());
      }
      switch (kv[0]) {
        case "sizes" -> sizes = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "warmup-seconds" -> warmupSeconds = Integer.parseInt(kv[1]);
        case "warmup" -> warmup = Integer.parseInt(kv[1]);
        case "iterations" -> iterations = Integer.parseInt(kv[1]);
        case "chunk-kib" -> chunk = Integer.parseInt(kv[1]);
        case "window-mib" -> window = Integer.parseInt(kv[1]);
        case "send-buffer-mib" -> sendBuffer = Integer.parseInt(kv[1]);
        case "frames-ahead" -> ahead = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'; " + usage());
      }
    }
    if (iterations < 1 || warmup < 0 || warmupSeconds < 0) {
      throw new IllegalArgumentException("need iterations >= 1, warmup >= 0 and warmup-seconds >= 0");
    }
    return new BenchConfig(sizes, warmupSeconds, warmup, iterations, chunk, window, sendBuffer, ahead);
  }

  static String usage() {
    return "arguments: --sizes=1,4,16,64 --warmup-seconds=10 --warmup=5 --iterations=10 --chunk-kib=512 --window-mib=8"
        + " --send-buffer-mib=2 --frames-ahead=4";
  }

  RingOptions ringOptions() {
    return RingOptions.defaults()
        .withChunkBytes(chunkKiB * 1024)
        .withSendBufferBytes(Math.max(sendBufferMiB * 1024 * 1024, chunkKiB * 1024))
        .withFlowControlWindowBytes(windowMiB * 1024 * 1024)
        .withFramesAhead(framesAhead);
  }

  List<String> toArgs() {
    List<String> out = new ArrayList<>();
    out.add("--sizes=" + String.join(",", Arrays.stream(sizesMiB).mapToObj(Integer::toString).toList()));
    out.add("--warmup-seconds=" + warmupSeconds);
    out.add("--warmup=" + warmup);
    out.add("--iterations=" + iterations);
    out.add("--chunk-kib=" + chunkKiB);
    out.add("--window-mib=" + windowMiB);
    out.add("--send-buffer-mib=" + sendBufferMiB);
    out.add("--frames-ahead=" + framesAhead);
    return out;
  }
}
