package dev.headroom.prompt.opportunity;

import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.prompt.context.OpenOpportunities;
import dev.headroom.prompt.db.OpportunityDao;
import dev.headroom.prompt.events.ClosedWonConversions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The accounts with an open expansion opportunity, as crm-connector reports them: kept in memory
 * for the decision's channel arbitration and stored (with the consumer's cursor, in one
 * transaction) so that a restart knows them without replaying the stream. A closed-won opportunity
 * also becomes a conversion through {@link ClosedWonConversions}, idempotent by its external key.
 */
public final class Opportunities implements OpenOpportunities {
  public static final String CONSUMER = "prompt.crm-opportunities";

  private final Jdbi jdbi;
  private final CursorStore cursors;
  private final ClosedWonConversions conversions;

  /** External keys of the open opportunities per account. */
  private final ConcurrentHashMap<String, Set<String>> openByAccount = new ConcurrentHashMap<>();

  public Opportunities(Jdbi jdbi, CursorStore cursors, ClosedWonConversions conversions) {
    this.jdbi = jdbi;
    this.cursors = cursors;
    this.conversions = conversions;
  }

  @Override
  public boolean hasOpen(String accountId) {
    Set<String> open = openByAccount.get(accountId);
    return open != null && !open.isEmpty();
  }

  /**
   * Loads the stored open opportunities into memory.
   *
   * @return the cursor they are current as of: the consumer resumes after it
   */
  public long load() {
    // The cursor is read first: every change up to it is in what is loaded next, and a change
    // another replica stores meanwhile is delivered again after it.
    long cursor = cursors.load(CONSUMER);
    for (OpportunityDao.OpenRow row :
        jdbi.withExtension(OpportunityDao.class, OpportunityDao::all)) {
      remember(row.accountId(), row.externalKey());
    }
    return cursor;
  }

  /** Applies the change delivered at {@code cursor}; a redelivery changes nothing. */
  public void apply(OpportunityChange change, long cursor) {
    if (change.state() == OpportunityChange.State.CLOSED_WON) {
      // Before the cursor moves on: a crash in between redelivers it, and the conversion is
      // idempotent by the opportunity's key.
      conversions.closedWon(
          change.externalKey(), change.accountId(), change.amount(), change.closedAt());
    }
    jdbi.useTransaction(
        h -> {
          OpportunityDao dao = h.attach(OpportunityDao.class);
          if (change.state() == OpportunityChange.State.OPEN) {
            dao.open(change.externalKey(), change.accountId(), cursor);
          } else {
            dao.close(change.externalKey());
          }
          cursors.save(h, CONSUMER, cursor);
        });
    if (change.state() == OpportunityChange.State.OPEN) {
      remember(change.accountId(), change.externalKey());
    } else {
      forget(change.accountId(), change.externalKey());
    }
  }

  private void remember(String accountId, String externalKey) {
    openByAccount.computeIfAbsent(accountId, a -> ConcurrentHashMap.newKeySet()).add(externalKey);
  }

  private void forget(String accountId, String externalKey) {
    openByAccount.computeIfPresent(
        accountId,
        (a, keys) -> {
          keys.remove(externalKey);
          return keys.isEmpty() ? null : keys;
        });
  }

  /** Accounts with at least one open opportunity. */
  public int accountsWithOpen() {
    return openByAccount.size();
  }
}
