package dev.headroom.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.app.demo.DemoCommand;
import dev.headroom.app.loop.AppProcess;
import dev.headroom.crm.standin.SalesforceStandin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The demo's kill drill: the demo runs as its own process on a data directory, is killed with
 * {@code kill -9} half-way through its simulated days, and is started again on the same directory
 * with the same options. It must resume from its last completed day and end with a report whose
 * numbers are what the platform and the stand-in CRM hold: every event signal-service acknowledged
 * stored once, every outcome recorded once, every CRM record once.
 */
class DemoKillDrillTest {
  private static final List<String> OPTIONS =
      List.of("--accounts", "40", "--days", "30", "--seed", "7", "--exit");

  @Test
  void aDemoKilledHalfWayResumesAndLosesNothing() throws Exception {
    Path scratch = AppProcess.scratch("demo-kill-drill");
    Path data = scratch.resolve("data");
    Map<String, String> env = AppProcess.loopEnv(data);

    Process first = start(env);
    CompletableFuture<Void> halfWay = watch(first, scratch.resolve("first.log"), "day  15/");
    // A hang guard, not a timing assertion: a demo that never gets half-way fails here.
    halfWay.get(10, TimeUnit.MINUTES);
    // The line comes right after day 15's checkpoint: a moment later the kill lands inside day 16
    // (its events sent, its prompts or the reps' work under way), which the second run plays again.
    Thread.sleep(300);
    first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    Process second = start(env);
    CompletableFuture<Void> resumed =
        watch(second, scratch.resolve("second.log"), "demo: resuming after simulated day");
    assertTrue(
        second.waitFor(10, TimeUnit.MINUTES), "the resumed demo did not finish; see second.log");
    assertEquals(0, second.exitValue(), "the resumed demo failed; see " + scratch);
    resumed.get(1, TimeUnit.MINUTES); // fails when the second run started over instead

    JsonNode report = new ObjectMapper().readTree(lastReport(data).toFile());
    JsonNode run = report.path("run");
    assertEquals(0, run.path("eventsRejected").asLong(), "events rejected");
    assertEquals(
        run.path("eventsSent").asLong(),
        run.path("eventsAccepted").asLong() + run.path("eventsDuplicate").asLong(),
        "every event sent was either stored or recognised as one stored before");

    try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0);
        Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "")) {
      long stored = count(c, "SELECT count(*) FROM signal.event_raw");
      assertEquals(
          stored,
          count(c, "SELECT count(DISTINCT event_id) FROM signal.event_raw"),
          "an event stored twice");
      // The events of the day played again that signal-service had acknowledged before the kill
      // come back as duplicates: every event the demo sent is stored, and stored once.
      assertEquals(
          run.path("eventsSent").asLong(),
          stored,
          "events the demo sent, against the events signal-service holds");
      assertEquals(
          report.path("outcomes").path("recorded").asLong(),
          count(c, "SELECT count(*) FROM scoring.outcome"),
          "outcomes in the report against scoring-service's");
      // Every purchase the host's billing reported in either run is there. A purchase reported
      // just before the kill may not be made again when its day is played again (the offer can
      // differ once the account has what it bought), so scoring-service may hold more.
      long purchases =
          run.path("selfServePurchases").asLong() + run.path("promptPurchases").asLong();
      long billing = report.path("outcomes").path("bySource").path("BILLING").asLong();
      assertTrue(
          billing >= purchases,
          "purchases the host reported: " + purchases + ", BILLING outcomes stored: " + billing);
    }

    SalesforceStandin crm =
        new SalesforceStandin(Clock.systemUTC(), "drill", "drill", "")
            .durableIn(data.resolve("demo").resolve("crm-standin.jsonl"));
    JsonNode summary = report.path("crm");
    List<Map<String, Object>> opportunities = crm.records("Opportunity");
    assertEquals(
        opportunities.size(),
        distinct(opportunities, "Headroom_Opportunity_Key__c"),
        "an opportunity twice in the CRM");
    List<Map<String, Object>> accounts = crm.records("Account");
    assertEquals(
        accounts.size(),
        distinct(accounts, "Headroom_Account_Id__c"),
        "an account twice in the CRM");
    assertEquals(summary.path("opportunities").asLong(), opportunities.size(), "opportunities");
    assertEquals(summary.path("accountRecords").asLong(), accounts.size(), "CRM accounts");
    assertEquals(
        summary.path("won").asLong(),
        opportunities.stream().filter(o -> "Closed Won".equals(o.get("StageName"))).count(),
        "opportunities won");
    assertEquals(
        summary.path("won").asLong() + summary.path("lost").asLong(),
        summary.path("outcomesBack").asLong(),
        "every opportunity closed in the CRM came back as an outcome");
  }

  /** {@code ./headroom demo} as its own JVM, with only {@code env} as HEADROOM_ configuration. */
  private static Process start(Map<String, String> env) throws IOException {
    return AppProcess.java("-Xmx768m", DemoCommand.class, OPTIONS, env).start();
  }

  /** Copies the process's output to {@code log}; completes once a line starts with {@code mark}. */
  private static CompletableFuture<Void> watch(Process process, Path log, String mark) {
    CompletableFuture<Void> seen = new CompletableFuture<>();
    AppProcess.copyOutput(
        process,
        log,
        line -> {
          if (line.startsWith(mark)) {
            seen.complete(null);
          }
        },
        ended ->
            seen.completeExceptionally(
                ended != null
                    ? ended
                    : new IllegalStateException(
                        "the demo ended before '" + mark + "'; see " + log)));
    return seen;
  }

  private static Path lastReport(Path data) throws IOException {
    try (Stream<Path> reports = Files.list(data.resolve("reports"))) {
      return reports.sorted().reduce((a, b) -> b).orElseThrow().resolve("report.json");
    }
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static long distinct(List<Map<String, Object>> records, String field) {
    return records.stream().map(r -> r.get(field)).distinct().count();
  }
}
