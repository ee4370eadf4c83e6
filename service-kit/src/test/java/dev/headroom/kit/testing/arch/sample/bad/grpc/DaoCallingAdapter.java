package dev.headroom.kit.testing.arch.sample.bad.grpc;

import dev.headroom.kit.testing.arch.sample.bad.db.UpwardDao;
import dev.headroom.kit.testing.arch.sample.bad.usecase.CyclicService;

/** Breaks the edge rule: an adapter calling a DAO instead of a use case. */
public final class DaoCallingAdapter {
  public int limit() {
    return new UpwardDao().limit(new CyclicService());
  }
}
