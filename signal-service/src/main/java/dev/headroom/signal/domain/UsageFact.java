package dev.headroom.signal.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One accepted usage event, reduced to the typed fields that metrics and signals read. This is what
 * the engine evaluates; the raw payload stays in the event store for replays.
 *
 * @param userId null when the event has none
 * @param role USER_ADDED / USER_ROLE_CHANGED: the role; otherwise null
 * @param team USER_ADDED / USER_ROLE_CHANGED / WORKSPACE_CREATED: the team; null for none
 * @param key the kind's key: feature_key, meter_key, workflow_key, integration_key, ticket
 *     category, EXTERNAL type or CUSTOM name; null for kinds without one
 * @param quantity METER only: the finite quantity >= 0; otherwise null
 */
public record UsageFact(
    String eventId,
    String accountId,
    String userId,
    Instant occurredAt,
    EventKind kind,
    Role role,
    String team,
    String key,
    BigDecimal quantity) {

  /** The timeline order: occurred_at, ties by event_id (docs/signals.md "Time and windows"). */
  public static final Comparator<UsageFact> TIMELINE_ORDER =
      Comparator.comparing(UsageFact::occurredAt).thenComparing(UsageFact::eventId);

  public UsageFact {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(kind, "kind");
  }

  public boolean isActivity() {
    return userId != null && kind.isActivity();
  }
}
