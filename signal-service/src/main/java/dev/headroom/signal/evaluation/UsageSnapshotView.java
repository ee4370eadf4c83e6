package dev.headroom.signal.evaluation;

import dev.headroom.signal.catalog.AccountView;
import dev.headroom.signal.domain.AccountMetrics;
import java.time.Instant;
import java.util.List;

/** Everything scoring and prompts need about one account at one instant. */
public record UsageSnapshotView(
    String accountId,
    Instant asOf,
    AccountView account,
    AccountMetrics metrics,
    List<SignalView> signals) {

  public UsageSnapshotView {
    signals = List.copyOf(signals);
  }
}
