package dev.headroom.scoring.mapping;

import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.scoring.domain.AccountFacts;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.PlanCatalog;
import dev.headroom.scoring.domain.ScoreResult;
import dev.headroom.scoring.service.Unscorable;
import dev.headroom.scoring.service.UpstreamSnapshot;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** signal-service's {@link UsageSnapshot} behind the use cases' {@link UpstreamSnapshot}. */
public record SignalSnapshot(UsageSnapshot proto) implements UpstreamSnapshot {

  @Override
  public String accountId() {
    return proto.getAccountId();
  }

  @Override
  public Instant asOf() {
    return ScoreProtos.instant(proto.getAsOf());
  }

  @Override
  public String currencyCode() {
    return proto.getAccount().getCurrencyCode();
  }

  @Override
  public Optional<Money> arr() {
    if (proto.getAccount().getProvisional() || currencyCode().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Money(currencyCode(), proto.getAccount().getArr().getMinorUnits()));
  }

  @Override
  public Map<String, String> planByProduct() {
    Map<String, String> plans = new HashMap<>();
    for (Subscription s : proto.getAccount().getSubscriptionsList()) {
      plans.put(s.getProductKey(), s.getPlanKey());
    }
    return plans;
  }

  @Override
  public byte[] bytes() {
    return proto.toByteArray();
  }

  @Override
  public AccountFacts facts(PlanCatalog catalog) throws Unscorable {
    return SnapshotMapper.facts(proto, catalog);
  }

  @Override
  public byte[] encodeScore(ScoreResult score, Instant computedAt) {
    return ScoreProtos.score(score, SnapshotMapper.heldSignals(proto), computedAt).toByteArray();
  }
}
