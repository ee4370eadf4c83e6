package dev.headroom.prompt.events;

import dev.headroom.prompt.db.ExposureDao;
import dev.headroom.prompt.db.PromptEventDao;
import dev.headroom.prompt.decision.UserLedger;
import java.time.Instant;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Jdbi;

/**
 * Rebuilds the caps and cooldowns after a start: the exposures of the last {@link
 * UserLedger#RETENTION} and the dismissals inside the cooldown.
 */
public final class LedgerRestore {
  private LedgerRestore() {}

  public static void restore(Jdbi jdbi, UserLedger ledger, Instant now) {
    ledger.clear();
    var since = now.minus(UserLedger.RETENTION).atOffset(ZoneOffset.UTC);
    jdbi.useExtension(
        ExposureDao.class,
        dao ->
            dao.since(since)
                .forEach(
                    i ->
                        ledger.recordImpression(
                            i.accountId(), i.userId(), i.campaignId(), i.decidedAt().toInstant())));
    var cooldownStart = now.minus(ledger.caps().dismissalCooldown()).atOffset(ZoneOffset.UTC);
    jdbi.useExtension(
        PromptEventDao.class,
        dao ->
            dao.dismissalsSince(cooldownStart)
                .forEach(
                    d ->
                        ledger.recordDismissal(
                            d.accountId(), d.userId(), d.occurredAt().toInstant())));
  }
}
