package dev.headroom.scoring.domain.measures;

import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.RecommendedMotion;
import java.util.Objects;

/** The band and motion of the score in force for an account at a period's start. */
public record StartingScore(ReadinessBand band, RecommendedMotion motion) {
  public StartingScore {
    Objects.requireNonNull(band, "band");
    Objects.requireNonNull(motion, "motion");
  }
}
