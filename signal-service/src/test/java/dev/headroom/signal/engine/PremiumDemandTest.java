package dev.headroom.signal.engine;

import static dev.headroom.signal.domain.SignalType.PREMIUM_FEATURE_DEMAND;
import static dev.headroom.signal.engine.Fixture.day;
import static dev.headroom.signal.engine.Fixture.evidenceValue;
import static dev.headroom.signal.engine.Fixture.require;
import static dev.headroom.signal.engine.Fixture.signal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.signal.domain.SignalState;
import dev.headroom.signal.domain.SignalState.Status;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PremiumDemandTest {

  /** On the team plan (no SSO); SSO tried on days 0..n-1. */
  private static Fixture ssoAttempts(int n) {
    Fixture f = new Fixture().subscribe("core", "team", 10, day(-100)).activated(day(-50));
    for (int i = 0; i < n; i++) {
      f.featureUsed("u" + (i % 2), "sso", day(i));
    }
    return f;
  }

  @Test
  void fiveAttemptsInFourteenDaysFireSinceTheFifth() {
    SignalState s =
        require(ssoAttempts(5).evalOnly(day(10), PREMIUM_FEATURE_DEMAND), PREMIUM_FEATURE_DEMAND);

    assertEquals(Status.ACTIVE, s.status());
    assertEquals(day(4), s.since());
    assertEquals(BigDecimal.valueOf(5), evidenceValue(s, "premium_attempts"));
  }

  @Test
  void fourAttemptsDoNot() {
    assertTrue(ssoAttempts(4).evalOnly(day(10), PREMIUM_FEATURE_DEMAND).signals().isEmpty());
    assertEquals(4, ssoAttempts(4).evalOnly(day(10)).metrics().premiumAttempts14d());
  }

  @Test
  void anAttemptExactlyFourteenDaysOldIsOut() {
    Fixture f = ssoAttempts(5);

    assertTrue(
        signal(f.evalOnly(day(14).minusNanos(1), PREMIUM_FEATURE_DEMAND), PREMIUM_FEATURE_DEMAND)
            .isPresent());
    assertTrue(
        signal(f.evalOnly(day(14), PREMIUM_FEATURE_DEMAND), PREMIUM_FEATURE_DEMAND).isEmpty());
  }

  @Test
  void paywallHitsCountAndEntitledUseDoesNot() {
    Fixture f =
        new Fixture()
            .subscribe("core", "team", 10, day(-100))
            .paywallHit("u1", "sso", day(1))
            .paywallHit("u1", "audit_log", day(2))
            .featureUsed("u2", "sso", day(3))
            .featureUsed("u2", "dashboards", day(4))
            .featureUsed("u3", "reports", day(5))
            .featureUsed("u3", "reports", day(6))
            .paywallHit("u3", "basic", day(6));

    assertTrue(f.evalOnly(day(7), PREMIUM_FEATURE_DEMAND).signals().isEmpty());
    f.paywallHit("u1", "sso", day(7));
    SignalState s = require(f.evalOnly(day(8), PREMIUM_FEATURE_DEMAND), PREMIUM_FEATURE_DEMAND);
    assertEquals(day(7), s.since());
    // Only core features are listed for the offer; dashboards belongs to analytics.
    assertEquals(
        List.of("audit_log", "sso"), f.evalOnly(day(8)).metrics().attemptedFeatureKeys30d());
  }

  @Test
  void anUpgradeThatUnlocksTheFeatureRetiresItsAttempts() {
    Fixture f = ssoAttempts(6).subscribe("core", "business", 10, day(6));

    assertTrue(
        signal(f.evalOnly(day(5), PREMIUM_FEATURE_DEMAND), PREMIUM_FEATURE_DEMAND).isPresent());
    assertTrue(f.evalOnly(day(7), PREMIUM_FEATURE_DEMAND).signals().isEmpty());
    assertEquals(0, f.evalOnly(day(7)).metrics().premiumAttempts30d());
  }

  @Test
  void aDowngradeNeverTurnsPastUseIntoAttempts() {
    Fixture f = new Fixture().subscribe("core", "business", 10, day(-100));
    for (int i = 0; i < 6; i++) {
      f.featureUsed("u1", "sso", day(i));
    }
    f.subscribe("core", "team", 10, day(6));

    assertTrue(f.evalOnly(day(7), PREMIUM_FEATURE_DEMAND).signals().isEmpty());
    assertEquals(0, f.evalOnly(day(7)).metrics().premiumAttempts14d());

    // Use after the downgrade is an attempt again.
    for (int i = 0; i < 5; i++) {
      f.featureUsed("u1", "sso", day(7 + i));
    }
    assertEquals(
        day(11),
        require(f.evalOnly(day(12), PREMIUM_FEATURE_DEMAND), PREMIUM_FEATURE_DEMAND).since());
  }
}
