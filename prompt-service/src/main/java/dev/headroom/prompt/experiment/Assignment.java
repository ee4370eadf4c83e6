package dev.headroom.prompt.experiment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Deterministic assignment: SHA-256 of {@code salt + ":" + unitId}, its first 8 bytes as an
 * unsigned number modulo 10,000, is the unit's bucket. A cryptographic hash makes buckets uniform
 * and the buckets of two experiments (different salts) independent; the same inputs give the same
 * bucket after any restart. Buckets below the holdout are held out; the rest are split over the
 * variants in order, proportionally to their weights.
 */
public final class Assignment {
  public static final int BUCKETS = 10_000;

  /**
   * One digest per thread: looking the algorithm up costs more than hashing a unit id, and a digest
   * is reset by {@code digest()}, so reuse never mixes two units.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(Assignment::newSha256);

  private Assignment() {}

  /** The arm a unit falls in: a variant, or empty for the holdout. */
  public static Optional<Variant> assign(Experiment experiment, String unitId) {
    int bucket = bucket(experiment.salt(), unitId);
    if (bucket < experiment.holdoutBasisPoints()) {
      return Optional.empty();
    }
    long span = (long) BUCKETS - experiment.holdoutBasisPoints();
    long offset = (long) bucket - experiment.holdoutBasisPoints();
    // A loop, not a stream: this runs on every decision an experiment governs.
    long total = 0;
    for (Variant v : experiment.variants()) {
      total += v.weight();
    }
    long cumulative = 0;
    for (Variant v : experiment.variants()) {
      cumulative += v.weight();
      // Variant i owns [span × W(i-1) / total, span × W(i) / total).
      if (offset * total < span * cumulative) {
        return Optional.of(v);
      }
    }
    return Optional.of(experiment.variants().get(experiment.variants().size() - 1));
  }

  public static int bucket(String salt, String unitId) {
    byte[] digest = SHA_256.get().digest((salt + ":" + unitId).getBytes(StandardCharsets.UTF_8));
    long n = 0;
    for (int i = 0; i < 8; i++) {
      n = (n << 8) | (digest[i] & 0xff);
    }
    return (int) Long.remainderUnsigned(n, BUCKETS);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
