package dev.headroom.prompt.stats;

/**
 * Below these amounts a comparison carries a minimum-data warning: its numbers are computed but too
 * noisy to act on (the normal approximations behind the t-test and the Gaussian posterior need
 * several successes per arm).
 *
 * @param unitsPerArm units required in both the control and the treatment
 * @param conversionsPerArm conversions required in both the control and the treatment
 */
public record MinimumData(long unitsPerArm, long conversionsPerArm) {

  /** 100 units and 20 conversions per arm. */
  public static final MinimumData DEFAULT = new MinimumData(100, 20);
}
