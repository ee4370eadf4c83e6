package dev.headroom.kit.db;

import java.util.Map;

/**
 * The PostgreSQL server settings Headroom runs its own servers with (the embedded database of
 * {@code ./headroom run} and the benchmarks' servers), and recommends for deployments.
 *
 * <p>Durability is PostgreSQL's default and a product guarantee: Headroom acknowledges only what is
 * committed, and the embedded server library turns fsync and synchronous commit off (it is made for
 * tests). The rest suits a write-heavy load: hot indexes stay in memory, a 1,000-event batch's WAL
 * (1-2 MB) fits the WAL buffers, and checkpoints stay minutes apart (each one makes the next change
 * of every page write a full-page image), and WAL segments already written are kept for reuse
 * ({@code min_wal_size}): after a quiet spell PostgreSQL would otherwise remove them, and the next
 * burst would create and zero-fill each new 16 MB segment inside a commit while every other
 * committer waits for that segment's fsync, which on a busy disk takes a large part of a second.
 */
public final class DurableServerSettings {
  public static final Map<String, String> SETTINGS =
      Map.of(
          "fsync", "on",
          "synchronous_commit", "on",
          "full_page_writes", "on",
          "shared_buffers", "512MB",
          "wal_buffers", "16MB",
          "min_wal_size", "1GB",
          "max_wal_size", "4GB",
          "checkpoint_timeout", "15min",
          "checkpoint_completion_target", "0.9");

  private DurableServerSettings() {}
}
