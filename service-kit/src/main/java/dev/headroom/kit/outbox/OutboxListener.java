package dev.headroom.kit.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Holds one LISTEN connection for a service's outbox channel and wakes the watch sessions of the
 * notified stream. One thread and one connection per service, however many watchers: the connection
 * is opened outside the pool so it never starves request handling. When the connection breaks,
 * every subscriber is woken (they re-read, so nothing committed meanwhile is missed) and the
 * listener reconnects with backoff.
 */
public final class OutboxListener implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OutboxListener.class.getName());

  /** Opens a fresh, non-pooled connection. */
  @FunctionalInterface
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  private final ConnectionFactory connections;
  private final String channel;
  private final Backoff backoff;
  private final Map<String, Set<Runnable>> subscribers = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Connection current;

  public OutboxListener(ConnectionFactory connections, String channel, Backoff backoff) {
    if (!channel.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("channel must be a plain identifier: " + channel);
    }
    this.connections = connections;
    this.channel = channel;
    this.backoff = backoff;
    this.thread = new Thread(this::run, "outbox-listen-" + channel);
    this.thread.setDaemon(true);
  }

  public OutboxListener start() {
    thread.start();
    return this;
  }

  /**
   * Registers {@code wake} for notifications on {@code stream}; close the returned handle to
   * unsubscribe.
   */
  public AutoCloseable subscribe(String stream, Runnable wake) {
    subscribers.computeIfAbsent(stream, s -> new CopyOnWriteArraySet<>()).add(wake);
    return () ->
        subscribers.computeIfPresent(
            stream,
            (s, set) -> {
              set.remove(wake);
              return set.isEmpty() ? null : set;
            });
  }

  private void run() {
    int attempt = 0;
    RandomGenerator random = RandomGenerator.getDefault();
    while (running) {
      try (Connection c = connections.open()) {
        current = c;
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + channel);
        }
        attempt = 0;
        wakeAll(); // anything committed while we were not listening
        PGConnection pg = c.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] ns = pg.getNotifications(1_000);
          if (ns != null) {
            for (PGNotification n : ns) {
              wake(n.getParameter());
            }
          }
        }
      } catch (SQLException e) {
        if (!running) {
          break;
        }
        LOG.log(
            Level.WARNING,
            "outbox listener on "
                + channel
                + " lost its connection (SQLState "
                + e.getSQLState()
                + "); reconnecting");
        wakeAll();
        try {
          Thread.sleep(backoff.delay(attempt++, random).toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      } finally {
        current = null;
      }
    }
  }

  private void wake(String stream) {
    Set<Runnable> set = subscribers.get(stream);
    if (set != null) {
      set.forEach(Runnable::run);
    }
  }

  private void wakeAll() {
    subscribers.values().forEach(set -> set.forEach(Runnable::run));
  }

  @Override
  public void close() {
    running = false;
    Connection c = current;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing to unblock the listen loop; nothing else to do
      }
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
