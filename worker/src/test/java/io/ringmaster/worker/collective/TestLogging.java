package io.ringmaster.worker.collective;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker module's tests run without a logback configuration, i.e. everything at DEBUG, where
 * Netty's HTTP/2 frame logger dumps every DATA frame and slows ring traffic by an order of magnitude.
 * The collective tests raise the transport's loggers to INFO.
 */
final class TestLogging {
  private TestLogging() {}

  static void quietTransport() {
    for (String name : new String[] {"io.grpc", "io.grpc.netty.shaded"}) {
      if (LoggerFactory.getLogger(name) instanceof Logger logger) {
        logger.setLevel(Level.INFO);
      }
    }
  }
}
