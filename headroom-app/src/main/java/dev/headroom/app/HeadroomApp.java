package dev.headroom.app;

import dev.headroom.app.demo.DemoCommand;
import dev.headroom.crm.app.CrmServiceMain;
import dev.headroom.kit.RunUntilStopped;
import dev.headroom.prompt.app.PromptServiceMain;
import dev.headroom.scoring.app.ScoringServiceMain;
import dev.headroom.signal.app.SignalServiceMain;
import java.util.Arrays;

/**
 * The one entry point of the Headroom image: {@code all} (default) runs the whole platform in this
 * JVM, a service name runs just that service against the configured PostgreSQL (one deployment per
 * service in production).
 */
public final class HeadroomApp {
  private HeadroomApp() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length == 0 ? "all" : args[0];
    switch (mode) {
      case "all" -> runAll();
      case "signal" -> SignalServiceMain.main(new String[0]);
      case "scoring" -> ScoringServiceMain.main(new String[0]);
      case "crm" -> CrmServiceMain.main(new String[0]);
      case "demo" -> DemoCommand.main(Arrays.copyOfRange(args, 1, args.length));
      case "prompt" -> PromptServiceMain.main(new String[0]);
      case "-h", "--help", "help" -> System.out.println(usage());
      default -> {
        System.err.println("unknown mode '" + mode + "'\n" + usage());
        System.exit(2);
      }
    }
  }

  private static String usage() {
    return """
    usage: headroom-app [all|signal|scoring|prompt|crm|demo]
      all      every service in one JVM; embedded PostgreSQL unless HEADROOM_DATABASE_URL is set
      demo     the platform plus a simulated SaaS host and its customers, then a report
               (demo --help for its options)
      signal   the signal service alone (HEADROOM_DATABASE_URL required)
      scoring  the scoring service alone (HEADROOM_DATABASE_URL and HEADROOM_PEERS_SIGNAL required)
      crm      the CRM connector alone (HEADROOM_DATABASE_URL, HEADROOM_PEERS_SCORING and
               HEADROOM_CRM_SECRETS_KEYS / _ACTIVE_KEY required)
      prompt   the prompt service alone (HEADROOM_DATABASE_URL, HEADROOM_PEERS_SIGNAL and
               HEADROOM_PEERS_SCORING required)\
    """;
  }

  private static void runAll() throws InterruptedException {
    Platform platform = Platform.start(System.getenv());
    platform
        .endpoints()
        .forEach(
            (service, e) ->
                System.out.printf(
                    "%-8s gRPC 127.0.0.1:%d   HTTP http://127.0.0.1:%d/observe/health%n",
                    service, e.grpcPort(), e.httpPort()));
    System.out.println("Headroom is running. Ctrl-C stops it.");
    RunUntilStopped.await("Headroom", platform);
  }
}
