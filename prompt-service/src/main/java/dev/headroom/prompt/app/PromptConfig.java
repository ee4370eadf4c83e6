package dev.headroom.prompt.app;

import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.db.DatabaseSettings;
import dev.headroom.kit.grpc.GrpcServerSettings;
import dev.headroom.kit.http.HttpSettings;
import dev.headroom.prompt.consume.ContextFeeds;
import dev.headroom.prompt.decision.CapSettings;
import dev.headroom.prompt.exposure.ExposureWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The prompt service's configuration, parsed once from {@code prompt.yaml} + environment. */
public record PromptConfig(
    KitConfig kit,
    GrpcServerSettings grpc,
    HttpSettings http,
    DatabaseSettings database,
    byte[] pagingSecret,
    Optional<String> crmPeer,
    ContextFeeds.Settings context,
    int expectedAccounts,
    CapSettings caps,
    Duration campaignRefresh,
    Duration attributionWindow,
    ExposureWriter.Settings exposures) {

  public static PromptConfig load(Map<String, String> env) {
    return from(KitConfig.load("prompt", "prompt.yaml", PromptConfig.class.getClassLoader(), env));
  }

  public static PromptConfig from(KitConfig c) {
    byte[] secret = c.string("paging.secret").getBytes(StandardCharsets.UTF_8);
    if (secret.length < 16) {
      throw new ConfigException("paging.secret", "paging.secret must be at least 16 bytes");
    }
    c.string("peers.signal");
    c.string("peers.scoring");
    Duration window = c.duration("experiments.attribution-window");
    if (window.isZero() || window.isNegative()) {
      throw new ConfigException(
          "experiments.attribution-window", "experiments.attribution-window must be positive");
    }
    return new PromptConfig(
        c,
        GrpcServerSettings.from(c),
        HttpSettings.from(c),
        DatabaseSettings.from(c),
        secret,
        c.optionalString("peers.crm"),
        new ContextFeeds.Settings(
            c.string("context.core-product-key"),
            c.duration("context.catalog-refresh-interval"),
            c.duration("context.catalog-deadline")),
        c.integer("context.expected-accounts", 0, 100_000_000),
        CapSettings.from(c),
        c.duration("campaigns.refresh-interval"),
        window,
        new ExposureWriter.Settings(
            c.integer("exposures.queue-capacity", 1, 10_000_000),
            c.integer("exposures.batch-size", 1, 100_000),
            c.duration("exposures.flush-interval"),
            c.duration("exposures.max-batch-delay")));
  }

  @Override
  public String toString() {
    return "PromptConfig[grpc=" + grpc + ", http=" + http + ", database=" + database + "]";
  }
}
