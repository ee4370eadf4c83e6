package dev.headroom.signal.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.kit.error.DomainException;
import dev.headroom.signal.db.CatalogDao;
import dev.headroom.signal.domain.Catalog;
import dev.headroom.signal.domain.Money;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * The catalog: validated writes and an in-memory snapshot that ingestion and evaluation read
 * without touching the database. Every write replaces the snapshot as a whole (the catalog is
 * small), so readers always see one consistent catalog.
 */
public final class CatalogService {
  static final Pattern PRODUCT_KEY = Pattern.compile("[a-z0-9_-]{1,64}");
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Jdbi jdbi;
  private final AtomicReference<Catalog> snapshot = new AtomicReference<>(Catalog.EMPTY);
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public CatalogService(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Runs {@code listener} after every committed change (the evaluation side, which reads the
   * catalog and so is built after it, re-evaluates the accounts the change may affect).
   */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  public Catalog snapshot() {
    return snapshot.get();
  }

  /** Re-reads the catalog (start-up, and periodically so several instances converge). */
  public Catalog reload() {
    Catalog c =
        jdbi.withExtension(
            CatalogDao.class,
            dao ->
                new Catalog(
                    dao.products().stream()
                        .map(
                            p ->
                                new Catalog.Product(
                                    p.productKey(), p.displayName(), p.catalogOrder()))
                        .toList(),
                    dao.plans().stream().map(CatalogService::toPlan).toList(),
                    dao.features().stream()
                        .map(
                            f ->
                                new Catalog.Feature(
                                    f.featureKey(), f.productKey(), f.displayName(), f.advanced()))
                        .toList(),
                    dao.meters().stream()
                        .map(
                            m ->
                                new Catalog.Meter(
                                    m.meterKey(),
                                    m.unit(),
                                    Catalog.Aggregation.valueOf(m.aggregation()),
                                    m.displayName()))
                        .toList()));
    snapshot.set(c);
    return c;
  }

  private static Catalog.Plan toPlan(CatalogDao.PlanRow r) {
    Map<String, Long> limits;
    try {
      limits =
          JSON.readValue(r.meterLimitsJson(), new TypeReference<LinkedHashMap<String, Long>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt meter_limits of plan " + r.planKey(), e);
    }
    return new Catalog.Plan(
        r.planKey(),
        r.productKey(),
        r.tierRank(),
        r.displayName(),
        new Money(r.currency(), r.seatPriceMinor()),
        new Money(r.currency(), r.basePriceMinor()),
        r.includedSeats(),
        Map.copyOf(limits),
        Set.copyOf(new LinkedHashSet<>(r.entitledFeatureKeys())),
        r.nextPlanKey());
  }

  /** The lowest-tier plan of the feature's product that entitles it, or null. */
  public static String lowestEntitlingPlan(Catalog c, Catalog.Feature f) {
    return c.plans().stream()
        .filter(
            p ->
                p.productKey().equals(f.productKey())
                    && p.entitledFeatureKeys().contains(f.featureKey()))
        .min(
            java.util.Comparator.comparingInt(Catalog.Plan::tierRank)
                .thenComparing(Catalog.Plan::planKey))
        .map(Catalog.Plan::planKey)
        .orElse(null);
  }

  public Catalog.Product putProduct(Catalog.Product p) {
    DomainException.Violations v = new DomainException.Violations();
    v.check(
        PRODUCT_KEY.matcher(p.productKey()).matches(),
        "product.product_key",
        "required; 1-64 characters of a-z, 0-9, '_' or '-'");
    v.check(p.displayName().length() <= 200, "product.display_name", "at most 200 characters");
    v.check(p.catalogOrder() >= 0, "product.catalog_order", "must be >= 0");
    v.throwIfAny();
    Catalog.Product stored =
        new Catalog.Product(
            p.productKey(),
            p.displayName().isEmpty() ? p.productKey() : p.displayName(),
            p.catalogOrder());
    jdbi.useExtension(
        CatalogDao.class,
        dao ->
            dao.upsertProduct(
                new CatalogDao.ProductRow(
                    stored.productKey(), stored.displayName(), stored.catalogOrder())));
    changed();
    return stored;
  }

  /**
   * @param aggregation null when the request left it unspecified
   */
  public Catalog.Meter putMeter(
      String meterKey, String unit, Catalog.Aggregation aggregation, String displayName) {
    DomainException.Violations v = new DomainException.Violations();
    v.check(
        KEY.matcher(meterKey).matches(),
        "meter.meter_key",
        "required; 1-128 characters of letters, digits, '_', '.', ':' or '-'");
    v.check(
        !unit.isBlank() && unit.length() <= 32,
        "meter.unit",
        "required, at most 32 characters (e.g. calls, GB)");
    v.check(
        aggregation != null,
        "meter.aggregation",
        "required: METER_AGGREGATION_SUM or METER_AGGREGATION_LAST");
    v.check(displayName.length() <= 200, "meter.display_name", "at most 200 characters");
    v.throwIfAny();
    Catalog.Meter m =
        new Catalog.Meter(
            meterKey, unit, aggregation, displayName.isEmpty() ? meterKey : displayName);
    jdbi.useExtension(
        CatalogDao.class,
        dao ->
            dao.upsertMeter(
                new CatalogDao.MeterRow(
                    m.meterKey(), m.unit(), m.aggregation().name(), m.displayName())));
    changed();
    return m;
  }

  public Catalog.Feature putFeature(Catalog.Feature f) {
    DomainException.Violations v = new DomainException.Violations();
    v.check(
        KEY.matcher(f.featureKey()).matches(),
        "feature.feature_key",
        "required; 1-128 characters of letters, digits, '_', '.', ':' or '-'");
    v.check(!f.productKey().isEmpty(), "feature.product_key", "required");
    v.check(f.displayName().length() <= 200, "feature.display_name", "at most 200 characters");
    v.throwIfAny();
    Catalog.Feature stored =
        new Catalog.Feature(
            f.featureKey(),
            f.productKey(),
            f.displayName().isEmpty() ? f.featureKey() : f.displayName(),
            f.advanced());
    jdbi.useTransaction(
        h -> {
          CatalogDao dao = h.attach(CatalogDao.class);
          if (!dao.productExists(stored.productKey())) {
            throw new DomainException.FailedPrecondition(
                "product '" + stored.productKey() + "' is not in the catalog; PutProduct it first",
                Map.of("field", "feature.product_key"));
          }
          dao.upsertFeature(
              new CatalogDao.FeatureRow(
                  stored.featureKey(),
                  stored.productKey(),
                  stored.displayName(),
                  stored.advanced()));
        });
    changed();
    return stored;
  }

  /**
   * A plan as submitted; money amounts keep their currency codes so each can be validated on its
   * own field.
   */
  public record PlanInput(
      String planKey,
      String productKey,
      int tierRank,
      String displayName,
      String seatCurrency,
      long seatMinor,
      String baseCurrency,
      long baseMinor,
      int includedSeats,
      Map<String, Long> meterLimits,
      List<String> entitledFeatureKeys,
      String nextPlanKey) {}

  public Catalog.Plan putPlan(PlanInput in) {
    Catalog c = reload(); // validate against the committed catalog, not a possibly stale snapshot
    DomainException.Violations v = new DomainException.Violations();
    v.check(
        KEY.matcher(in.planKey()).matches(),
        "plan.plan_key",
        "required; 1-128 characters of letters, digits, '_', '.', ':' or '-'");
    boolean productKnown =
        c.products().stream().anyMatch(p -> p.productKey().equals(in.productKey()));
    v.check(
        productKnown,
        "plan.product_key",
        in.productKey().isEmpty()
            ? "required"
            : "product '" + in.productKey() + "' is not in the catalog");
    v.check(in.tierRank() >= 0, "plan.tier_rank", "must be >= 0 (0 = free)");
    v.check(in.displayName().length() <= 200, "plan.display_name", "at most 200 characters");
    String currency = in.seatCurrency().isEmpty() ? in.baseCurrency() : in.seatCurrency();
    if (currency.isEmpty()) {
      currency = "USD";
    }
    checkMoney(v, "plan.seat_price_monthly", in.seatCurrency(), in.seatMinor());
    checkMoney(v, "plan.base_price_monthly", in.baseCurrency(), in.baseMinor());
    if (!in.seatCurrency().isEmpty()
        && !in.baseCurrency().isEmpty()
        && !in.seatCurrency().equals(in.baseCurrency())) {
      v.add(
          "plan.base_price_monthly.currency_code",
          "must be the seat price's currency " + in.seatCurrency());
    }
    v.check(in.includedSeats() >= 0, "plan.included_seats", "must be >= 0");
    for (Map.Entry<String, Long> e : new java.util.TreeMap<>(in.meterLimits()).entrySet()) {
      if (c.meter(e.getKey()).isEmpty()) {
        v.add(
            "plan.meter_limits[" + e.getKey() + "]",
            "meter '" + e.getKey() + "' is not in the catalog");
      } else if (e.getValue() < 0) {
        v.add("plan.meter_limits[" + e.getKey() + "]", "must be >= 0 (0 = unlimited)");
      }
    }
    for (int i = 0; i < in.entitledFeatureKeys().size(); i++) {
      String fk = in.entitledFeatureKeys().get(i);
      if (c.feature(fk).isEmpty()) {
        v.add(
            "plan.entitled_feature_keys[" + i + "]", "feature '" + fk + "' is not in the catalog");
      }
    }
    String next = in.nextPlanKey().isEmpty() ? null : in.nextPlanKey();
    if (next != null) {
      var nextPlan = c.plan(next);
      if (next.equals(in.planKey())) {
        v.add("plan.next_plan_key", "a plan cannot be its own next plan");
      } else if (nextPlan.isEmpty()) {
        v.add("plan.next_plan_key", "plan '" + next + "' is not in the catalog");
      } else if (!nextPlan.get().productKey().equals(in.productKey())) {
        v.add(
            "plan.next_plan_key",
            "plan '"
                + next
                + "' belongs to product '"
                + nextPlan.get().productKey()
                + "', not '"
                + in.productKey()
                + "'");
      } else if (cycles(c, in.planKey(), next)) {
        v.add(
            "plan.next_plan_key",
            "the upgrade path from '" + next + "' leads back to '" + in.planKey() + "'");
      }
    }
    v.throwIfAny();
    String cur = currency;
    Catalog.Plan plan =
        new Catalog.Plan(
            in.planKey(),
            in.productKey(),
            in.tierRank(),
            in.displayName().isEmpty() ? in.planKey() : in.displayName(),
            new Money(cur, in.seatMinor()),
            new Money(cur, in.baseMinor()),
            in.includedSeats(),
            Map.copyOf(in.meterLimits()),
            Set.copyOf(in.entitledFeatureKeys()),
            next);
    String limitsJson;
    try {
      limitsJson = JSON.writeValueAsString(new java.util.TreeMap<>(in.meterLimits()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    String lj = limitsJson;
    jdbi.useExtension(
        CatalogDao.class,
        dao ->
            dao.upsertPlan(
                new CatalogDao.PlanRow(
                    plan.planKey(),
                    plan.productKey(),
                    plan.tierRank(),
                    plan.displayName(),
                    cur,
                    in.seatMinor(),
                    in.baseMinor(),
                    plan.includedSeats(),
                    lj,
                    List.copyOf(new LinkedHashSet<>(in.entitledFeatureKeys())),
                    next)));
    changed();
    return plan;
  }

  private static void checkMoney(
      DomainException.Violations v, String field, String currency, long minor) {
    if (!currency.isEmpty() && !isCurrency(currency)) {
      v.add(field + ".currency_code", "not an ISO 4217 currency code: '" + currency + "'");
    }
    if (minor < 0) {
      v.add(field + ".minor_units", "must be >= 0, got " + minor);
    }
  }

  public static boolean isCurrency(String code) {
    if (!code.matches("[A-Z]{3}")) {
      return false;
    }
    try {
      Currency.getInstance(code);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Would setting plan.next = next create a cycle? Walks the chain from next with the edge
   * replaced.
   */
  private static boolean cycles(Catalog c, String planKey, String next) {
    Map<String, String> edges = new HashMap<>();
    for (Catalog.Plan p : c.plans()) {
      if (p.nextPlanKey() != null) {
        edges.put(p.planKey(), p.nextPlanKey());
      }
    }
    edges.put(planKey, next);
    Set<String> seen = new java.util.HashSet<>();
    String cur = next;
    while (cur != null) {
      if (cur.equals(planKey) || !seen.add(cur)) {
        return true;
      }
      cur = edges.get(cur);
    }
    return false;
  }

  private void changed() {
    reload();
    listeners.forEach(Runnable::run);
  }
}
