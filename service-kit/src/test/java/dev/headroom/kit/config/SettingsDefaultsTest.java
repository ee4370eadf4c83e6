package dev.headroom.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.db.DatabaseSettings;
import dev.headroom.kit.grpc.GrpcServerSettings;
import dev.headroom.kit.http.HttpSettings;
import dev.headroom.kit.outbox.OutboxPruner;
import dev.headroom.kit.outbox.OutboxWatch;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The kit's settings records take every value from the configuration, never from Java. */
class SettingsDefaultsTest {
  private static final KitConfig EMPTY = new KitConfig("kittest", Map.of(), Map.of());

  @Test
  void aKeyMissingFromTheYamlFailsNamingTheKeyAndItsVariable() {
    assertMissing("grpc.port", GrpcServerSettings::from);
    assertMissing("http.host", HttpSettings::from);
    assertMissing("database.url", DatabaseSettings::from);
    assertMissing("outbox.retention", OutboxPruner.Settings::from);
    assertMissing("outbox.watch-batch-size", OutboxWatch.Settings::from);
  }

  @Test
  void theYamlValuesAreTheOnesUsed() {
    KitConfig c =
        KitConfig.load(
            "kittest", "kittest.yaml", SettingsDefaultsTest.class.getClassLoader(), Map.of());
    GrpcServerSettings grpc = GrpcServerSettings.from(c);
    assertEquals(4, grpc.threads());
    assertEquals(64, grpc.queueCapacity());
    assertEquals(Duration.ofSeconds(1), grpc.gracePeriod());
    assertEquals("", grpc.inProcessAlias());
    assertEquals(Duration.ofMinutes(5), OutboxPruner.Settings.from(c).interval());
    assertEquals(1000, OutboxPruner.Settings.from(c).batchSize());
    assertEquals(
        new OutboxWatch.Settings(256, Duration.ofSeconds(2), 2), OutboxWatch.Settings.from(c));
    assertEquals("kittest", DatabaseSettings.from(c).schema());
  }

  private static void assertMissing(String key, Function<KitConfig, ?> settings) {
    ConfigException e = assertThrows(ConfigException.class, () -> settings.apply(EMPTY));
    assertEquals(key, e.key());
    assertTrue(e.getMessage().contains(EMPTY.serviceEnvName(key)), e.getMessage());
  }
}
