package dev.headroom.prompt.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.kit.db.Database;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.prompt.context.Money;
import dev.headroom.prompt.db.ExposureDao;
import dev.headroom.prompt.db.PromptEventDao;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The funnel's attribution of a conversion reported without a decision id, at its edges: the latest
 * exposure of the account (and of the user, when the conversion names one) in (occurred_at −
 * window, occurred_at], ties broken by the greater decision id; nothing when no exposure is in that
 * window.
 */
class FunnelAttributionTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final Duration WINDOW = Duration.ofDays(14);
  private static final Instant T = Instant.parse("2026-11-20T12:00:00Z");
  private static final Instant FROM = T.minus(Duration.ofDays(30));
  private static final Instant TO = T.plus(Duration.ofDays(1));

  private static Database db;
  private static final List<ExposureDao.ExposureRow> exposures = new ArrayList<>();
  private static final List<PromptEventDao.EventRow> events = new ArrayList<>();

  @BeforeAll
  static void scriptThePeriod() throws SQLException {
    db = new Database("prompt", PG.database().settings("prompt"));
    db.migrate();
    // Account a1: one campaign per exposure, so the converted stage names the exposure chosen.
    exposed("d-0001", "a1", "u1", "too-old", T.minus(Duration.ofDays(20)));
    exposed("d-0002", "a1", "u1", "window-start", T.minus(WINDOW)); // excluded: the window is open
    exposed("d-0003", "a1", "u1", "u1-latest", T.minus(Duration.ofDays(3)));
    exposed("d-0004", "a1", "u2", "u2-earlier", T.minus(Duration.ofDays(1)));
    exposed("d-0005", "a1", "u2", "at-the-conversion", T); // included: the window is closed here
    exposed("d-0006", "a1", "u2", "after", T.plusSeconds(1));
    // Account a2: two exposures at the same instant; the greater decision id wins.
    exposed("d-0007", "a2", "u1", "tie-lesser-id", T.minus(Duration.ofHours(1)));
    exposed("d-0008", "a2", "u1", "tie-greater-id", T.minus(Duration.ofHours(1)));
    // Account a3: its only exposure a second before the window opens.
    exposed("d-0009", "a3", "u1", "a3-outside", T.minus(WINDOW).minusSeconds(1));
    // Account a4: exposed after the period's start minus the window only through a decision id.
    exposed("d-0010", "a4", "u1", "decided", FROM.minus(Duration.ofDays(40)));

    converted("any-user-of-a1", "a1", "", "", T, 100);
    converted("u1-of-a1", "a1", "u1", "", T, 200);
    converted("u3-of-a1", "a1", "u3", "", T, 400); // u3 was never exposed
    converted("tie", "a2", "", "", T, 800);
    converted("outside-the-window", "a3", "", "", T, 1600);
    converted("by-decision", "a4", "u1", "d-0010", T, 3200);
    converted("before-the-period", "a1", "", "", FROM.minusSeconds(1), 6400);

    db.jdbi().useHandle(h -> ExposureDao.write(h, exposures));
    db.jdbi()
        .useExtension(
            PromptEventDao.class, dao -> events.forEach(e -> assertEquals(1, dao.insert(e))));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static void exposed(
      String decisionId, String account, String user, String campaign, Instant at) {
    exposures.add(
        new ExposureDao.ExposureRow(
            decisionId,
            at.atOffset(ZoneOffset.UTC),
            account,
            user,
            campaign,
            1,
            null,
            null,
            "",
            false,
            "BILLING",
            ""));
  }

  private static void converted(
      String eventId, String account, String user, String decisionId, Instant at, long cents) {
    OffsetDateTime when = at.atOffset(ZoneOffset.UTC);
    events.add(
        new PromptEventDao.EventRow(
            eventId,
            "CONVERTED",
            decisionId,
            when,
            account,
            user,
            cents,
            "USD",
            new byte[] {1},
            when));
  }

  @Test
  void eachConversionGoesToTheLatestExposureOfItsAccountAndUserInTheWindow() {
    Map<String, Long> revenueByCampaign = new TreeMap<>();
    for (PromptFunnel.Row row : new PromptFunnel(db.jdbi(), WINDOW).between(FROM, TO, "")) {
      assertEquals(row.revenue().isEmpty() ? 0 : 1, row.converted().events(), row.campaignId());
      for (Money m : row.revenue()) {
        revenueByCampaign.put(row.campaignId(), m.minorUnits());
      }
    }
    assertEquals(
        Map.of(
            "at-the-conversion", 100L,
            "u1-latest", 200L,
            "tie-greater-id", 800L,
            "decided", 3200L),
        revenueByCampaign);
  }

  @Test
  void aCampaignFilterKeepsTheConversionsAttributedToIt() {
    List<PromptFunnel.Row> rows =
        new PromptFunnel(db.jdbi(), WINDOW).between(FROM, TO, "u1-latest");
    assertEquals(1, rows.size());
    assertEquals(new PromptFunnel.Stage(1, 1), rows.get(0).converted());
    assertEquals(List.of(new Money("USD", 200)), rows.get(0).revenue());
  }
}
