package dev.headroom.app.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.kit.testing.Await;
import dev.headroom.plugin.HeadroomClient;
import dev.headroom.plugin.WebComponent;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code <headroom-prompt>} web component in headless Chromium, on the pages of the README's
 * host example, against the real platform: the script comes from prompt-service's versioned URL,
 * the prompt from a real GetPrompt answer, and the clicks and dismissals end up in prompt-service's
 * store.
 */
class BrowserAgainstPlatformTest {
  @RegisterExtension static final PlatformWithOffer PLATFORM = new PlatformWithOffer();

  /** The browser script and its npm packages live with the plugin. */
  private static final Path WEB = Path.of("../prompt-plugin/src/test/web");

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  void promptServiceServesTheComponentUnderItsVersionOnly() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> script = get(http, PLATFORM.promptHttp() + WebComponent.PATH);
    HttpResponse<String> otherVersion =
        get(http, PLATFORM.promptHttp() + "/assets/headroom-prompt/0.0.1/headroom-prompt.js");
    HttpResponse<String> notAVersion =
        get(http, PLATFORM.promptHttp() + "/assets/headroom-prompt/latest/headroom-prompt.js");

    assertEquals(200, script.statusCode());
    assertTrue(script.body().contains("customElements.define('headroom-prompt'"), "the component");
    assertEquals(
        "text/javascript; charset=utf-8", script.headers().firstValue("content-type").orElse(""));
    assertEquals(
        "public, max-age=31536000, immutable",
        script.headers().firstValue("cache-control").orElse(""));
    assertEquals("*", script.headers().firstValue("access-control-allow-origin").orElse(""));
    assertEquals(404, otherVersion.statusCode());
    assertEquals(404, notAVersion.statusCode());
  }

  @Test
  void browserRendersARealOfferAndPromptServiceStoresTheClickAndTheDismissal() throws Exception {
    required(
        Files.isDirectory(WEB.resolve("node_modules/playwright-core")),
        "run `npm ci --prefix prompt-plugin/src/test/web` first");
    required(Files.isExecutable(CHROMIUM), "needs Debian's chromium at " + CHROMIUM);
    try (HeadroomClient client =
        HeadroomClient.builder()
            .plaintext()
            .promptService("127.0.0.1:" + PLATFORM.promptGrpcPort())
            .signalService("127.0.0.1:" + PLATFORM.signalGrpcPort())
            .deadline(Duration.ofSeconds(5))
            .batching(100, Duration.ofMillis(20))
            .build()) {
      WebServer host =
          WebServer.builder()
              .host("127.0.0.1")
              .port(0)
              .shutdownHook(false)
              .routing(r -> HostExample.routes(r, client, PLATFORM.promptHttp()))
              .build()
              .start();
      String out;
      Process browser;
      Path shots = Path.of("target/screenshots").toAbsolutePath();
      try {
        browser =
            new ProcessBuilder(
                    List.of(
                        "node", "browser.mjs", "http://127.0.0.1:" + host.port(), shots.toString()))
                .directory(WEB.toFile())
                .redirectErrorStream(true)
                .start();
        out = output(browser);
      } finally {
        host.stop();
      }
      assertEquals(0, browser.exitValue(), out);
      List<String> lines = out.strip().lines().toList();
      JsonNode ids = new ObjectMapper().readTree(lines.get(lines.size() - 1));
      String clicked = ids.path("clicked").asText();
      String dismissed = ids.path("dismissed").asText();

      Await.until(
          "prompt-service stored the click and the dismissal",
          () ->
              PLATFORM.storedPromptEvents(clicked).containsKey("CLICKED")
                  && PLATFORM.storedPromptEvents(dismissed).containsKey("DISMISSED"));
      assertEquals(Map.of("CLICKED", 1, "SHOWN", 1), PLATFORM.storedPromptEvents(clicked));
      assertEquals(Map.of("DISMISSED", 1, "SHOWN", 1), PLATFORM.storedPromptEvents(dismissed));
      assertTrue(Files.size(shots.resolve("prompt-en.png")) > 0);
      assertTrue(Files.size(shots.resolve("prompt-ar.png")) > 0);
    }
  }

  /**
   * A developer without the browser tools sees this test skipped with the command that installs
   * them; {@code ./headroom test} installs them and sets {@code HEADROOM_REQUIRE_PLUGIN_TOOLS}, so
   * there a missing tool fails the build.
   */
  private static void required(boolean present, String howToGetIt) {
    if (System.getenv("HEADROOM_REQUIRE_PLUGIN_TOOLS") != null) {
      assertTrue(present, howToGetIt);
    } else {
      assumeTrue(present, howToGetIt);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String output(Process p) throws IOException, InterruptedException {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("node did not finish: " + out);
    }
    return out;
  }
}
