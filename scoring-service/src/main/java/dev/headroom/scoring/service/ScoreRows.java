package dev.headroom.scoring.service;

import dev.headroom.scoring.db.ScoreDao;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.ScoreResult;
import dev.headroom.scoring.domain.TypePotential;
import dev.headroom.scoring.domain.learning.CategoryFeatures;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** A computed score → its stored row. */
final class ScoreRows {
  /** The outbox stream WatchScores serves. */
  static final String STREAM = "scores";

  private ScoreRows() {}

  static ScoreDao.ScoreRow row(ScoreResult r, long revision, byte[] scorePb, Instant computedAt) {
    CategoryFeatures f = CategoryFeatures.of(r);
    int mask = 0;
    for (TypePotential t : r.types()) {
      mask |= t.type().maskBit();
    }
    return new ScoreDao.ScoreRow(
        r.accountId(),
        revision,
        r.score(),
        r.band().name(),
        r.motion().name(),
        mask,
        r.modelVersion(),
        utc(r.asOf()),
        utc(computedAt),
        f.capacityUtilization(),
        f.featureReadiness(),
        f.engagementIntensity(),
        f.growthTrajectory(),
        f.valueRealization(),
        scorePb);
  }

  /** The band a stored row names, null when there is no row. */
  static ReadinessBand band(String stored) {
    return stored == null ? null : ReadinessBand.valueOf(stored);
  }

  static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
