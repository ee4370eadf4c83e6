package dev.headroom.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code <headroom-prompt>} component's logic under Node's test runner, and where the jar
 * carries it. The component in a browser against the real platform is headroom-app's
 * BrowserAgainstPlatformTest.
 */
class WebComponentTest {
  private static final Path WEB = Path.of("src/test/web");

  @Test
  void renderingLogicPassesItsNodeTests() throws Exception {
    Process node =
        new ProcessBuilder("node", "--test", "headroom-prompt.test.mjs")
            .directory(WEB.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!node.waitFor(2, TimeUnit.MINUTES)) {
      node.destroyForcibly();
      throw new AssertionError("node did not finish: " + out);
    }
    assertEquals(0, node.exitValue(), out);
  }

  @Test
  void theJarCarriesTheComponentUnderItsVersion() throws IOException {
    try (InputStream script =
        WebComponent.class.getClassLoader().getResourceAsStream(WebComponent.RESOURCE)) {
      assertNotNull(script, WebComponent.RESOURCE);
      String text = new String(script.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(
          text.contains("version " + WebComponent.VERSION),
          "the file names the version it is served under");
    }
  }
}
