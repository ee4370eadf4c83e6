package dev.headroom.signal.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The stop-the-world collections of this JVM (the service's and the load generator's) during a
 * benchmark window, from the collectors' notifications. A pause stops every ingest batch in flight,
 * so its length lands directly in the batch latency tail; the report says when they happened, to
 * line up with the bursts of slow batches.
 */
final class GcPauses implements AutoCloseable {
  /** {@code {start in ms since JVM start, duration ms}} per pause. */
  private final List<long[]> pauses = new ArrayList<>();

  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::collected;

  GcPauses() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      // G1's concurrent cycle and ZGC's cycles report the length of concurrent work: the
      // application keeps
      // running meanwhile. Only pauses count here.
      String name = gc.getName();
      if (gc instanceof NotificationEmitter emitter
          && !name.contains("Concurrent")
          && !name.contains("Cycles")) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  private void collected(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
    synchronized (pauses) {
      pauses.add(new long[] {info.getStartTime(), info.getDuration()});
    }
  }

  @Override
  public void close() throws ListenerNotFoundException {
    for (NotificationEmitter e : emitters) {
      e.removeNotificationListener(listener);
    }
  }

  /**
   * One line: count, total and longest pause, and the pauses of at least {@code showMs}, by window
   * offset.
   */
  String report(long windowStartUptimeMs, long showMs) {
    List<long[]> all;
    synchronized (pauses) {
      all = new ArrayList<>(pauses);
    }
    long total = 0;
    long longest = 0;
    StringBuilder big = new StringBuilder();
    for (long[] p : all) {
      total += p[1];
      longest = Math.max(longest, p[1]);
      if (p[1] >= showMs) {
        big.append(big.isEmpty() ? "" : ", ")
            .append(String.format("%.1f s: %d ms", (p[0] - windowStartUptimeMs) / 1e3, p[1]));
      }
    }
    return String.format(
        "  JVM GC pauses during the load: %d, %d ms in all, longest %d ms%s%n",
        all.size(),
        total,
        longest,
        big.isEmpty() ? "" : "; of " + showMs + " ms or more (s into the window): " + big);
  }
}
