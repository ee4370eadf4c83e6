package dev.headroom.crm.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** When a closed opportunity counts as having closed, at the edges of its close day. */
class ClosedOpportunityTest {
  static final LocalDate DAY = LocalDate.parse("2026-11-20");

  @Test
  void aCloseDateSeenOnItsOwnDayIsDatedWhenItWasSeenNotAtMidnight() {
    Instant seen = Instant.parse("2026-11-20T15:42:10.123Z");
    assertEquals(seen, new ClosedOpportunity.OnDate(DAY).datedAt(seen));
    Instant firstMoment = Instant.parse("2026-11-20T00:00:00Z");
    assertEquals(firstMoment, new ClosedOpportunity.OnDate(DAY).datedAt(firstMoment));
  }

  @Test
  void aCloseDateSeenLaterIsDatedAtTheLastMomentOfItsDayInUtc() {
    Instant lastMoment = Instant.parse("2026-11-20T23:59:59.999Z");
    ClosedOpportunity.OnDate close = new ClosedOpportunity.OnDate(DAY);
    assertEquals(lastMoment, close.datedAt(Instant.parse("2026-11-21T00:00:00Z")));
    assertEquals(lastMoment, close.datedAt(Instant.parse("2026-11-25T09:00:00Z")));
    assertEquals(lastMoment, close.datedAt(lastMoment));
  }

  @Test
  void aCloseDateInTheFutureIsDatedWhenItWasSeen() {
    Instant seen = Instant.parse("2026-11-18T10:00:00Z");
    assertEquals(seen, new ClosedOpportunity.OnDate(DAY).datedAt(seen));
  }

  @Test
  void aCloseMomentIsKeptUnlessItIsAfterItWasSeen() {
    Instant closed = Instant.parse("2026-11-20T09:15:00Z");
    ClosedOpportunity.At close = new ClosedOpportunity.At(closed);
    assertEquals(closed, close.datedAt(Instant.parse("2026-11-20T09:15:00.001Z")));
    assertEquals(closed, close.datedAt(closed));
    Instant seenBefore = Instant.parse("2026-11-20T09:14:59.999Z");
    assertEquals(seenBefore, close.datedAt(seenBefore));
  }
}
