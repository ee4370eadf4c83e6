package dev.headroom.kit.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.kit.db.Database;
import dev.headroom.kit.db.DatabaseSettings;
import dev.headroom.kit.error.Reason;
import dev.headroom.kit.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many transactions append concurrently and commit in random order while a reader polls {@code seq
 * > cursor}. With a plain bigserial the reader would see a later number commit first, advance past
 * an earlier one and lose it; the kit's per-stream serialization must make that impossible.
 */
class OutboxOrderingTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void concurrentAppendersNeverLetAReaderSkipARow() throws Exception {
    DatabaseSettings base = PG.database().settings("ordering");
    DatabaseSettings settings =
        new DatabaseSettings(
            base.url(),
            base.user(),
            base.password(),
            "ordering",
            12,
            Duration.ofSeconds(30),
            Duration.ofSeconds(1));
    try (Database db = new Database("ordering", settings)) {
      db.migrate();
      Outbox outbox = new Outbox("ordering", db.jdbi());
      int writers = 8;
      int perWriter = 40;
      // Even writers append one entry per transaction, odd writers two at once through appendAll.
      long total = (long) (writers / 2) * perWriter * 3;
      AtomicBoolean writing = new AtomicBoolean(true);
      List<String> seen = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
      try {
        Future<?> reader =
            pool.submit(
                () -> {
                  long cursor = 0;
                  while (writing.get() || cursor < total) {
                    for (OutboxEntry e : outbox.read("s", cursor, 16)) {
                      assertEquals(
                          cursor + 1, e.seq(), "sequence numbers are dense and read in order");
                      seen.add(e.key());
                      cursor = e.seq();
                    }
                  }
                  return null;
                });
        List<Future<?>> producers = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          int writer = w;
          producers.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < perWriter; i++) {
                      String key = writer + "-" + i;
                      db.jdbi()
                          .useTransaction(
                              h -> {
                                if (writer % 2 == 0) {
                                  outbox.append(h, "s", key, key.getBytes(StandardCharsets.UTF_8));
                                } else {
                                  outbox.appendAll(
                                      h,
                                      "s",
                                      List.of(
                                          new Outbox.NewEntry(
                                              key, key.getBytes(StandardCharsets.UTF_8)),
                                          new Outbox.NewEntry(key + "'", new byte[] {7})));
                                }
                                // Hold the transaction open a little so commits interleave with
                                // other appenders and the reader.
                                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
                              });
                    }
                    return null;
                  }));
        }
        for (Future<?> p : producers) {
          p.get();
        }
        writing.set(false);
        reader.get();
      } finally {
        pool.shutdownNow();
      }
      Set<String> expected = new HashSet<>();
      for (int w = 0; w < writers; w++) {
        for (int i = 0; i < perWriter; i++) {
          expected.add(w + "-" + i);
          if (w % 2 == 1) {
            expected.add(w + "-" + i + "'");
          }
        }
      }
      assertEquals(expected.size(), seen.size(), "no duplicates, nothing skipped");
      assertEquals(expected, new HashSet<>(seen));
      assertEquals(total, outbox.lastSeq("s"));
    }
  }

  @Test
  void appendOutsideATransactionIsRefusedAndPruningKeepsTheCounter() {
    try (Database db = new Database("prune", PG.database().settings("prune"))) {
      db.migrate();
      Outbox outbox = new Outbox("prune", db.jdbi());
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalStateException.class,
          () -> db.jdbi().useHandle(h -> outbox.append(h, "s", "k", new byte[0])));
      db.jdbi().useTransaction(h -> outbox.append(h, "s", "a", new byte[] {1}));
      db.jdbi().useTransaction(h -> outbox.append(h, "s", "b", new byte[] {2}));
      assertEquals(
          2,
          new OutboxPruner(
                  outbox, new OutboxPruner.Settings(Duration.ZERO, Duration.ofHours(1), 1, 10))
              .runOnce());
      db.jdbi().useTransaction(h -> assertEquals(3, outbox.append(h, "s", "c", new byte[] {3})));
      // A consumer at cursor 0 would silently miss 1 and 2: it is told instead.
      var expired =
          org.junit.jupiter.api.Assertions.assertThrows(
              dev.headroom.kit.error.DomainException.FailedPrecondition.class,
              () -> outbox.requireRetained("s", 0));
      assertEquals(Reason.CURSOR_EXPIRED, expired.reason());
      outbox.requireRetained("s", 2);
    }
  }
}
