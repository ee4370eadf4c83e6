package dev.headroom.scoring.domain.measures;

import java.time.Duration;
import java.util.Objects;

/**
 * The configuration the measures are computed with.
 *
 * @param conversionWindow a won expansion at most this long after a signal converts it
 * @param scoreBucketWidth integer scores per bucket of the conversion by score (1-100)
 * @param coreProductKey the product whose plan segments retention
 */
public record MeasuresRules(
    Duration conversionWindow, int scoreBucketWidth, String coreProductKey) {
  public MeasuresRules {
    Objects.requireNonNull(conversionWindow, "conversionWindow");
    Objects.requireNonNull(coreProductKey, "coreProductKey");
    if (!conversionWindow.isPositive()) {
      throw new IllegalArgumentException("conversionWindow must be positive");
    }
    if (scoreBucketWidth < 1 || scoreBucketWidth > 100) {
      throw new IllegalArgumentException("scoreBucketWidth must be 1-100: " + scoreBucketWidth);
    }
  }

  /**
   * The bucket of an integer score: buckets of {@code scoreBucketWidth} from 0, the last one
   * reaching 100 (width 10: 0-9, 10-19, ..., 90-100).
   */
  public Segment.ByScore bucketOf(int score) {
    int min = Math.min(score, 99) / scoreBucketWidth * scoreBucketWidth;
    int max = min + scoreBucketWidth - 1;
    return new Segment.ByScore(min, max >= 99 ? 100 : max);
  }
}
