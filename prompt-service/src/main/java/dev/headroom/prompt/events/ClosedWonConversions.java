package dev.headroom.prompt.events;

import dev.headroom.prompt.context.Money;
import java.time.Instant;

/**
 * The seam for crm-connector's closed-won outcomes: each one counts as an account-level conversion
 * (idempotent by the opportunity's external key), attributed like a conversion reported without a
 * decision id. A consumer of {@code WatchOpportunities} calls it once crm-connector exists.
 */
@FunctionalInterface
public interface ClosedWonConversions {
  void closedWon(String externalKey, String accountId, Money amount, Instant closedAt);
}
