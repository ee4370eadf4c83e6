package dev.headroom.prompt.grpc;

import dev.headroom.api.common.v1.ErrorReason;
import dev.headroom.api.common.v1.ItemError;
import dev.headroom.api.prompt.v1.PromptEventKind;
import dev.headroom.prompt.context.Money;
import dev.headroom.prompt.events.PromptEvent;
import java.util.Optional;

/** Prompt events: per-item validation (first bad field) and proto → domain. */
final class EventProtos {
  private static final String ID =
      "at most 128 characters, no surrounding whitespace or control characters";

  private EventProtos() {}

  static Optional<ItemError> validate(dev.headroom.api.prompt.v1.PromptEvent e) {
    if (!CampaignProtos.validId(e.getEventId())) {
      return bad("event_id", ID);
    }
    if (e.getKind() == PromptEventKind.PROMPT_EVENT_KIND_UNSPECIFIED
        || e.getKind() == PromptEventKind.UNRECOGNIZED) {
      return bad("kind", "required: SHOWN, CLICKED, DISMISSED or CONVERTED");
    }
    if (!e.hasOccurredAt() || !CampaignProtos.validTimestamp(e.getOccurredAt())) {
      return bad("occurred_at", "required: a valid timestamp (years 1 to 9999)");
    }
    if (!CampaignProtos.validOptionalId(e.getDecisionId())) {
      return bad("decision_id", ID);
    }
    if (!CampaignProtos.validOptionalId(e.getAccountId())) {
      return bad("account_id", ID);
    }
    if (!CampaignProtos.validOptionalId(e.getUserId())) {
      return bad("user_id", ID);
    }
    if (e.getDecisionId().isEmpty() && e.getAccountId().isEmpty()) {
      return bad("decision_id", "required unless account_id is given");
    }
    if (e.getDecisionId().isEmpty()
        && e.getKind() == PromptEventKind.PROMPT_EVENT_KIND_DISMISSED
        && e.getUserId().isEmpty()) {
      return bad("user_id", "a dismissal without decision_id needs account_id and user_id");
    }
    if (e.getKind() == PromptEventKind.PROMPT_EVENT_KIND_CONVERTED) {
      if (!e.hasRevenue() || !e.getRevenue().getCurrencyCode().matches("[A-Z]{3}")) {
        return bad("revenue.currency_code", "required for CONVERTED: an ISO 4217 code");
      }
      if (e.getRevenue().getMinorUnits() < 0) {
        return bad("revenue.minor_units", "must be >= 0");
      }
    } else if (e.hasRevenue()) {
      return bad("revenue", "only for CONVERTED");
    }
    return Optional.empty();
  }

  private static Optional<ItemError> bad(String field, String description) {
    return Optional.of(
        ItemError.newBuilder()
            .setCode(io.grpc.Status.Code.INVALID_ARGUMENT.value())
            .setReason(ErrorReason.ERROR_REASON_INVALID_ARGUMENT)
            .setField(field)
            .setDescription(description)
            .build());
  }

  static PromptEvent event(dev.headroom.api.prompt.v1.PromptEvent e) {
    return new PromptEvent(
        e.getEventId(),
        e.getDecisionId(),
        PromptEvent.Kind.valueOf(e.getKind().name().substring("PROMPT_EVENT_KIND_".length())),
        CampaignProtos.instant(e.getOccurredAt()),
        e.hasRevenue()
            ? Optional.of(
                new Money(e.getRevenue().getCurrencyCode(), e.getRevenue().getMinorUnits()))
            : Optional.empty(),
        e.getAccountId(),
        e.getUserId());
  }
}
