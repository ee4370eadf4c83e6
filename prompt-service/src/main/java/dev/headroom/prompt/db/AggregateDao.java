package dev.headroom.prompt.db;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * The per-arm sufficient statistics of an experiment, computed by the database from exposures and
 * prompt events.
 */
@RegisterConstructorMapper(AggregateDao.ArmRow.class)
public interface AggregateDao {

  /**
   * One arm on one surface (the surface of each unit's first exposure). Revenue sums are over
   * units, each unit's revenue being the sum of its attributed conversions.
   */
  record ArmRow(
      String variantKey,
      boolean holdout,
      String surface,
      long units,
      long convertedUnits,
      long revenueSum,
      double revenueSumOfSquares,
      long dismissedUnits,
      String currencyCode) {}

  /**
   * A conversion is attributed to a unit by its decision's exposure (any campaign), else by the
   * account and user it reports; it counts when one of the unit's exposures in this experiment is
   * in (occurred_at − window, occurred_at].
   */
  @SqlQuery(
      """
      WITH exp AS (
        SELECT decision_id, unit_id, variant_key, holdout, surface, decided_at
        FROM exposure WHERE experiment_id = :experimentId
      ), first_exp AS (
        SELECT DISTINCT ON (unit_id) unit_id, variant_key, holdout, surface
        FROM exp ORDER BY unit_id, decided_at, decision_id
      ), conv AS (
        SELECT e.occurred_at, e.revenue_minor, e.currency_code,
          CASE WHEN :userUnit
               THEN COALESCE(NULLIF(e.account_id, ''), d.account_id) || '/'
                    || COALESCE(NULLIF(e.user_id, ''), d.user_id)
               ELSE COALESCE(NULLIF(e.account_id, ''), d.account_id) END AS unit_id
        FROM prompt_event e LEFT JOIN exposure d ON d.decision_id = e.decision_id
        WHERE e.kind = 'CONVERTED'
      ), counted AS (
        SELECT c.unit_id, sum(c.revenue_minor) AS revenue, max(c.currency_code) AS currency_code
        FROM conv c
        WHERE EXISTS (SELECT 1 FROM exp x WHERE x.unit_id = c.unit_id
                        AND x.decided_at <= c.occurred_at
                        AND x.decided_at > c.occurred_at - make_interval(secs => :windowSeconds))
        GROUP BY c.unit_id
      ), dismissed AS (
        SELECT DISTINCT x.unit_id FROM prompt_event e JOIN exp x ON x.decision_id = e.decision_id
        WHERE e.kind = 'DISMISSED'
      )
      SELECT f.variant_key, f.holdout, f.surface, count(*) AS units,
             count(c.unit_id) AS converted_units,
             COALESCE(sum(c.revenue), 0)::bigint AS revenue_sum,
             COALESCE(sum(c.revenue::float8 * c.revenue::float8), 0) AS revenue_sum_of_squares,
             count(d.unit_id) AS dismissed_units,
             COALESCE(max(c.currency_code), '') AS currency_code
      FROM first_exp f LEFT JOIN counted c USING (unit_id) LEFT JOIN dismissed d USING (unit_id)
      GROUP BY f.variant_key, f.holdout, f.surface
      ORDER BY f.holdout, f.variant_key, f.surface\
      """)
  List<ArmRow> arms(
      @Bind("experimentId") String experimentId,
      @Bind("userUnit") boolean userUnit,
      @Bind("windowSeconds") double windowSeconds);
}
