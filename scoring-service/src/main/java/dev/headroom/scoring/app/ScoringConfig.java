package dev.headroom.scoring.app;

import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.db.DatabaseSettings;
import dev.headroom.kit.grpc.GrpcServerSettings;
import dev.headroom.kit.http.HttpSettings;
import dev.headroom.kit.outbox.OutboxPruner;
import dev.headroom.kit.outbox.OutboxWatch;
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
    int cores = Runtime.getRuntime().availableProcessors();
    return new ScoringConfig(
        c,
        GrpcServerSettings.from(c),
        HttpSettings.from(c),
        DatabaseSettings.from(c),
        secret,
        c.string("scoring.core-product-key", "core"),
        c.duration("scoring.catalog-refresh-interval", Duration.ofMinutes(5)),
        c.duration("scoring.catalog-deadline", Duration.ofSeconds(10)),
        new Rescorer.Settings(
            c.integer("rescore.batch-size", 2000, 1, 100_000),
            Math.min(cores, c.integer("rescore.threads", cores, 1, 256))),
        new OutboxWatch.Settings(
            c.integer("outbox.watch-batch-size", 256, 1, 10_000),
            c.duration("outbox.watch-poll-interval", Duration.ofSeconds(2)),
            c.integer("outbox.watch-threads", 2, 1, 64)),
        OutboxPruner.Settings.from(c));
  }

  @Override
  public String toString() {
    return "ScoringConfig[grpc=" + grpc + ", http=" + http + ", database=" + database + "]";
  }
}
