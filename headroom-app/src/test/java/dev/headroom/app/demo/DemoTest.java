package dev.headroom.app.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.SignalStatus;
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
      Map.of(
          "HEADROOM_GRPC_PORT", "0",
          "HEADROOM_HTTP_PORT", "0",
          "HEADROOM_HTTP_HOST", "127.0.0.1");

  private static Platform platform;
  private static DemoReport report;
  private static String progressOutput;
  private static ManagedChannel signalChannel;
  private static ManagedChannel scoringChannel;
  private static SignalServiceBlockingStub signal;
  private static ScoringServiceBlockingStub scoring;

  @BeforeAll
  static void runDemo() throws Exception {
    SimulationClock clock =
        new SimulationClock(DemoCommand.simulationStart(Instant.now(), OPTIONS.days()));
    platform = Platform.start(ENV, clock);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    report =
        DemoCommand.simulate(
            OPTIONS,
            platform,
            clock,
            ENV,
            new Progress(new PrintStream(progress, true, StandardCharsets.UTF_8), false, 30));
    progressOutput = progress.toString(StandardCharsets.UTF_8);
    signalChannel = InProcessChannelBuilder.forName("signal").build();
    scoringChannel = InProcessChannelBuilder.forName("scoring").build();
    signal = SignalServiceGrpc.newBlockingStub(signalChannel);
    scoring = ScoringServiceGrpc.newBlockingStub(scoringChannel);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (signalChannel != null) {
      signalChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      scoringChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
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
    assertEquals(run.dealsWon() + run.dealsLost() + run.selfServePurchases(), o.recorded());
    assertEquals(run.dealsWon() + run.selfServePurchases(), o.won());
    assertEquals(run.dealsLost(), o.lost());
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
  void unwiredServicesAreNamedNotInvented() {
    List<String> sections =
        report.notRunning().stream().map(DemoReport.NotRunning::section).toList();
    assertEquals(
        List.of("Prompt funnel by campaign and variant", "Experiment results", "CRM sync summary"),
        sections);
    assertTrue(report.notRunning().get(0).reason().startsWith("prompt-service not running"));
    assertTrue(report.notRunning().get(2).reason().startsWith("crm-connector not running"));
    assertTrue(report.sections().isEmpty());
  }

  @Test
  void writesMarkdownAndJson(@TempDir Path folder) throws Exception {
    ReportWriter.writeFiles(report, folder);
    String markdown = Files.readString(folder.resolve("report.md"));
    assertTrue(markdown.contains("## Top expansion-ready accounts"), markdown);
    assertTrue(markdown.contains("prompt-service not running in this build"), markdown);
    JsonNode json = new ObjectMapper().readTree(folder.resolve("report.json").toFile());
    assertEquals(report.topAccounts().size(), json.get("topAccounts").size());
    assertEquals(report.outcomes().recorded(), json.get("outcomes").get("recorded").asLong());
    assertTrue(progressOutput.contains("day  30/30"), progressOutput);
  }
}
