package dev.headroom.app.demo;

import dev.headroom.app.Platform;
import dev.headroom.kit.RunUntilStopped;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.signal.app.SignalConfig;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
    Map<String, String> env = System.getenv();
    SimulationClock clock = new SimulationClock(simulationStart(Instant.now(), options.days()));
    Progress progress =
        new Progress(System.err, "bar".equals(env.get("HEADROOM_PROGRESS")), options.days());
    long starting = System.nanoTime();
    Platform platform = Platform.start(env, clock);
    progress.note(
        String.format(
            Locale.ROOT, "demo: platform started in %.1f s", (System.nanoTime() - starting) / 1e9));
    try {
      DemoReport report = simulate(options, platform, clock, env, progress);
      System.out.print(ReportWriter.render(report, ReportWriter.Style.TERMINAL));
      Path folder = reportFolder(env);
      ReportWriter.writeFiles(report, folder);
      System.out.println(
          "Report written to " + folder.toAbsolutePath() + " (report.md, report.json)");
    } catch (RuntimeException | IOException e) {
      platform.close();
      throw e;
    }
    // From here on the platform lives in real time, starting where the simulation ended.
    clock.release();
    if (options.exit()) {
      platform.close();
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
    RunUntilStopped.await("Headroom", platform);
  }

  /**
   * The simulation ends at the start of today (UTC), so once it is over the platform can carry on
   * in real time without its clock going back.
   */
  static Instant simulationStart(Instant now, int days) {
    return now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(days));
  }

  /**
   * Runs the simulation against a started platform through its in-process gRPC channels and reads
   * the report back from the services.
   */
  static DemoReport simulate(
      DemoOptions options,
      Platform platform,
      SimulationClock clock,
      Map<String, String> env,
      Progress progress)
      throws InterruptedException {
    ManagedChannel signal = channel(env, "signal");
    ManagedChannel scoring = channel(env, "scoring");
    try {
      return new Simulation(
              options,
              clock,
              signal,
              scoring,
              PromptStep.NOT_RUNNING,
              CrmStep.NOT_RUNNING,
              progress,
              metricsDebounce(env))
          .run();
    } finally {
      signal.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      scoring.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The in-process name a service of the platform serves under (see Platform's defaults). */
  private static ManagedChannel channel(Map<String, String> env, String service) {
    String alias =
        env.getOrDefault(
            "HEADROOM_" + service.toUpperCase(Locale.ROOT) + "_GRPC_IN_PROCESS_ALIAS",
            env.getOrDefault("HEADROOM_GRPC_IN_PROCESS_ALIAS", service));
    return InProcessChannelBuilder.forName(alias).build();
  }

  /** signal-service's metrics debounce as the platform configures it from the same environment. */
  private static Duration metricsDebounce(Map<String, String> env) {
    return KitConfig.load("signal", "signal.yaml", SignalConfig.class.getClassLoader(), env)
        .duration("evaluation.metrics-debounce");
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
