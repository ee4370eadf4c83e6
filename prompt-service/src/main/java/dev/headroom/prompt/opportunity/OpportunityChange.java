package dev.headroom.prompt.opportunity;

import dev.headroom.prompt.context.Money;
import java.time.Instant;

/**
 * One change of an expansion opportunity as crm-connector reports it.
 *
 * @param externalKey the opportunity's idempotency key, stable across its changes
 * @param amount the opportunity's amount (the revenue of a closed-won conversion)
 * @param closedAt when it closed; for an open one, unused
 */
public record OpportunityChange(
    String externalKey, String accountId, State state, Money amount, Instant closedAt) {

  /** Where the opportunity stands. */
  public enum State {
    OPEN,
    CLOSED_WON,
    CLOSED_LOST
  }
}
