package dev.headroom.app.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.plugin.HeadroomClient;
import dev.headroom.plugin.PromptDecision;
import dev.headroom.plugin.PromptEventKind;
import dev.headroom.plugin.Surface;
import dev.headroom.plugin.UserRole;
import dev.headroom.plugin.WebComponent;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;

/**
 * The worked example of the plugin's README: what a host backend (here a Helidon SE one) adds to
 * embed Headroom. A gated feature's page records the paywall hit, asks for a prompt and renders it
 * with the web component, loaded from prompt-service's versioned URL; the component's reports come
 * back to the host, which forwards them through the client.
 */
final class HostExample {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HostExample() {}

  /**
   * @param promptServiceHttp where prompt-service's HTTP server is (or a CDN with the same paths)
   */
  static void routes(
      HttpRouting.Builder routing, HeadroomClient headroom, String promptServiceHttp) {
    String script = promptServiceHttp + WebComponent.PATH;
    routing
        .get(
            "/reports/sso",
            (req, res) -> {
              // The host knows who is signed in and their role; the example takes them from the
              // query.
              String account = "acme";
              String user = req.query().first("user").orElse("u-1");
              String locale = req.query().first("locale").orElse("en-US");
              headroom.usage().paywallHit(account, user, "sso");
              PromptDecision decision =
                  headroom
                      .prompts()
                      .get(account, user, "sso", Surface.FEATURE_USE, locale, UserRole.OWNER);
              String prompt =
                  decision
                      .offer()
                      .map(
                          offer ->
                              "<headroom-prompt endpoint=\"/headroom/prompt-events\" prompt=\""
                                  + htmlAttribute(offer.toJson())
                                  + "\"></headroom-prompt>")
                      .orElse("");
              res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
              res.send(page("SSO is a Pro feature", script, prompt));
            })
        .get(
            "/checkout",
            (req, res) -> {
              res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
              res.send(page("Checkout", script, ""));
            })
        .post(
            "/headroom/prompt-events",
            (req, res) -> {
              // A real host also checks that the decision was made for the signed-in user.
              JsonNode body = JSON.readTree(req.content().as(byte[].class));
              PromptEventKind kind = browserKind(body.path("kind").asText());
              String decisionId = body.path("decision_id").asText();
              if (kind == null || decisionId.isEmpty()) {
                res.status(Status.BAD_REQUEST_400).send();
                return;
              }
              headroom.prompts().report(kind, decisionId);
              res.status(Status.NO_CONTENT_204).send();
            });
  }

  /** What a browser may report; a conversion comes from the host's billing, never the page. */
  private static PromptEventKind browserKind(String kind) {
    return switch (kind) {
      case "SHOWN" -> PromptEventKind.SHOWN;
      case "CLICKED" -> PromptEventKind.CLICKED;
      case "DISMISSED" -> PromptEventKind.DISMISSED;
      default -> null;
    };
  }

  private static String page(String heading, String script, String prompt) {
    return """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Host</title>
    <script type="module" src="%s"></script>
    <style>body{font-family:system-ui;margin:2rem} headroom-prompt{margin-top:1rem}</style>
    </head><body><h1>%s</h1><button id="host-button">Back</button>%s</body></html>
    """
        .formatted(script, heading, prompt);
  }

  private static String htmlAttribute(String s) {
    return s.replace("&", "&amp;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;")
        .replace("<", "&lt;")
        .replace(">", "&gt;");
  }
}
