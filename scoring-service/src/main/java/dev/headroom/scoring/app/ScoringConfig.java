package dev.headroom.scoring.app;

import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.db.DatabaseSettings;
import dev.headroom.kit.grpc.GrpcServerSettings;
import dev.headroom.kit.http.HttpSettings;
import dev.headroom.kit.outbox.OutboxPruner;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.kit.outbox.ResumingConsumer;
import dev.headroom.scoring.domain.measures.MeasuresRules;
import dev.headroom.scoring.service.Measures;
import dev.headroom.scoring.service.Rescorer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The scoring service's configuration, parsed once from {@code scoring.yaml} + environment. {@code
 * kit} is kept for {@link dev.headroom.kit.grpc.PeerChannels}, which resolves {@code peers.signal}
 * itself.
 */
public record ScoringConfig(
    KitConfig kit,
    GrpcServerSettings grpc,
    HttpSettings http,
    DatabaseSettings database,
    byte[] pagingSecret,
    String coreProductKey,
    Duration catalogRefreshInterval,
    Duration catalogDeadline,
    Measures.Settings measures,
    ResumingConsumer.Settings consumer,
    Rescorer.Settings rescore,
    OutboxWatch.Settings watch,
    OutboxPruner.Settings pruner) {

  public static ScoringConfig load(Map<String, String> env) {
    return from(
        KitConfig.load("scoring", "scoring.yaml", ScoringConfig.class.getClassLoader(), env));
  }

  public static ScoringConfig from(KitConfig c) {
    byte[] secret = c.string("paging.secret").getBytes(StandardCharsets.UTF_8);
    if (secret.length < 16) {
      throw new ConfigException("paging.secret", "paging.secret must be at least 16 bytes");
    }
    c.string("peers.signal"); // required: fail at startup, not at the first change
    return new ScoringConfig(
        c,
        GrpcServerSettings.from(c),
        HttpSettings.from(c),
        DatabaseSettings.from(c),
        secret,
        c.string("scoring.core-product-key"),
        c.duration("scoring.catalog-refresh-interval"),
        c.duration("scoring.catalog-deadline"),
        new Measures.Settings(
            positive(c, "measures.max-period"),
            new MeasuresRules(
                positive(c, "measures.conversion-window"),
                c.integer("measures.score-bucket-width", 1, 100),
                c.string("scoring.core-product-key"))),
        ResumingConsumer.Settings.from(c, "consumer"),
        new Rescorer.Settings(
            c.integer("rescore.batch-size", 1, 100_000),
            Math.min(
                Runtime.getRuntime().availableProcessors(), c.integer("rescore.threads", 1, 256))),
        OutboxWatch.Settings.from(c),
        OutboxPruner.Settings.from(c));
  }

  private static Duration positive(KitConfig c, String key) {
    Duration d = c.duration(key);
    if (!d.isPositive()) {
      throw new ConfigException(key, key + " must be positive");
    }
    return d;
  }

  @Override
  public String toString() {
    return "ScoringConfig[grpc=" + grpc + ", http=" + http + ", database=" + database + "]";
  }
}
