package dev.headroom.prompt.consume;

import com.google.protobuf.Timestamp;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.crm.v1.Opportunity;
import dev.headroom.api.crm.v1.WatchOpportunitiesRequest;
import dev.headroom.api.crm.v1.WatchOpportunitiesResponse;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.kit.outbox.ResumingConsumer;
import dev.headroom.kit.outbox.ResyncOnExpiredCursor;
import dev.headroom.prompt.context.Money;
import dev.headroom.prompt.opportunity.Opportunities;
import dev.headroom.prompt.opportunity.OpportunityChange;
import io.grpc.Channel;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Follows crm-connector's WatchOpportunities from the stored cursor: which accounts have an open
 * expansion opportunity, and closed-won outcomes as conversions. crm-connector offers no listing to
 * resynchronize from, so a cursor past its retention resumes at the first retained change and keeps
 * the open opportunities already known (logged).
 */
public final class OpportunityFeed implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OpportunityFeed.class.getName());

  private final Opportunities opportunities;
  private final Clock clock;
  private final ResumingConsumer<WatchOpportunitiesResponse> consumer;
  private volatile long resumeAfter;
  private boolean closed;

  public OpportunityFeed(
      Opportunities opportunities, CursorStore cursors, Channel crmChannel, Clock clock) {
    this.opportunities = opportunities;
    this.clock = clock;
    CrmConnectorServiceGrpc.CrmConnectorServiceBlockingStub crm =
        CrmConnectorServiceGrpc.newBlockingStub(crmChannel);
    this.consumer =
        new ResumingConsumer<>(
            Opportunities.CONSUMER,
            cursors,
            new ResyncOnExpiredCursor<>(
                cursor ->
                    crm.watchOpportunities(
                        WatchOpportunitiesRequest.newBuilder().setAfterCursor(cursor).build()),
                asOf ->
                    LOG.warning(
                        () ->
                            Opportunities.CONSUMER
                                + ": cursor past crm-connector's retention; resuming after "
                                + asOf
                                + " with the open opportunities known so far")),
            WatchOpportunitiesResponse::getCursor,
            this::apply,
            Backoff.defaults());
  }

  /** Loads the stored open opportunities into memory (part of the context rebuilt at a start). */
  public void rebuild() {
    resumeAfter = opportunities.load();
  }

  /** Follows the stream from where the loaded opportunities are current; no-op once closed. */
  public synchronized void start() {
    if (!closed) {
      consumer.startAfter(resumeAfter);
    }
  }

  void apply(WatchOpportunitiesResponse message) {
    change(message.getOpportunity(), clock.instant())
        .ifPresent(c -> opportunities.apply(c, message.getCursor()));
  }

  /**
   * The domain change, or empty for a message this service cannot act on (no account or key, a
   * state it does not know).
   */
  static Optional<OpportunityChange> change(Opportunity o, Instant receivedAt) {
    OpportunityChange.State state =
        switch (o.getState()) {
          case OPPORTUNITY_STATE_OPEN -> OpportunityChange.State.OPEN;
          case OPPORTUNITY_STATE_CLOSED_WON -> OpportunityChange.State.CLOSED_WON;
          case OPPORTUNITY_STATE_CLOSED_LOST -> OpportunityChange.State.CLOSED_LOST;
          case OPPORTUNITY_STATE_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    if (state == null || o.getAccountId().isBlank() || o.getExternalKey().isBlank()) {
      LOG.warning(() -> "ignoring an opportunity change without account, key or known state");
      return Optional.empty();
    }
    // crm-connector stamps closed_at when an opportunity closes; without it the conversion
    // counts as of its arrival.
    Instant closedAt = o.hasClosedAt() ? instant(o.getClosedAt()) : receivedAt;
    return Optional.of(
        new OpportunityChange(
            o.getExternalKey(),
            o.getAccountId(),
            state,
            new Money(o.getAmount().getCurrencyCode(), Math.max(0, o.getAmount().getMinorUnits())),
            closedAt));
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    consumer.close();
  }
}
