package dev.headroom.scoring.service;

import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.ScoreResult;

/**
 * The stored and published forms the use cases read and write, implemented at the edge (where the
 * wire format lives) so that recording and re-scoring never see proto types.
 */
public interface ScoreEncoding {
  /** A stored snapshot ({@link UpstreamSnapshot#bytes()}) read back. */
  UpstreamSnapshot snapshot(byte[] stored);

  /**
   * Enough of a stored score ({@link UpstreamSnapshot#encodeScore}) to decide {@link
   * ScoreResult#materiallyDiffersFrom}.
   */
  ScoreResult forComparison(byte[] storedScore);

  /**
   * The WatchScores entry for a newly stored score, with the score and band it replaced (both null
   * for an account's first score).
   */
  byte[] watchPayload(byte[] encodedScore, Integer previousScore, ReadinessBand previousBand);
}
