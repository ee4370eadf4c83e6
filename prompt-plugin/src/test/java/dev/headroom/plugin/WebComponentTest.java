package dev.headroom.plugin;

import static dev.headroom.plugin.PluginTestTools.needs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.kit.testing.Await;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code <headroom-prompt>} component: its logic under Node's test runner, and the whole loop
 * in headless Chromium on the host example's pages (GetPrompt answer rendered, keyboard to the CTA,
 * CLICKED and DISMISSED reported through the host to PromptService, right to left).
 */
class WebComponentTest {
  private static final Path WEB = Path.of("src/test/web");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private final FakePromptService promptService = FakePromptService.start();
  private HeadroomClient client;
  private WebServer host;

  @AfterEach
  void stop() {
    if (host != null) {
      host.stop();
    }
    if (client != null) {
      client.close();
    }
    promptService.close();
  }

  @Test
  void renderingLogicPassesItsNodeTests() throws Exception {
    Process node = run(List.of("node", "--test", "headroom-prompt.test.mjs"));
    String out = output(node);
    assertEquals(0, node.exitValue(), out);
  }

  @Test
  void browserRendersAnOfferAndReportsClickedAndDismissed() throws Exception {
    needs(
        Files.isDirectory(WEB.resolve("node_modules/playwright-core")),
        "run `npm ci --prefix prompt-plugin/src/test/web` first");
    needs(Files.isExecutable(CHROMIUM), "needs Debian's chromium at " + CHROMIUM);
    promptService.ctaUrl = "/checkout?plan=pro&seats=3";
    client =
        HeadroomClient.builder()
            .plaintext()
            .promptService(promptService.target())
            .signalService(Loopback.deadTarget())
            .deadline(Duration.ofSeconds(5))
            .batching(100, Duration.ofMillis(20))
            .build();
    host =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(r -> HostExample.routes(r, client))
            .build()
            .start();

    Path shots = Path.of("target/screenshots");
    Process browser =
        run(
            List.of(
                "node",
                "browser.mjs",
                "http://127.0.0.1:" + host.port(),
                shots.toAbsolutePath().toString()));
    String out = output(browser);
    assertEquals(0, browser.exitValue(), out);
    List<String> lines = out.strip().lines().toList();
    JsonNode ids = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    String clicked = ids.path("clicked").asText();
    String dismissed = ids.path("dismissed").asText();

    Await.until(
        "prompt-service has the click and the dismissal",
        () -> kinds(clicked).contains("CLICKED") && kinds(dismissed).contains("DISMISSED"));
    assertEquals(Set.of("SHOWN", "CLICKED"), kinds(clicked));
    assertEquals(Set.of("SHOWN", "DISMISSED"), kinds(dismissed));
    assertEquals(true, Files.size(shots.resolve("prompt-ar.png")) > 0);
  }

  private Set<String> kinds(String decisionId) {
    return promptService.events.values().stream()
        .filter(e -> e.getDecisionId().equals(decisionId))
        .map(PromptEvent::getKind)
        .map(k -> k.name().replace("PROMPT_EVENT_KIND_", ""))
        .collect(Collectors.toSet());
  }

  private static Process run(List<String> command) throws IOException {
    return new ProcessBuilder(command).directory(WEB.toFile()).redirectErrorStream(true).start();
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
