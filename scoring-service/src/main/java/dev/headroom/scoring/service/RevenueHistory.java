package dev.headroom.scoring.service;

import dev.headroom.scoring.db.MeasuresDao;
import dev.headroom.scoring.domain.Money;
import java.util.List;
import java.util.TreeMap;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Each account's ARR and subscriptions over time, kept from the snapshots signal-service sends:
 * signal-service keeps only the current ARR, and the business measures need its history.
 */
public final class RevenueHistory {
  private static final Logger LOG = Logger.getLogger(RevenueHistory.class.getName());
  private static final int BACKFILL_BATCH = 1000;

  private final Jdbi jdbi;
  private final ScoreEncoding encoding;

  public RevenueHistory(Jdbi jdbi, ScoreEncoding encoding) {
    this.jdbi = jdbi;
    this.encoding = encoding;
  }

  /**
   * Adds a point effective at the snapshot's instant when the account's ARR, currency or
   * subscriptions differ from its latest point (or it has none). Runs in the caller's transaction.
   *
   * @return whether a point was added
   */
  static boolean record(MeasuresDao dao, long cursor, UpstreamSnapshot snapshot) {
    if (snapshot.arr().isEmpty()) {
      return false;
    }
    Money arr = snapshot.arr().get();
    TreeMap<String, String> plans = new TreeMap<>(snapshot.planByProduct());
    MeasuresDao.RevenueRow row =
        new MeasuresDao.RevenueRow(
            snapshot.accountId(),
            cursor,
            ScoreRows.utc(snapshot.asOf()),
            arr.currency(),
            arr.minorUnits(),
            List.copyOf(plans.keySet()),
            List.copyOf(plans.values()));
    boolean same =
        dao.latestRevenue(snapshot.accountId())
            .map(
                latest ->
                    latest.currency().equals(row.currency())
                        && latest.arrMinor() == row.arrMinor()
                        && latest.productKeys().equals(row.productKeys())
                        && latest.planKeys().equals(row.planKeys()))
            .orElse(false);
    if (!same) {
      dao.insertRevenue(row);
    }
    return !same;
  }

  /**
   * Gives every account that was scored before revenue was kept its baseline point, from its stored
   * snapshot. Run before the consumer starts.
   *
   * @return the accounts given a point
   */
  public long backfill() {
    long added = 0;
    String after = "";
    while (true) {
      String from = after;
      List<MeasuresDao.StoredSnapshot> batch =
          jdbi.withExtension(
              MeasuresDao.class, d -> d.snapshotsWithoutRevenue(from, BACKFILL_BATCH));
      if (batch.isEmpty()) {
        break;
      }
      added +=
          jdbi.inTransaction(
              h -> {
                MeasuresDao dao = h.attach(MeasuresDao.class);
                long n = 0;
                for (MeasuresDao.StoredSnapshot s : batch) {
                  if (record(dao, s.upstreamCursor(), encoding.snapshot(s.snapshot()))) {
                    n++;
                  }
                }
                return n;
              });
      after = batch.get(batch.size() - 1).accountId();
    }
    if (added > 0) {
      LOG.info("revenue history: baseline points for " + added + " accounts scored before it");
    }
    return added;
  }
}
