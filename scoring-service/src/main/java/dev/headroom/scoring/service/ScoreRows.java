package dev.headroom.scoring.service;

import com.google.protobuf.CodedOutputStream;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.scoring.db.ScoreDao;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.ScoreResult;
import dev.headroom.scoring.domain.TypePotential;
import dev.headroom.scoring.domain.learning.CategoryFeatures;
import dev.headroom.scoring.grpc.ScoreProtos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** A computed score → its stored row and its outbox payload. */
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

  /**
   * The WatchScores message without its cursor (the watch puts the entry's seq in), written around
   * the already encoded score: the same bytes {@code WatchScoresResponse.toByteArray()} would give,
   * without encoding the score a second time (a re-score publishes every account).
   */
  static byte[] payload(byte[] scoreBytes, Integer previousScore, String previousBand) {
    int band =
        previousScore == null
            ? 0
            : ScoreProtos.band(ReadinessBand.valueOf(previousBand)).getNumber();
    int prev = previousScore == null ? 0 : previousScore;
    int size =
        CodedOutputStream.computeByteArraySize(WatchScoresResponse.SCORE_FIELD_NUMBER, scoreBytes)
            + (prev != 0
                ? CodedOutputStream.computeInt32Size(
                    WatchScoresResponse.PREVIOUS_SCORE_FIELD_NUMBER, prev)
                : 0)
            + (band != 0
                ? CodedOutputStream.computeEnumSize(
                    WatchScoresResponse.PREVIOUS_BAND_FIELD_NUMBER, band)
                : 0);
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      o.writeByteArray(WatchScoresResponse.SCORE_FIELD_NUMBER, scoreBytes);
      if (prev != 0) {
        o.writeInt32(WatchScoresResponse.PREVIOUS_SCORE_FIELD_NUMBER, prev);
      }
      if (band != 0) {
        o.writeEnum(WatchScoresResponse.PREVIOUS_BAND_FIELD_NUMBER, band);
      }
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static OffsetDateTime utc(Instant t) {
    return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }
}
