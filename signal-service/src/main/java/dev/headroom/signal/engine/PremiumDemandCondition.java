package dev.headroom.signal.engine;

import dev.headroom.signal.domain.Evidence;
import dev.headroom.signal.domain.SignalRule;
import java.time.Instant;
import java.util.List;

/** PREMIUM_FEATURE_DEMAND: premium attempts (events) in the trailing window ≥ min_attempts. */
final class PremiumDemandCondition extends Condition {

  PremiumDemandCondition(SignalRule rule) {
    super(rule);
  }

  @Override
  boolean holds(FactIndex x, Instant t) {
    return atLeast(x.premiumAttempts(t, window("window")), threshold("min_attempts"));
  }

  @Override
  void addBreakpoints(FactIndex x, Breakpoints p) {
    // Subscription changes matter too: an upgrade retires attempts the instant it takes effect.
    p.addAll(x.premiumCandidateTimes())
        .addShifted(x.premiumCandidateTimes(), window("window"))
        .addAll(x.subscriptionChanges());
  }

  @Override
  List<Evidence> evidence(FactIndex x, Instant t) {
    int attempts = x.premiumAttempts(t, window("window"));
    List<String> features = x.attemptedFeatures(t, window("window"));
    return List.of(
        evidence(
            "premium_attempts",
            dec(attempts),
            threshold("min_attempts"),
            attempts
                + " attempts to use features not in the plan in the last "
                + days(window("window"))
                + " (threshold "
                + plain(threshold("min_attempts"))
                + "): "
                + String.join(", ", features)));
  }
}
