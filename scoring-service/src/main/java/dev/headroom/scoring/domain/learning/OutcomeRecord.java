package dev.headroom.scoring.domain.learning;

import dev.headroom.scoring.domain.ExpansionType;
import dev.headroom.scoring.domain.Money;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An expansion won or lost, joined with the category features of the account's score in force just
 * before it.
 *
 * @param arrDelta the ARR change; zero for a lost one
 * @param precedingFeatures empty when the account had no score before the outcome (it cannot train
 *     the fit)
 */
public record OutcomeRecord(
    String outcomeId,
    String accountId,
    OutcomeResult result,
    ExpansionType type,
    Money arrDelta,
    Instant occurredAt,
    Optional<CategoryFeatures> precedingFeatures) {
  public OutcomeRecord {
    Objects.requireNonNull(outcomeId, "outcomeId");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(arrDelta, "arrDelta");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(precedingFeatures, "precedingFeatures");
  }

  public boolean won() {
    return result == OutcomeResult.WON;
  }
}
