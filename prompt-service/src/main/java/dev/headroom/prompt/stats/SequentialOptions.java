package dev.headroom.prompt.stats;

/**
 * Always-valid (sequential) inference for teams that look at results while the experiment runs.
 *
 * @param enabled whether to add sequential intervals and p-values beside the fixed-horizon ones
 * @param tuningParameter the total sample size (both arms) at which the confidence sequence is
 *     tightest; GrowthBook's default is 5000
 */
public record SequentialOptions(boolean enabled, double tuningParameter) {

  /** GrowthBook's default tuning parameter. */
  public static final double DEFAULT_TUNING_PARAMETER = 5000;

  /** Sequential inference off (fixed-horizon results only). */
  public static SequentialOptions off() {
    return new SequentialOptions(false, DEFAULT_TUNING_PARAMETER);
  }

  /** Sequential inference on with the given tuning parameter. */
  public static SequentialOptions on(double tuningParameter) {
    return new SequentialOptions(true, tuningParameter);
  }
}
