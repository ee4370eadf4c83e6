package dev.headroom.crm.client;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Posts alerts to a connection's Slack-compatible incoming webhook. The URL embeds the webhook's
 * secret: it is never logged and never part of an error message. Throttling and outages are retried
 * by the {@link HttpCaller}; each post carries the alert's idempotency key as {@code
 * Idempotency-Key} so a receiver that deduplicates can.
 */
public final class AlertWebhook {
  private final String url;
  private final HttpCaller http;

  public AlertWebhook(String url, HttpCaller http) {
    this.url = url;
    this.http = http;
  }

  public void post(String idempotencyKey, String json) throws CrmCallException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(http.requestTimeout())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, r -> false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CrmCallException(CrmCallException.Kind.TRANSIENT, 0, "INTERRUPTED", "interrupted");
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      throw new CrmCallException(
          status >= 500 ? CrmCallException.Kind.TRANSIENT : CrmCallException.Kind.REJECTED,
          status,
          "WEBHOOK_REFUSED",
          "the alert webhook answered HTTP "
              + status
              + (status == 404 || status == 403 || status == 410
                  ? ": the webhook was removed or its URL is wrong; set the connection's"
                      + " alert_webhook_url again"
                  : ""));
    }
  }
}
