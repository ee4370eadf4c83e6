package dev.headroom.prompt.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.prompt.campaign.FrequencyCap;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The ledger forgets only what no cap or cooldown can see, and keeps caps right across a sweep. */
class UserLedgerTest {
  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  /** Evaluates {@code test} on account a's user under the history's lock. */
  static boolean holds(UserLedger ledger, String user, Predicate<UserLedger.History> test) {
    Boolean result = ledger.withHistory("a", user, test::test);
    return result;
  }

  @Test
  void theSweepDropsUsersNothingCanSeeAndKeepsTheOthers() {
    UserLedger ledger = new UserLedger(CapSettings.defaults());
    ledger.recordImpression("a", "old", "c", T0);
    ledger.recordImpression("a", "recent", "c", T0.plus(Duration.ofDays(20)));
    ledger.recordDismissal("a", "dismissed", T0.plus(Duration.ofDays(25)));
    Instant now = T0.plus(UserLedger.RETENTION);
    ledger.sweep(now);
    assertEquals(2, ledger.size(), "the impression exactly 30 days old is out of every window");
    assertTrue(holds(ledger, "dismissed", h -> h.coolingDown(now)));
    assertTrue(
        holds(
            ledger,
            "recent",
            h ->
                h.campaignCapped("c", Optional.of(new FrequencyCap(1, Duration.ofDays(30))), now)));
  }

  @Test
  void aUserSweptAwayStartsAFreshHistoryThatCountsAgain() {
    UserLedger ledger = new UserLedger(CapSettings.defaults());
    ledger.recordImpression("a", "u", "c", T0);
    Instant later = T0.plus(UserLedger.RETENTION).plusSeconds(1);
    ledger.sweep(later);
    assertEquals(0, ledger.size());
    assertFalse(holds(ledger, "u", h -> h.globallyCapped(later)));
    ledger.recordImpression("a", "u", "c", later);
    assertTrue(holds(ledger, "u", h -> h.globallyCapped(later.plusSeconds(1))));
  }

  @Test
  void impressionsRecordedOutOfOrderStillCountInTheirWindows() {
    UserLedger ledger = new UserLedger(new CapSettings(0, 2, Duration.ofDays(14)));
    ledger.recordImpression("a", "u", "c", T0.plus(Duration.ofDays(6)));
    ledger.recordImpression("a", "u", "c", T0);
    assertTrue(holds(ledger, "u", h -> h.globallyCapped(T0.plus(Duration.ofDays(6)))));
    assertFalse(holds(ledger, "u", h -> h.globallyCapped(T0.plus(Duration.ofDays(7)))));
  }

  /**
   * Ten impressions one second apart, even and odd seconds two campaigns, recorded newest first.
   */
  private static UserLedger tenImpressionsNewestFirst() {
    UserLedger ledger = new UserLedger(new CapSettings(0, 0, Duration.ofDays(14)));
    for (int i = 9; i >= 0; i--) {
      ledger.recordImpression("a", "u", i % 2 == 0 ? "even" : "odd", second(i));
    }
    return ledger;
  }

  private static Instant second(int i) {
    return T0.plusSeconds(i).plusNanos(500);
  }

  private static boolean capped(UserLedger ledger, String campaign, FrequencyCap cap, Instant at) {
    return holds(ledger, "u", h -> h.campaignCapped(campaign, Optional.of(cap), at));
  }

  @Test
  void aCampaignsWindowIsExactToTheNanosecondAndIgnoresLaterImpressions() {
    UserLedger ledger = tenImpressionsNewestFirst();
    FrequencyCap fivePerTenSeconds = new FrequencyCap(5, Duration.ofSeconds(10));
    Instant firstStillIn = second(10).minusNanos(1);
    assertTrue(
        capped(ledger, "even", fivePerTenSeconds, firstStillIn),
        "(t - 10 s, t] still holds the impression at second 0: five of the even campaign");
    assertFalse(
        capped(ledger, "even", fivePerTenSeconds, second(10)),
        "the impression exactly 10 s old is out: four");
    assertTrue(capped(ledger, "even", fivePerTenSeconds, second(8)));
    assertFalse(
        capped(ledger, "odd", fivePerTenSeconds, second(8)),
        "the odd campaign's impression at second 9 is after the decision's time: four count");
  }

  @Test
  void forgettingOldImpressionsKeepsExactlyTheNewerOnes() {
    UserLedger ledger = tenImpressionsNewestFirst();
    Instant now = second(4).plus(UserLedger.RETENTION);
    ledger.sweep(now);
    assertEquals(1, ledger.size(), "seconds 5 to 9 are still inside the retention");
    FrequencyCap ever = new FrequencyCap(3, UserLedger.RETENTION);
    assertTrue(capped(ledger, "odd", ever, now), "odd seconds 5, 7 and 9 kept");
    assertFalse(capped(ledger, "even", ever, now), "even seconds 6 and 8 kept; 0, 2 and 4 gone");
    assertTrue(capped(ledger, "even", new FrequencyCap(2, UserLedger.RETENTION), now));
  }
}
