package dev.headroom.signal.app;

import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.db.DatabaseSettings;
import dev.headroom.kit.grpc.GrpcServerSettings;
import dev.headroom.kit.http.HttpSettings;
import dev.headroom.kit.outbox.OutboxPruner;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.signal.engine.EngineSettings;
import dev.headroom.signal.evaluation.EvaluationQueue;
import dev.headroom.signal.evaluation.EvaluationScheduler;
import dev.headroom.signal.ingest.IngestLoad;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The signal service's configuration, parsed once from {@code signal.yaml} + environment. */
public record SignalConfig(
    GrpcServerSettings grpc,
    HttpSettings http,
    DatabaseSettings database,
    byte[] pagingSecret,
    EngineSettings engine,
    EvaluationQueue.Settings evaluator,
    EvaluationScheduler.Settings scheduler,
    Duration evaluateTimeout,
    OutboxWatch.Settings watch,
    OutboxPruner.Settings pruner,
    long timelineCacheFacts,
    Duration rollupCompactInterval,
    IngestLoad.Settings background) {

  public static SignalConfig load(Map<String, String> env) {
    return from(KitConfig.load("signal", "signal.yaml", SignalConfig.class.getClassLoader(), env));
  }

  public static SignalConfig from(KitConfig c) {
    byte[] secret = c.string("paging.secret").getBytes(StandardCharsets.UTF_8);
    if (secret.length < 16) {
      throw new ConfigException("paging.secret", "paging.secret must be at least 16 bytes");
    }
    List<String> apiMeters =
        Arrays.stream(c.string("engine.api-meter-keys").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    return new SignalConfig(
        GrpcServerSettings.from(c),
        HttpSettings.from(c),
        DatabaseSettings.from(c),
        secret,
        new EngineSettings(
            c.string("engine.core-product-key"),
            apiMeters,
            c.integer("engine.activation-min-active-users", 0, 1_000_000),
            c.integer("engine.activation-min-workflows", 0, 1_000_000)),
        new EvaluationQueue.Settings(
            evaluatorThreads(c.integer("evaluation.threads", 0, 64)),
            c.integer("evaluation.queue-capacity", 1, 10_000_000),
            c.duration("evaluation.metrics-debounce")),
        new EvaluationScheduler.Settings(
            c.duration("evaluation.sweep-interval"),
            c.duration("evaluation.first-sweep-delay"),
            c.duration("evaluation.refresh-interval"),
            c.duration("events.raw-retention")),
        c.duration("evaluation.evaluate-timeout"),
        OutboxWatch.Settings.from(c),
        OutboxPruner.Settings.from(c),
        c.integer("evaluation.timeline-cache-facts", 0, 100_000_000),
        c.duration("events.rollup-compact-interval"),
        new IngestLoad.Settings(
            c.integer("background.percent-under-ingest-load", 1, 100) / 100.0,
            c.integer("background.ingest-saturated-batches", 1, 1_000)));
  }

  /** {@code evaluation.threads}: 0 means half the available cores, at least one. */
  private static int evaluatorThreads(int configured) {
    return configured > 0
        ? configured
        : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  @Override
  public String toString() {
    return "SignalConfig[grpc=" + grpc + ", http=" + http + ", database=" + database + "]";
  }
}
