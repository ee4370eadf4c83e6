package dev.headroom.app.demo;

import com.google.protobuf.FieldMask;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.Connection;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc.CrmConnectorServiceBlockingStub;
import dev.headroom.api.crm.v1.ListConnectionsRequest;
import dev.headroom.api.crm.v1.ListSyncRecordsRequest;
import dev.headroom.api.crm.v1.ListSyncRecordsResponse;
import dev.headroom.api.crm.v1.ListSyncRunsRequest;
import dev.headroom.api.crm.v1.ListSyncRunsResponse;
import dev.headroom.api.crm.v1.RecordStatus;
import dev.headroom.api.crm.v1.SyncRun;
import dev.headroom.api.crm.v1.UpdateConnectionRequest;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.scoring.v1.TypePotential;
import dev.headroom.crm.standin.SalesforceStandin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CRM step of the loop. The platform connects crm-connector to a local Salesforce stand-in; the
 * demo points that connection at a stand-in of its own (same kind, on the simulation clock), so
 * that its sales reps can work the opportunities the connector creates there through the stand-in's
 * Java API, as people work in their CRM. Reps close opportunities won or lost in the CRM; the
 * connector's outcome poller brings each back to scoring-service as an outcome. Nothing here calls
 * {@code RecordOutcome}.
 */
final class CrmStep implements AutoCloseable {
  /** The name {@code LocalCrm} gives the connection to the platform's stand-in. */
  static final String STANDIN_CONNECTION = "Local Salesforce stand-in";

  static final String OPPORTUNITY = "Opportunity";
  static final String OPPORTUNITY_KEY = "Headroom_Opportunity_Key__c";
  private static final String ACTOR = "headroom demo";

  /**
   * Full reconciles of every account: the connector's default is daily, which on a clock that moves
   * a day at a time would compare every account every step.
   */
  private static final Duration RECONCILE_INTERVAL = Duration.ofDays(7);

  /** Longer than the connector's idle wait between two looks at its queue (1 s by default). */
  private static final Duration SETTLE_POLL = Duration.ofSeconds(2);

  private static final Duration SETTLE_LIMIT = Duration.ofMinutes(3);

  private final long seed;
  private final SimulationClock clock;
  private final SalesforceStandin standin;
  private final String connectionId;
  private final CrmConnectorServiceBlockingStub crm;
  private final ScoringServiceBlockingStub scoring;
  private final HostBilling billing;
  private final Duration outcomePollInterval;
  private final Map<String, Integer> closeDay = new HashMap<>();

  /** Opportunities the reps closed and the host's billing has taken in, by key. */
  private final Set<String> settled = new HashSet<>();

  private int opened;
  private int won;
  private int lost;

  private CrmStep(
      long seed,
      SimulationClock clock,
      SalesforceStandin standin,
      String connectionId,
      CrmConnectorServiceBlockingStub crm,
      ScoringServiceBlockingStub scoring,
      HostBilling billing,
      Duration outcomePollInterval) {
    this.seed = seed;
    this.clock = clock;
    this.standin = standin;
    this.connectionId = connectionId;
    this.crm = crm;
    this.scoring = scoring;
    this.billing = billing;
    this.outcomePollInterval = outcomePollInterval;
  }

  /**
   * Points the platform's stand-in connection at a stand-in the demo drives, through
   * crm-connector's admin API ({@code UpdateConnection}: base URL, credentials, reconcile
   * interval), as a RevOps admin would.
   *
   * @param outcomePollInterval how often, in simulated time, the connector asks the CRM which
   *     opportunities closed
   * @param journal where the stand-in keeps its records across restarts; empty: in memory only
   * @return empty when the platform has no stand-in connection (a real CRM is configured: the demo
   *     leaves it alone)
   */
  static Optional<CrmStep> connect(
      long seed,
      SimulationClock clock,
      CrmConnectorServiceBlockingStub crm,
      ScoringServiceBlockingStub scoring,
      HostBilling billing,
      Duration outcomePollInterval,
      Optional<Path> journal) {
    Optional<Connection> local =
        crm
            .listConnections(ListConnectionsRequest.getDefaultInstance())
            .getConnectionsList()
            .stream()
            .filter(c -> c.getDisplayName().equals(STANDIN_CONNECTION) && c.getEnabled())
            .findFirst();
    if (local.isEmpty()) {
      return Optional.empty();
    }
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    SalesforceStandin standin = new SalesforceStandin(clock, "headroom-demo", secret, "");
    standin.withHeadroomFields();
    if (journal.isPresent()) {
      try {
        Files.createDirectories(journal.get().getParent());
        standin.durableIn(journal.get());
      } catch (IOException e) {
        throw new UncheckedIOException("the stand-in CRM's records cannot be read", e);
      }
    }
    standin.start();
    try {
      crm.updateConnection(
          UpdateConnectionRequest.newBuilder()
              .setConnection(
                  Connection.newBuilder()
                      .setConnectionId(local.get().getConnectionId())
                      .setBaseUrl(standin.baseUrl())
                      .setCredentials(
                          Credentials.newBuilder()
                              .setClientId("headroom-demo")
                              .setClientSecret(secret))
                      .setReconcileInterval(
                          com.google.protobuf.Duration.newBuilder()
                              .setSeconds(RECONCILE_INTERVAL.toSeconds())))
              .setUpdateMask(
                  FieldMask.newBuilder()
                      .addPaths("base_url")
                      .addPaths("credentials")
                      .addPaths("reconcile_interval"))
              .setExpectedVersion(local.get().getVersion())
              .setActor(ACTOR)
              .build());
    } catch (RuntimeException e) {
      standin.close();
      throw e;
    }
    return Optional.of(
        new CrmStep(
            seed,
            clock,
            standin,
            local.get().getConnectionId(),
            crm,
            scoring,
            billing,
            outcomePollInterval));
  }

  /**
   * How far simulated time must move after the last day for the connector to write the final scores
   * (its debounce) and see the reps' last decisions (it asks the CRM once per poll interval of its
   * clock).
   */
  Duration catchUp() {
    return outcomePollInterval;
  }

  /** The CRM the reps work in. */
  SalesforceStandin standin() {
    return standin;
  }

  /**
   * One working day of the reps: every new opportunity gets a sales cycle, every one that is due
   * closes won or lost in the CRM, and a won one is a purchase in the host's billing.
   *
   * @param now the end of the simulated day
   */
  void dayPassed(int day, Instant now, Map<String, SimulatedAccount> accounts) {
    LocalDate today = LocalDate.ofInstant(now.minusSeconds(1), ZoneOffset.UTC);
    for (Map<String, Object> opp : standin.records(OPPORTUNITY)) {
      String key = String.valueOf(opp.get(OPPORTUNITY_KEY));
      String stage = String.valueOf(opp.get("StageName"));
      // The connector's key is <account>:<type>:<n>.
      String[] parts = key.split(":", -1);
      SimulatedAccount account = parts.length == 3 ? accounts.get(parts[0]) : null;
      if (account == null || settled.contains(key)) {
        continue;
      }
      ExpansionType type = expansionType(parts[1]);
      Integer due = closeDay.get(key);
      if (due == null) {
        if (stage.startsWith("Closed")) {
          continue; // closed by someone else than the demo's reps
        }
        opened++;
        boolean field =
            type == ExpansionType.EXPANSION_TYPE_ENTERPRISE
                || type == ExpansionType.EXPANSION_TYPE_MULTI_PRODUCT;
        closeDay.put(key, day + SalesDesk.salesCycleDays(seed, account, day, field));
        continue;
      }
      if (due > day) {
        continue;
      }
      Score score =
          scoring
              .getScore(GetScoreRequest.newBuilder().setAccountId(account.accountId).build())
              .getScore();
      // Already closed in the CRM: the rep did so on this day before the demo was killed, and the
      // CRM keeps what the rep decided; the host's billing still has to take a won deal in.
      boolean isWon =
          stage.startsWith("Closed")
              ? stage.equals("Closed Won")
              : SalesDesk.closesWon(seed, account, score, day);
      if (!stage.startsWith("Closed")) {
        standin.edit(
            OPPORTUNITY,
            OPPORTUNITY_KEY,
            key,
            Map.of(
                "StageName", isWon ? "Closed Won" : "Closed Lost", "CloseDate", today.toString()));
      }
      settled.add(key);
      if (isWon) {
        won++;
        String target = "";
        for (TypePotential t : score.getTypesList()) {
          if (t.getType() == type) {
            target = t.getTargetPlanKey();
          }
        }
        billing.purchase(account, type, target, score.getRecommendedSeats(), now);
      } else {
        lost++;
      }
    }
  }

  private static ExpansionType expansionType(String name) {
    try {
      return ExpansionType.valueOf("EXPANSION_TYPE_" + name);
    } catch (IllegalArgumentException e) {
      return ExpansionType.EXPANSION_TYPE_UNSPECIFIED;
    }
  }

  /** The reps' pipeline and counts, to carry on from after a restart. */
  record State(
      Map<String, Integer> closeDay, List<String> settled, int opened, int won, int lost) {}

  State state() {
    return new State(Map.copyOf(closeDay), List.copyOf(settled), opened, won, lost);
  }

  void restore(State state) {
    closeDay.clear();
    closeDay.putAll(state.closeDay());
    settled.clear();
    settled.addAll(state.settled());
    opened = state.opened();
    won = state.won();
    lost = state.lost();
  }

  /** Opportunities the reps took on, won and lost so far. */
  SalesDesk.Tally tally() {
    return new SalesDesk.Tally(opened, won, lost, 0, opened - won - lost);
  }

  /**
   * The CRM sync summary, once the connector has caught up: every opportunity closed in the CRM is
   * back in scoring-service as an outcome, and two reads a moment apart agree. (Changes queued
   * after the clock stopped wait for their debounce on the simulation clock, so sync runs may stay
   * open.)
   */
  DemoReport.Crm summary() throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
    DemoReport.Crm previous = null;
    while (true) {
      DemoReport.Crm current = read();
      if (current.outcomesBack() == current.won() + current.lost() && current.equals(previous)) {
        return current;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "crm-connector did not catch up within "
                + SETTLE_LIMIT.toMinutes()
                + " minutes: "
                + current);
      }
      previous = current;
      if (current.outcomesBack() < current.won() + current.lost()) {
        // The connector retries a CRM call that failed (a CRM it could not reach, as right after a
        // restart) and polls for closed opportunities on the simulation clock: simulated time
        // passes while the demo waits, one poll interval per look.
        clock.advanceTo(clock.instant().plus(outcomePollInterval));
      }
      Thread.sleep(SETTLE_POLL.toMillis());
    }
  }

  private DemoReport.Crm read() {
    long open = 0;
    long closedWon = 0;
    long closedLost = 0;
    List<Map<String, Object>> opportunities = standin.records(OPPORTUNITY);
    for (Map<String, Object> o : opportunities) {
      switch (String.valueOf(o.get("StageName"))) {
        case "Closed Won" -> closedWon++;
        case "Closed Lost" -> closedLost++;
        default -> open++;
      }
    }
    long writes = 0;
    long rateLimited = 0;
    for (SyncRun run : runs()) {
      writes += run.getRecordsSucceeded();
      rateLimited += run.getRateLimitedResponses();
    }
    return new DemoReport.Crm(
        standin.recordCount("Account"),
        writes,
        opportunities.size(),
        open,
        closedWon,
        closedLost,
        standin.recordCount("Task"),
        records(RecordStatus.RECORD_STATUS_RETRYING),
        rateLimited,
        records(RecordStatus.RECORD_STATUS_DEAD_LETTERED),
        outcomesFromCrm());
  }

  private List<SyncRun> runs() {
    List<SyncRun> runs = new ArrayList<>();
    for (ListSyncRunsResponse page :
        Pages.all(
            token ->
                crm.listSyncRuns(
                    ListSyncRunsRequest.newBuilder()
                        .setConnectionId(connectionId)
                        .setPageSize(500)
                        .setPageToken(token)
                        .build()),
            ListSyncRunsResponse::getNextPageToken)) {
      runs.addAll(page.getRunsList());
    }
    return runs;
  }

  private long records(RecordStatus status) {
    return Pages.all(
            token ->
                crm.listSyncRecords(
                    ListSyncRecordsRequest.newBuilder()
                        .setConnectionId(connectionId)
                        .addStatuses(status)
                        .setPageSize(500)
                        .setPageToken(token)
                        .build()),
            ListSyncRecordsResponse::getNextPageToken)
        .stream()
        .mapToLong(ListSyncRecordsResponse::getRecordsCount)
        .sum();
  }

  private long outcomesFromCrm() {
    return ReportReader.outcomes(scoring).bySource().getOrDefault("CRM", 0L);
  }

  @Override
  public void close() {
    standin.close();
  }
}
