package dev.headroom.crm.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.domain.SignalLine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** How account values are stored (JSON in {@code account_state.account_vals}). */
public final class AccountValuesJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AccountValuesJson() {}

  public static String write(AccountValues v) {
    ObjectNode o = JSON.createObjectNode();
    o.put("accountId", v.accountId())
        .put("score", v.score())
        .put("band", v.band())
        .put("primaryType", v.primaryType())
        .put("motion", v.motion())
        .put("owner", v.owner())
        .put("currency", v.currency())
        .put("arrPotentialMinor", v.arrPotentialMinor())
        .put("recommendedSeats", v.recommendedSeats())
        .put("immediateReview", v.immediateReview());
    if (v.lastSignalAt() != null) {
      o.put("lastSignalAt", v.lastSignalAt().toString());
    }
    ArrayNode types = o.putArray("types");
    v.types().forEach(types::add);
    ArrayNode signals = o.putArray("signals");
    v.signals()
        .forEach(
            s ->
                signals
                    .addObject()
                    .put("type", s.type())
                    .put("since", s.since().toString())
                    .put("evidence", s.evidence()));
    return o.toString();
  }

  public static AccountValues read(String json) {
    JsonNode o;
    try {
      o = JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> types = new ArrayList<>();
    o.path("types").forEach(t -> types.add(t.asText()));
    List<SignalLine> signals = new ArrayList<>();
    o.path("signals")
        .forEach(
            s ->
                signals.add(
                    new SignalLine(
                        s.path("type").asText(),
                        Instant.parse(s.path("since").asText()),
                        s.path("evidence").asText())));
    return new AccountValues(
        o.path("accountId").asText(),
        o.path("score").asInt(),
        o.path("band").asText(),
        o.path("primaryType").asText(),
        types,
        signals,
        o.path("motion").asText(),
        o.path("owner").asText(),
        o.path("currency").asText(),
        o.path("arrPotentialMinor").asLong(),
        o.path("recommendedSeats").asInt(),
        o.hasNonNull("lastSignalAt") ? Instant.parse(o.get("lastSignalAt").asText()) : null,
        o.path("immediateReview").asBoolean());
  }
}
