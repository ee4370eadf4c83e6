package dev.headroom.app.demo;

import java.util.SplittableRandom;

/**
 * Deterministic randomness: a generator per (seed, parts...), so an account's usage on a day is the
 * same whatever happened before it in the run.
 */
final class Randoms {
  private Randoms() {}

  static SplittableRandom of(long seed, long... parts) {
    long h = seed;
    for (long p : parts) {
      h = new SplittableRandom(h ^ (p * 0x9E3779B97F4A7C15L)).nextLong();
    }
    return new SplittableRandom(h);
  }

  /**
   * A whole number around {@code mean}: its integer part plus one more with the fraction's odds.
   */
  static int around(SplittableRandom r, double mean) {
    int whole = (int) Math.floor(mean);
    return whole + (r.nextDouble() < mean - whole ? 1 : 0);
  }
}
