package dev.headroom.plugin;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Node and browser tests need npm packages and Debian's chromium. A developer without them sees
 * those tests skipped with the command that installs them; {@code ./headroom test} installs them
 * and sets {@code HEADROOM_REQUIRE_PLUGIN_TOOLS}, so there a missing tool fails the build.
 */
final class PluginTestTools {
  private PluginTestTools() {}

  static void needs(boolean present, String howToGetIt) {
    if (System.getenv("HEADROOM_REQUIRE_PLUGIN_TOOLS") != null) {
      assertTrue(present, howToGetIt);
    } else {
      assumeTrue(present, howToGetIt);
    }
  }
}
