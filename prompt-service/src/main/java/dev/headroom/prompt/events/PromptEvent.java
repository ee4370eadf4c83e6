package dev.headroom.prompt.events;

import dev.headroom.prompt.context.Money;
import java.time.Instant;
import java.util.Optional;

/**
 * What a user did with a prompt, as the host reports it.
 *
 * @param decisionId empty for a conversion without a decision (attributed by account and user)
 * @param revenue CONVERTED only
 */
public record PromptEvent(
    String eventId,
    String decisionId,
    Kind kind,
    Instant occurredAt,
    Optional<Money> revenue,
    String accountId,
    String userId) {

  /** The kinds of prompt events. */
  public enum Kind {
    SHOWN,
    CLICKED,
    DISMISSED,
    CONVERTED
  }
}
