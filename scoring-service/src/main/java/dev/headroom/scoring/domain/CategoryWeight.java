package dev.headroom.scoring.domain;

import java.util.Objects;

/** The maximum points of one category. */
public record CategoryWeight(ScoreCategory category, int maxPoints) {
  public CategoryWeight {
    Objects.requireNonNull(category, "category");
  }
}
