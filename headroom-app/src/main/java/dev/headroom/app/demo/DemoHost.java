package dev.headroom.app.demo;

import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import dev.headroom.crm.app.CrmConfig;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.plugin.HeadroomClient;
import dev.headroom.signal.app.SignalConfig;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The simulated host wired to a running platform: its channels to the services (in-process, the
 * same client code as over the network), its prompt plugin, its billing, and the CRM its reps work
 * in. With {@code HEADROOM_DATA_DIR} it keeps its progress and the stand-in CRM's records under
 * {@code demo/} there, so that a demo whose process died resumes. Closing it closes the plugin
 * (flushing its events), the CRM stand-in and the channels.
 */
final class DemoHost implements AutoCloseable {
  /**
   * The plugin's hard deadline for a prompt. A host in production keeps the 50 ms default; the
   * demo's services share two busy cores with the simulation itself.
   */
  private static final Duration PROMPT_DEADLINE = Duration.ofSeconds(5);

  /** Accounts whose users are prompted at once. */
  private static final int PROMPT_THREADS = 2;

  private final DemoOptions options;
  private final SimulationClock clock;
  private final Duration metricsDebounce;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final SignalServiceBlockingStub signal;
  private final ScoringServiceBlockingStub scoring;
  private final HeadroomClient plugin;
  private final HostBilling billing;
  private final PromptStep prompts;
  private final Optional<CrmStep> crm;
  private final LongSupplier scoringBacklog;
  private final Optional<Path> dataDir;

  private DemoHost(
      DemoOptions options,
      SimulationClock clock,
      Map<String, String> env,
      LongSupplier scoringBacklog) {
    this.options = options;
    this.clock = clock;
    this.scoringBacklog = scoringBacklog;
    this.dataDir = Optional.ofNullable(env.get("HEADROOM_DATA_DIR")).map(Path::of);
    this.metricsDebounce = metricsDebounce(env);
    ManagedChannel signalChannel = channel(env, "signal");
    ManagedChannel scoringChannel = channel(env, "scoring");
    ManagedChannel promptChannel = channel(env, "prompt");
    ManagedChannel crmChannel = channel(env, "crm");
    this.signal = SignalServiceGrpc.newBlockingStub(signalChannel);
    this.scoring = ScoringServiceGrpc.newBlockingStub(scoringChannel);
    this.billing = new HostBilling(signal, scoring);
    // Simulated time runs thousands of times faster than real time: a "no prompt" answer
    // remembered for 1.5 s of real time would stand for simulated days, so the cache is off.
    this.plugin =
        HeadroomClient.builder()
            .promptService(promptChannel)
            .signalService(signalChannel)
            .deadline(PROMPT_DEADLINE)
            .cacheTtl(Duration.ZERO)
            .clock(clock)
            .build();
    this.prompts =
        new PromptStep(
            options.seed(),
            PromptServiceGrpc.newBlockingStub(promptChannel),
            plugin,
            billing,
            PROMPT_THREADS);
    this.crm =
        CrmStep.connect(
            options.seed(),
            clock,
            CrmConnectorServiceGrpc.newBlockingStub(crmChannel),
            scoring,
            billing,
            KitConfig.load("crm", "crm.yaml", CrmConfig.class.getClassLoader(), env)
                .duration("sync.outcome-poll-interval"),
            dataDir.map(d -> d.resolve("demo").resolve("crm-standin.jsonl")));
  }

  /**
   * Connects the host to the platform that {@code env} configured.
   *
   * @param scoringBacklog the changes signal-service published that scoring-service has not applied
   *     yet ({@link dev.headroom.app.Platform#scoringBacklog()})
   */
  static DemoHost connect(
      DemoOptions options,
      SimulationClock clock,
      Map<String, String> env,
      LongSupplier scoringBacklog) {
    return new DemoHost(options, clock, env, scoringBacklog);
  }

  /** Runs the simulation and reads the report back from the services. */
  DemoReport simulate(Progress progress) throws InterruptedException {
    return new Simulation(
            options,
            clock,
            signal,
            scoring,
            billing,
            prompts,
            crm,
            progress,
            metricsDebounce,
            scoringBacklog,
            dataDir.map(DemoCheckpoint::file))
        .run();
  }

  /** The CRM the reps work in, when there is one. */
  Optional<CrmStep> crm() {
    return crm;
  }

  /** The in-process name a service of the platform serves under (see Platform's defaults). */
  private ManagedChannel channel(Map<String, String> env, String service) {
    String alias =
        env.getOrDefault(
            "HEADROOM_" + service.toUpperCase(Locale.ROOT) + "_GRPC_IN_PROCESS_ALIAS",
            env.getOrDefault("HEADROOM_GRPC_IN_PROCESS_ALIAS", service));
    ManagedChannel c = InProcessChannelBuilder.forName(alias).build();
    channels.add(c);
    return c;
  }

  /** signal-service's metrics debounce as the platform configures it from the same environment. */
  private static Duration metricsDebounce(Map<String, String> env) {
    return KitConfig.load("signal", "signal.yaml", SignalConfig.class.getClassLoader(), env)
        .duration("evaluation.metrics-debounce");
  }

  @Override
  public void close() {
    prompts.close();
    plugin.close();
    crm.ifPresent(CrmStep::close);
    channels.forEach(ManagedChannel::shutdownNow);
  }
}
