package dev.headroom.signal.db;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Products, meters, features and plans. The catalog is small: it is always read whole. */
public interface CatalogDao {

  record ProductRow(String productKey, String displayName, int catalogOrder) {}

  record MeterRow(String meterKey, String unit, String aggregation, String displayName) {}

  record FeatureRow(String featureKey, String productKey, String displayName, boolean advanced) {}

  /** {@code meterLimitsJson} is a JSON object meter_key -> limit. */
  record PlanRow(
      String planKey,
      String productKey,
      int tierRank,
      String displayName,
      String currency,
      long seatPriceMinor,
      long basePriceMinor,
      int includedSeats,
      String meterLimitsJson,
      List<String> entitledFeatureKeys,
      String nextPlanKey) {}

  @SqlUpdate(
      """
      INSERT INTO product (product_key, display_name, catalog_order) VALUES (:productKey, :displayName, :catalogOrder)
      ON CONFLICT (product_key) DO UPDATE SET display_name = EXCLUDED.display_name,
        catalog_order = EXCLUDED.catalog_order, updated_at = now()\
      """)
  void upsertProduct(@BindMethods ProductRow row);

  @SqlUpdate(
      """
      INSERT INTO meter (meter_key, unit, aggregation, display_name) VALUES (:meterKey, :unit, :aggregation, :displayName)
      ON CONFLICT (meter_key) DO UPDATE SET unit = EXCLUDED.unit, aggregation = EXCLUDED.aggregation,
        display_name = EXCLUDED.display_name, updated_at = now()\
      """)
  void upsertMeter(@BindMethods MeterRow row);

  @SqlUpdate(
      """
      INSERT INTO feature (feature_key, product_key, display_name, advanced)
      VALUES (:featureKey, :productKey, :displayName, :advanced)
      ON CONFLICT (feature_key) DO UPDATE SET product_key = EXCLUDED.product_key,
        display_name = EXCLUDED.display_name, advanced = EXCLUDED.advanced, updated_at = now()\
      """)
  void upsertFeature(@BindMethods FeatureRow row);

  @SqlUpdate(
      """
      INSERT INTO plan (plan_key, product_key, tier_rank, display_name, currency, seat_price_minor,
                        base_price_minor, included_seats, meter_limits, entitled_feature_keys, next_plan_key)
      VALUES (:planKey, :productKey, :tierRank, :displayName, :currency, :seatPriceMinor, :basePriceMinor,
              :includedSeats, CAST(:meterLimitsJson AS jsonb), :entitledFeatureKeys, :nextPlanKey)
      ON CONFLICT (plan_key) DO UPDATE SET product_key = EXCLUDED.product_key, tier_rank = EXCLUDED.tier_rank,
        display_name = EXCLUDED.display_name, currency = EXCLUDED.currency,
        seat_price_minor = EXCLUDED.seat_price_minor, base_price_minor = EXCLUDED.base_price_minor,
        included_seats = EXCLUDED.included_seats, meter_limits = EXCLUDED.meter_limits,
        entitled_feature_keys = EXCLUDED.entitled_feature_keys, next_plan_key = EXCLUDED.next_plan_key,
        updated_at = now()\
      """)
  void upsertPlan(@BindMethods PlanRow row);

  @SqlQuery(
      "SELECT product_key, display_name, catalog_order FROM product ORDER BY catalog_order,"
          + " product_key")
  @RegisterConstructorMapper(ProductRow.class)
  List<ProductRow> products();

  @SqlQuery("SELECT meter_key, unit, aggregation, display_name FROM meter ORDER BY meter_key")
  @RegisterConstructorMapper(MeterRow.class)
  List<MeterRow> meters();

  @SqlQuery(
      "SELECT feature_key, product_key, display_name, advanced FROM feature ORDER BY feature_key")
  @RegisterConstructorMapper(FeatureRow.class)
  List<FeatureRow> features();

  @SqlQuery(
      """
      SELECT plan_key, product_key, tier_rank, display_name, currency, seat_price_minor, base_price_minor,
             included_seats, meter_limits::text AS meter_limits_json, entitled_feature_keys, next_plan_key
      FROM plan ORDER BY product_key, tier_rank, plan_key\
      """)
  @RegisterConstructorMapper(PlanRow.class)
  List<PlanRow> plans();

  @SqlQuery("SELECT count(*) > 0 FROM product WHERE product_key = :key")
  boolean productExists(@Bind("key") String productKey);
}
