package dev.headroom.prompt.grpc;

import com.google.protobuf.ByteString;
import dev.headroom.api.prompt.v1.PlanSummary;
import dev.headroom.prompt.mapping.MoneyProtos;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tier comparison's plan columns of GetPrompt's answer. A plan's column is the same for every
 * account but for its price, so it is built once per plan and catalog with the feature keys as
 * UTF-8 bytes: an answer then copies them instead of encoding a plan's dozens of keys again on
 * every prompt served. Entries are keyed by content (a catalog change makes new ones) and bounded.
 */
final class PlanColumns {
  /** Far more than any catalog's plans; reached only after many catalog changes, then rebuilt. */
  private static final int MAX_ENTRIES = 1_000;

  private record Key(String planKey, String displayName, List<String> featureKeys) {}

  private final ConcurrentHashMap<Key, PlanSummary> withoutPrice = new ConcurrentHashMap<>();

  PlanSummary column(dev.headroom.prompt.decision.PlanSummary plan) {
    Key key = new Key(plan.planKey(), plan.displayName(), plan.featureKeys());
    PlanSummary column = withoutPrice.get(key);
    if (column == null) {
      if (withoutPrice.size() >= MAX_ENTRIES) {
        withoutPrice.clear();
      }
      column = withoutPrice.computeIfAbsent(key, PlanColumns::build);
    }
    return column.toBuilder().setMonthlyPrice(MoneyProtos.toProto(plan.monthlyPrice())).build();
  }

  private static PlanSummary build(Key key) {
    PlanSummary.Builder b =
        PlanSummary.newBuilder().setPlanKey(key.planKey()).setDisplayName(key.displayName());
    for (String feature : key.featureKeys()) {
      b.addFeatureKeysBytes(ByteString.copyFromUtf8(feature));
    }
    return b.build();
  }
}
