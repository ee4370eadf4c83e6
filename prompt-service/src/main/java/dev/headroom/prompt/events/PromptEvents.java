package dev.headroom.prompt.events;

import dev.headroom.prompt.context.Money;
import dev.headroom.prompt.db.ExposureDao;
import dev.headroom.prompt.db.PromptEventDao;
import dev.headroom.prompt.decision.UserLedger;
import dev.headroom.prompt.exposure.ExposureWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Stores prompt events idempotently by id and applies dismissals to the cooldown at once. A
 * dismissal names its user through the event or through its decision's exposure.
 */
public final class PromptEvents implements ClosedWonConversions {
  /** What happened to one reported event. */
  public enum Outcome {
    ACCEPTED,
    DUPLICATE,
    CONFLICT
  }

  private final Jdbi jdbi;
  private final UserLedger ledger;
  private final ExposureWriter exposures;
  private final Clock clock;

  public PromptEvents(Jdbi jdbi, UserLedger ledger, ExposureWriter exposures, Clock clock) {
    this.jdbi = jdbi;
    this.ledger = ledger;
    this.exposures = exposures;
    this.clock = clock;
  }

  public Outcome record(PromptEvent e) throws InterruptedException {
    byte[] hash = contentHash(e);
    PromptEventDao.EventRow row =
        new PromptEventDao.EventRow(
            e.eventId(),
            e.kind().name(),
            e.decisionId(),
            e.occurredAt().atOffset(ZoneOffset.UTC),
            e.accountId(),
            e.userId(),
            e.revenue().map(m -> m.minorUnits()).orElse(0L),
            e.revenue().map(m -> m.currencyCode()).orElse(""),
            hash,
            clock.instant().atOffset(ZoneOffset.UTC));
    Outcome outcome =
        jdbi.withExtension(
            PromptEventDao.class,
            dao -> {
              if (dao.insert(row) == 1) {
                return Outcome.ACCEPTED;
              }
              return dao.hashOf(e.eventId()).map(h -> Arrays.equals(h, hash)).orElse(false)
                  ? Outcome.DUPLICATE
                  : Outcome.CONFLICT;
            });
    if (outcome == Outcome.ACCEPTED && e.kind() == PromptEvent.Kind.DISMISSED) {
      applyDismissal(e);
    }
    return outcome;
  }

  @Override
  public void closedWon(String externalKey, String accountId, Money amount, Instant closedAt) {
    try {
      record(
          new PromptEvent(
              "crm:" + externalKey,
              "",
              PromptEvent.Kind.CONVERTED,
              closedAt,
              Optional.of(amount),
              accountId,
              ""));
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  private void applyDismissal(PromptEvent e) throws InterruptedException {
    if (!e.accountId().isEmpty() && !e.userId().isEmpty()) {
      ledger.recordDismissal(e.accountId(), e.userId(), e.occurredAt());
      return;
    }
    Optional<ExposureDao.ExposureRow> exposure = exposureOf(e.decisionId());
    if (exposure.isEmpty()) {
      // The exposure may still be queued behind the decision.
      exposures.awaitWritten();
      exposure = exposureOf(e.decisionId());
    }
    exposure.ifPresent(x -> ledger.recordDismissal(x.accountId(), x.userId(), e.occurredAt()));
  }

  private Optional<ExposureDao.ExposureRow> exposureOf(String decisionId) {
    return jdbi.withExtension(ExposureDao.class, dao -> dao.get(decisionId));
  }

  private static byte[] contentHash(PromptEvent e) {
    String canonical =
        String.join(
            "\u0000",
            e.decisionId(),
            e.kind().name(),
            e.occurredAt().toString(),
            e.revenue().map(m -> m.currencyCode() + ":" + m.minorUnits()).orElse(""),
            e.accountId(),
            e.userId());
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(canonical.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException("every JVM has SHA-256", ex);
    }
  }
}
