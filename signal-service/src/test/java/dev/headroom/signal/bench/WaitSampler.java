package dev.headroom.signal.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Samples what PostgreSQL's client backends are doing every 20 ms ({@code pg_stat_activity}: on
 * CPU, or waiting on which wait event) during a benchmark window, per statement kind. It tells
 * CPU-bound from IO-bound at a glance: commits waiting on {@code WALSync} or {@code WALWrite} mean
 * the WAL flush is the bottleneck, {@code WALInitSync} that new WAL segments are being created
 * while committers wait.
 */
final class WaitSampler implements AutoCloseable {
  private static final String SAMPLE =
      """
      SELECT coalesce(wait_event_type || '/' || wait_event, 'on CPU'),
             split_part(ltrim(regexp_replace(query, '\\s+', ' ', 'g')), ' ', 1)
               || CASE WHEN query ILIKE '%usage_fact%' THEN ' (ingest)'
                       WHEN query ILIKE '%daily_rollup (%' THEN ' (rollup compaction)' ELSE '' END
      FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()\
      """;

  private final Map<String, Long> counts = new HashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private long samples;

  WaitSampler(String url, String user, String password) {
    thread = new Thread(() -> sample(url, user, password), "bench-wait-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void sample(String url, String user, String password) {
    try (Connection c =
            user.isEmpty()
                ? DriverManager.getConnection(url)
                : DriverManager.getConnection(url, user, password);
        Statement st = c.createStatement()) {
      while (running.get()) {
        try (ResultSet rs = st.executeQuery(SAMPLE)) {
          synchronized (this) {
            samples++;
            while (rs.next()) {
              counts.merge(rs.getString(1) + "  " + rs.getString(2), 1L, Long::sum);
            }
          }
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      System.out.println("  (wait sampling stopped: " + e.getMessage() + ")");
    }
  }

  /** The most frequent states, as the mean number of backends in each state (of {@code limit}). */
  synchronized String report(int limit) {
    StringBuilder out =
        new StringBuilder(
            "  PostgreSQL client backends by state (mean number of backends, "
                + samples
                + " samples every 20 ms):\n");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .forEach(
            e ->
                out.append(
                    String.format("    %5.2f  %s%n", e.getValue() / (double) samples, e.getKey())));
    return out.toString();
  }

  @Override
  public void close() {
    running.set(false);
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
