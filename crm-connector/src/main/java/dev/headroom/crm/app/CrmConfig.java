package dev.headroom.crm.app;

import dev.headroom.crm.admin.ConnectionAdmin;
import dev.headroom.crm.client.HttpCaller;
import dev.headroom.crm.domain.Provider;
import dev.headroom.crm.sync.Connections;
import dev.headroom.crm.sync.SyncEngine;
import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.db.DatabaseSettings;
import dev.headroom.kit.grpc.GrpcServerSettings;
import dev.headroom.kit.http.HttpSettings;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.OutboxPruner;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.kit.outbox.ResumingConsumer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The CRM connector's configuration, parsed once from {@code crm.yaml} + environment. */
public record CrmConfig(
    KitConfig kit,
    GrpcServerSettings grpc,
    HttpSettings http,
    DatabaseSettings database,
    byte[] pagingSecret,
    Map<String, byte[]> secretKeys,
    String activeKey,
    ConnectionAdmin.Defaults connectionDefaults,
    Connections.Settings connections,
    Duration connectTimeout,
    SyncEngine.Settings sync,
    ResumingConsumer.Settings follower,
    OutboxWatch.Settings watch,
    OutboxPruner.Settings pruner) {

  public static CrmConfig load(Map<String, String> env) {
    return from(KitConfig.load("crm", "crm.yaml", CrmConfig.class.getClassLoader(), env));
  }

  public static CrmConfig from(KitConfig c) {
    byte[] secret = c.string("paging.secret").getBytes(StandardCharsets.UTF_8);
    if (secret.length < 16) {
      throw new ConfigException("paging.secret", "paging.secret must be at least 16 bytes");
    }
    c.string("peers.scoring");
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (String entry :
        java.util.regex.Pattern.compile(",").splitAsStream(c.string("secrets.keys")).toList()) {
      int colon = entry.indexOf(':');
      if (colon < 1) {
        throw new ConfigException("secrets.keys", "secrets.keys entries are <id>:<base64 key>");
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(entry.substring(colon + 1).strip());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("secrets.keys", "secrets.keys: a key is not base64");
      }
      if (key.length != 32) {
        throw new ConfigException("secrets.keys", "secrets.keys: each key must be 32 bytes");
      }
      keys.put(entry.substring(0, colon).strip(), key);
    }
    String active = c.string("secrets.active-key");
    if (!keys.containsKey(active)) {
      throw new ConfigException(
          "secrets.active-key", "secrets.active-key names no key of secrets.keys");
    }
    HttpCaller.Settings http =
        new HttpCaller.Settings(
            c.integer("crm-http.max-attempts", 5, 1, 20),
            backoff(c, "crm-http.retry-initial", "crm-http.retry-max"),
            c.duration("crm-http.request-timeout", Duration.ofSeconds(30)),
            c.duration("crm-http.max-retry-after", Duration.ofSeconds(60)));
    return new CrmConfig(
        c,
        GrpcServerSettings.from(c),
        HttpSettings.from(c),
        DatabaseSettings.from(c),
        secret,
        Map.copyOf(keys),
        active,
        new ConnectionAdmin.Defaults(
            c.string("salesforce.api-version", "v62.0"),
            c.duration("sync.debounce", Duration.ofSeconds(30)),
            c.duration("sync.reconcile-interval", Duration.ofHours(24))),
        new Connections.Settings(
            Map.of(
                Provider.SALESFORCE, rate(c, "salesforce.requests-per-second"),
                Provider.HUBSPOT, rate(c, "hubspot.requests-per-second")),
            Map.of(
                Provider.SALESFORCE, c.integer("salesforce.burst", 20, 1, 1000),
                Provider.HUBSPOT, c.integer("hubspot.burst", 19, 1, 1000)),
            http),
        c.duration("crm-http.connect-timeout", Duration.ofSeconds(5)),
        new SyncEngine.Settings(
            c.duration("sync.poll-interval", Duration.ofSeconds(1)),
            c.duration("sync.outcome-poll-interval", Duration.ofMinutes(5)),
            c.integer("sync.max-attempts", 5, 1, 100),
            backoff(c, "sync.retry-initial", "sync.retry-max"),
            backoff(c, "sync.outage-retry-initial", "sync.outage-retry-max"),
            positive(c, "sync.outage-probe-interval", Duration.ofSeconds(5)),
            c.integer("sync.batches-per-tick", 10, 1, 1000),
            c.duration("sync.action-turn-while-records-wait", Duration.ofSeconds(5)),
            c.duration("sync.lease", Duration.ofMinutes(2)),
            c.duration("sync.retention", Duration.ofDays(14)),
            c.duration("sync.task-refire-window", Duration.ofDays(7))),
        ResumingConsumer.Settings.from(c, "follower"),
        new OutboxWatch.Settings(
            c.integer("outbox.watch-batch-size", 256, 1, 10_000),
            c.duration("outbox.watch-poll-interval", Duration.ofSeconds(2)),
            c.integer("outbox.watch-threads", 2, 1, 64)),
        OutboxPruner.Settings.from(c));
  }

  private static double rate(KitConfig c, String key) {
    try {
      double r = Double.parseDouble(c.string(key));
      if (r <= 0) {
        throw new ConfigException(key, key + " must be positive");
      }
      return r;
    } catch (NumberFormatException e) {
      throw new ConfigException(key, key + " must be a number");
    }
  }

  private static Duration positive(KitConfig c, String key, Duration fallback) {
    Duration d = c.duration(key, fallback);
    if (d.isZero()) {
      throw new ConfigException(key, key + " must be longer than zero");
    }
    return d;
  }

  private static Backoff backoff(KitConfig c, String initialKey, String maxKey) {
    Duration initial = c.duration(initialKey);
    Duration max = c.duration(maxKey);
    if (max.compareTo(initial) < 0) {
      throw new ConfigException(maxKey, maxKey + " must be at least " + initialKey);
    }
    return new Backoff(initial, max, 2.0, 0.5);
  }

  @Override
  public String toString() {
    return "CrmConfig[grpc=" + grpc + ", http=" + http + ", database=" + database + "]";
  }
}
