package dev.headroom.prompt.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.prompt.decision.CapSettings;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** prompt.yaml is the one place a default lives: a key missing from it fails at startup. */
class PromptConfigTest {
  private static final List<String> PROMPT_KEYS =
      List.of(
          "context.core-product-key",
          "context.catalog-refresh-interval",
          "context.catalog-deadline",
          "context.expected-accounts",
          "caps.per-day",
          "caps.per-week",
          "caps.dismissal-cooldown",
          "campaigns.refresh-interval",
          "experiments.attribution-window",
          "exposures.queue-capacity",
          "exposures.batch-size",
          "exposures.flush-interval",
          "exposures.max-batch-delay");

  private static final Map<String, String> REQUIRED_ENV =
      Map.of(
          "HEADROOM_PROMPT_DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/none",
          "HEADROOM_PROMPT_PAGING_SECRET", "prompt-test-secret-0123456789",
          "HEADROOM_PROMPT_PEERS_SIGNAL", "127.0.0.1:1",
          "HEADROOM_PROMPT_PEERS_SCORING", "127.0.0.1:1");

  @Test
  void theShippedYamlHoldsTheDocumentedCapsAndEveryKeyItNeeds() {
    PromptConfig config = PromptConfig.load(REQUIRED_ENV);
    assertEquals(new CapSettings(1, 3, Duration.ofDays(14)), config.caps());
    assertEquals(new CapSettings(1, 3, Duration.ofDays(14)), CapSettings.defaults());
    assertEquals(Duration.ofDays(14), config.attributionWindow());
  }

  @Test
  void theEnvironmentOverridesTheYamlCaps() {
    Map<String, String> env = new HashMap<>(REQUIRED_ENV);
    env.put("HEADROOM_PROMPT_CAPS_PER_DAY", "2");
    env.put("HEADROOM_PROMPT_CAPS_DISMISSAL_COOLDOWN", "3d");
    assertEquals(new CapSettings(2, 3, Duration.ofDays(3)), PromptConfig.load(env).caps());
  }

  @Test
  void everyPromptSettingMissingFromTheYamlFailsNamingItsKey() throws IOException {
    Map<String, String> shipped = shippedDefaults();
    for (String key : PROMPT_KEYS) {
      Map<String, String> withoutKey = new HashMap<>(shipped);
      assertEquals(true, withoutKey.remove(key) != null, key + " is in prompt.yaml");
      KitConfig config = new KitConfig("prompt", withoutKey, REQUIRED_ENV);
      ConfigException e = assertThrows(ConfigException.class, () -> PromptConfig.from(config));
      assertEquals(key, e.key());
    }
  }

  private static Map<String, String> shippedDefaults() throws IOException {
    try (InputStream in = PromptConfig.class.getClassLoader().getResourceAsStream("prompt.yaml")) {
      Map<String, String> flat = new HashMap<>();
      flatten("", new Yaml(new SafeConstructor(new LoaderOptions())).load(in), flat);
      return flat;
    }
  }

  private static void flatten(String prefix, Object node, Map<String, String> out) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, out));
    } else if (node != null) {
      out.put(prefix, String.valueOf(node));
    }
  }
}
