package dev.headroom.scoring.domain.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import dev.headroom.scoring.domain.ExpansionType;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.ScoreCategory;
import dev.headroom.scoring.domain.ScoringModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticRegressionFitterTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private final LogisticRegressionFitter fitter = new LogisticRegressionFitter();
  private final ScoringModel seed = ScoringModel.seed();

  /**
   * Outcomes whose true log-odds are intercept + Σ coefficient_c × fraction_c, fractions uniform in
   * [0, 1]: the relationship the fit should recover.
   */
  private static List<OutcomeRecord> history(
      int n, long seed, double intercept, double... coefficients) {
    Random random = new Random(seed);
    List<OutcomeRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] f = new double[5];
      double z = intercept;
      for (int c = 0; c < 5; c++) {
        f[c] = random.nextDouble();
        z += coefficients[c] * f[c];
      }
      boolean won = random.nextDouble() < Statistics.sigmoid(z);
      out.add(outcome(String.format("o-%05d", i), won, f));
    }
    return out;
  }

  private static OutcomeRecord outcome(String id, boolean won, double... f) {
    return new OutcomeRecord(
        id,
        "acc-" + id,
        won ? OutcomeResult.WON : OutcomeResult.LOST,
        ExpansionType.TIER_UPGRADE,
        new Money("USD", won ? 100_000 : 0),
        T0,
        Optional.of(new CategoryFeatures(f[0], f[1], f[2], f[3], f[4])));
  }

  private static int sum(Map<ScoreCategory, Integer> weights) {
    return weights.values().stream().mapToInt(Integer::intValue).sum();
  }

  @Test
  void winsDrivenByFeatureReadinessOnlyGiveItTheWeightAndBeatTheSeedModel() {
    List<OutcomeRecord> outcomes = history(1_200, 42, -4, 0, 8, 0, 0, 0);

    FitResult fit = fitter.fit(outcomes, seed, FitOptions.fromRequest(0, 7));

    Map<ScoreCategory, Integer> w = fit.proposal().weights();
    assertEquals(100, sum(w));
    assertTrue(
        w.get(ScoreCategory.FEATURE_READINESS) >= 70, "feature readiness gets the points: " + w);
    for (ScoreCategory c : ScoreCategory.values()) {
      assertTrue(
          w.get(ScoreCategory.FEATURE_READINESS) > w.get(c)
              || c == ScoreCategory.FEATURE_READINESS);
    }
    assertEquals(8.0, fit.coefficients().get("feature_readiness"), 1.2);
    assertEquals(-4.0, fit.coefficients().get("intercept"), 1.0);

    ModelQuality proposal = fit.proposalQuality();
    ModelQuality active = fit.activeModelQuality();
    assertTrue(proposal.auc() > 0.80, "proposal AUC " + proposal.auc());
    assertTrue(
        proposal.auc() > active.auc() + 0.08,
        "proposal AUC " + proposal.auc() + " vs seed model " + active.auc());
    assertTrue(
        proposal.logLoss() < active.logLoss(),
        "proposal log loss " + proposal.logLoss() + " vs seed model " + active.logLoss());
    assertEquals(300, proposal.holdoutSize());
    assertEquals(proposal.holdoutSize(), active.holdoutSize());
    assertEquals(proposal.holdoutPositives(), active.holdoutPositives());
    assertEquals(900, fit.trainingSize());
    assertTrue(fit.converged());
    // Parameters other than the weights are the active model's; a proposal has no version yet.
    assertEquals(0, fit.proposal().version());
    assertEquals(
        seed.premiumAttemptsForFullPoints(), fit.proposal().premiumAttemptsForFullPoints());
    assertEquals(seed.fieldSalesArrThresholdMinor(), fit.proposal().fieldSalesArrThresholdMinor());
  }

  @Test
  void whenTheSeedModelIsTheTruthItHoldsItsOwn() {
    // Log-odds proportional to the seed score: 25, 25, 20, 15, 15 (÷ 10)
    List<OutcomeRecord> outcomes = history(2_000, 3, -5, 2.5, 2.5, 2.0, 1.5, 1.5);

    FitResult fit = fitter.fit(outcomes, seed, FitOptions.fromRequest(0.25, 11));

    assertEquals(fit.activeModelQuality().auc(), fit.proposalQuality().auc(), 0.02);
    Map<ScoreCategory, Integer> w = fit.proposal().weights();
    assertEquals(100, sum(w));
    for (ScoreCategory c : ScoreCategory.values()) {
      assertEquals(seed.maxPoints(c), w.get(c), 8, "recovers the seed weights: " + w);
    }
  }

  @Test
  void recoversKnownCoefficients() {
    List<OutcomeRecord> outcomes = history(8_000, 5, -1, 1.5, 0, 3, 0, -2);

    FitResult fit = fitter.fit(outcomes, seed, FitOptions.fromRequest(0.2, 1).withLambda(0.01));

    Map<String, Double> c = fit.coefficients();
    assertEquals(
        List.of(
            "intercept",
            "capacity_utilization",
            "feature_readiness",
            "engagement_intensity",
            "growth_trajectory",
            "value_realization"),
        new ArrayList<>(c.keySet()));
    assertEquals(-1.0, c.get("intercept"), 0.3);
    assertEquals(1.5, c.get("capacity_utilization"), 0.3);
    assertEquals(0.0, c.get("feature_readiness"), 0.3);
    assertEquals(3.0, c.get("engagement_intensity"), 0.3);
    assertEquals(0.0, c.get("growth_trajectory"), 0.3);
    assertEquals(-2.0, c.get("value_realization"), 0.3);
  }

  @Test
  void negativeCoefficientsAreClampedToZeroWithAWarning() {
    List<OutcomeRecord> outcomes = history(1_500, 9, -1, 0, 5, 0, -4, 0);

    FitResult fit = fitter.fit(outcomes, seed, FitOptions.fromRequest(0, 1));

    assertTrue(fit.coefficients().get("growth_trajectory") < 0);
    assertEquals(0, fit.proposal().maxPoints(ScoreCategory.GROWTH_TRAJECTORY));
    assertEquals(100, sum(fit.proposal().weights()));
    assertTrue(
        fit.warnings().stream()
            .anyMatch(
                w ->
                    w.field().equals("weights.growth_trajectory")
                        && w.description().contains("clamped to 0 points")),
        fit.warnings().toString());
  }

  @Test
  void theSameOutcomesAndSeedGiveTheSameProposalWhateverTheirOrder() {
    List<OutcomeRecord> outcomes = history(400, 17, -2, 1, 2, 1, 0, 1);
    List<OutcomeRecord> shuffled = new ArrayList<>(outcomes);
    Collections.shuffle(shuffled, new Random(99));

    FitResult a = fitter.fit(outcomes, seed, FitOptions.fromRequest(0, 5));
    FitResult b = fitter.fit(shuffled, seed, FitOptions.fromRequest(0, 5));
    FitResult otherSeed = fitter.fit(outcomes, seed, FitOptions.fromRequest(0, 6));

    assertEquals(a, b);
    assertFalse(a.coefficients().equals(otherSeed.coefficients()), "another seed, another split");
  }

  @Test
  void largestRemainderRoundingSumsToExactly100() {
    assertEquals(List.of(34, 33, 33, 0, 0), points(1, 1, 1, 0, -1)); // ties: earlier category
    assertEquals(List.of(67, 33, 0, 0, 0), points(2, 1, 0, 0, 0));
    assertEquals(List.of(0, 0, 0, 0, 100), points(-1, -2, 0, 0, 0.001));
    assertEquals(
        List.of(14, 29, 14, 29, 14), points(1, 2, 1, 2, 1)); // 14.29, 28.57 ×2 take the 2 spare
    assertEquals(List.of(20, 20, 20, 20, 20), points(3, 3, 3, 3, 3));
  }

  private static List<Integer> points(double... coefficients) {
    Map<ScoreCategory, Integer> w = LogisticRegressionFitter.pointsFromCoefficients(coefficients);
    List<Integer> out = new ArrayList<>();
    for (ScoreCategory c : ScoreCategory.values()) {
      out.add(w.get(c));
    }
    assertEquals(100, out.stream().mapToInt(Integer::intValue).sum());
    return out;
  }

  @Test
  void noPositiveCoefficientMeansNoProposal() {
    DomainException.FailedPrecondition e =
        assertThrows(
            DomainException.FailedPrecondition.class,
            () ->
                LogisticRegressionFitter.pointsFromCoefficients(new double[] {-1, 0, -2, -0.5, 0}));
    assertEquals(Reason.FAILED_PRECONDITION, e.reason());
    assertTrue(e.getMessage().contains("no weights to propose"), e.getMessage());
  }

  @Test
  void tooFewOutcomesIsAFailedPrecondition() {
    DomainException.FailedPrecondition e =
        assertThrows(
            DomainException.FailedPrecondition.class,
            () -> fitter.fit(history(29, 1, 0, 0, 4, 0, 0, 0), seed, FitOptions.fromRequest(0, 1)));
    assertEquals(Reason.FAILED_PRECONDITION, e.reason());
    assertTrue(e.getMessage().startsWith("too few outcomes"), e.getMessage());
    assertEquals("29", e.metadata().get("usable_outcomes"));
  }

  @Test
  void fewOfOneClassIsAFailedPrecondition() {
    List<OutcomeRecord> outcomes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      outcomes.add(outcome("o-" + i, i < 4, 0.5, 0.5, 0.5, 0.5, 0.5));
    }
    DomainException.FailedPrecondition e =
        assertThrows(
            DomainException.FailedPrecondition.class,
            () -> fitter.fit(outcomes, seed, FitOptions.fromRequest(0, 1)));
    assertEquals(Reason.FAILED_PRECONDITION, e.reason());
    assertTrue(e.getMessage().startsWith("too few outcomes"), e.getMessage());
    assertEquals("4", e.metadata().get("won"));
  }

  @Test
  void oneClassOnlyIsAFailedPrecondition() {
    List<OutcomeRecord> outcomes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      outcomes.add(outcome("o-" + i, true, 0.1, 0.2, 0.3, 0.4, 0.5));
    }
    DomainException.FailedPrecondition e =
        assertThrows(
            DomainException.FailedPrecondition.class,
            () -> fitter.fit(outcomes, seed, FitOptions.fromRequest(0, 1)));
    assertEquals(Reason.FAILED_PRECONDITION, e.reason());
    assertTrue(e.getMessage().contains("all won"), e.getMessage());
  }

  @Test
  void outcomesWithoutAPrecedingScoreAreLeftOutWithAWarning() {
    List<OutcomeRecord> outcomes = new ArrayList<>(history(200, 4, -2, 0, 5, 0, 0, 0));
    outcomes.add(
        new OutcomeRecord(
            "unscored",
            "acc-x",
            OutcomeResult.WON,
            ExpansionType.SEAT_ADD,
            new Money("USD", 1),
            T0,
            Optional.empty()));

    FitResult fit = fitter.fit(outcomes, seed, FitOptions.fromRequest(0, 1));

    assertEquals(1, fit.outcomesWithoutScore());
    assertEquals(200, fit.trainingSize() + fit.proposalQuality().holdoutSize());
    assertTrue(
        fit.warnings().stream().anyMatch(w -> w.field().equals("outcomes")),
        fit.warnings().toString());
  }

  @Test
  void holdoutIsStratifiedAndSized() {
    List<OutcomeRecord> outcomes = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < 100; i++) {
      boolean won = i < 40;
      double f = won ? 0.3 + 0.7 * random.nextDouble() : 0.7 * random.nextDouble();
      outcomes.add(
          outcome(
              String.format("o-%03d", i),
              won,
              random.nextDouble(),
              f,
              random.nextDouble(),
              random.nextDouble(),
              random.nextDouble()));
    }

    FitResult fit = fitter.fit(outcomes, seed, FitOptions.fromRequest(0.5, 1));

    assertEquals(50, fit.proposalQuality().holdoutSize());
    assertEquals(20, fit.proposalQuality().holdoutPositives()); // half of the 40 won
    assertEquals(50, fit.trainingSize());
  }

  @Test
  void holdoutFractionOutsideRangeIsAnInvalidArgument() {
    DomainException.InvalidArgument e =
        assertThrows(DomainException.InvalidArgument.class, () -> FitOptions.fromRequest(0.6, 1));
    assertEquals("holdout_fraction", e.violations().get(0).field());
    assertThrows(DomainException.InvalidArgument.class, () -> FitOptions.fromRequest(-0.1, 1));
    assertEquals(0.25, FitOptions.fromRequest(0, 1).holdoutFraction());
  }

  @Test
  void newtonSolvesASmallSystemExactly() {
    double[][] a = {{4, 1, 0}, {1, 3, 1}, {0, 1, 2}};
    double[] s = LogisticRegressionFitter.solve(a, new double[] {5, 5, 3}); // solution (1, 1, 1)
    assertEquals(1.0, s[0], 1e-12);
    assertEquals(1.0, s[1], 1e-12);
    assertEquals(1.0, s[2], 1e-12);
  }
}
