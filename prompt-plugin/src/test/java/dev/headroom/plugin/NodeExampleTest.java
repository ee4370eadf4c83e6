package dev.headroom.plugin;

import static dev.headroom.plugin.PluginTestTools.needs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.api.prompt.v1.Surface;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The README's Node host backend: GetPrompt from the .proto files with @grpc/grpc-js. */
class NodeExampleTest {
  private static final Path EXAMPLE = Path.of("examples/node");
  private final FakePromptService promptService = FakePromptService.start();

  @BeforeEach
  void needsDependencies() {
    needs(
        Files.isDirectory(EXAMPLE.resolve("node_modules/@grpc/grpc-js")),
        "run `npm ci --prefix prompt-plugin/examples/node` first");
  }

  @AfterEach
  void stop() {
    promptService.close();
  }

  @Test
  void getsAPromptFromPromptService() throws Exception {
    JsonNode answer = run(promptService.target(), "acme", "u-1", "sso", "fr-FR");

    assertEquals("Unlock SSO", answer.path("prompt").path("title").asText());
    assertEquals("sso", answer.path("prompt").path("highlighted_feature_keys").path(0).asText());
    var sent = promptService.requests.get(0);
    assertEquals("acme", sent.getAccountId());
    assertEquals("fr-FR", sent.getLocale());
    assertEquals(Surface.SURFACE_FEATURE_USE, sent.getSurface());
  }

  @Test
  void failsOpenWhenPromptServiceIsDown() throws Exception {
    JsonNode answer = run(Loopback.deadTarget(), "acme", "u-1", "sso", "en-US");

    assertEquals(true, answer.path("prompt").isNull());
    assertEquals("UNAVAILABLE", answer.path("reason").asText());
  }

  private static JsonNode run(String target, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", "get-prompt.mjs"));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(EXAMPLE.toFile()).redirectErrorStream(true);
    pb.environment().put("HEADROOM_PROMPT_TARGET", target);
    pb.environment().put("HEADROOM_DEADLINE_MS", "10000");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(1, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("node did not finish: " + out);
    }
    assertEquals(0, p.exitValue(), out);
    List<String> lines = out.strip().lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }
}
