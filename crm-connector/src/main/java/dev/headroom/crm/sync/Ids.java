package dev.headroom.crm.sync;

import java.time.Clock;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Ids that sort by creation time (keyset pages come out in time order) and never collide. */
public final class Ids {
  private final Clock clock;

  public Ids(Clock clock) {
    this.clock = clock;
  }

  public String next(String prefix) {
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    return prefix + String.format("%013x", clock.millis()) + HexFormat.of().formatHex(random);
  }
}
