package dev.headroom.crm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.crm.standin.SalesforceStandin;
import dev.headroom.crm.testing.Clients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Salesforce stand-in kept in a file ({@code durableIn}): what it answered outlives it, a
 * half-written last line is cut off, and the next stand-in on the file updates the same records
 * instead of creating them again.
 */
class StandinJournalTest {
  private static final String SECRET = "journal-secret";
  private static final String ACCOUNT_KEY = "Headroom_Account_Id__c";

  @Test
  void answeredWritesOutliveTheStandInAndAreUpdatedNotRepeated() throws Exception {
    // java.io.tmpdir is target/tmp in the build, which may not exist yet.
    Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    Path file = tmp.resolve("standin-" + UUID.randomUUID() + ".jsonl");
    SalesforceStandin first = durable(file);
    String renamedId;
    try {
      assertTrue(
          client(first).upsertAccounts(SalesforceClientTest.writes(3, 80)).stream()
              .allMatch(RecordResult::created));
      first.edit("Account", ACCOUNT_KEY, "acc-1", Map.of("Name", "Renamed by a rep"));
      renamedId = first.id("Account", ACCOUNT_KEY, "acc-1").orElseThrow();
    } finally {
      first.close();
    }
    // The process died while it wrote the next record: that request was never answered.
    Files.writeString(file, "{\"sobject\":\"Account\",\"id\":\"001", StandardOpenOption.APPEND);

    SalesforceStandin second = durable(file);
    try {
      assertEquals(3, second.recordCount("Account"));
      assertEquals(renamedId, second.id("Account", ACCOUNT_KEY, "acc-1").orElseThrow());
      assertEquals(
          "Renamed by a rep",
          second.record("Account", ACCOUNT_KEY, "acc-1").orElseThrow().get("Name"));

      List<RecordResult> again = client(second).upsertAccounts(SalesforceClientTest.writes(4, 81));
      assertEquals(4, second.recordCount("Account"), "three accounts updated, one created");
      assertFalse(again.get(1).created());
      assertEquals(renamedId, again.get(1).crmId());
      assertTrue(again.get(3).created());
    } finally {
      second.close();
    }
    assertEquals(4, durable(file).recordCount("Account"), "the file holds the second run's too");
  }

  private static SalesforceStandin durable(Path file) throws IOException {
    SalesforceStandin sf = new SalesforceStandin(Clock.systemUTC(), "journal", SECRET, "");
    sf.object("Account", SalesforceStandin.seedAccountFields());
    sf.durableIn(file);
    sf.start();
    return sf;
  }

  private static SalesforceClient client(SalesforceStandin sf) {
    return Clients.salesforce(sf.baseUrl(), "journal", SECRET);
  }
}
