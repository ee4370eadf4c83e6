package dev.headroom.scoring.mapping;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.ScoreResult;
import dev.headroom.scoring.service.ScoreEncoding;
import dev.headroom.scoring.service.UpstreamSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The protobuf forms of snapshots, scores and WatchScores entries. */
public final class ProtoScoreEncoding implements ScoreEncoding {

  @Override
  public UpstreamSnapshot snapshot(byte[] stored) {
    try {
      return new SignalSnapshot(UsageSnapshot.parseFrom(stored));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored snapshot", e);
    }
  }

  @Override
  public ScoreResult forComparison(byte[] storedScore) {
    try {
      return ScoreProtos.forComparison(Score.parseFrom(storedScore));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored score", e);
    }
  }

  /**
   * The WatchScores message without its cursor (the watch puts the entry's seq in), written around
   * the already encoded score: the same bytes {@code WatchScoresResponse.toByteArray()} would give,
   * without encoding the score a second time (a re-score publishes every account).
   */
  @Override
  public byte[] watchPayload(
      byte[] encodedScore, Integer previousScore, ReadinessBand previousBand) {
    int band =
        previousScore == null || previousBand == null
            ? 0
            : ScoreProtos.band(previousBand).getNumber();
    int prev = previousScore == null ? 0 : previousScore;
    int size =
        CodedOutputStream.computeByteArraySize(WatchScoresResponse.SCORE_FIELD_NUMBER, encodedScore)
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
      o.writeByteArray(WatchScoresResponse.SCORE_FIELD_NUMBER, encodedScore);
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
}
