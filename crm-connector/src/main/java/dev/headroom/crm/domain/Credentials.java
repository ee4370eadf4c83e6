package dev.headroom.crm.domain;

/**
 * A connection's secrets, decrypted only in memory. {@link #toString()} never shows them, so a
 * stray log line or exception message cannot leak one.
 */
public record Credentials(
    String clientId, String clientSecret, String refreshToken, String accessToken) {
  public Credentials {
    clientId = clientId == null ? "" : clientId;
    clientSecret = clientSecret == null ? "" : clientSecret;
    refreshToken = refreshToken == null ? "" : refreshToken;
    accessToken = accessToken == null ? "" : accessToken;
  }

  @Override
  public String toString() {
    return "Credentials[redacted]";
  }
}
