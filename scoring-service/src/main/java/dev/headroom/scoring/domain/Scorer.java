package dev.headroom.scoring.domain;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores an account: category points, integer score and band, expansion types with ARR potential,
 * motion. Pure and stateless: the same facts and model always give the same result.
 *
 * <p>Each category is {@code maxPoints × fraction}; with the seed weights these are exactly the
 * formulas of docs/scoring.md:
 *
 * <ul>
 *   <li>capacity: min(1, used / capacity), 0 if capacity is 0
 *   <li>feature: min(1, premium attempts 30d / premium attempts for full points)
 *   <li>engagement: engagement / 100 (seed: engagement × 0.20)
 *   <li>growth: min(1, points per new user × new users 30d / 15) (seed: min(15, 3 × new users))
 *   <li>value: min(1, workflows 30d / (expected per seat × max(1, used)))
 * </ul>
 */
public final class Scorer {

  public ScoreResult score(AccountFacts facts, ScoringModel model) {
    List<CategoryScore> categories =
        List.of(
            capacity(facts, model),
            feature(facts, model),
            engagement(facts, model),
            growth(facts, model),
            value(facts, model));
    Rational total = Rational.ZERO;
    for (CategoryScore c : categories) {
      total = total.plus(c.points());
    }
    int score = (int) Math.max(0, Math.min(100, total.roundHalfUp()));
    ReadinessBand band = ReadinessBand.of(score);
    int recommendedSeats =
        ExpansionValuation.recommendedSeats(facts.seatsUsed(), facts.seatsPurchased());
    boolean immediateReview =
        facts.signals().stream().anyMatch(s -> s.type() == SignalType.MULTI_SIGNAL && s.isActive());

    List<TypePotential> types = facts.activated() ? types(facts, recommendedSeats) : List.of();
    Optional<TypePotential> primary = primary(types);
    Money arrPotential =
        primary.map(TypePotential::arrPotential).orElse(Money.zero(facts.currency()));
    RecommendedMotion motion = RecommendedMotion.NONE;
    for (TypePotential t : types) {
      motion = motion.moreSenior(t.motion());
    }
    if (!types.isEmpty() && arrPotential.minorUnits() > model.fieldSalesArrThresholdMinor()) {
      motion = RecommendedMotion.FIELD_SALES;
    }
    return new ScoreResult(
        facts.accountId(),
        facts.asOf(),
        model.version(),
        total,
        score,
        band,
        categories,
        types,
        primary.map(TypePotential::type),
        arrPotential,
        motion,
        motion.owner(),
        recommendedSeats,
        facts.signals(),
        immediateReview,
        facts.activated());
  }

  /** The motion one type calls for on its own. */
  public static RecommendedMotion motionFor(ExpansionType type, int recommendedSeats) {
    return switch (type) {
      case SEAT_ADD ->
          recommendedSeats <= 10
              ? RecommendedMotion.SELF_SERVE
              : recommendedSeats <= 24
                  ? RecommendedMotion.INSIDE_SALES
                  : RecommendedMotion.FIELD_SALES;
      case USAGE_INCREASE -> RecommendedMotion.SELF_SERVE;
      case TIER_UPGRADE -> RecommendedMotion.INSIDE_SALES;
      case MULTI_PRODUCT, ENTERPRISE -> RecommendedMotion.FIELD_SALES;
    };
  }

  private static List<TypePotential> types(AccountFacts facts, int recommendedSeats) {
    EnumSet<ExpansionType> active = EnumSet.noneOf(ExpansionType.class);
    for (HeldSignal s : facts.signals()) {
      if (s.isActive()) {
        s.expansionType().ifPresent(active::add);
      }
    }
    List<TypePotential> out = new ArrayList<>();
    for (ExpansionType type : active) { // EnumSet iterates in canonical order
      ExpansionValuation.Valuation v = ExpansionValuation.value(type, facts, recommendedSeats);
      out.add(
          new TypePotential(
              type,
              new Money(facts.currency(), v.arrMinor()),
              motionFor(type, recommendedSeats),
              v.targetPlanKey()));
    }
    return out;
  }

  private static Optional<TypePotential> primary(List<TypePotential> types) {
    TypePotential best = null;
    for (TypePotential t :
        types) { // canonical order: strictly greater keeps the earlier type on ties
      if (best == null || t.arrPotential().minorUnits() > best.arrPotential().minorUnits()) {
        best = t;
      }
    }
    return Optional.ofNullable(best);
  }

  private static CategoryScore capacity(AccountFacts f, ScoringModel m) {
    ScoreCategory c = ScoreCategory.CAPACITY_UTILIZATION;
    int max = m.maxPoints(c);
    Map<String, String> inputs =
        inputs("seats_used", f.seatsUsed(), "seats_purchased", f.seatsPurchased());
    if (f.seatsPurchased() == 0) {
      return new CategoryScore(
          c,
          Rational.ZERO,
          Rational.ZERO,
          max,
          inputs,
          "no seats purchased: 0 of " + max + " points");
    }
    Rational fraction = Rational.of(f.seatsUsed(), f.seatsPurchased()).min(Rational.ONE);
    Rational points = fraction.times(max);
    return new CategoryScore(
        c,
        points,
        fraction,
        max,
        inputs,
        "min(1, "
            + f.seatsUsed()
            + " seats used / "
            + f.seatsPurchased()
            + " seats purchased) x "
            + max
            + " = "
            + show(points));
  }

  private static CategoryScore feature(AccountFacts f, ScoringModel m) {
    ScoreCategory c = ScoreCategory.FEATURE_READINESS;
    int max = m.maxPoints(c);
    int full = m.premiumAttemptsForFullPoints();
    Rational fraction = Rational.of(f.premiumAttempts30d(), full).min(Rational.ONE);
    Rational points = fraction.times(max);
    return new CategoryScore(
        c,
        points,
        fraction,
        max,
        inputs(
            "premium_attempts_30d",
            f.premiumAttempts30d(),
            "premium_attempts_for_full_points",
            full),
        "min(1, "
            + f.premiumAttempts30d()
            + " premium attempts in 30 days / "
            + full
            + ") x "
            + max
            + " = "
            + show(points));
  }

  private static CategoryScore engagement(AccountFacts f, ScoringModel m) {
    ScoreCategory c = ScoreCategory.ENGAGEMENT_INTENSITY;
    int max = m.maxPoints(c);
    Rational fraction = Rational.of(f.engagementScore(), 100);
    Rational points = fraction.times(max);
    return new CategoryScore(
        c,
        points,
        fraction,
        max,
        inputs(
            "engagement_score",
            f.engagementScore(),
            "active_users_7d",
            f.activeUsers7d(),
            "active_days_28",
            f.activeDays28(),
            "seats_used",
            f.seatsUsed()),
        "engagement score " + f.engagementScore() + " / 100 x " + max + " = " + show(points));
  }

  private static CategoryScore growth(AccountFacts f, ScoringModel m) {
    ScoreCategory c = ScoreCategory.GROWTH_TRAJECTORY;
    int max = m.maxPoints(c);
    int perUser = m.growthPointsPerNewUser();
    Rational fraction =
        Rational.of((long) perUser * f.newUsers30d(), ScoringModel.GROWTH_SCALE_POINTS)
            .min(Rational.ONE);
    Rational points = fraction.times(max);
    return new CategoryScore(
        c,
        points,
        fraction,
        max,
        inputs("new_users_30d", f.newUsers30d(), "growth_points_per_new_user", perUser),
        "min(1, "
            + perUser
            + " x "
            + f.newUsers30d()
            + " new users in 30 days / "
            + ScoringModel.GROWTH_SCALE_POINTS
            + ") x "
            + max
            + " = "
            + show(points));
  }

  private static CategoryScore value(AccountFacts f, ScoringModel m) {
    ScoreCategory c = ScoreCategory.VALUE_REALIZATION;
    int max = m.maxPoints(c);
    int perSeat = m.expectedWorkflowsPerSeat();
    long seats = Math.max(1, f.seatsUsed());
    long expected = perSeat * seats;
    Rational fraction = Rational.of(f.workflowsCompleted30d(), expected).min(Rational.ONE);
    Rational points = fraction.times(max);
    return new CategoryScore(
        c,
        points,
        fraction,
        max,
        inputs(
            "workflows_completed_30d",
            f.workflowsCompleted30d(),
            "expected_workflows_30d",
            expected,
            "seats_used",
            f.seatsUsed()),
        "min(1, "
            + f.workflowsCompleted30d()
            + " workflows completed in 30 days / "
            + expected
            + " expected ("
            + perSeat
            + " per seat x "
            + seats
            + " seats)) x "
            + max
            + " = "
            + show(points));
  }

  private static Map<String, String> inputs(Object... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], String.valueOf(keyValues[i + 1]));
    }
    return map;
  }

  /** "21.25", or "14.166667 (exactly 85/6)" when the decimal does not terminate. */
  private static String show(Rational r) {
    String decimal = r.toDecimal(CategoryScore.DISPLAY_SCALE).toPlainString();
    return r.isTerminatingDecimal() ? decimal : decimal + " (exactly " + r + ")";
  }
}
