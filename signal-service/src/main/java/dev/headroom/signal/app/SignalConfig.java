package dev.headroom.signal.app;

import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.db.DatabaseSettings;
import dev.headroom.kit.grpc.GrpcServerSettings;
import dev.headroom.kit.http.HttpSettings;
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
        Arrays.stream(c.string("engine.api-meter-keys", "api_calls").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    return new SignalConfig(
        GrpcServerSettings.from(c),
        HttpSettings.from(c),
        DatabaseSettings.from(c),
        secret,
        new EngineSettings(
            c.string("engine.core-product-key", "core"),
            apiMeters,
            c.integer("engine.activation-min-active-users", 3, 0, 1_000_000),
            c.integer("engine.activation-min-workflows", 1, 0, 1_000_000)),
        new EvaluationQueue.Settings(
            c.integer(
                "evaluation.threads",
                Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                1,
                64),
            c.integer("evaluation.queue-capacity", 50_000, 1, 10_000_000),
            c.duration("evaluation.metrics-debounce", Duration.ofSeconds(5))),
        new EvaluationScheduler.Settings(
            c.duration("evaluation.sweep-interval", Duration.ofHours(1)),
            c.duration("evaluation.first-sweep-delay", Duration.ofSeconds(10)),
            c.duration("evaluation.refresh-interval", Duration.ofSeconds(30)),
            c.duration("events.raw-retention", Duration.ofDays(400)),
            c.duration("outbox.retention", Duration.ofDays(7))),
        c.duration("evaluation.evaluate-timeout", Duration.ofSeconds(60)),
        new OutboxWatch.Settings(
            c.integer("outbox.watch-batch-size", 256, 1, 10_000),
            c.duration("outbox.watch-poll-interval", Duration.ofSeconds(2)),
            c.integer("outbox.watch-threads", 2, 1, 64)),
        c.integer("evaluation.timeline-cache-facts", 1_000_000, 0, 100_000_000),
        c.duration("events.rollup-compact-interval", Duration.ofSeconds(1)),
        new IngestLoad.Settings(
            c.integer("background.percent-under-ingest-load", 25, 1, 100) / 100.0,
            c.integer("background.ingest-saturated-batches", 2, 1, 1_000)));
  }

  @Override
  public String toString() {
    return "SignalConfig[grpc=" + grpc + ", http=" + http + ", database=" + database + "]";
  }
}
