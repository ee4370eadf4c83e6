package dev.headroom.plugin;

import io.grpc.Status;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The client's own counters, fed through the same listener calls the host receives. */
final class StatsRecorder implements HeadroomListener {
  private final LongAdder prompts = new LongAdder();
  private final Map<NoPromptReason, LongAdder> noPrompt = adders(NoPromptReason.class);
  private final Map<EventStream, StreamCounters> streams = new EnumMap<>(EventStream.class);

  StatsRecorder() {
    for (EventStream s : EventStream.values()) {
      streams.put(s, new StreamCounters());
    }
  }

  private static final class StreamCounters {
    final LongAdder recorded = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final Map<UndeliveredReason, LongAdder> undelivered = adders(UndeliveredReason.class);
    final LongAdder retries = new LongAdder();

    ClientStats.StreamStats snapshot(int buffered) {
      return new ClientStats.StreamStats(
          recorded.sum(),
          delivered.sum(),
          rejected.sum(),
          sums(undelivered),
          retries.sum(),
          buffered);
    }
  }

  private static <K extends Enum<K>> Map<K, LongAdder> adders(Class<K> type) {
    Map<K, LongAdder> m = new EnumMap<>(type);
    for (K k : type.getEnumConstants()) {
      m.put(k, new LongAdder());
    }
    return m;
  }

  private static <K extends Enum<K>> Map<K, Long> sums(Map<K, LongAdder> adders) {
    Map<K, Long> out = new java.util.HashMap<>();
    adders.forEach(
        (k, v) -> {
          long n = v.sum();
          if (n > 0) {
            out.put(k, n);
          }
        });
    return out;
  }

  /** Counts an event the host recorded, before it is buffered (or refused). */
  void recorded(EventStream stream) {
    streams.get(stream).recorded.increment();
  }

  ClientStats snapshot(CircuitState circuit, int usageBuffered, int promptEventsBuffered) {
    return new ClientStats(
        prompts.sum(),
        sums(noPrompt),
        circuit,
        streams.get(EventStream.USAGE).snapshot(usageBuffered),
        streams.get(EventStream.PROMPT_EVENTS).snapshot(promptEventsBuffered));
  }

  @Override
  public void onDecision(PromptDecision decision, long elapsedNanos) {
    if (decision.hasPrompt()) {
      prompts.increment();
    } else {
      decision.noPromptReason().ifPresent(r -> noPrompt.get(r).increment());
    }
  }

  @Override
  public void onEventsDelivered(EventStream stream, int count) {
    streams.get(stream).delivered.add(count);
  }

  @Override
  public void onEventsRejected(EventStream stream, List<RejectedEvent> rejected) {
    streams.get(stream).rejected.add(rejected.size());
  }

  @Override
  public void onEventsUndelivered(EventStream stream, int count, UndeliveredReason reason) {
    streams.get(stream).undelivered.get(reason).add(count);
  }

  @Override
  public void onBatchRetry(EventStream stream, int attempt, Status status) {
    streams.get(stream).retries.increment();
  }
}
