package dev.headroom.kit;

import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * Keeps a service process alive until the platform asks it to stop (SIGTERM, Ctrl-C), then closes
 * it gracefully. Every {@code main} uses this, so all services stop the same way: drain first, then
 * exit.
 */
public final class RunUntilStopped {
  private static final Logger LOG = Logger.getLogger(RunUntilStopped.class.getName());

  private RunUntilStopped() {}

  /**
   * Blocks the calling thread until the JVM shuts down; {@code running} is closed by the shutdown
   * hook.
   */
  public static void await(String name, AutoCloseable running) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info(() -> "stopping " + name);
                  try {
                    running.close();
                  } catch (Exception e) {
                    LOG.warning(() -> name + " did not stop cleanly: " + e);
                  } finally {
                    stopped.countDown();
                  }
                },
                name + "-shutdown"));
    stopped.await();
  }
}
