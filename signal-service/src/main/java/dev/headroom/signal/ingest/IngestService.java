package dev.headroom.signal.ingest;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import dev.headroom.kit.error.Reason;
import dev.headroom.signal.catalog.CatalogService;
import dev.headroom.signal.db.EventPartitions;
import dev.headroom.signal.db.EventStore;
import dev.headroom.signal.domain.Catalog;
import dev.headroom.signal.domain.UsageFact;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Validates and stores batches of usage events. A batch is one transaction: results are returned
 * only after it committed, every event gets its own result, and a bad event never fails its
 * neighbours (it is simply left out of the transaction). After the commit the accounts that
 * received accepted events are handed to the evaluator.
 */
public final class IngestService {
  /** The most events one batch (or stream chunk) may hold. */
  public static final int MAX_BATCH = 1_000;

  /**
   * The batch-size rule, for every transport: a batch over {@link #MAX_BATCH} is refused whole,
   * before anything of it is parsed further or stored.
   *
   * @throws DomainException.InvalidArgument reason BATCH_TOO_LARGE on field {@code events}
   */
  public static void checkBatchSize(int size) {
    if (size > MAX_BATCH) {
      throw new DomainException.InvalidArgument(
          Reason.BATCH_TOO_LARGE,
          List.of(
              new FieldViolation(
                  "events",
                  "a batch holds at most "
                      + MAX_BATCH
                      + " events, got "
                      + size
                      + "; nothing of it was stored")));
    }
  }

  public record BatchResult(
      List<EventResult> results, int accepted, int duplicates, int rejected) {}

  private final Jdbi jdbi;
  private final CatalogService catalog;
  private final EventPartitions partitions;
  private final Clock clock;
  private final Duration rawRetention;
  private final Committed onCommitted;

  /** Told after each commit with accepted events. */
  @FunctionalInterface
  public interface Committed {
    /**
     * @param factsByAccount the accepted facts per account (in the batch's order)
     * @param commitNanos {@code System.nanoTime()} of the commit
     */
    void committed(Map<String, List<UsageFact>> factsByAccount, long commitNanos);
  }

  private final IngestLoad load;
  private final MeterRegistry registry;
  private final Timer batchTimer;
  private final Timer storeTimer;
  private final Counter claimRaces;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final EventStore.KnownAccounts knownAccounts = new EventStore.KnownAccounts();

  /**
   * @param onCommitted receives the accepted facts per account and the commit's {@code
   *     System.nanoTime()}
   */
  public IngestService(
      Jdbi jdbi,
      CatalogService catalog,
      EventPartitions partitions,
      Clock clock,
      Duration rawRetention,
      Committed onCommitted,
      IngestLoad load,
      MeterRegistry registry) {
    this.jdbi = jdbi;
    this.catalog = catalog;
    this.partitions = partitions;
    this.clock = clock;
    this.rawRetention = rawRetention;
    this.onCommitted = onCommitted;
    this.load = load;
    this.registry = registry;
    this.batchTimer =
        Timer.builder("signal.ingest.batch")
            .description("Time to validate and commit one batch of events")
            .publishPercentileHistogram()
            .register(registry);
    this.claimRaces =
        Counter.builder("signal.ingest.claim.races")
            .description(
                "Batches stored a second time because a concurrent batch committed one of their"
                    + " event ids")
            .register(registry);
    this.storeTimer =
        Timer.builder("signal.ingest.store")
            .description("The database's share of a batch: from its first statement to its commit")
            .publishPercentileHistogram()
            .register(registry);
  }

  public BatchResult ingest(List<IncomingEvent> events) {
    checkBatchSize(events.size());
    long start = System.nanoTime();
    Instant receivedAt = clock.instant();
    Catalog cat = catalog.snapshot();
    EventResult[] results = new EventResult[events.size()];
    List<ValidatedEvent> candidates = new ArrayList<>(events.size());
    Map<String, ValidatedEvent> firstById = new HashMap<>();
    List<ValidatedEvent> repeats = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      IncomingEvent e = events.get(i);
      switch (EventValidator.validate(i, e, cat, receivedAt)) {
        case EventValidator.Invalid inv ->
            results[i] =
                new EventResult(i, e.eventId(), EventResult.Outcome.REJECTED, inv.problem());
        case EventValidator.Valid val -> {
          ValidatedEvent ve = val.event();
          if (firstById.putIfAbsent(ve.fact().eventId(), ve) == null) {
            candidates.add(ve);
          } else {
            repeats.add(ve);
          }
        }
      }
    }
    LocalDate horizon = LocalDate.ofInstant(receivedAt.minus(rawRetention), ZoneOffset.UTC);
    Map<String, EventStore.Claim> claims = Map.of();
    if (!candidates.isEmpty()) {
      Set<LocalDate> days = new TreeSet<>();
      for (ValidatedEvent ve : candidates) {
        LocalDate d = LocalDate.ofInstant(ve.fact().occurredAt(), ZoneOffset.UTC);
        if (!d.isBefore(horizon)) {
          days.add(d);
        }
      }
      long storeStart = System.nanoTime();
      try {
        partitions.ensure(days);
        claims = store(candidates, receivedAt, horizon);
        storeTimer.record(
            System.nanoTime() - storeStart, java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (ConnectionException e) {
        throw unavailable();
      } catch (JdbiException e) {
        if (e.getCause() instanceof SQLTransientConnectionException) {
          throw unavailable();
        }
        throw e;
      }
    }
    long committed = System.nanoTime();
    Map<String, List<UsageFact>> touched = new LinkedHashMap<>();
    for (ValidatedEvent ve : candidates) {
      EventStore.Claim c = claims.get(ve.fact().eventId());
      results[ve.index()] = toResult(ve, c);
      if (c == EventStore.Claim.ACCEPTED) {
        touched.computeIfAbsent(ve.fact().accountId(), k -> new ArrayList<>(4)).add(ve.fact());
      }
    }
    for (ValidatedEvent ve : repeats) {
      ValidatedEvent first = firstById.get(ve.fact().eventId());
      EventStore.Claim c = claims.get(first.fact().eventId());
      boolean same = java.util.Arrays.equals(first.contentHash(), ve.contentHash());
      results[ve.index()] =
          same && c != EventStore.Claim.CONFLICT
              ? new EventResult(
                  ve.index(), ve.fact().eventId(), EventResult.Outcome.DUPLICATE, null)
              : new EventResult(
                  ve.index(),
                  ve.fact().eventId(),
                  EventResult.Outcome.REJECTED,
                  ItemProblem.alreadyExists(ve.fact().eventId()));
    }
    int accepted = 0;
    int duplicates = 0;
    int rejected = 0;
    for (EventResult r : results) {
      switch (r.outcome()) {
        case ACCEPTED -> accepted++;
        case DUPLICATE -> duplicates++;
        case REJECTED -> {
          rejected++;
          count(
              "rejected",
              r.problem().reason() == Reason.ALREADY_EXISTS
                  ? "already_exists"
                  : r.problem().field());
        }
      }
    }
    if (accepted > 0) {
      count("accepted", "").increment(accepted - 1);
    }
    if (duplicates > 0) {
      count("duplicate", "").increment(duplicates - 1);
    }
    if (!touched.isEmpty()) {
      knownAccounts.committed(touched.keySet());
      onCommitted.committed(touched, committed);
    }
    long elapsed = System.nanoTime() - start;
    batchTimer.record(elapsed, java.util.concurrent.TimeUnit.NANOSECONDS);
    load.batchFinished(elapsed);
    return new BatchResult(List.of(results), accepted, duplicates, rejected);
  }

  /**
   * One transaction, claiming optimistically; if a concurrent batch won an id meanwhile, once more,
   * waiting.
   */
  private Map<String, EventStore.Claim> store(
      List<ValidatedEvent> candidates, Instant receivedAt, LocalDate horizon) {
    try {
      return jdbi.inTransaction(
          h ->
              EventStore.store(
                  h,
                  candidates,
                  receivedAt,
                  horizon,
                  knownAccounts,
                  EventStore.Claiming.OPTIMISTIC));
    } catch (EventStore.ClaimRace race) {
      claimRaces.increment();
      return jdbi.inTransaction(
          h ->
              EventStore.store(
                  h, candidates, receivedAt, horizon, knownAccounts, EventStore.Claiming.WAITING));
    }
  }

  private static EventResult toResult(ValidatedEvent ve, EventStore.Claim c) {
    String id = ve.fact().eventId();
    return switch (c) {
      case ACCEPTED -> new EventResult(ve.index(), id, EventResult.Outcome.ACCEPTED, null);
      case DUPLICATE -> new EventResult(ve.index(), id, EventResult.Outcome.DUPLICATE, null);
      case CONFLICT ->
          new EventResult(
              ve.index(), id, EventResult.Outcome.REJECTED, ItemProblem.alreadyExists(id));
    };
  }

  /** Increments and returns the counter {@code signal.events{outcome, reason}}. */
  private Counter count(String outcome, String reason) {
    Counter c =
        counters.computeIfAbsent(
            outcome + "/" + reason,
            k ->
                Counter.builder("signal.events")
                    .description(
                        "Submitted events by outcome; rejected ones by the offending field")
                    .tag("outcome", outcome)
                    .tag("reason", reason)
                    .register(registry));
    c.increment();
    return c;
  }

  private static DomainException unavailable() {
    return new DomainException.Unavailable(
        Reason.DEPENDENCY_UNAVAILABLE,
        "the event store is unreachable; nothing of this batch was stored, retry with backoff",
        Duration.ofSeconds(1));
  }
}
