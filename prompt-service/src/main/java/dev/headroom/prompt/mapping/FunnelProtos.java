package dev.headroom.prompt.mapping;

import com.google.protobuf.Timestamp;
import dev.headroom.api.prompt.v1.FunnelStage;
import dev.headroom.api.prompt.v1.GetPromptFunnelRequest;
import dev.headroom.api.prompt.v1.GetPromptFunnelResponse;
import dev.headroom.api.prompt.v1.PromptFunnelRow;
import dev.headroom.kit.validation.Validation;
import dev.headroom.prompt.events.PromptFunnel;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** GetPromptFunnel over gRPC and HTTP: the period checked the same way, rows mapped to proto. */
public final class FunnelProtos {
  /** A funnel query that passed validation. */
  public record Query(Instant from, Instant to, String campaignId) {}

  /** The longest period one query may cover: the queries scan every event of it. */
  public static final Duration MAX_PERIOD = Duration.ofDays(366);

  private FunnelProtos() {}

  public static Query query(GetPromptFunnelRequest r) {
    Validation v = Validation.of();
    Instant from = v.requiredTimestamp("from", r.hasFrom() ? r.getFrom() : null);
    Instant to = v.requiredTimestamp("to", r.hasTo() ? r.getTo() : null);
    v.optionalIdentifier("campaign_id", r.getCampaignId());
    if (from != null && to != null) {
      v.check(from.isBefore(to), "to", "must be after from (" + from + "), got " + to);
      v.check(
          !to.isAfter(from.plus(MAX_PERIOD)),
          "to",
          "at most " + MAX_PERIOD.toDays() + " days after from");
    }
    v.throwIfInvalid();
    return new Query(from, to, r.getCampaignId());
  }

  /**
   * The request from HTTP query parameters: {@code from} and {@code to} as RFC 3339 times with an
   * offset, optional {@code campaign_id}.
   */
  public static Query query(
      Optional<String> from, Optional<String> to, Optional<String> campaignId) {
    Validation v = Validation.of();
    GetPromptFunnelRequest.Builder r = GetPromptFunnelRequest.newBuilder();
    timestamp(v, "from", from).ifPresent(r::setFrom);
    timestamp(v, "to", to).ifPresent(r::setTo);
    campaignId.ifPresent(r::setCampaignId);
    v.throwIfInvalid();
    return query(r.build());
  }

  private static Optional<Timestamp> timestamp(Validation v, String field, Optional<String> text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Instant t = OffsetDateTime.parse(text.get()).toInstant();
      return Optional.of(
          Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build());
    } catch (DateTimeParseException e) {
      v.fail(field, "an RFC 3339 time with an offset, e.g. 2026-11-01T00:00:00Z");
      return Optional.empty();
    }
  }

  public static GetPromptFunnelResponse toProto(List<PromptFunnel.Row> rows) {
    GetPromptFunnelResponse.Builder out = GetPromptFunnelResponse.newBuilder();
    for (PromptFunnel.Row row : rows) {
      PromptFunnelRow.Builder b =
          out.addRowsBuilder()
              .setCampaignId(row.campaignId())
              .setExperimentId(row.experimentId())
              .setVariantKey(row.variantKey())
              .setHoldout(row.holdout())
              .setExposed(stage(row.exposed()))
              .setShown(stage(row.shown()))
              .setClicked(stage(row.clicked()))
              .setDismissed(stage(row.dismissed()))
              .setConverted(stage(row.converted()));
      row.revenue().forEach(m -> b.addRevenue(MoneyProtos.toProto(m)));
    }
    return out.build();
  }

  private static FunnelStage stage(PromptFunnel.Stage s) {
    return FunnelStage.newBuilder().setEvents(s.events()).setUsers(s.users()).build();
  }
}
