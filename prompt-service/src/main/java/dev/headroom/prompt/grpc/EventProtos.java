package dev.headroom.prompt.grpc;

import dev.headroom.api.common.v1.ErrorReason;
import dev.headroom.api.common.v1.ItemError;
import dev.headroom.api.prompt.v1.PromptEventKind;
import dev.headroom.kit.validation.Validation;
import dev.headroom.prompt.events.PromptEvent;
import dev.headroom.prompt.mapping.MoneyProtos;
import java.util.Optional;

/** Prompt events: per-item validation (first bad field) and proto → domain. */
final class EventProtos {
  private EventProtos() {}

  /** The first bad field of one event, in the order the contract lists them. */
  static Optional<ItemError> validate(dev.headroom.api.prompt.v1.PromptEvent e) {
    Validation v = Validation.of();
    v.identifier("event_id", e.getEventId());
    if (v.isValid()) {
      v.requiredEnum("kind", e.getKind());
    }
    if (v.isValid()) {
      v.requiredTimestamp("occurred_at", e.hasOccurredAt() ? e.getOccurredAt() : null);
    }
    if (v.isValid()) {
      v.optionalIdentifier("decision_id", e.getDecisionId());
    }
    if (v.isValid()) {
      v.optionalIdentifier("account_id", e.getAccountId());
    }
    if (v.isValid()) {
      v.optionalIdentifier("user_id", e.getUserId());
    }
    if (v.isValid()) {
      v.check(
          !e.getDecisionId().isEmpty() || !e.getAccountId().isEmpty(),
          "decision_id",
          "required unless account_id is given");
    }
    if (v.isValid()) {
      v.check(
          !e.getDecisionId().isEmpty()
              || e.getKind() != PromptEventKind.PROMPT_EVENT_KIND_DISMISSED
              || !e.getUserId().isEmpty(),
          "user_id",
          "a dismissal without decision_id needs account_id and user_id");
    }
    if (v.isValid()) {
      if (e.getKind() == PromptEventKind.PROMPT_EVENT_KIND_CONVERTED) {
        // Unset revenue reads as an empty currency: "revenue.currency_code" names what is missing.
        v.money("revenue", e.getRevenue().getCurrencyCode(), e.getRevenue().getMinorUnits());
      } else {
        v.check(!e.hasRevenue(), "revenue", "only for CONVERTED");
      }
    }
    return v.violations().stream().findFirst().map(f -> bad(f.field(), f.description()));
  }

  private static ItemError bad(String field, String description) {
    return ItemError.newBuilder()
        .setCode(io.grpc.Status.Code.INVALID_ARGUMENT.value())
        .setReason(ErrorReason.ERROR_REASON_INVALID_ARGUMENT)
        .setField(field)
        .setDescription(description)
        .build();
  }

  static PromptEvent event(dev.headroom.api.prompt.v1.PromptEvent e) {
    return new PromptEvent(
        e.getEventId(),
        e.getDecisionId(),
        PromptEvent.Kind.valueOf(e.getKind().name().substring("PROMPT_EVENT_KIND_".length())),
        CampaignProtos.instant(e.getOccurredAt()),
        e.hasRevenue() ? Optional.of(MoneyProtos.fromProto(e.getRevenue())) : Optional.empty(),
        e.getAccountId(),
        e.getUserId());
  }
}
