package dev.headroom.app.demo;

import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.EventOutcome;
import dev.headroom.api.signal.v1.EventResult;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.IngestEventsResponse;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import dev.headroom.api.signal.v1.UsageEvent;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Registers accounts and sends usage events the way a host backend would: {@code IngestEvents} in
 * batches of up to 1,000, retrying a batch the server turned away as overloaded. Counts what the
 * service answered for every event.
 */
final class EventSender implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EventSender.class.getName());
  static final int BATCH = 1_000;
  private static final int MAX_ATTEMPTS = 8;

  private final SignalServiceBlockingStub signal;
  private final ExecutorService pool;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong duplicate = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  /**
   * @param callsInFlight accounts registered, or batches of events sent, at once
   */
  EventSender(SignalServiceBlockingStub signal, int callsInFlight) {
    this.signal = signal;
    this.pool = DaemonPool.of(callsInFlight, "demo-ingest");
  }

  /** Registers accounts with {@code PutAccount}, a few at a time. */
  void register(List<Account> accounts) throws InterruptedException {
    List<Future<?>> calls = new ArrayList<>();
    for (Account a : accounts) {
      calls.add(
          pool.submit(
              () -> signal.putAccount(PutAccountRequest.newBuilder().setAccount(a).build())));
    }
    awaitAll(calls, "registering accounts");
  }

  /**
   * Sends {@code events} in batches, as many in flight as the pool has threads, and returns once
   * every one of them has its answer. With two in flight signal-service always has a batch to work
   * on; it then holds its background evaluation back in favour of ingestion, and the accounts'
   * evaluations coalesce until the simulation's next evaluation of every account.
   */
  void send(List<UsageEvent> events) throws InterruptedException {
    List<Future<?>> calls = new ArrayList<>();
    for (int from = 0; from < events.size(); from += BATCH) {
      List<UsageEvent> batch = events.subList(from, Math.min(events.size(), from + BATCH));
      calls.add(pool.submit(() -> sendBatch(batch)));
    }
    awaitAll(calls, "sending events");
  }

  private static void awaitAll(List<Future<?>> calls, String what) throws InterruptedException {
    for (Future<?> call : calls) {
      try {
        call.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(what + " failed", e.getCause());
      }
    }
  }

  private void sendBatch(List<UsageEvent> batch) {
    IngestEventsRequest request = IngestEventsRequest.newBuilder().addAllEvents(batch).build();
    IngestEventsResponse response = null;
    for (int attempt = 1; response == null; attempt++) {
      try {
        response = signal.withDeadlineAfter(60, TimeUnit.SECONDS).ingestEvents(request);
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean retry = code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.UNAVAILABLE;
        if (!retry || attempt == MAX_ATTEMPTS) {
          throw e;
        }
        backOff(attempt);
      }
    }
    sent.addAndGet(batch.size());
    accepted.addAndGet(response.getAcceptedCount());
    duplicate.addAndGet(response.getDuplicateCount());
    rejected.addAndGet(response.getRejectedCount());
    for (EventResult r : response.getResultsList()) {
      if (r.getOutcome() == EventOutcome.EVENT_OUTCOME_REJECTED) {
        LOG.warning(
            () ->
                "event "
                    + r.getEventId()
                    + " rejected: "
                    + r.getError().getField()
                    + ": "
                    + r.getError().getDescription());
        break; // one example per batch is enough to see what is wrong
      }
    }
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(Math.min(2_000, 50L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying", e);
    }
  }

  /** What the service answered for the events sent so far. */
  record Counts(long sent, long accepted, long duplicate, long rejected) {}

  Counts counts() {
    return new Counts(sent.get(), accepted.get(), duplicate.get(), rejected.get());
  }

  /** Carries on counting from {@code counts} (a resumed run). */
  void restore(Counts counts) {
    sent.set(counts.sent());
    accepted.set(counts.accepted());
    duplicate.set(counts.duplicate());
    rejected.set(counts.rejected());
  }

  long sent() {
    return sent.get();
  }

  long accepted() {
    return accepted.get();
  }

  long duplicate() {
    return duplicate.get();
  }

  long rejected() {
    return rejected.get();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
