package dev.headroom.scoring.service;

import dev.headroom.scoring.db.SignalOutcomeDao.OutcomeRow;
import dev.headroom.scoring.domain.ExpansionType;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.learning.OutcomeResult;
import java.util.Optional;

/**
 * A stored outcome as the API shows it.
 *
 * @param report the outcome as reported, with the account's currency filled in
 * @param preceding the account's score in force just before the outcome; empty when it had none
 */
public record RecordedOutcome(Outcomes.OutcomeReport report, Optional<PrecedingScore> preceding) {

  public record PrecedingScore(int score, ReadinessBand band) {}

  static RecordedOutcome of(OutcomeRow r) {
    return new RecordedOutcome(
        new Outcomes.OutcomeReport(
            r.outcomeId(),
            r.accountId(),
            OutcomeResult.valueOf(r.result()),
            ExpansionType.valueOf(r.expansionType()),
            new Money(r.arrCurrency(), r.arrMinor()),
            r.occurredAt().toInstant(),
            r.source(),
            r.externalRef()),
        r.precedingScore() == null
            ? Optional.empty()
            : Optional.of(
                new PrecedingScore(r.precedingScore(), ReadinessBand.valueOf(r.precedingBand()))));
  }
}
