package dev.headroom.kit.testing.arch.sample.bad.db;

import dev.headroom.kit.testing.arch.sample.bad.usecase.CyclicService;

/** Breaks the db rule (and closes a cycle): a DAO calling a use case. */
public final class UpwardDao {
  public int limit(CyclicService service) {
    return service.batchSize();
  }
}
