package dev.headroom.app.demo;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The host's worker pools: daemon threads, so a demo that fails never hangs on them. */
final class DaemonPool {
  private DaemonPool() {}

  /** {@code threads} threads, each named {@code name}. */
  static ExecutorService of(int threads, String name) {
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
