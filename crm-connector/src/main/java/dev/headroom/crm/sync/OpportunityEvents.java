package dev.headroom.crm.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.crm.db.RuleDao;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The payload of an opportunity change in the outbox, read back for WatchOpportunities. */
public final class OpportunityEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An opportunity as the stream carries it. */
  public record Event(
      String connectionId,
      String externalKey,
      String accountId,
      String expansionType,
      String crmId,
      String state,
      String currency,
      long amountMinor,
      Instant createdAt,
      Instant closedAt) {}

  private OpportunityEvents() {}

  static byte[] payload(RuleDao.OpportunityRow r) {
    ObjectNode o =
        JSON.createObjectNode()
            .put("connectionId", r.connectionId())
            .put("externalKey", r.externalKey())
            .put("accountId", r.accountId())
            .put("expansionType", r.expansionType())
            .put("crmId", r.crmId())
            .put("state", r.state())
            .put("currency", r.currency())
            .put("amountMinor", r.amountMinor())
            .put("createdAt", r.createdAt().toInstant().toString());
    if (r.closedAt() != null) {
      o.put("closedAt", r.closedAt().toInstant().toString());
    }
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static Event read(byte[] payload) {
    try {
      JsonNode o = JSON.readTree(payload);
      return new Event(
          o.path("connectionId").asText(),
          o.path("externalKey").asText(),
          o.path("accountId").asText(),
          o.path("expansionType").asText(),
          o.path("crmId").asText(),
          o.path("state").asText(),
          o.path("currency").asText(),
          o.path("amountMinor").asLong(),
          Instant.parse(o.path("createdAt").asText()),
          o.hasNonNull("closedAt") ? Instant.parse(o.get("closedAt").asText()) : null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
