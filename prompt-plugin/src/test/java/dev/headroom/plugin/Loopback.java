package dev.headroom.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Loopback addresses for tests. */
final class Loopback {
  private Loopback() {}

  /** A 127.0.0.1 port nothing listens on (it was free a moment ago). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A target whose connections are refused: a service that is down. */
  static String deadTarget() {
    return "127.0.0.1:" + freePort();
  }
}
