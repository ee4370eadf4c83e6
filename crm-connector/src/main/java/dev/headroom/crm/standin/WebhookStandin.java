package dev.headroom.crm.standin;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stand-in for a Slack incoming webhook ({@code POST /services/T…/B…/<secret>}): answers {@code 200
 * ok} for a message with a non-empty {@code text} or {@code blocks}, {@code 400 invalid_payload}
 * otherwise, {@code 404 no_service} for another path, and keeps every message it accepted with its
 * {@code Idempotency-Key} header.
 */
public final class WebhookStandin extends StandinServer {
  /** A message the webhook accepted. */
  public record Received(String idempotencyKey, JsonNode message, Instant at) {}

  private final String secretPath;
  private final List<Received> received = new ArrayList<>();

  /**
   * @param secret the last path segment, the part of a Slack webhook URL that is its secret
   */
  public WebhookStandin(Clock clock, String secret) {
    super(clock);
    this.secretPath = "/services/T0HEADROOM/B0ALERTS/" + secret;
  }

  /** The URL to configure as a connection's alert webhook. */
  public String url() {
    return baseUrl() + secretPath;
  }

  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** The accepted messages whose {@code text} names the account (followed by a space). */
  public synchronized List<Received> about(String accountId) {
    return received.stream()
        .filter(r -> r.message().path("text").asText().contains(accountId + " "))
        .toList();
  }

  @Override
  protected void routes(HttpRouting.Builder r) {
    r.post("/services/{team}/{bot}/{secret}", this::post);
  }

  private synchronized void post(ServerRequest req, ServerResponse res) {
    Instant at = now();
    if (answeredByFault(req, res, at)) {
      return;
    }
    if (!req.path().path().equals(secretPath)) {
      text(res, 404, "no_service");
      return;
    }
    Optional<JsonNode> message = jsonBody(req);
    boolean valid =
        message.isPresent()
            && (message.get().path("text").asText("").length() > 0
                || message.get().path("blocks").size() > 0)
            && message.get().path("blocks").isArray();
    if (!valid) {
      record(req, at, List.of(), 400);
      text(res, 400, "invalid_payload");
      return;
    }
    received.add(
        new Received(
            req.headers().first(HeaderNames.create("Idempotency-Key")).orElse(""),
            message.get(),
            at));
    record(req, at, List.of(), 200);
    text(res, 200, "ok");
  }

  private static void text(ServerResponse res, int status, String body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "text/plain");
    res.send(body.getBytes(StandardCharsets.UTF_8));
  }
}
