package dev.headroom.signal.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.headroom.signal.domain.EventKind;
import dev.headroom.signal.domain.UsageFact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The cached timeline is always the set of committed facts in timeline order, however facts arrive.
 */
class TimelineCacheTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static UsageFact fact(String id, long second) {
    return new UsageFact(
        id, "a", "u", T0.plusSeconds(second), EventKind.USER_ACTIVE, null, null, null, null);
  }

  @Test
  void lateOutOfOrderAndRepeatedOffersGiveTheDatabaseOrder() {
    SplittableRandom rnd = new SplittableRandom(1);
    List<UsageFact> db = new ArrayList<>();
    TimelineCache cache = new TimelineCache(1_000);
    for (int i = 0; i < 20; i++) {
      db.add(fact("e" + i, rnd.nextInt(100)));
    }
    assertEquals(sorted(db), cache.timeline("a", id -> sorted(db)));
    for (int round = 0; round < 50; round++) {
      List<UsageFact> batch = new ArrayList<>();
      for (int i = 0; i < 1 + rnd.nextInt(5); i++) {
        UsageFact f = fact("r" + round + "-" + i, rnd.nextInt(200)); // late, early, same instant
        batch.add(f);
        db.add(f);
      }
      if (round % 7 == 0) {
        batch.add(db.get(rnd.nextInt(db.size()))); // a fact offered twice (load + offer overlap)
      }
      cache.offer(Map.of("a", batch));
      if (round % 3 == 0) {
        assertEquals(
            sorted(db),
            cache.timeline(
                "a",
                id -> {
                  throw new AssertionError("cached");
                }));
      }
    }
    assertEquals(
        sorted(db),
        cache.timeline(
            "a",
            id -> {
              throw new AssertionError("cached");
            }));
    assertEquals(db.size(), cache.cachedFacts());
  }

  @Test
  void anAccountWhoseOffersPileUpWithoutAnEvaluationIsReloadedInsteadOfKept() {
    TimelineCache cache = new TimelineCache(1_000_000);
    List<UsageFact> db = new ArrayList<>();
    for (int i = 0; i < 8 * 100; i++) { // a large account: its bound is an eighth of its facts, 100
      db.add(fact("e" + i, i));
    }
    cache.timeline("a", id -> sorted(db));
    for (int i = 0; i < 100; i++) {
      UsageFact f = fact("p" + i, 10_000 + i);
      db.add(f);
      cache.offer(Map.of("a", List.of(f)));
    }
    assertEquals(db.size(), cache.cachedFacts(), "up to the bound the offers are kept");
    assertEquals(
        sorted(db),
        cache.timeline(
            "a",
            id -> {
              throw new AssertionError("cached");
            }));

    int bound = db.size() / 8; // the evaluation merged them: the account is larger now
    for (int i = 0; i <= bound; i++) { // the evaluator gives way to ingest: offers pile up
      UsageFact f = fact("q" + i, 20_000 + i);
      db.add(f);
      cache.offer(Map.of("a", List.of(f)));
    }
    assertEquals(0, cache.cachedFacts(), "the piled-up account is no longer held");
    int[] loads = {0};
    assertEquals(
        sorted(db),
        cache.timeline(
            "a",
            id -> {
              loads[0]++;
              return sorted(db);
            }));
    assertEquals(1, loads[0], "its next evaluation reads it from the database");
  }

  @Test
  void offeredFactsKeepOneCopyOfTheirRepeatedStrings() {
    TimelineCache cache = new TimelineCache(1_000);
    cache.timeline("acct", id -> List.of());
    // Each batch decodes its own copies of the same account, user, team and key.
    for (int i = 0; i < 3; i++) {
      cache.offer(
          Map.of(
              "acct",
              List.of(
                  new UsageFact(
                      "f" + i,
                      new String("acct"),
                      new String("user-1"),
                      T0.plusSeconds(i),
                      EventKind.FEATURE_USED,
                      null,
                      new String("team-1"),
                      new String("reports"),
                      null))));
    }
    List<UsageFact> cached =
        cache.timeline(
            "acct",
            id -> {
              throw new AssertionError("cached");
            });
    assertEquals(List.of("f0", "f1", "f2"), cached.stream().map(UsageFact::eventId).toList());
    assertEquals("user-1", cached.get(2).userId());
    for (UsageFact f : cached) {
      assertSame(cached.get(0).accountId(), f.accountId());
      assertSame(cached.get(0).userId(), f.userId());
      assertSame(cached.get(0).team(), f.team());
      assertSame(cached.get(0).key(), f.key());
    }
  }

  @Test
  void factsCommittedDuringTheLoadAreMergedOnce() {
    TimelineCache cache = new TimelineCache(1_000);
    List<UsageFact> db = new ArrayList<>(List.of(fact("a1", 10), fact("a2", 20)));
    UsageFact during = fact("a3", 5);
    List<UsageFact> got =
        cache.timeline(
            "a",
            id -> {
              List<UsageFact> snapshot = sorted(db); // the query's snapshot ...
              db.add(during); // ... then a batch commits and offers its fact
              cache.offer(Map.of("a", List.of(during)));
              cache.offer(
                  Map.of("a", List.of(db.get(0)))); // and a fact that was in the snapshot already
              return snapshot;
            });
    assertEquals(sorted(db), got);
    assertEquals(
        sorted(db),
        cache.timeline(
            "a",
            id -> {
              throw new AssertionError("cached");
            }));
  }

  @Test
  void invalidationDuringTheLoadKeepsTheLoadOutOfTheCache() {
    TimelineCache cache = new TimelineCache(1_000);
    List<UsageFact> first =
        cache.timeline(
            "a",
            id -> {
              cache.invalidate("a"); // PutUser wrote facts meanwhile
              return List.of(fact("a1", 1));
            });
    assertEquals(1, first.size());
    List<UsageFact> again = cache.timeline("a", id -> List.of(fact("a1", 1), fact("u1", 2)));
    assertEquals(2, again.size());
  }

  @Test
  void boundedByCachedFactsEvictingTheLeastRecentlyUsed() {
    TimelineCache cache = new TimelineCache(10);
    cache.timeline("x", id -> List.of(fact("x1", 1), fact("x2", 2), fact("x3", 3), fact("x4", 4)));
    cache.timeline("y", id -> List.of(fact("y1", 1), fact("y2", 2), fact("y3", 3), fact("y4", 4)));
    cache.timeline(
        "x",
        id -> {
          throw new AssertionError("cached");
        }); // x is now the most recent
    cache.timeline("z", id -> List.of(fact("z1", 1), fact("z2", 2), fact("z3", 3), fact("z4", 4)));
    assertEquals(8, cache.cachedFacts()); // y was evicted
    int[] loads = new int[1];
    cache.timeline(
        "y",
        id -> {
          loads[0]++;
          return List.of(fact("y1", 1));
        });
    assertEquals(1, loads[0]);
  }

  private static List<UsageFact> sorted(List<UsageFact> facts) {
    TreeSet<UsageFact> s = new TreeSet<>(UsageFact.TIMELINE_ORDER);
    s.addAll(facts);
    return new ArrayList<>(s);
  }
}
