package dev.headroom.crm.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.crm.domain.Credentials;
import java.io.IOException;

/** Seals a connection's credentials for storage and opens them for the CRM client. */
public final class CredentialVault {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SecretBox box;

  public CredentialVault(SecretBox box) {
    this.box = box;
  }

  public String seal(String connectionId, Credentials c) {
    String plain =
        JSON.createObjectNode()
            .put("client_id", c.clientId())
            .put("client_secret", c.clientSecret())
            .put("refresh_token", c.refreshToken())
            .put("access_token", c.accessToken())
            .put("alert_webhook_url", c.alertWebhookUrl())
            .toString();
    return box.seal(plain, connectionId);
  }

  public Credentials open(String connectionId, String sealed) {
    try {
      JsonNode o = JSON.readTree(box.open(sealed, connectionId));
      return new Credentials(
          o.path("client_id").asText(),
          o.path("client_secret").asText(),
          o.path("refresh_token").asText(),
          o.path("access_token").asText(),
          o.path("alert_webhook_url").asText());
    } catch (IOException e) {
      throw new IllegalStateException("stored credentials are not readable", e);
    }
  }

  public boolean needsRewrap(String sealed) {
    return box.needsRewrap(sealed);
  }
}
