package dev.headroom.crm.sync;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.standin.RecordedRequest;
import dev.headroom.crm.testing.Connector;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.Await;
import java.util.List;

/**
 * The records-first tests' common run: Tier Upgrade accounts (each fires the default usage-review
 * task rule) followed, then a HubSpot connection's first reconcile, and what its requests show.
 */
final class RecordsFirstRun {
  static final String TOKEN = "pat-na1-records-first-never-logged";
  static final String UPSERT = "/crm/v3/objects/companies/batch/upsert";
  static final String TASK_CREATE = "/crm/v3/objects/tasks/batch/create";

  private RecordsFirstRun() {}

  /**
   * Follows {@code accounts} Tier Upgrade scores, then connects the stand-in; the connection id.
   */
  static String start(Connector crm, HubSpotStandin hs, int accounts) {
    for (int i = 0; i < accounts; i++) {
      crm.scoring.publish(
          FakeScoring.score("acc-" + i, 50, ExpansionType.EXPANSION_TYPE_TIER_UPGRADE, 1L));
    }
    Await.until("scores stored", () -> crm.app.followerPosition() == accounts);
    return crm.stub
        .createConnection(
            CreateConnectionRequest.newBuilder()
                .setConnection(Connector.hubSpot(hs.baseUrl(), TOKEN))
                .build())
        .getConnection()
        .getConnectionId();
  }

  static long upserts(HubSpotStandin hs) {
    return hs.requests().stream().map(RecordedRequest::path).filter(UPSERT::equals).count();
  }

  /** Task batch creates the stand-in received before the last company upsert. */
  static long taskCreatesBeforeLastUpsert(HubSpotStandin hs) {
    List<String> paths = hs.requests().stream().map(RecordedRequest::path).toList();
    return paths.subList(0, paths.lastIndexOf(UPSERT)).stream().filter(TASK_CREATE::equals).count();
  }
}
