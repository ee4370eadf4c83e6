package dev.headroom.app.demo;

import dev.headroom.app.Platform;
import dev.headroom.kit.RunUntilStopped;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./headroom demo}: starts the platform on a simulation clock, simulates a SaaS host with
 * its customers for the requested days, prints the report and writes it as Markdown and JSON, then
 * leaves the platform running with its data (Ctrl-C stops it) unless {@code --exit}.
 */
public final class DemoCommand {
  private DemoCommand() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(DemoOptions.usage());
      return;
    }
    DemoOptions options;
    try {
      options = DemoOptions.parse(Arrays.asList(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + DemoOptions.usage());
      System.exit(2);
      return;
    }
    Map<String, String> env = environment(System.getenv());
    // A demo that stopped half-way on this data directory goes on from where it stood.
    Optional<DemoCheckpoint> checkpoint =
        Optional.ofNullable(env.get("HEADROOM_DATA_DIR"))
            .map(d -> DemoCheckpoint.file(Path.of(d)))
            .flatMap(DemoCheckpoint::read);
    SimulationClock clock =
        new SimulationClock(
            checkpoint
                .map(c -> Instant.parse(c.clock()))
                .orElse(simulationStart(Instant.now(), options.days())));
    Progress progress =
        new Progress(System.err, "bar".equals(env.get("HEADROOM_PROGRESS")), options.days());
    long starting = System.nanoTime();
    // A resuming demo keeps its CRM connection: a new local stand-in connection would replace it,
    // and with it the opportunities the connector opened and follows up.
    Platform platform = Platform.start(env, clock, checkpoint.isEmpty());
    progress.note(
        String.format(
            Locale.ROOT, "demo: platform started in %.1f s", (System.nanoTime() - starting) / 1e9));
    DemoHost host;
    try {
      host = DemoHost.connect(options, clock, env, platform::scoringBacklog);
    } catch (RuntimeException e) {
      platform.close();
      throw e;
    }
    AutoCloseable everything =
        () -> {
          host.close();
          platform.close();
        };
    try {
      DemoReport report = host.simulate(progress);
      System.out.print(ReportWriter.render(report, ReportWriter.Style.TERMINAL));
      Path folder = reportFolder(env);
      ReportWriter.writeFiles(report, folder);
      System.out.println(
          "Report written to " + folder.toAbsolutePath() + " (report.md, report.json)");
    } catch (RuntimeException | IOException e) {
      everything.close();
      throw e;
    }
    // From here on the platform lives in real time, starting where the simulation ended.
    clock.release();
    if (options.exit()) {
      everything.close();
      return;
    }
    platform
        .endpoints()
        .forEach(
            (service, e) ->
                System.out.printf(
                    Locale.ROOT,
                    "%-8s gRPC 127.0.0.1:%d   HTTP http://127.0.0.1:%d/observe/health%n",
                    service,
                    e.grpcPort(),
                    e.httpPort()));
    System.out.println("Headroom keeps running with the demo's data. Ctrl-C stops it.");
    RunUntilStopped.await("Headroom", everything);
  }

  /**
   * The platform's settings for the demo, where the caller did not set them: signal-service
   * evaluates accounts with more threads than its default of one per two cores (an evaluation
   * spends most of its time waiting on PostgreSQL, and the demo's host waits for every account's
   * evaluation each simulated week).
   */
  static Map<String, String> environment(Map<String, String> env) {
    Map<String, String> tuned = new HashMap<>(env);
    tuned.putIfAbsent("HEADROOM_SIGNAL_EVALUATION_THREADS", "4");
    // The demo's data is simulated: a commit need not wait for its WAL flush. A kill of the demo
    // still loses nothing acknowledged (the server outlives the JVM and is stopped cleanly on the
    // next start); only a crash of the machine could lose the last fraction of a second.
    tuned.putIfAbsent(Platform.EMBEDDED_SYNCHRONOUS_COMMIT, "off");
    return Map.copyOf(tuned);
  }

  /**
   * The simulation ends at the start of today (UTC), so once it is over the platform can carry on
   * in real time without its clock going back.
   */
  static Instant simulationStart(Instant now, int days) {
    return now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(days));
  }

  /** Under the data directory when there is one (the data outlives the run), else under target/. */
  static Path reportFolder(Map<String, String> env) {
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());
    String dataDir = env.get("HEADROOM_DATA_DIR");
    return dataDir != null
        ? Path.of(dataDir, "reports", "demo-" + stamp)
        : Path.of("target", "demo-report-" + stamp);
  }
}
