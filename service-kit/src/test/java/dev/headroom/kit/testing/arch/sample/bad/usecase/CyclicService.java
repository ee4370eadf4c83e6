package dev.headroom.kit.testing.arch.sample.bad.usecase;

import dev.headroom.kit.testing.arch.sample.bad.db.UpwardDao;

/** Closes the cycle with db/. */
public final class CyclicService {
  public int batchSize() {
    return 100;
  }

  public int viaDao() {
    return new UpwardDao().limit(this);
  }
}
