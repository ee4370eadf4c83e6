package dev.headroom.crm.sync;

import dev.headroom.crm.client.ClosedOpportunity;
import dev.headroom.crm.client.CrmCallException;
import dev.headroom.crm.db.RuleDao;
import dev.headroom.kit.outbox.Outbox;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Closes the loop: asks the CRM which open expansion opportunities were closed, records each as an
 * outcome in scoring-service (idempotent by an id derived from the opportunity's key), then marks
 * it closed and tells WatchOpportunities, so prompt-service counts a won one as a conversion. An
 * outcome that cannot be recorded leaves the opportunity open for the next poll.
 */
final class OutcomePoller {
  private static final Logger LOG = Logger.getLogger(OutcomePoller.class.getName());

  private final Jdbi jdbi;
  private final Outbox outbox;
  private final OutcomeSink sink;
  private final Clock clock;

  OutcomePoller(Jdbi jdbi, Outbox outbox, OutcomeSink sink, Clock clock) {
    this.jdbi = jdbi;
    this.outbox = outbox;
    this.sink = sink;
    this.clock = clock;
  }

  /** Returns how many opportunities were closed. */
  int poll(Connections.Live live) {
    String cid = live.settings().connectionId();
    List<RuleDao.OpportunityRow> open = jdbi.onDemand(RuleDao.class).openOf(cid);
    if (open.isEmpty()) {
      return 0;
    }
    Map<String, RuleDao.OpportunityRow> byKey = new HashMap<>();
    open.forEach(o -> byKey.put(o.externalKey(), o));
    List<ClosedOpportunity> closed;
    try {
      closed = live.client().closedOpportunities(List.copyOf(byKey.keySet()));
    } catch (CrmCallException e) {
      LOG.warning("connection " + cid + ": cannot read closed opportunities: " + e.getMessage());
      return 0;
    }
    // Taken once the answer is in: a close the CRM made while the query ran happened before this,
    // not necessarily before the query was sent.
    Instant observed = clock.instant();
    int done = 0;
    for (ClosedOpportunity c : closed) {
      RuleDao.OpportunityRow o = byKey.get(c.externalKey());
      if (o == null) {
        continue;
      }
      long amountMinor =
          c.won()
              ? c.amount() == null
                  ? o.amountMinor()
                  : c.amount()
                      .movePointRight(fractionDigits(o.currency()))
                      .setScale(0, RoundingMode.HALF_UP)
                      .max(BigDecimal.ZERO)
                      .longValueExact()
              : 0;
      Instant at = c.closed().datedAt(observed);
      try {
        sink.record(
            new OutcomeSink.Outcome(
                "crm:" + cid + ":" + o.externalKey(),
                o.accountId(),
                c.won(),
                o.expansionType(),
                o.currency(),
                amountMinor,
                at,
                c.crmId()));
      } catch (RuntimeException e) {
        LOG.warning(
            "connection "
                + cid
                + ": outcome of "
                + o.externalKey()
                + " not recorded yet: "
                + e.getMessage());
        continue;
      }
      Instant closedAt = at;
      jdbi.useTransaction(
          h -> {
            String state = c.won() ? "CLOSED_WON" : "CLOSED_LOST";
            if (h.attach(RuleDao.class)
                    .close(
                        cid, o.externalKey(), state, amountMinor, closedAt.atOffset(ZoneOffset.UTC))
                > 0) {
              outbox.append(
                  h,
                  SyncEngine.OPPORTUNITIES_STREAM,
                  o.accountId(),
                  OpportunityEvents.payload(
                      new RuleDao.OpportunityRow(
                          cid,
                          o.externalKey(),
                          o.accountId(),
                          o.expansionType(),
                          o.crmId(),
                          state,
                          o.currency(),
                          amountMinor,
                          o.createdAt(),
                          closedAt.atOffset(ZoneOffset.UTC))));
            }
          });
      done++;
    }
    return done;
  }

  private static int fractionDigits(String currency) {
    return dev.headroom.crm.domain.Amounts.decimal(currency, 1).scale();
  }
}
