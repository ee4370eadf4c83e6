package dev.headroom.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc.CrmConnectorServiceBlockingStub;
import dev.headroom.api.crm.v1.ListConnectionsRequest;
import dev.headroom.api.crm.v1.ListSyncRecordsRequest;
import dev.headroom.api.crm.v1.RecordStatus;
import dev.headroom.api.prompt.v1.GetExperimentResultsRequest;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.PromptServiceGrpc.PromptServiceBlockingStub;
import dev.headroom.api.scoring.v1.GetSignalPerformanceRequest;
import dev.headroom.api.scoring.v1.ListOutcomesRequest;
import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.PerformanceGrouping;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.signal.v1.ListAccountSignalsRequest;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import dev.headroom.app.Platform;
import dev.headroom.crm.standin.SalesforceStandin;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small demo run against a real platform (embedded PostgreSQL, every service): the report it
 * produces must say what the services say, read back independently through their public APIs.
 */
class DemoTest {
  private static final DemoOptions OPTIONS = new DemoOptions(50, 30, true, 7);
  private static final Map<String, String> ENV =
      DemoCommand.environment(
          Map.of(
              "HEADROOM_GRPC_PORT", "0",
              "HEADROOM_HTTP_PORT", "0",
              "HEADROOM_HTTP_HOST", "127.0.0.1"));

  private static Platform platform;
  private static DemoHost host;
  private static DemoReport report;
  private static String progressOutput;
  private static ManagedChannel signalChannel;
  private static ManagedChannel scoringChannel;
  private static ManagedChannel promptChannel;
  private static ManagedChannel crmChannel;
  private static SignalServiceBlockingStub signal;
  private static ScoringServiceBlockingStub scoring;
  private static PromptServiceBlockingStub prompt;
  private static CrmConnectorServiceBlockingStub crm;

  @BeforeAll
  static void runDemo() throws Exception {
    SimulationClock clock =
        new SimulationClock(DemoCommand.simulationStart(Instant.now(), OPTIONS.days()));
    platform = Platform.start(ENV, clock);
    host = DemoHost.connect(OPTIONS, clock, ENV, platform::scoringBacklog);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    report =
        host.simulate(
            new Progress(new PrintStream(progress, true, StandardCharsets.UTF_8), false, 30));
    progressOutput = progress.toString(StandardCharsets.UTF_8);
    signalChannel = InProcessChannelBuilder.forName("signal").build();
    scoringChannel = InProcessChannelBuilder.forName("scoring").build();
    promptChannel = InProcessChannelBuilder.forName("prompt").build();
    crmChannel = InProcessChannelBuilder.forName("crm").build();
    signal = SignalServiceGrpc.newBlockingStub(signalChannel);
    scoring = ScoringServiceGrpc.newBlockingStub(scoringChannel);
    prompt = PromptServiceGrpc.newBlockingStub(promptChannel);
    crm = CrmConnectorServiceGrpc.newBlockingStub(crmChannel);
  }

  @AfterAll
  static void stop() throws Exception {
    for (ManagedChannel c :
        new ManagedChannel[] {signalChannel, scoringChannel, promptChannel, crmChannel}) {
      if (c != null) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    if (host != null) {
      host.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void everyEventTheHostSentWasAccepted() {
    DemoReport.Run run = report.run();
    assertTrue(run.eventsSent() > 0, "the simulation sent usage");
    assertEquals(run.eventsSent(), run.eventsAccepted(), "accepted: " + run);
    assertEquals(0, run.eventsRejected());
    assertEquals(
        OPTIONS.accounts(), report.accountsByPersona().values().stream().mapToInt(i -> i).sum());
    assertEquals(
        Persona.values().length, report.accountsByPersona().size(), "every persona appears");
  }

  @Test
  void topAccountsAreScoringsTopReadyAccounts() {
    List<Score> top =
        scoring
            .listScores(
                ListScoresRequest.newBuilder()
                    .addBands(ReadinessBand.READINESS_BAND_READY)
                    .addBands(ReadinessBand.READINESS_BAND_URGENT)
                    .setPageSize(ReportReader.TOP_ACCOUNTS)
                    .build())
            .getScoresList();
    assertFalse(top.isEmpty(), "a month of usage makes some accounts ready");
    assertEquals(
        top.stream().map(Score::getAccountId).toList(),
        report.topAccounts().stream().map(DemoReport.TopAccount::accountId).toList());
    for (int i = 0; i < top.size(); i++) {
      Score s = top.get(i);
      DemoReport.TopAccount a = report.topAccounts().get(i);
      assertEquals(s.getScore(), a.score(), a.accountId());
      assertEquals(s.getArrPotential().getMinorUnits(), a.arrPotentialMinor(), a.accountId());
      assertEquals(s.getPrimaryType().name(), "EXPANSION_TYPE_" + a.primaryType(), a.accountId());
      assertEquals(s.getMotion().name(), "RECOMMENDED_MOTION_" + a.motion(), a.accountId());
      assertFalse(a.evidence().isBlank(), a.accountId());
    }
  }

  @Test
  void signalCountsAgreeWithSignalServiceAndWithScoring() {
    Map<String, Long> activeBySignalService = new TreeMap<>();
    Map<String, Long> activeByScoring = new TreeMap<>();
    for (int i = 1; i <= OPTIONS.accounts(); i++) {
      String id = String.format(java.util.Locale.ROOT, "acct-%05d", i);
      for (Signal s :
          signal
              .listAccountSignals(ListAccountSignalsRequest.newBuilder().setAccountId(id).build())
              .getCurrentList()) {
        if (s.getStatus() == SignalStatus.SIGNAL_STATUS_ACTIVE) {
          activeBySignalService.merge(s.getType().name(), 1L, Long::sum);
        }
      }
    }
    String token = "";
    do {
      var page =
          scoring.listScores(
              ListScoresRequest.newBuilder().setPageSize(1000).setPageToken(token).build());
      for (Score score : page.getScoresList()) {
        for (Signal s : score.getSignalsList()) {
          if (s.getStatus() == SignalStatus.SIGNAL_STATUS_ACTIVE) {
            activeByScoring.merge(s.getType().name(), 1L, Long::sum);
          }
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    Map<String, Long> reported = new TreeMap<>();
    for (DemoReport.SignalCount c : report.signalsByType()) {
      if (c.activeNow() > 0) {
        reported.put("SIGNAL_TYPE_" + c.signalType(), c.activeNow());
      }
      assertTrue(c.fired() >= c.activeNow() + c.suppressedNow(), c.toString());
    }
    assertFalse(reported.isEmpty(), "a month of usage activates signals");
    assertEquals(activeBySignalService, reported, "report vs ListAccountSignals");
    assertEquals(activeBySignalService, activeByScoring, "signal-service vs scoring-service");
  }

  @Test
  void outcomesAndPerformanceAreScoringsOwn() {
    DemoReport.Run run = report.run();
    DemoReport.Outcomes o = report.outcomes();
    DemoReport.Crm c = report.crm();
    long bought = run.selfServePurchases() + run.promptPurchases();
    assertEquals(c.won() + c.lost() + bought, o.recorded(), o.toString());
    assertEquals(c.won() + bought, o.won());
    assertEquals(c.lost(), o.lost());
    assertEquals(c.won() + c.lost(), o.bySource().getOrDefault("CRM", 0L), "sales via the CRM");
    assertEquals(bought, o.bySource().getOrDefault("BILLING", 0L), "billing purchases");
    assertEquals(
        o.recorded(),
        scoring
            .listOutcomes(ListOutcomesRequest.newBuilder().setPageSize(1000).build())
            .getOutcomesCount());

    var rows =
        scoring
            .getSignalPerformance(
                GetSignalPerformanceRequest.newBuilder()
                    .setGrouping(PerformanceGrouping.PERFORMANCE_GROUPING_SIGNAL_TYPE)
                    .build())
            .getRowsList();
    assertEquals(rows.size(), report.signalPerformance().size());
    long convertedTotal = 0;
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(rows.get(i).getFired(), report.signalPerformance().get(i).fired());
      assertEquals(rows.get(i).getConverted(), report.signalPerformance().get(i).converted());
      convertedTotal += rows.get(i).getConverted();
    }
    // Every won outcome follows some fired signal (reps and buyers act only on routed accounts).
    assertTrue(
        o.won() == 0 || convertedTotal > 0,
        "won " + o.won() + " but no signal converted: " + report.signalPerformance());
  }

  @Test
  void promptFunnelAddsUp() {
    DemoReport.Prompts p = report.prompts();
    assertTrue(p.offers() > 0, "a month of paywall hits gets offers: " + p);
    long exposed = 0;
    long events = 0;
    for (DemoReport.FunnelRow f : p.funnel()) {
      assertTrue(f.exposed() >= f.shown(), f.toString());
      assertTrue(f.shown() >= f.clicked() + f.dismissed(), f.toString());
      assertTrue(f.clicked() >= f.converted(), f.toString());
      assertTrue(f.exposed() >= f.units() && f.units() > 0, f.toString());
      exposed += f.exposed();
      events += f.shown() + f.clicked() + f.dismissed() + f.converted();
    }
    assertEquals(p.offers(), exposed, "every offer is one exposure of one funnel row");
    assertEquals(events, p.eventsReported(), "every funnel step was reported once");
    assertEquals(p.eventsReported(), p.eventsDelivered(), "prompt-service stored every event");
    assertEquals(0, p.eventsRejected() + p.eventsUndelivered());
    assertEquals(
        p.asked(), p.offers() + p.noPromptByReason().values().stream().mapToLong(n -> n).sum());
    long purchases = p.funnel().stream().mapToLong(DemoReport.FunnelRow::converted).sum();
    assertEquals(report.run().promptPurchases(), purchases);
  }

  @Test
  void experimentTableIsGetExperimentResults() {
    DemoReport.ExperimentTable reported = report.prompts().experiment();
    DemoReport.ExperimentTable now =
        PromptStep.experimentTable(
            prompt
                .getExperimentResults(
                    GetExperimentResultsRequest.newBuilder()
                        .setExperimentId(PromptStep.EXPERIMENT)
                        .build())
                .getResults());
    assertEquals(now, reported);
    assertEquals(
        List.of(PromptStep.CONTROL, PromptStep.ANNUAL_DISCOUNT),
        reported.arms().stream().map(DemoReport.ArmResult::arm).toList());
    Map<String, Long> unitsByVariant = new TreeMap<>();
    for (DemoReport.FunnelRow f : report.prompts().funnel()) {
      if (f.campaignId().equals(PromptStep.FEATURE_GATE_CAMPAIGN)) {
        unitsByVariant.put(f.variant(), f.units());
      }
    }
    Map<String, Long> unitsByArm = new TreeMap<>();
    reported.arms().forEach(a -> unitsByArm.put(a.arm(), a.units()));
    assertEquals(unitsByVariant, unitsByArm, "the host's exposed accounts are the arms' units");
  }

  @Test
  void crmSummaryIsTheStandinsState() {
    SalesforceStandin standin = host.crm().orElseThrow().standin();
    DemoReport.Crm c = report.crm();
    List<Map<String, Object>> opportunities = standin.records(CrmStep.OPPORTUNITY);
    assertTrue(c.accountRecords() > 0, "the connector wrote the accounts: " + c);
    assertTrue(c.opportunities() > 0, "READY accounts got opportunities: " + c);
    assertEquals(standin.recordCount("Account"), c.accountRecords());
    assertEquals(opportunities.size(), c.opportunities());
    assertEquals(stage(opportunities, "Closed Won"), c.won());
    assertEquals(stage(opportunities, "Closed Lost"), c.lost());
    assertEquals(opportunities.size() - c.won() - c.lost(), c.open());
    assertEquals(c.won() + c.lost(), c.outcomesBack(), "every closed opportunity came back");
    assertEquals(report.run().dealsWon(), c.won());
    assertEquals(report.run().dealsLost(), c.lost());
    String connectionId =
        crm.listConnections(ListConnectionsRequest.getDefaultInstance())
            .getConnections(0)
            .getConnectionId();
    assertEquals(
        crm.listSyncRecords(
                ListSyncRecordsRequest.newBuilder()
                    .setConnectionId(connectionId)
                    .addStatuses(RecordStatus.RECORD_STATUS_DEAD_LETTERED)
                    .setPageSize(500)
                    .build())
            .getRecordsCount(),
        c.deadLetters());
    assertTrue(report.notRunning().isEmpty(), report.notRunning().toString());
  }

  private static long stage(List<Map<String, Object>> opportunities, String stage) {
    return opportunities.stream().filter(o -> stage.equals(o.get("StageName"))).count();
  }

  @Test
  void onlyIntegratorsGrowTheirApiUsage() {
    Map<String, Persona> personas = new TreeMap<>();
    for (SimulatedAccount a :
        Population.create(OPTIONS.seed(), OPTIONS.accounts(), Instant.now())) {
      personas.put(a.accountId, a.persona);
    }
    for (Map.Entry<String, Persona> e : personas.entrySet()) {
      var page =
          signal.listAccountSignals(
              ListAccountSignalsRequest.newBuilder()
                  .setAccountId(e.getKey())
                  .setIncludeHistory(true)
                  .setPageSize(500)
                  .build());
      boolean grew =
          java.util.stream.Stream.concat(
                  page.getCurrentList().stream(), page.getHistoryList().stream())
              .anyMatch(s -> s.getType() == SignalType.SIGNAL_TYPE_API_CONSUMPTION_GROWTH);
      if (grew) {
        assertEquals(Persona.API_INTEGRATOR, e.getValue(), e.getKey());
      }
    }
  }

  @Test
  void writesMarkdownAndJson(@TempDir Path folder) throws Exception {
    ReportWriter.writeFiles(report, folder);
    String markdown = Files.readString(folder.resolve("report.md"));
    assertTrue(markdown.contains("## Top expansion-ready accounts"), markdown);
    assertTrue(markdown.contains("## Prompt funnel by campaign and variant"), markdown);
    assertTrue(markdown.contains("## CRM sync summary"), markdown);
    for (List<String> row : ReportWriter.experimentRows(report.prompts().experiment())) {
      assertTrue(markdown.contains("| " + String.join(" | ", row) + " |"), row.toString());
    }
    JsonNode json = new ObjectMapper().readTree(folder.resolve("report.json").toFile());
    assertEquals(report.topAccounts().size(), json.get("topAccounts").size());
    assertEquals(report.outcomes().recorded(), json.get("outcomes").get("recorded").asLong());
    assertEquals(report.crm().opportunities(), json.get("crm").get("opportunities").asLong());
    assertEquals(report.prompts().funnel().size(), json.get("prompts").get("funnel").size());
    assertTrue(progressOutput.contains("day  30/30"), progressOutput);
  }
}
