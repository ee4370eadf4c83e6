package dev.headroom.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KitConfigTest {
  private static KitConfig load(Map<String, String> env) {
    return KitConfig.load("kittest", "kittest.yaml", KitConfigTest.class.getClassLoader(), env);
  }

  @Test
  void yamlDefaultsAreTyped() {
    KitConfig c = load(Map.of());
    assertEquals(4, c.integer("grpc.threads"));
    assertEquals(Duration.ofSeconds(1), c.duration("database.connection-timeout"));
    assertEquals(Duration.ofDays(7), c.duration("outbox.retention"));
    assertEquals("127.0.0.1", c.string("http.host"));
    assertTrue(c.bool("missing.flag", true));
  }

  @Test
  void serviceSpecificEnvironmentBeatsSharedWhichBeatsDefaults() {
    KitConfig shared = load(Map.of("HEADROOM_GRPC_THREADS", "8"));
    assertEquals(8, shared.integer("grpc.threads"));
    KitConfig specific =
        load(Map.of("HEADROOM_GRPC_THREADS", "8", "HEADROOM_KITTEST_GRPC_THREADS", "12"));
    assertEquals(12, specific.integer("grpc.threads"));
    assertEquals(
        "HEADROOM_KITTEST_DATABASE_POOL_SIZE", specific.serviceEnvName("database.pool-size"));
  }

  @Test
  void badValuesNameTheKeyAndTheVariable() {
    KitConfig c =
        load(
            Map.of(
                "HEADROOM_KITTEST_GRPC_PORT",
                "ninety",
                "HEADROOM_KITTEST_OUTBOX_RETENTION",
                "soon",
                "HEADROOM_KITTEST_FEATURE_ON",
                "maybe"));
    ConfigException port = assertThrows(ConfigException.class, () -> c.integer("grpc.port"));
    assertEquals("grpc.port", port.key());
    assertTrue(port.getMessage().contains("HEADROOM_KITTEST_GRPC_PORT"), port.getMessage());
    assertTrue(port.getMessage().contains("ninety"), port.getMessage());
    ConfigException retention =
        assertThrows(ConfigException.class, () -> c.duration("outbox.retention"));
    assertTrue(retention.getMessage().contains("outbox.retention"), retention.getMessage());
    assertThrows(ConfigException.class, () -> c.bool("feature.on"));
  }

  @Test
  void missingRequiredKeyAndOutOfRangeAreReported() {
    KitConfig c = load(Map.of("HEADROOM_KITTEST_GRPC_PORT", "70000"));
    ConfigException missing = assertThrows(ConfigException.class, () -> c.string("crm.api-key"));
    assertTrue(missing.getMessage().contains("HEADROOM_KITTEST_CRM_API_KEY"), missing.getMessage());
    assertThrows(ConfigException.class, () -> c.integer("grpc.port", 0, 0, 65535));
  }

  @Test
  void toStringNeverShowsValues() {
    KitConfig c = load(Map.of("HEADROOM_DATABASE_PASSWORD", "s3cret"));
    assertFalse(c.toString().contains("s3cret"));
    assertFalse(c.toString().contains("kit-test-secret"));
  }
}
