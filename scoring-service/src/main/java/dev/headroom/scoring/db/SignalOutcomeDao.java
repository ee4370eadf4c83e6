package dev.headroom.scoring.db;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Outcomes and the signals they are measured against. */
public interface SignalOutcomeDao {

  /** Fractions are null when no score preceded the outcome. */
  record OutcomeRow(
      String outcomeId,
      String accountId,
      String result,
      String expansionType,
      String arrCurrency,
      long arrMinor,
      OffsetDateTime occurredAt,
      String source,
      String externalRef,
      Integer precedingScore,
      String precedingBand,
      Double fCapacity,
      Double fFeature,
      Double fEngagement,
      Double fGrowth,
      Double fValue,
      OffsetDateTime recordedAt) {}

  /** Score, band and motion are null when the signal was recorded without them. */
  record FiredRow(
      String accountId,
      String signalType,
      OffsetDateTime since,
      Integer score,
      String band,
      String motion) {}

  @SqlQuery("SELECT * FROM outcome WHERE outcome_id = :id")
  @RegisterConstructorMapper(OutcomeRow.class)
  Optional<OutcomeRow> outcome(@Bind("id") String outcomeId);

  /** Returns 0 when a concurrent request inserted the same id first. */
  @SqlUpdate(
      """
      INSERT INTO outcome (outcome_id, account_id, result, expansion_type, arr_currency, arr_minor, occurred_at,
        source, external_ref, preceding_score, preceding_band, f_capacity, f_feature, f_engagement, f_growth,
        f_value, recorded_at)
      VALUES (:outcomeId, :accountId, :result, :expansionType, :arrCurrency, :arrMinor, :occurredAt, :source,
        :externalRef, :precedingScore, :precedingBand, :fCapacity, :fFeature, :fEngagement, :fGrowth, :fValue,
        :recordedAt)
      ON CONFLICT (outcome_id) DO NOTHING\
      """)
  int insertOutcome(@BindMethods OutcomeRow row);

  /**
   * Newest first by (occurred_at, outcome_id), keyset after the given pair; empty account id for
   * all.
   */
  @SqlQuery(
      """
      SELECT * FROM outcome
      WHERE (:account = '' OR account_id = :account)
        AND (:first OR (occurred_at, outcome_id) < (:afterAt, :afterId))
      ORDER BY occurred_at DESC, outcome_id DESC LIMIT :limit\
      """)
  @RegisterConstructorMapper(OutcomeRow.class)
  List<OutcomeRow> outcomes(
      @Bind("account") String accountId,
      @Bind("first") boolean first,
      @Bind("afterAt") OffsetDateTime afterAt,
      @Bind("afterId") String afterId,
      @Bind("limit") int limit);

  /** WON outcomes with {@code from <= occurred_at <= to}. */
  @SqlQuery(
      """
      SELECT * FROM outcome WHERE result = 'WON' AND occurred_at >= :from AND occurred_at <= :to
      ORDER BY outcome_id\
      """)
  @RegisterConstructorMapper(OutcomeRow.class)
  List<OutcomeRow> wonBetween(@Bind("from") OffsetDateTime from, @Bind("to") OffsetDateTime to);

  @SqlQuery("SELECT * FROM outcome ORDER BY outcome_id")
  @RegisterConstructorMapper(OutcomeRow.class)
  List<OutcomeRow> allOutcomes();

  @SqlUpdate(
      """
      INSERT INTO fired_signal (account_id, signal_type, since, score, band, motion, first_seen_at)
      VALUES (:accountId, :signalType, :since, :score, :band, :motion, :at)
      ON CONFLICT DO NOTHING\
      """)
  void recordFired(@BindMethods FiredRow row, @Bind("at") OffsetDateTime firstSeenAt);

  @SqlQuery(
      """
      SELECT account_id, signal_type, since, score, band, motion FROM fired_signal
      WHERE (CAST(:since AS timestamptz) IS NULL OR since >= :since)
        AND (CAST(:until AS timestamptz) IS NULL OR since < :until)
      ORDER BY account_id, signal_type, since\
      """)
  @RegisterConstructorMapper(FiredRow.class)
  List<FiredRow> fired(@Bind("since") OffsetDateTime since, @Bind("until") OffsetDateTime until);
}
