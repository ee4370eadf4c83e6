package dev.headroom.signal.db;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Day partitions of {@code event_raw} (UTC days of occurred_at): created on demand before a batch
 * writes into them, dropped once they fall out of retention.
 *
 * <p>Creating a partition briefly locks the parent table, so it happens in its own short
 * transaction before the batch's transaction (never inside it), serialized across instances by an
 * advisory lock; the set of existing days is cached so the common case costs nothing.
 */
public final class EventPartitions {
  private static final Logger LOG = Logger.getLogger(EventPartitions.class.getName());
  private static final DateTimeFormatter SUFFIX = DateTimeFormatter.BASIC_ISO_DATE;
  private static final long LOCK_KEY = 0x5349474e414c5031L; // "SIGNALP1"

  private final Jdbi jdbi;
  private final Set<LocalDate> known = ConcurrentHashMap.newKeySet();

  public EventPartitions(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Loads the existing partitions (call once at start). */
  public void load() {
    known.clear();
    known.addAll(existing());
  }

  private List<LocalDate> existing() {
    return jdbi
        .withHandle(
            h ->
                h.createQuery(
                        """
                        SELECT c.relname FROM pg_inherits i
                        JOIN pg_class c ON c.oid = i.inhrelid
                        JOIN pg_class p ON p.oid = i.inhparent
                        WHERE p.relname = 'event_raw' AND p.relnamespace = to_regnamespace(current_schema())::oid\
                        """)
                    .mapTo(String.class)
                    .list())
        .stream()
        .filter(n -> n.startsWith("event_raw_p"))
        .map(n -> LocalDate.parse(n.substring("event_raw_p".length()), SUFFIX))
        .toList();
  }

  /** Makes sure a partition exists for every day in {@code days}. */
  public void ensure(Collection<LocalDate> days) {
    List<LocalDate> missing = new ArrayList<>();
    for (LocalDate d : days) {
      if (!known.contains(d)) {
        missing.add(d);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    jdbi.useTransaction(
        h -> {
          h.execute("SELECT pg_advisory_xact_lock(?)", LOCK_KEY);
          for (LocalDate d : new TreeSet<>(missing)) {
            h.execute(
                "CREATE TABLE IF NOT EXISTS event_raw_p"
                    + d.format(SUFFIX)
                    + " PARTITION OF event_raw"
                    + " FOR VALUES FROM ('"
                    + d
                    + " 00:00:00+00') TO ('"
                    + d.plusDays(1)
                    + " 00:00:00+00')");
          }
        });
    known.addAll(missing);
  }

  /** Drops partitions of days before {@code firstKept}; returns how many were dropped. */
  public int dropBefore(LocalDate firstKept) {
    int dropped = 0;
    for (LocalDate d : existing()) {
      if (d.isBefore(firstKept)) {
        jdbi.useTransaction(
            h -> {
              h.execute("SELECT pg_advisory_xact_lock(?)", LOCK_KEY);
              h.execute("DROP TABLE IF EXISTS event_raw_p" + d.format(SUFFIX));
            });
        known.remove(d);
        dropped++;
      }
    }
    if (dropped > 0) {
      int n = dropped;
      LOG.info(() -> "retention dropped " + n + " raw event partition(s) before " + firstKept);
    }
    return dropped;
  }

  public int count() {
    return existing().size();
  }
}
