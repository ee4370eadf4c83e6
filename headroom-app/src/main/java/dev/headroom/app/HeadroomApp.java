package dev.headroom.app;

import dev.headroom.signal.app.SignalServiceMain;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * The one entry point of the Headroom image: {@code all} (default) runs the whole platform in this JVM, a service
 * name runs just that service against the configured PostgreSQL (one deployment per service in production).
 */
public final class HeadroomApp {
  private static final Logger LOG = Logger.getLogger(HeadroomApp.class.getName());

  private HeadroomApp() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length == 0 ? "all" : args[0];
    switch (mode) {
      case "all" -> runAll();
      case "signal" -> SignalServiceMain.main(new String[0]);
      case "-h", "--help", "help" -> System.out.println(usage());
      default -> {
        System.err.println("unknown mode '" + mode + "'\n" + usage());
        System.exit(2);
      }
    }
  }

  private static String usage() {
    return """
        usage: headroom-app [all|signal]
          all     every service in one JVM; embedded PostgreSQL unless HEADROOM_DATABASE_URL is set
          signal  the signal service alone (HEADROOM_DATABASE_URL required)""";
  }

  private static void runAll() throws InterruptedException {
    Platform platform = Platform.start(System.getenv());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping Headroom");
      platform.close();
      stopped.countDown();
    }, "headroom-shutdown"));
    platform.endpoints().forEach((service, e) -> System.out.printf(
        "%-8s gRPC 127.0.0.1:%d   HTTP http://127.0.0.1:%d/observe/health%n", service, e.grpcPort(), e.httpPort()));
    System.out.println("Headroom is running. Ctrl-C stops it.");
    stopped.await();
  }
}
