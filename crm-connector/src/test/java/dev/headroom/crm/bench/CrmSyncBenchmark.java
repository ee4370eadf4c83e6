package dev.headroom.crm.bench;

import com.google.protobuf.Duration;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.crm.v1.Connection;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.crm.v1.CrmProvider;
import dev.headroom.api.crm.v1.DeleteConnectionRequest;
import dev.headroom.api.crm.v1.ListRuleActionsRequest;
import dev.headroom.api.crm.v1.ListSyncRecordsRequest;
import dev.headroom.api.crm.v1.ListSyncRecordsResponse;
import dev.headroom.api.crm.v1.ListSyncRunsRequest;
import dev.headroom.api.crm.v1.RuleActionStatus;
import dev.headroom.api.crm.v1.SyncRecord;
import dev.headroom.api.crm.v1.SyncRun;
import dev.headroom.crm.app.CrmApp;
import dev.headroom.crm.standin.HubSpotStandin;
import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.standin.StandinServer;
import dev.headroom.crm.testing.Apps;
import dev.headroom.crm.testing.FakeScoring;
import dev.headroom.kit.testing.PostgresServer;
import dev.headroom.kit.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Load harness (not a test): N changed accounts synced to the Salesforce stand-in and then to the
 * HubSpot stand-in with the real batch limits (200 / 100) and the default request rates, then the
 * same with 1 % of the records refused by the CRM and one 503 outage in the middle. Run it with
 * {@code ./headroom bench crm-sync --accounts 100000}.
 *
 * <pre>
 *   --accounts N          changed accounts (default 100,000)
 *   --outage-seconds S    length of the 503 outage of the fault runs (default 30)
 *   --runs LIST           which runs, comma-separated, in this order (default all:
 *                         salesforce,hubspot,salesforce-faults,hubspot-faults)
 *   --timeline S          also print the stand-in's requests per S seconds of each sync (default
 *                         0: none)
 * </pre>
 *
 * <p>What is real: the connector as it runs in production ({@link CrmApp}: its WatchScores
 * follower, PostgreSQL queue, sync engine, Salesforce and HubSpot clients with their token buckets,
 * retries and backoff) and the stand-ins over HTTP on 127.0.0.1. What is bypassed: scoring-service.
 * Its WatchScores stream is served by a scripted server ({@link FakeScoring}) holding one score per
 * account, because producing 100,000 scores from usage events is what signal-service's and
 * scoring-service's own benchmarks measure; the connector sees the same stream either way. The
 * scores are all below 76 so no workflow rule opens opportunities; the default rules still queue a
 * task for every Tier Upgrade account and a campaign enrolment for Seat Add accounts above 60,
 * which the connector carries out in batches on the same request budget, records first: those
 * requests are reported apart from the account upserts, with the moment every action had settled.
 * Every account comes through the follower from that stream before the syncs start (its rate is
 * reported): the syncs start from the state that N followed scores leave.
 *
 * <p>Each sync is a new connection's first reconcile (every account is changed for a CRM that was
 * never written): timed from CreateConnection to the end of that run. Settings are crm.yaml's
 * defaults except the retry delay of a refused record (1 s doubling to 8 s instead of 30 s to 30
 * min, so the 5 attempts before a dead letter take seconds, not minutes) and a zero debounce.
 *
 * <p>Uses HEADROOM_TEST_DATABASE_URL when set, else embedded PostgreSQL (durable when
 * HEADROOM_TEST_DATABASE_DURABLE=true, which {@code ./headroom bench} sets).
 */
public final class CrmSyncBenchmark {
  private static final String SF_CLIENT = "headroom-bench";
  private static final String SF_SECRET = "bench-" + UUID.randomUUID();
  private static final String HS_TOKEN = "pat-bench-" + UUID.randomUUID();
  private static final String SF_MATCH = "Headroom_Account_Id__c";
  private static final String HS_MATCH = "headroom_account_id";
  private static final String REFUSAL = "Expansion fields are locked by a validation rule";

  private final int accounts;
  private final int outageSeconds;
  private final int timelineSeconds;
  private final CrmConnectorServiceGrpc.CrmConnectorServiceBlockingStub stub;

  private CrmSyncBenchmark(
      int accounts,
      int outageSeconds,
      int timelineSeconds,
      CrmConnectorServiceGrpc.CrmConnectorServiceBlockingStub stub) {
    this.accounts = accounts;
    this.outageSeconds = outageSeconds;
    this.timelineSeconds = timelineSeconds;
    this.stub = stub;
  }

  /** What one sync showed. */
  private record Outcome(
      double seconds,
      long upserts,
      long apiCalls,
      long otherRequests,
      int landed,
      int wrong,
      long delivered,
      long refusedAttempts,
      Set<String> deadLetters,
      double actionsSeconds,
      long actionRequests,
      Map<String, Long> requestsByEndpoint) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int accounts = Integer.parseInt(opts.getOrDefault("accounts", "100000"));
    int outageSeconds = Integer.parseInt(opts.getOrDefault("outage-seconds", "30"));
    Logger.getLogger("").setLevel(Level.SEVERE);
    System.out.printf(
        "cores=%d accounts=%,d outage=%ds%n",
        Runtime.getRuntime().availableProcessors(), accounts, outageSeconds);

    FakeScoring scoring = new FakeScoring();
    for (int i = 0; i < accounts; i++) {
      scoring.publish(FakeScoring.score(account(i), score(i), type(i), arrMinor(i)));
    }
    String scoringName = "bench-scoring-" + UUID.randomUUID();
    Server scoringServer =
        InProcessServerBuilder.forName(scoringName).addService(scoring).build().start();
    TestDatabase db = PostgresServer.shared().createDatabase();
    try (var c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
        var rs =
            c.createStatement()
                .executeQuery(
                    "SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
      rs.next();
      System.out.printf(
          "postgresql: fsync=%s synchronous_commit=%s%n", rs.getString(1), rs.getString(2));
    }
    Map<String, String> env = Apps.required(db, "in-process:" + scoringName);
    env.put("HEADROOM_CRM_SYNC_RETRY_INITIAL", "1s");
    env.put("HEADROOM_CRM_SYNC_RETRY_MAX", "8s");
    String crmName = "bench-crm-" + UUID.randomUUID();
    long intakeStart = System.nanoTime();
    CrmApp app = CrmApp.start(Apps.config(env), Clock.systemUTC(), crmName, false);
    ManagedChannel channel = InProcessChannelBuilder.forName(crmName).build();
    try {
      waitFor(() -> app.followerPosition() == accounts);
      double intakeSeconds = seconds(intakeStart);
      System.out.printf(
          "WatchScores follower: %,d scores stored in %.1f s (%,.0f scores/s)%n",
          accounts, intakeSeconds, accounts / intakeSeconds);
      CrmSyncBenchmark bench =
          new CrmSyncBenchmark(
              accounts,
              outageSeconds,
              Integer.parseInt(opts.getOrDefault("timeline", "0")),
              CrmConnectorServiceGrpc.newBlockingStub(channel));
      for (String run :
          java.util.regex.Pattern.compile(",")
              .splitAsStream(
                  opts.getOrDefault("runs", "salesforce,hubspot,salesforce-faults,hubspot-faults"))
              .toList()) {
        switch (run) {
          case "salesforce" -> bench.salesforce(false);
          case "hubspot" -> bench.hubSpot(false);
          case "salesforce-faults" -> bench.salesforce(true);
          case "hubspot-faults" -> bench.hubSpot(true);
          default -> throw new IllegalArgumentException("unknown run " + run);
        }
      }
    } finally {
      channel.shutdownNow();
      app.close();
      scoringServer.shutdownNow();
      db.drop();
    }
    System.exit(0);
  }

  private void salesforce(boolean faults) throws Exception {
    try (SalesforceStandin sf =
        new SalesforceStandin(Clock.systemUTC(), SF_CLIENT, SF_SECRET, "")) {
      sf.withHeadroomFields();
      Set<String> refused = faults ? refuse(sf::rejectRecord) : Set.of();
      sf.start();
      Connection connection =
          Connection.newBuilder()
              .setProvider(CrmProvider.CRM_PROVIDER_SALESFORCE)
              .setDisplayName("Salesforce stand-in")
              .setBaseUrl(sf.baseUrl())
              .setMatchField(SF_MATCH)
              .setCredentials(
                  Credentials.newBuilder().setClientId(SF_CLIENT).setClientSecret(SF_SECRET))
              .build();
      Outcome o =
          sync(
              connection,
              sf,
              "/composite/sobjects/Account/",
              SalesforceStandin.MAX_RECORDS,
              refused,
              () -> sf.recordCount("Account"),
              () -> {
                int wrong = 0;
                for (Map<String, Object> r : sf.records("Account")) {
                  int i = index((String) r.get(SF_MATCH));
                  boolean right =
                      BigDecimal.valueOf(score(i))
                                  .compareTo((BigDecimal) r.get("Expansion_Readiness_Score__c"))
                              == 0
                          && label(i).equals(r.get("Expansion_Type__c"))
                          && BigDecimal.valueOf(arrMinor(i), 2)
                                  .compareTo((BigDecimal) r.get("Expansion_ARR_Potential__c"))
                              == 0;
                  wrong += right ? 0 : 1;
                }
                return wrong;
              });
      report("Salesforce", SalesforceStandin.MAX_RECORDS, faults, refused, o);
    }
  }

  private void hubSpot(boolean faults) throws Exception {
    try (HubSpotStandin hs = new HubSpotStandin(Clock.systemUTC(), HS_TOKEN)) {
      hs.withHeadroomProperties();
      Set<String> refused = faults ? refuse(hs::rejectRecord) : Set.of();
      hs.start();
      Connection connection =
          Connection.newBuilder()
              .setProvider(CrmProvider.CRM_PROVIDER_HUBSPOT)
              .setDisplayName("HubSpot stand-in")
              .setBaseUrl(hs.baseUrl())
              .setMatchField(HS_MATCH)
              .setCredentials(Credentials.newBuilder().setAccessToken(HS_TOKEN))
              .build();
      Outcome o =
          sync(
              connection,
              hs,
              "/crm/v3/objects/companies/batch/upsert",
              HubSpotStandin.MAX_INPUTS,
              refused,
              () -> hs.objectCount("companies"),
              () -> {
                int wrong = 0;
                for (int i = 0; i < accounts; i++) {
                  if (failing(i) && faults) {
                    continue;
                  }
                  int n = i;
                  boolean right =
                      hs.object("companies", HS_MATCH, account(i))
                          .map(
                              c ->
                                  new BigDecimal(c.get("expansion_readiness_score"))
                                              .compareTo(BigDecimal.valueOf(score(n)))
                                          == 0
                                      && label(n).equals(c.get("expansion_type"))
                                      && new BigDecimal(c.get("expansion_arr_potential"))
                                              .compareTo(BigDecimal.valueOf(arrMinor(n), 2))
                                          == 0)
                          .orElse(false);
                  wrong += right ? 0 : 1;
                }
                return wrong;
              });
      report("HubSpot", HubSpotStandin.MAX_INPUTS, faults, refused, o);
    }
  }

  /** A number read from the stand-in's state. */
  @FunctionalInterface
  private interface Count {
    int get();
  }

  private Outcome sync(
      Connection connection,
      StandinServer standin,
      String upsertPath,
      int batchLimit,
      Set<String> refused,
      Count stored,
      Count wrongValues)
      throws Exception {
    long start = System.nanoTime();
    java.time.Instant startedAt = java.time.Instant.now();
    String id =
        stub.createConnection(
                CreateConnectionRequest.newBuilder()
                    .setConnection(
                        connection.toBuilder()
                            .setEnabled(true)
                            .setDebounce(Duration.getDefaultInstance()))
                    .setActor("bench")
                    .build())
            .getConnection()
            .getConnectionId();
    Thread outage = null;
    if (!refused.isEmpty()) {
      long half = accounts / batchLimit / 2;
      outage =
          Thread.ofPlatform()
              .start(
                  () -> {
                    waitFor(() -> upserts(standin, upsertPath) >= half);
                    double at = seconds(start);
                    // More 503s than the connector can ask for in the outage, cleared at its end.
                    standin.faults().unavailable(100_000);
                    sleep(outageSeconds * 1000L);
                    standin.faults().clear();
                    System.out.printf(
                        "  503 outage from %.1f s to %.1f s (after %,d of ~%,d upserts)%n",
                        at, seconds(start), half, 2 * half);
                  });
    }
    int landable = accounts - refused.size();
    waitFor(
        () ->
            stored.get() == landable
                && runs(id).stream().allMatch(SyncRun::hasFinishedAt)
                && deadLetters(id).size() == refused.size());
    double seconds = seconds(start);
    long requestsAtSync = standin.requests().size();
    waitFor(() -> pendingActions(id) == 0);
    double actionsSeconds = seconds(start);
    long requestsAtActions = standin.requests().size();
    if (outage != null) {
      outage.join();
    }
    if (timelineSeconds > 0) {
      printTimeline(standin.requests(), upsertPath, startedAt, seconds);
    }
    long apiCalls = runs(id).stream().mapToLong(SyncRun::getApiCalls).sum();
    List<SyncRecord> dead = deadLetters(id);
    long delivered =
        standin.requests().stream()
            .filter(r -> r.path().contains(upsertPath) && (r.status() == 200 || r.status() == 207))
            .mapToLong(r -> r.records().size())
            .sum();
    Outcome o =
        new Outcome(
            seconds,
            upserts(standin, upsertPath),
            apiCalls,
            requestsAtSync - upserts(standin, upsertPath),
            stored.get(),
            wrongValues.get(),
            delivered,
            dead.stream().mapToLong(SyncRecord::getAttempts).sum(),
            dead.stream().map(SyncRecord::getAccountId).collect(Collectors.toSet()),
            actionsSeconds,
            requestsAtActions - upserts(standin, upsertPath),
            standin.requests().stream()
                .collect(
                    Collectors.groupingBy(
                        r ->
                            r.method()
                                + " "
                                + r.path().replaceAll("/\\d+(/|$)", "/{id}$1")
                                + " "
                                + r.status(),
                        java.util.TreeMap::new,
                        Collectors.counting())));
    stub.deleteConnection(
        DeleteConnectionRequest.newBuilder().setConnectionId(id).setActor("bench").build());
    return o;
  }

  /**
   * Where a sync's time went: per {@code timelineSeconds} from its start, the upserts the stand-in
   * accepted, the records they carried, the requests it answered 503 and the other requests (the
   * rules' actions), up to the end of the sync.
   */
  private void printTimeline(
      List<dev.headroom.crm.standin.RecordedRequest> requests,
      String upsertPath,
      java.time.Instant startedAt,
      double syncSeconds) {
    int bins = (int) Math.ceil(syncSeconds / timelineSeconds);
    long[][] counts = new long[bins][4];
    for (dev.headroom.crm.standin.RecordedRequest r : requests) {
      double at = java.time.Duration.between(startedAt, r.receivedAt()).toNanos() / 1e9;
      int bin = (int) (at / timelineSeconds);
      if (at < 0 || bin >= bins) {
        continue;
      }
      if (r.status() == 503) {
        counts[bin][2]++;
      } else if (r.path().contains(upsertPath)) {
        counts[bin][0]++;
        counts[bin][1] += r.records().size();
      } else {
        counts[bin][3]++;
      }
    }
    System.out.printf("  timeline (s: upserts accepted / records in them / 503s / other)%n");
    for (int b = 0; b < bins; b++) {
      System.out.printf(
          "    %5d: %4d / %6d / %3d / %4d%n",
          b * timelineSeconds, counts[b][0], counts[b][1], counts[b][2], counts[b][3]);
    }
  }

  /** Rule actions still queued or being retried (one page is enough to know whether any are). */
  private int pendingActions(String connectionId) {
    return stub.listRuleActions(
            ListRuleActionsRequest.newBuilder()
                .setConnectionId(connectionId)
                .addStatuses(RuleActionStatus.RULE_ACTION_STATUS_PENDING)
                .setPageSize(1)
                .build())
        .getActionsCount();
  }

  private List<SyncRun> runs(String connectionId) {
    return stub.listSyncRuns(
            ListSyncRunsRequest.newBuilder().setConnectionId(connectionId).setPageSize(500).build())
        .getRunsList();
  }

  /** The connection's dead letters, each with the CRM's own message. */
  private List<SyncRecord> deadLetters(String connectionId) {
    List<SyncRecord> dead = new ArrayList<>();
    String token = "";
    do {
      ListSyncRecordsResponse page =
          stub.listSyncRecords(
              ListSyncRecordsRequest.newBuilder()
                  .setConnectionId(connectionId)
                  .setPageSize(500)
                  .setPageToken(token)
                  .build());
      for (SyncRecord r : page.getRecordsList()) {
        if (!r.getErrorMessage().equals(REFUSAL)) {
          throw new IllegalStateException("dead letter without the CRM's message: " + r);
        }
        dead.add(r);
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return dead;
  }

  private void report(String crm, int batchLimit, boolean faults, Set<String> refused, Outcome o) {
    System.out.printf(
        "%s, batches of %d%s:%n",
        crm, batchLimit, faults ? ", 1 % refused and a " + outageSeconds + " s 503 outage" : "");
    System.out.printf(
        "  wall time %.1f s, %,.0f records/s; upsert requests %,d (503s included), API calls"
            + " %,d%n",
        o.seconds(), accounts / o.seconds(), o.upserts(), o.apiCalls());
    System.out.printf(
        "  other requests meanwhile (the rules' tasks and campaign enrolments, OAuth) %,d%n",
        o.otherRequests());
    System.out.printf(
        "  every rule action settled at %.1f s, after %,d requests besides the upserts%n",
        o.actionsSeconds(), o.actionRequests());
    o.requestsByEndpoint()
        .forEach((endpoint, n) -> System.out.printf("    %,7d %s%n", n, endpoint));
    System.out.printf(
        "  stand-in holds %,d records (expected %,d), %,d with a value other than the score's%n",
        o.landed(), accounts - refused.size(), o.wrong());
    System.out.printf(
        "  records delivered in accepted requests %,d = landed %,d + refused attempts %,d: %s%n",
        o.delivered(),
        o.landed(),
        o.refusedAttempts(),
        o.delivered() == o.landed() + o.refusedAttempts()
            ? "none sent again after it landed"
            : "MISMATCH");
    System.out.printf(
        "  dead letters %,d, the refused accounts exactly: %s%n",
        o.deadLetters().size(), o.deadLetters().equals(refused));
    boolean ok =
        o.landed() == accounts - refused.size()
            && o.wrong() == 0
            && o.delivered() == o.landed() + o.refusedAttempts()
            && o.deadLetters().equals(refused);
    if (!ok) {
      throw new IllegalStateException(crm + ": the CRM's end state is not what was synced");
    }
  }

  /** Marks the failing 1 % as refused by the CRM; returns their account ids. */
  private Set<String> refuse(java.util.function.BiConsumer<String, String> reject) {
    Set<String> refused = new HashSet<>();
    for (int i = 0; i < accounts; i++) {
      if (failing(i)) {
        reject.accept(account(i), REFUSAL);
        refused.add(account(i));
      }
    }
    return refused;
  }

  private static long upserts(StandinServer standin, String path) {
    return standin.requests().stream().filter(r -> r.path().contains(path)).count();
  }

  private static boolean failing(int i) {
    return i % 100 == 37;
  }

  private static String account(int i) {
    return String.format("acct-%06d", i);
  }

  private static int index(String account) {
    return Integer.parseInt(account.substring("acct-".length()));
  }

  /** 41..75: ready or emerging, so no workflow rule opens an opportunity. */
  private static int score(int i) {
    return 41 + i % 35;
  }

  private static ExpansionType type(int i) {
    return i % 2 == 0
        ? ExpansionType.EXPANSION_TYPE_SEAT_ADD
        : ExpansionType.EXPANSION_TYPE_TIER_UPGRADE;
  }

  private static String label(int i) {
    return i % 2 == 0 ? "Seat Add" : "Tier Upgrade";
  }

  private static long arrMinor(int i) {
    return 100_000L + i;
  }

  private static void waitFor(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(40);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not done after 40 minutes");
      }
      sleep(200);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
