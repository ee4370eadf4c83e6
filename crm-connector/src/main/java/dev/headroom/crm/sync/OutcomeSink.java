package dev.headroom.crm.sync;

import java.time.Instant;

/** Where closed opportunities go as outcomes (scoring-service's RecordOutcome). */
public interface OutcomeSink {
  /**
   * An expansion won or lost, idempotent by {@code outcomeId}.
   *
   * @param arrDeltaMinor the won amount in minor units of {@code currency}; 0 when lost
   * @param crmId the CRM's opportunity / deal id
   */
  record Outcome(
      String outcomeId,
      String accountId,
      boolean won,
      String expansionType,
      String currency,
      long arrDeltaMinor,
      Instant occurredAt,
      String crmId) {}

  /**
   * @throws RuntimeException when it was not recorded; the poll tries again next time
   */
  void record(Outcome outcome);
}
