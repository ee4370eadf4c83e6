package dev.headroom.prompt.db;

import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** The prompt funnel of a period, counted by the database from exposures and prompt events. */
@RegisterConstructorMapper(FunnelDao.ExposedRow.class)
@RegisterConstructorMapper(FunnelDao.EventRow.class)
public interface FunnelDao {

  /** Exposures of one campaign arm in the period. */
  record ExposedRow(
      String campaignId,
      String experimentId,
      String variantKey,
      boolean holdout,
      long events,
      long users) {}

  /**
   * Prompt events of one kind attributed to one campaign arm: the stage's totals when {@code
   * byCurrency} is false, otherwise one currency's share of it (with its revenue).
   */
  record EventRow(
      String campaignId,
      String experimentId,
      String variantKey,
      boolean holdout,
      String kind,
      boolean byCurrency,
      String currencyCode,
      long events,
      long users,
      long revenueMinor) {}

  @SqlQuery(
      """
      SELECT campaign_id, COALESCE(experiment_id, '') AS experiment_id, variant_key, holdout,
             count(*) AS events, count(DISTINCT (account_id, user_id)) AS users
      FROM exposure
      WHERE decided_at >= :from AND decided_at < :to
        AND (:campaignId = '' OR campaign_id = :campaignId)
      GROUP BY 1, 2, 3, 4\
      """)
  List<ExposedRow> exposed(
      @Bind("from") OffsetDateTime from,
      @Bind("to") OffsetDateTime to,
      @Bind("campaignId") String campaignId);

  /**
   * An event belongs to its decision's exposure; a conversion without a decision to the latest
   * exposure of its account (and user, when given) in (occurred_at − window, occurred_at], ties
   * going to the greater decision id. Other events without a decision belong to no campaign.
   *
   * <p>An event with a decision looks its exposure up by primary key (the {@code LIMIT 1}, true of
   * a key, keeps the planner from hashing every exposure ever stored instead). The conversions
   * without a decision are matched by a hash join against the exposures decided in (from − window,
   * to), read through the decision-time index: exposures are the service's busiest write, and an
   * index by account kept only for this report cost about 40 % of each exposure's storage
   * (docs/benchmarks/2026-12-02-prompt-cost.md), while the report reads the period's exposures for
   * its exposed stage anyway.
   */
  @SqlQuery(
      """
      WITH by_decision AS (
        SELECT e.kind, e.revenue_minor, e.currency_code, d.*
        FROM prompt_event e CROSS JOIN LATERAL (
          SELECT x.campaign_id, COALESCE(x.experiment_id, '') AS experiment_id, x.variant_key,
                 x.holdout, x.account_id, x.user_id
          FROM exposure x WHERE x.decision_id = e.decision_id
          LIMIT 1) d
        WHERE e.occurred_at >= :from AND e.occurred_at < :to AND e.decision_id <> ''
      ), by_account AS (
        SELECT DISTINCT ON (e.event_id) e.kind, e.revenue_minor, e.currency_code, d.campaign_id,
               COALESCE(d.experiment_id, '') AS experiment_id, d.variant_key, d.holdout,
               d.account_id, d.user_id
        FROM prompt_event e JOIN exposure d
          ON d.account_id = e.account_id AND (e.user_id = '' OR d.user_id = e.user_id)
         AND d.decided_at <= e.occurred_at
         AND d.decided_at > e.occurred_at - make_interval(secs => :windowSeconds)
        WHERE e.occurred_at >= :from AND e.occurred_at < :to
          AND e.decision_id = '' AND e.kind = 'CONVERTED'
          AND d.decided_at > :from - make_interval(secs => :windowSeconds) AND d.decided_at < :to
        ORDER BY e.event_id, d.decided_at DESC, d.decision_id DESC
      ), attributed AS (
        SELECT * FROM by_decision UNION ALL SELECT * FROM by_account
      )
      SELECT campaign_id, experiment_id, variant_key, holdout, kind,
             GROUPING(currency_code) = 0 AS by_currency, COALESCE(currency_code, '') AS currency_code,
             count(*) AS events, count(DISTINCT (account_id, user_id)) AS users,
             COALESCE(sum(revenue_minor), 0)::bigint AS revenue_minor
      FROM attributed
      WHERE :campaignId = '' OR campaign_id = :campaignId
      GROUP BY GROUPING SETS ((campaign_id, experiment_id, variant_key, holdout, kind),
                              (campaign_id, experiment_id, variant_key, holdout, kind, currency_code))\
      """)
  List<EventRow> events(
      @Bind("from") OffsetDateTime from,
      @Bind("to") OffsetDateTime to,
      @Bind("campaignId") String campaignId,
      @Bind("windowSeconds") double windowSeconds);
}
