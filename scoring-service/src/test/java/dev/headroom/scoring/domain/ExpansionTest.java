package dev.headroom.scoring.domain;

import static dev.headroom.scoring.domain.Fixtures.T;
import static dev.headroom.scoring.domain.Fixtures.facts;
import static dev.headroom.scoring.domain.Fixtures.plan;
import static dev.headroom.scoring.domain.Fixtures.usd;
import static dev.headroom.scoring.domain.SignalType.ADVANCED_FEATURE_ADOPTION;
import static dev.headroom.scoring.domain.SignalType.API_CONSUMPTION_GROWTH;
import static dev.headroom.scoring.domain.SignalType.CROSS_PRODUCT_FIT;
import static dev.headroom.scoring.domain.SignalType.ENTERPRISE_READINESS;
import static dev.headroom.scoring.domain.SignalType.MULTI_SIGNAL;
import static dev.headroom.scoring.domain.SignalType.ORGANIZATIONAL_GROWTH;
import static dev.headroom.scoring.domain.SignalType.POWER_USER_EMERGENCE;
import static dev.headroom.scoring.domain.SignalType.PREMIUM_FEATURE_DEMAND;
import static dev.headroom.scoring.domain.SignalType.SEAT_UTILIZATION_HIGH;
import static dev.headroom.scoring.domain.SignalType.TEAM_GROWTH;
import static dev.headroom.scoring.domain.SignalType.USAGE_LIMIT_APPROACHING;
import static dev.headroom.scoring.domain.SignalType.WORKFLOW_BOTTLENECK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Types, ARR potential, recommended seats and motion. Default fixture: core_team (10.00/seat), 10
 * of 20 seats used, so billable seats n = 20 and the current price is 200.00 a month.
 */
class ExpansionTest {
  private final Scorer scorer = new Scorer();

  private ScoreResult score(Fixtures.FactsBuilder b) {
    return scorer.score(b.build(), ScoringModel.seed());
  }

  private static TypePotential type(ScoreResult r, ExpansionType t) {
    return r.type(t).orElseThrow(() -> new AssertionError(t + " not listed in " + r.types()));
  }

  @ParameterizedTest(name = "used {0}, capacity {1} -> {2}")
  @CsvSource({
    "21, 20, 10", // ⌈210/7⌉ = 30 exactly (binary floats: ⌈21/0.7⌉ = 31)
    "14, 10, 10", // ⌈20⌉ - 10
    "15, 10, 12", // ⌈21.43⌉ = 22
    "7, 10, 1", // 10 - 10 = 0 → at least 1
    "0, 0, 1",
    "70, 20, 80",
  })
  void recommendedSeats(int used, int capacity, int expected) {
    assertEquals(expected, ExpansionValuation.recommendedSeats(used, capacity));
    assertEquals(expected, score(facts().seats(used, capacity)).recommendedSeats());
  }

  @Test
  void seatAddIsRecommendedSeatsTimesSeatPriceTimesTwelve() {
    ScoreResult r = score(facts().seats(21, 20).active(SEAT_UTILIZATION_HIGH));

    TypePotential seatAdd = type(r, ExpansionType.SEAT_ADD);
    assertEquals(usd(10 * 1_000 * 12), seatAdd.arrPotential());
    assertEquals(RecommendedMotion.SELF_SERVE, seatAdd.motion());
    assertEquals(Optional.empty(), seatAdd.targetPlanKey());
    assertEquals(usd(120_000), r.arrPotential());
    assertEquals(Optional.of(ExpansionType.SEAT_ADD), r.primaryType());
    assertEquals("Product+CS", r.owner());
  }

  @Test
  void seatAddOnAFreePlanIsWorthZeroButStillListed() {
    ScoreResult r = score(facts().corePlan("core_free").seats(3, 3).active(TEAM_GROWTH));

    assertEquals(
        List.of(ExpansionType.SEAT_ADD), r.types().stream().map(TypePotential::type).toList());
    assertEquals(usd(0), type(r, ExpansionType.SEAT_ADD).arrPotential());
    assertEquals(Optional.of(ExpansionType.SEAT_ADD), r.primaryType());
    assertEquals(usd(0), r.arrPotential());
    assertEquals(RecommendedMotion.SELF_SERVE, r.motion());
  }

  @Test
  void seatAddOnAPricedFreeTierIsStillZero() {
    PlanCatalog odd =
        Fixtures.catalog(List.of(plan("core_free", "core", 0, 700, 0, 0, Set.of(), null)), 30_000);

    ScoreResult r =
        score(facts().catalog(odd).corePlan("core_free").seats(5, 5).active(SEAT_UTILIZATION_HIGH));

    assertEquals(usd(0), type(r, ExpansionType.SEAT_ADD).arrPotential());
  }

  @ParameterizedTest(name = "{0} recommended seats -> {3}")
  @CsvSource({
    "10, 21, 20, SELF_SERVE",
    "11, 21, 19, INSIDE_SALES",
    "24, 21, 6,  INSIDE_SALES",
    "25, 21, 5,  FIELD_SALES",
  })
  void seatAddMotionBySeatCount(int seats, int used, int capacity, RecommendedMotion motion) {
    ScoreResult r = score(facts().seats(used, capacity).active(SEAT_UTILIZATION_HIGH));

    assertEquals(seats, r.recommendedSeats());
    assertEquals(usd(seats * 12_000L), r.arrPotential()); // all below the 50,000.00 threshold
    assertEquals(motion, type(r, ExpansionType.SEAT_ADD).motion());
    assertEquals(motion, r.motion());
    assertEquals(motion.owner(), r.owner());
  }

  @Test
  void motionPerType() {
    assertEquals(
        RecommendedMotion.INSIDE_SALES, score(facts().active(PREMIUM_FEATURE_DEMAND)).motion());
    assertEquals(
        RecommendedMotion.SELF_SERVE, score(facts().active(USAGE_LIMIT_APPROACHING)).motion());
    assertEquals(RecommendedMotion.FIELD_SALES, score(facts().active(CROSS_PRODUCT_FIT)).motion());
    assertEquals(
        RecommendedMotion.FIELD_SALES, score(facts().active(ENTERPRISE_READINESS)).motion());
    assertEquals("Inside sales", score(facts().active(PREMIUM_FEATURE_DEMAND)).owner());
    assertEquals("Account executive", score(facts().active(ORGANIZATIONAL_GROWTH)).owner());
  }

  @Test
  void accountMotionIsTheMostSeniorOverItsTypes() {
    // SEAT_ADD of 10 seats (self-serve) + TIER_UPGRADE (inside sales)
    ScoreResult inside =
        score(facts().seats(21, 20).active(SEAT_UTILIZATION_HIGH, PREMIUM_FEATURE_DEMAND));
    assertEquals(RecommendedMotion.SELF_SERVE, type(inside, ExpansionType.SEAT_ADD).motion());
    assertEquals(RecommendedMotion.INSIDE_SALES, inside.motion());

    // On the top plan: SEAT_ADD 10 × 50.00 × 12 = 6,000.00 is primary, ENTERPRISE is worth 0 but is
    // field sales.
    ScoreResult field =
        score(
            facts()
                .corePlan("core_enterprise")
                .seats(21, 20)
                .active(SEAT_UTILIZATION_HIGH, ENTERPRISE_READINESS));
    assertEquals(Optional.of(ExpansionType.SEAT_ADD), field.primaryType());
    assertEquals(usd(600_000), field.arrPotential());
    assertEquals(RecommendedMotion.FIELD_SALES, field.motion());
    assertEquals("Account executive", field.owner());
  }

  @ParameterizedTest(name = "seat price {0} -> ARR {1} -> {2}")
  @CsvSource({
    "416666, 4999992, SELF_SERVE",
    "416667, 5000004, FIELD_SALES",
  })
  void arrAboveTheThresholdRoutesToFieldSales(long seatPrice, long arr, RecommendedMotion motion) {
    PlanCatalog priced =
        Fixtures.catalog(
            List.of(plan("core_gold", "core", 1, seatPrice, 0, 0, Set.of(), null)), 30_000);

    ScoreResult r =
        score(facts().catalog(priced).corePlan("core_gold").seats(7, 9).active(TEAM_GROWTH));

    assertEquals(1, r.recommendedSeats());
    assertEquals(usd(arr), r.arrPotential());
    assertEquals(RecommendedMotion.SELF_SERVE, type(r, ExpansionType.SEAT_ADD).motion());
    assertEquals(motion, r.motion());
  }

  @Test
  void exactlyTheThresholdIsNotAbove() {
    ScoringModel model = new ScoringModel(2, ScoringModel.seed().weights(), 10, 3, 2, 120_000);

    ScoreResult at =
        scorer.score(facts().seats(21, 20).active(SEAT_UTILIZATION_HIGH).build(), model);
    ScoreResult above =
        scorer.score(facts().seats(22, 20).active(SEAT_UTILIZATION_HIGH).build(), model);

    assertEquals(usd(120_000), at.arrPotential());
    assertEquals(RecommendedMotion.SELF_SERVE, at.motion());
    assertEquals(
        usd(144_000), above.arrPotential()); // 12 seats: inside sales by type, field by value
    assertEquals(RecommendedMotion.FIELD_SALES, above.motion());
  }

  @Test
  void tierUpgradeTargetsTheNextPlanWithoutAttemptedFeatures() {
    ScoreResult r = score(facts().active(PREMIUM_FEATURE_DEMAND));

    TypePotential tier = type(r, ExpansionType.TIER_UPGRADE);
    assertEquals(Optional.of("core_business"), tier.targetPlanKey());
    // business at n = 20: 100.00 + 15 × 25.00 = 475.00; team: 20 × 10.00 = 200.00
    assertEquals(usd((47_500 - 20_000) * 12), tier.arrPotential());
  }

  @Test
  void tierUpgradeWalksTheChainToThePlanThatEntitlesAnAttemptedFeature() {
    ScoreResult sso = score(facts().attempted("sso").active(ADVANCED_FEATURE_ADOPTION));
    ScoreResult sandbox = score(facts().attempted("sandbox").active(POWER_USER_EMERGENCE));
    ScoreResult unknown = score(facts().attempted("nowhere").active(POWER_USER_EMERGENCE));

    assertEquals(
        Optional.of("core_business"), type(sso, ExpansionType.TIER_UPGRADE).targetPlanKey());
    TypePotential toEnterprise = type(sandbox, ExpansionType.TIER_UPGRADE);
    assertEquals(Optional.of("core_enterprise"), toEnterprise.targetPlanKey());
    // enterprise at n = 20: 500.00 + 10 × 50.00 = 1,000.00
    assertEquals(usd((100_000 - 20_000) * 12), toEnterprise.arrPotential());
    assertEquals(
        Optional.of("core_business"), type(unknown, ExpansionType.TIER_UPGRADE).targetPlanKey());
  }

  @Test
  void usageIncreaseIsTheNextPlansDelta() {
    ScoreResult r = score(facts().attempted("sandbox").active(API_CONSUMPTION_GROWTH));

    TypePotential usage = type(r, ExpansionType.USAGE_INCREASE);
    assertEquals(Optional.of("core_business"), usage.targetPlanKey());
    assertEquals(usd(330_000), usage.arrPotential());
    assertEquals(RecommendedMotion.SELF_SERVE, usage.motion());
  }

  @Test
  void enterpriseIsTheDeltaToTheLastPlanOfTheChain() {
    ScoreResult fromTeam = score(facts().active(ENTERPRISE_READINESS));
    ScoreResult onTop = score(facts().corePlan("core_enterprise").active(ORGANIZATIONAL_GROWTH));

    assertEquals(
        Optional.of("core_enterprise"), type(fromTeam, ExpansionType.ENTERPRISE).targetPlanKey());
    assertEquals(usd(960_000), type(fromTeam, ExpansionType.ENTERPRISE).arrPotential());
    TypePotential none = type(onTop, ExpansionType.ENTERPRISE);
    assertEquals(usd(0), none.arrPotential());
    assertEquals(Optional.empty(), none.targetPlanKey());
    assertEquals(RecommendedMotion.FIELD_SALES, onTop.motion());
  }

  @Test
  void withoutANextPlanUpgradesAreWorthZero() {
    ScoreResult r =
        score(
            facts()
                .corePlan("core_enterprise")
                .active(PREMIUM_FEATURE_DEMAND, USAGE_LIMIT_APPROACHING));

    assertEquals(usd(0), type(r, ExpansionType.TIER_UPGRADE).arrPotential());
    assertEquals(usd(0), type(r, ExpansionType.USAGE_INCREASE).arrPotential());
    assertEquals(
        Optional.of(ExpansionType.TIER_UPGRADE), r.primaryType()); // tie at 0: canonical order
    assertEquals(RecommendedMotion.INSIDE_SALES, r.motion());
  }

  @Test
  void aCheaperNextPlanIsWorthZeroNotNegative() {
    PlanCatalog odd =
        Fixtures.catalog(
            List.of(
                plan("core_seats", "core", 1, 1_000, 0, 0, Set.of(), "core_flat"),
                plan("core_flat", "core", 2, 1_000, 15_000, 50, Set.of(), null)),
            30_000);

    ScoreResult r =
        score(
            facts()
                .catalog(odd)
                .corePlan("core_seats")
                .seats(10, 20)
                .active(USAGE_LIMIT_APPROACHING));

    assertEquals(
        usd(0), type(r, ExpansionType.USAGE_INCREASE).arrPotential()); // 150.00 - 200.00 < 0
    assertEquals(Optional.of("core_flat"), type(r, ExpansionType.USAGE_INCREASE).targetPlanKey());
  }

  @Test
  void upgradePricesUseBillableSeatsNotJustCapacity() {
    // 30 used on 20 purchased: n = 30. team 300.00; business 100.00 + 25 × 25.00 = 725.00
    ScoreResult r = score(facts().seats(30, 20).active(USAGE_LIMIT_APPROACHING));

    assertEquals(usd((72_500 - 30_000) * 12), type(r, ExpansionType.USAGE_INCREASE).arrPotential());
  }

  @Test
  void multiProductIsTheMostValuableUnownedProductAtItsEntryPlan() {
    ScoreResult r = score(facts().active(CROSS_PRODUCT_FIT));

    TypePotential multi = type(r, ExpansionType.MULTI_PRODUCT);
    // automation_starter 300.00 × 12 = 3,600.00 beats analytics_pro (20.00 + 20 × 5.00) × 12 =
    // 1,440.00
    assertEquals(Optional.of("automation_starter"), multi.targetPlanKey());
    assertEquals(usd(360_000), multi.arrPotential());
    assertEquals(RecommendedMotion.FIELD_SALES, multi.motion());

    ScoreResult ownsAutomation =
        score(facts().subscribed("core", "automation").active(WORKFLOW_BOTTLENECK));
    assertEquals(
        Optional.of("analytics_pro"),
        type(ownsAutomation, ExpansionType.MULTI_PRODUCT).targetPlanKey());
    assertEquals(usd(144_000), type(ownsAutomation, ExpansionType.MULTI_PRODUCT).arrPotential());
  }

  @Test
  void multiProductTiesGoToCatalogOrder() {
    // automation priced like analytics_pro at n = 20: 120.00 a month; analytics comes first in the
    // catalog.
    ScoreResult r =
        score(
            facts()
                .catalog(Fixtures.catalog(Fixtures.corePlans(), 12_000))
                .active(CROSS_PRODUCT_FIT));

    assertEquals(
        Optional.of("analytics_pro"), type(r, ExpansionType.MULTI_PRODUCT).targetPlanKey());
    assertEquals(usd(144_000), r.arrPotential());
  }

  @Test
  void multiProductIsZeroWhenEveryProductIsOwned() {
    ScoreResult r =
        score(facts().subscribed("core", "analytics", "automation").active(CROSS_PRODUCT_FIT));

    assertEquals(usd(0), type(r, ExpansionType.MULTI_PRODUCT).arrPotential());
    assertEquals(Optional.empty(), type(r, ExpansionType.MULTI_PRODUCT).targetPlanKey());
  }

  @Test
  void typesAreDistinctInCanonicalOrderFromActiveSignalsOnly() {
    ScoreResult r =
        score(
            facts()
                .active(
                    ORGANIZATIONAL_GROWTH,
                    TEAM_GROWTH,
                    CROSS_PRODUCT_FIT,
                    SEAT_UTILIZATION_HIGH,
                    MULTI_SIGNAL)
                .signal(Fixtures.signal(USAGE_LIMIT_APPROACHING, SignalStatus.PENDING, T)));

    assertEquals(
        List.of(ExpansionType.SEAT_ADD, ExpansionType.MULTI_PRODUCT, ExpansionType.ENTERPRISE),
        r.types().stream().map(TypePotential::type).toList());
    assertTrue(r.immediateReview());
    assertEquals(6, r.signals().size());
  }

  @Test
  void primaryIsTheLargestArrAndTiesGoToCanonicalOrder() {
    // used 21 of 20: SEAT_ADD = 10 seats × 10.00 × 12 = 1,200.00; n = 21, core_team costs 210.00 a
    // month.
    PlanCatalog dearFlat =
        Fixtures.catalog(
            List.of(
                plan("core_team", "core", 1, 1_000, 0, 0, Set.of(), "core_flat"),
                plan("core_flat", "core", 2, 0, 47_500, 100, Set.of(), null)),
            30_000);
    ScoreResult notTied =
        score(
            facts()
                .catalog(dearFlat)
                .seats(21, 20)
                .active(USAGE_LIMIT_APPROACHING, SEAT_UTILIZATION_HIGH));
    assertEquals(
        Optional.of(ExpansionType.USAGE_INCREASE), notTied.primaryType()); // (475 - 210) × 12
    assertEquals(usd(318_000), notTied.arrPotential());

    PlanCatalog tiedFlat =
        Fixtures.catalog(
            List.of(
                plan("core_team", "core", 1, 1_000, 0, 0, Set.of(), "core_flat"),
                plan("core_flat", "core", 2, 0, 31_000, 100, Set.of(), null)),
            30_000);
    ScoreResult tied =
        score(
            facts()
                .catalog(tiedFlat)
                .seats(21, 20)
                .active(USAGE_LIMIT_APPROACHING, SEAT_UTILIZATION_HIGH));
    assertEquals(
        usd(120_000), type(tied, ExpansionType.USAGE_INCREASE).arrPotential()); // (310 - 210) × 12
    assertEquals(usd(120_000), type(tied, ExpansionType.SEAT_ADD).arrPotential());
    assertEquals(Optional.of(ExpansionType.SEAT_ADD), tied.primaryType());
    assertEquals(usd(120_000), tied.arrPotential());
  }

  @Test
  void notActivatedAccountsGetScoreAndBandButNoTypeArrOrMotion() {
    ScoreResult r =
        score(
            facts()
                .activated(false)
                .seats(21, 20)
                .attempts(10)
                .engagement(90)
                .newUsers(5)
                .signal(Fixtures.signal(SEAT_UTILIZATION_HIGH, SignalStatus.SUPPRESSED, T))
                .signal(Fixtures.signal(MULTI_SIGNAL, SignalStatus.SUPPRESSED, T)));

    assertEquals(83, r.score()); // 25 + 25 + 18 + 15 + 0
    assertEquals(ReadinessBand.URGENT, r.band());
    assertEquals(List.of(), r.types());
    assertEquals(Optional.empty(), r.primaryType());
    assertEquals(usd(0), r.arrPotential());
    assertEquals(RecommendedMotion.NONE, r.motion());
    assertEquals("", r.owner());
    assertFalse(r.immediateReview());
    assertFalse(r.activated());
    assertEquals(10, r.recommendedSeats()); // still the prompt's pre-fill
    assertEquals(2, r.signals().size());
  }

  @Test
  void noActiveTypeMeansNoMotion() {
    ScoreResult r =
        score(facts().signal(Fixtures.signal(SEAT_UTILIZATION_HIGH, SignalStatus.PENDING, T)));

    assertEquals(List.of(), r.types());
    assertEquals(RecommendedMotion.NONE, r.motion());
    assertEquals("", r.owner());
  }

  @Test
  void withoutACoreSubscriptionUpgradesAndSeatAddsAreZero() {
    ScoreResult r =
        score(
            facts()
                .corePlan(null)
                .subscribed()
                .seats(4, 0)
                .active(
                    SEAT_UTILIZATION_HIGH,
                    PREMIUM_FEATURE_DEMAND,
                    ENTERPRISE_READINESS,
                    CROSS_PRODUCT_FIT));

    assertEquals(usd(0), type(r, ExpansionType.SEAT_ADD).arrPotential());
    assertEquals(usd(0), type(r, ExpansionType.TIER_UPGRADE).arrPotential());
    assertEquals(usd(0), type(r, ExpansionType.ENTERPRISE).arrPotential());
    // core itself is then unowned: its entry plan core_team at n = 4 is 40.00 a month; automation
    // 300.00 wins
    assertEquals(
        Optional.of("automation_starter"), type(r, ExpansionType.MULTI_PRODUCT).targetPlanKey());
    assertEquals(6, r.recommendedSeats()); // ⌈40/7⌉ - 0
  }
}
