package dev.headroom.crm.domain;

import java.time.Instant;
import java.util.List;

/**
 * What Headroom knows about one account that a CRM can hold: the latest score from scoring-service,
 * reduced to the values a field mapping can pick from. Enum-like values are the contract's value
 * names without their prefix ({@code SEAT_ADD}, {@code URGENT}); empty when none.
 *
 * @param arrPotentialMinor the primary type's ARR potential in minor units of {@code currency}
 * @param lastSignalAt when the most recent active signal became active; null without signals
 * @param owner who owns the motion, e.g. "Account executive"
 */
public record AccountValues(
    String accountId,
    int score,
    String band,
    String primaryType,
    List<String> types,
    List<SignalLine> signals,
    String motion,
    String owner,
    String currency,
    long arrPotentialMinor,
    int recommendedSeats,
    Instant lastSignalAt,
    boolean immediateReview) {

  public AccountValues {
    types = List.copyOf(types);
    signals = List.copyOf(signals);
  }
}
