package dev.headroom.prompt.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;

/**
 * Assignment is uniform over the weights, independent between experiments and reproducible: the
 * same salt and unit always give the same arm.
 */
class AssignmentTest {
  private static final int UNITS = 100_000;

  private static Experiment experiment(String salt, int holdout, int... weights) {
    Variant[] variants = new Variant[weights.length];
    for (int i = 0; i < weights.length; i++) {
      variants[i] =
          new Variant(
              "v" + i,
              weights[i],
              i == 0,
              Map.of(),
              Variant.PromptTiming.AT_FEATURE_USE,
              OptionalInt.empty());
    }
    return new Experiment(
        "x-" + salt,
        "c",
        "n",
        Experiment.Status.RUNNING,
        Experiment.Unit.ACCOUNT,
        salt,
        List.of(variants),
        holdout,
        Duration.ofDays(14),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        1);
  }

  /** Index of the arm: the variant's position, or the last index for the holdout. */
  private static int arm(Experiment e, String unit) {
    return Assignment.assign(e, unit).map(v -> e.variants().indexOf(v)).orElse(e.variants().size());
  }

  private static double pValue(long[] observed, double[] expectedShare) {
    double chi = 0;
    long total = 0;
    for (long o : observed) {
      total += o;
    }
    for (int i = 0; i < observed.length; i++) {
      double expected = expectedShare[i] * total;
      chi += (observed[i] - expected) * (observed[i] - expected) / expected;
    }
    return 1 - new ChiSquaredDistribution(observed.length - 1).cumulativeProbability(chi);
  }

  @Test
  void armsOf100000UnitsMatchTheWeightsAndTheHoldout() {
    Experiment e = experiment("pricing-2026", 1000, 1, 2, 1);
    long[] counts = new long[4];
    for (int u = 0; u < UNITS; u++) {
      counts[arm(e, "account-" + u)]++;
    }
    double[] shares = {0.9 / 4, 0.9 * 2 / 4, 0.9 / 4, 0.1};
    double p = pValue(counts, shares);
    assertTrue(p > 0.001, "chi-square goodness of fit p = " + p + " for " + List.of(counts));
  }

  @Test
  void aSkewedSplitIsDetectedByTheSameTest() {
    // The check above can fail: counts drawn from other weights are rejected.
    Experiment e = experiment("pricing-2026", 0, 55, 45);
    long[] counts = new long[3];
    for (int u = 0; u < UNITS; u++) {
      counts[arm(e, "account-" + u)]++;
    }
    assertTrue(pValue(new long[] {counts[0], counts[1]}, new double[] {0.5, 0.5}) < 0.001);
  }

  @Test
  void twoExperimentsAssignIndependently() {
    Experiment first = experiment("first", 0, 1, 1);
    Experiment second = experiment("second", 0, 1, 1, 1);
    long[] joint = new long[6];
    for (int u = 0; u < UNITS; u++) {
      String unit = "account-" + u;
      joint[arm(first, unit) * 3 + arm(second, unit)]++;
    }
    double[] product = new double[6];
    for (int i = 0; i < 6; i++) {
      product[i] = 1.0 / 6;
    }
    double p = pValue(joint, product);
    assertTrue(p > 0.001, "contingency against independence p = " + p + " for " + List.of(joint));
  }

  @Test
  void theBucketIsAFixedFunctionOfSaltAndUnit() {
    // What an analyst reproduces outside the service: first 8 bytes of SHA-256("salt:unit") as an
    // unsigned number, modulo 10,000 (values from Python's hashlib).
    assertEquals(5510, Assignment.bucket("salt-1", "acme"));
    assertEquals(9859, Assignment.bucket("pricing-2026", "account-42"));
  }

  @Test
  void theUnitIsTheAccountOrTheAccountScopedUser() {
    Experiment byAccount = experiment("s", 0, 1, 1);
    assertEquals("acme", byAccount.unitId("acme", "u1"));
    Experiment byUser =
        new Experiment(
            "x",
            "c",
            "n",
            Experiment.Status.RUNNING,
            Experiment.Unit.USER,
            "s",
            byAccount.variants(),
            0,
            Duration.ofDays(14),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            1);
    assertEquals("acme/u1", byUser.unitId("acme", "u1"));
  }
}
