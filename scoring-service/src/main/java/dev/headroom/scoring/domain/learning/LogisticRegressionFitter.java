package dev.headroom.scoring.domain.learning;

import dev.headroom.kit.error.DomainException;
import dev.headroom.scoring.domain.ScoreCategory;
import dev.headroom.scoring.domain.ScoringModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Learns category weights from outcomes: a logistic regression of won (1) / lost (0) on the five
 * category fractions of the score that preceded each outcome, fitted on a seeded, stratified
 * training split and validated on the rest.
 *
 * <p>Why the regression maps to weights: a model scores Σ points_c × fraction_c and the
 * regression's log-odds are β₀ + Σ β_c × fraction_c. With every β_c ≥ 0, points proportional to β_c
 * make the score an increasing affine function of the fitted log-odds, i.e. the score ranks
 * accounts exactly as the fitted probability does. A negative β_c cannot be expressed as points (a
 * category never subtracts), so it is clamped to 0 with a warning.
 *
 * <p>Why no library: the problem is 6 unknowns (intercept + 5 categories) and a few thousand rows;
 * Newton's method needs one 6 × 6 dense solve per iteration and converges in a handful of
 * iterations. Forty lines of code are easier to audit and keep deterministic across platforms than
 * a numerical dependency on the service's classpath.
 *
 * <p>How the active model is compared: its score is not a probability, so on the holdout its AUC is
 * computed from the score itself (ranks do not need calibration), and its log loss from a
 * one-variable logistic calibration P(won) = σ(a + b × score / 100) fitted on the same training
 * split the proposal was fitted on. Both models are thus judged on the same held-out outcomes with
 * the same amount of data to learn from; the calibration only ever helps the active model (it is
 * the best probability its score can express), so a proposal that wins, wins fairly. The active
 * score is recomputed from the stored fractions with the active weights (Σ points × fraction,
 * unrounded), so outcomes scored under older model versions compare like for like.
 *
 * <p>A fit never activates anything: it returns a proposal.
 */
public final class LogisticRegressionFitter {
  static final int MAX_ITERATIONS = 100;
  private static final double STEP_TOLERANCE = 1e-9;

  public FitResult fit(List<OutcomeRecord> outcomes, ScoringModel active, FitOptions options) {
    List<OutcomeRecord> usable = new ArrayList<>();
    for (OutcomeRecord o : outcomes) {
      if (o.precedingFeatures().isPresent()) {
        usable.add(o);
      }
    }
    int withoutScore = outcomes.size() - usable.size();
    // Sorting first makes the split depend on the outcomes and the seed only, not on the order they
    // were read.
    usable.sort(Comparator.comparing(OutcomeRecord::outcomeId));
    List<OutcomeRecord> won = usable.stream().filter(OutcomeRecord::won).toList();
    List<OutcomeRecord> lost = usable.stream().filter(o -> !o.won()).toList();
    requireEnough(usable.size(), won.size(), lost.size(), withoutScore, options);

    Random random = new Random(options.seed());
    List<OutcomeRecord> wonShuffled = shuffled(won, random);
    List<OutcomeRecord> lostShuffled = shuffled(lost, random);
    int wonHeld = heldOut(won.size(), options.holdoutFraction());
    int lostHeld = heldOut(lost.size(), options.holdoutFraction());
    List<OutcomeRecord> holdout = new ArrayList<>(wonShuffled.subList(0, wonHeld));
    holdout.addAll(lostShuffled.subList(0, lostHeld));
    List<OutcomeRecord> train = new ArrayList<>(wonShuffled.subList(wonHeld, won.size()));
    train.addAll(lostShuffled.subList(lostHeld, lost.size()));

    boolean[] yTrain = labels(train);
    boolean[] yHold = labels(holdout);
    NewtonFit fit = newton(designMatrix(train), yTrain, options.lambda());

    ScoreCategory[] categories = ScoreCategory.values();
    List<FitWarning> warnings = new ArrayList<>();
    Map<String, Double> coefficients = new LinkedHashMap<>();
    coefficients.put("intercept", fit.beta[0]);
    double[] categoryCoefficients = new double[categories.length];
    for (int c = 0; c < categories.length; c++) {
      categoryCoefficients[c] = fit.beta[c + 1];
      coefficients.put(categories[c].key(), fit.beta[c + 1]);
      if (fit.beta[c + 1] < 0) {
        warnings.add(
            new FitWarning(
                "weights." + categories[c].key(),
                "category "
                    + categories[c]
                    + " has a negative coefficient ("
                    + String.format(Locale.ROOT, "%.4f", fit.beta[c + 1])
                    + "): clamped to 0 points"));
      }
    }
    Map<ScoreCategory, Integer> points = pointsFromCoefficients(categoryCoefficients);
    if (withoutScore > 0) {
      warnings.add(
          new FitWarning(
              "outcomes",
              withoutScore + " outcome(s) had no preceding score and were left out of the fit"));
    }
    if (!fit.converged) {
      warnings.add(
          new FitWarning(
              "coefficients",
              "the fit did not converge within "
                  + MAX_ITERATIONS
                  + " iterations; the coefficients are the last iterate"));
    }

    double[][] xHold = designMatrix(holdout);
    double[] proposalProbabilities = new double[holdout.size()];
    for (int i = 0; i < holdout.size(); i++) {
      proposalProbabilities[i] = Statistics.sigmoid(dot(fit.beta, xHold[i]));
    }
    ModelQuality proposalQuality =
        new ModelQuality(
            Statistics.auc(proposalProbabilities, yHold),
            Statistics.logLoss(proposalProbabilities, yHold),
            holdout.size(),
            wonHeld);

    ModelQuality activeQuality =
        activeModelQuality(active, train, yTrain, holdout, yHold, options.lambda(), wonHeld);
    return new FitResult(
        active.withWeights(0, points),
        coefficients,
        proposalQuality,
        activeQuality,
        warnings,
        train.size(),
        withoutScore,
        fit.iterations,
        fit.converged);
  }

  /**
   * Positive coefficients rescaled to integer points summing to exactly 100 by largest remainder
   * (Hamilton): floor every quota 100 × β_c / Σβ⁺, then hand the missing points to the largest
   * fractional parts, ties to the earlier category. Non-positive coefficients get 0.
   */
  static Map<ScoreCategory, Integer> pointsFromCoefficients(double[] coefficients) {
    ScoreCategory[] categories = ScoreCategory.values();
    double positiveSum = 0;
    for (double c : coefficients) {
      positiveSum += Math.max(0, c);
    }
    if (!(positiveSum > 0)) {
      throw new DomainException.FailedPrecondition(
          "no category is positively associated with won expansions in these outcomes: "
              + "there are no weights to propose",
          Map.of());
    }
    int[] points = new int[categories.length];
    double[] remainders = new double[categories.length];
    int assigned = 0;
    for (int c = 0; c < categories.length; c++) {
      double quota = coefficients[c] > 0 ? 100 * coefficients[c] / positiveSum : 0;
      points[c] = (int) Math.floor(quota);
      remainders[c] = quota - points[c];
      assigned += points[c];
    }
    List<Integer> byRemainder = new ArrayList<>();
    for (int c = 0; c < categories.length; c++) {
      if (coefficients[c] > 0) {
        byRemainder.add(c);
      }
    }
    byRemainder.sort(
        Comparator.<Integer>comparingDouble(c -> -remainders[c]).thenComparingInt(c -> c));
    // Floating-point quotas can leave the floors a point short of what exact ones would; wrap to
    // stay exact.
    for (int k = 0; assigned < 100; k++, assigned++) {
      points[byRemainder.get(k % byRemainder.size())]++;
    }
    Map<ScoreCategory, Integer> out = new EnumMap<>(ScoreCategory.class);
    for (int c = 0; c < categories.length; c++) {
      out.put(categories[c], points[c]);
    }
    return out;
  }

  private static ModelQuality activeModelQuality(
      ScoringModel active,
      List<OutcomeRecord> train,
      boolean[] yTrain,
      List<OutcomeRecord> holdout,
      boolean[] yHold,
      double lambda,
      int holdoutPositives) {
    double[][] calibrationX = new double[train.size()][];
    for (int i = 0; i < train.size(); i++) {
      calibrationX[i] = new double[] {1, activeScore(active, train.get(i)) / 100};
    }
    NewtonFit calibration = newton(calibrationX, yTrain, lambda);
    double[] scores = new double[holdout.size()];
    double[] probabilities = new double[holdout.size()];
    for (int i = 0; i < holdout.size(); i++) {
      scores[i] = activeScore(active, holdout.get(i));
      probabilities[i] =
          Statistics.sigmoid(calibration.beta[0] + calibration.beta[1] * scores[i] / 100);
    }
    return new ModelQuality(
        Statistics.auc(scores, yHold),
        Statistics.logLoss(probabilities, yHold),
        holdout.size(),
        holdoutPositives);
  }

  /** Σ max points × fraction: the active model's unrounded score for the outcome's features. */
  private static double activeScore(ScoringModel model, OutcomeRecord outcome) {
    CategoryFeatures f = outcome.precedingFeatures().orElseThrow();
    double sum = 0;
    for (ScoreCategory c : ScoreCategory.values()) {
      sum += model.maxPoints(c) * f.get(c);
    }
    return sum;
  }

  private static void requireEnough(
      int usable, int won, int lost, int withoutScore, FitOptions options) {
    Map<String, String> metadata =
        Map.of(
            "usable_outcomes",
            Integer.toString(usable),
            "won",
            Integer.toString(won),
            "lost",
            Integer.toString(lost),
            "without_preceding_score",
            Integer.toString(withoutScore));
    if (won == 0 || lost == 0) {
      throw new DomainException.FailedPrecondition(
          "the outcomes with a preceding score are "
              + (won == 0 ? "all lost" : "all won")
              + " ("
              + usable
              + "): a fit needs both won and lost ones",
          metadata);
    }
    if (usable < options.minOutcomes()
        || won < options.minPerClass()
        || lost < options.minPerClass()) {
      throw new DomainException.FailedPrecondition(
          "too few outcomes to fit: "
              + usable
              + " with a preceding score ("
              + won
              + " won, "
              + lost
              + " lost); need at least "
              + options.minOutcomes()
              + " and "
              + options.minPerClass()
              + " of each",
          metadata);
    }
  }

  /** round(fraction × n), but at least one and never all: both splits keep both classes. */
  private static int heldOut(int classSize, double fraction) {
    return (int) Math.min(classSize - 1, Math.max(1, Math.round(fraction * classSize)));
  }

  /**
   * Fisher-Yates with the given generator: spelled out so the split cannot change under a JDK
   * upgrade.
   */
  private static List<OutcomeRecord> shuffled(List<OutcomeRecord> in, Random random) {
    List<OutcomeRecord> list = new ArrayList<>(in);
    for (int i = list.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      OutcomeRecord tmp = list.get(i);
      list.set(i, list.get(j));
      list.set(j, tmp);
    }
    return list;
  }

  private static boolean[] labels(List<OutcomeRecord> outcomes) {
    boolean[] y = new boolean[outcomes.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = outcomes.get(i).won();
    }
    return y;
  }

  /** Rows of [1, capacity, feature, engagement, growth, value]. */
  private static double[][] designMatrix(List<OutcomeRecord> outcomes) {
    double[][] x = new double[outcomes.size()][];
    for (int i = 0; i < x.length; i++) {
      double[] f = outcomes.get(i).precedingFeatures().orElseThrow().toArray();
      x[i] = new double[f.length + 1];
      x[i][0] = 1;
      System.arraycopy(f, 0, x[i], 1, f.length);
    }
    return x;
  }

  record NewtonFit(double[] beta, int iterations, boolean converged) {}

  /**
   * Maximizes the L2-penalized log-likelihood Σ [y·z − log(1 + eᶻ)] − λ/2 Σ_{j≥1} β_j² (z = x·β;
   * the intercept, column 0, is not penalized) by Newton's method (equivalently IRLS). The
   * objective is concave, so Newton converges fast; step halving guards the first steps from
   * overshooting when probabilities saturate.
   */
  static NewtonFit newton(double[][] x, boolean[] y, double lambda) {
    int d = x[0].length;
    double[] beta = new double[d];
    double objective = penalizedLogLikelihood(x, y, beta, lambda);
    for (int iteration = 1; iteration <= MAX_ITERATIONS; iteration++) {
      double[] gradient = new double[d];
      double[][] hessian = new double[d][d]; // the negated Hessian: positive definite
      for (int i = 0; i < x.length; i++) {
        double p = Statistics.sigmoid(dot(beta, x[i]));
        double residual = (y[i] ? 1 : 0) - p;
        double w = p * (1 - p);
        for (int a = 0; a < d; a++) {
          gradient[a] += residual * x[i][a];
          for (int b = 0; b < d; b++) {
            hessian[a][b] += w * x[i][a] * x[i][b];
          }
        }
      }
      for (int a = 1; a < d; a++) {
        gradient[a] -= lambda * beta[a];
        hessian[a][a] += lambda;
      }
      double[] step = solve(hessian, gradient);
      double t = 1;
      double[] candidate = new double[d];
      double candidateObjective;
      while (true) {
        for (int a = 0; a < d; a++) {
          candidate[a] = beta[a] + t * step[a];
        }
        candidateObjective = penalizedLogLikelihood(x, y, candidate, lambda);
        if (candidateObjective >= objective - 1e-12 * (1 + Math.abs(objective)) || t < 1e-10) {
          break;
        }
        t /= 2;
      }
      double largestMove = 0;
      for (int a = 0; a < d; a++) {
        largestMove = Math.max(largestMove, Math.abs(candidate[a] - beta[a]));
      }
      beta = candidate.clone();
      objective = candidateObjective;
      if (largestMove < STEP_TOLERANCE) {
        return new NewtonFit(beta, iteration, true);
      }
    }
    return new NewtonFit(beta, MAX_ITERATIONS, false);
  }

  private static double penalizedLogLikelihood(
      double[][] x, boolean[] y, double[] beta, double lambda) {
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      double z = dot(beta, x[i]);
      // log(1 + e^z) without overflow
      double log1pExp = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      sum += (y[i] ? z : 0) - log1pExp;
    }
    for (int a = 1; a < beta.length; a++) {
      sum -= lambda / 2 * beta[a] * beta[a];
    }
    return sum;
  }

  /**
   * Solves A·s = b by Gaussian elimination with partial pivoting (A is tiny, dense and symmetric
   * positive definite).
   */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = new double[n + 1];
      System.arraycopy(a[i], 0, m[i], 0, n);
      m[i][n] = b[i];
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int row = col + 1; row < n; row++) {
        if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) {
          pivot = row;
        }
      }
      if (!(Math.abs(m[pivot][col]) > 1e-12)) {
        throw new DomainException.FailedPrecondition(
            "the outcomes do not determine the coefficients (a category never varies, or the "
                + "outcomes are perfectly separated); fit with a positive lambda or more outcomes",
            Map.of());
      }
      double[] tmp = m[col];
      m[col] = m[pivot];
      m[pivot] = tmp;
      for (int row = col + 1; row < n; row++) {
        double factor = m[row][col] / m[col][col];
        for (int k = col; k <= n; k++) {
          m[row][k] -= factor * m[col][k];
        }
      }
    }
    double[] s = new double[n];
    for (int row = n - 1; row >= 0; row--) {
      double sum = m[row][n];
      for (int k = row + 1; k < n; k++) {
        sum -= m[row][k] * s[k];
      }
      s[row] = sum / m[row][row];
    }
    return s;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
