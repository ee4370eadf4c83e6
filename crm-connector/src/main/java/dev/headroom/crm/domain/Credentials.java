package dev.headroom.crm.domain;

/**
 * A connection's secrets, decrypted only in memory. {@link #toString()} never shows them, so a
 * stray log line or exception message cannot leak one.
 *
 * @param alertWebhookUrl where SEND_ALERT posts (the URL embeds the webhook's secret); empty for
 *     none
 */
public record Credentials(
    String clientId,
    String clientSecret,
    String refreshToken,
    String accessToken,
    String alertWebhookUrl) {
  public Credentials {
    clientId = clientId == null ? "" : clientId;
    clientSecret = clientSecret == null ? "" : clientSecret;
    refreshToken = refreshToken == null ? "" : refreshToken;
    accessToken = accessToken == null ? "" : accessToken;
    alertWebhookUrl = alertWebhookUrl == null ? "" : alertWebhookUrl;
  }

  /** CRM credentials without an alert webhook. */
  public Credentials(
      String clientId, String clientSecret, String refreshToken, String accessToken) {
    this(clientId, clientSecret, refreshToken, accessToken, "");
  }

  @Override
  public String toString() {
    return "Credentials[redacted]";
  }
}
