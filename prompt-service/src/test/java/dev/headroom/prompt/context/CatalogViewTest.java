package dev.headroom.prompt.context;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The upgrade path and a feature's lowest plan, which CatalogView works out once per catalog. */
class CatalogViewTest {
  private static PlanInfo plan(
      String key, String product, int rank, Set<String> features, String next) {
    Money zero = new Money("USD", 0);
    return new PlanInfo(
        key, product, rank, key, zero, zero, 1, Map.of(), features, Optional.ofNullable(next));
  }

  // core: basic -> team -> business -> team (a loop a host's catalog may hold by mistake);
  // analytics: insights (rank 2) and lite (rank 1) both entitle "charts".
  private static final CatalogView CATALOG =
      new CatalogView(
          "core",
          List.of(
              plan("basic", "core", 1, Set.of(), "team"),
              plan("team", "core", 2, Set.of("sso"), "business"),
              plan("business", "core", 3, Set.of("sso", "audit"), "team"),
              plan("insights", "analytics", 2, Set.of("charts"), null),
              plan("lite", "analytics", 1, Set.of("charts"), "insights")),
          List.of(
              new FeatureInfo("sso", "core", "SSO"),
              new FeatureInfo("audit", "core", "Audit log"),
              new FeatureInfo("export", "core", "Export"),
              new FeatureInfo("charts", "analytics", "Charts")),
          List.of("core", "analytics"));

  private static Optional<String> upgrade(String current, String feature) {
    return CATALOG.lowestUpgradeEntitling(CATALOG.plan(current), feature).map(PlanInfo::planKey);
  }

  @Test
  void theFirstPlanUpThePathThatEntitlesTheFeature() {
    assertEquals(Optional.of("team"), upgrade("basic", "sso"));
    assertEquals(Optional.of("business"), upgrade("basic", "audit"));
    assertEquals(Optional.of("business"), upgrade("team", "audit"));
  }

  @Test
  void aPathThatLoopsBackEndsWithoutAPlanWhenNoneOnItEntitlesTheFeature() {
    assertEquals(Optional.empty(), upgrade("basic", "export"));
    assertEquals(Optional.empty(), upgrade("business", "export"));
    // The loop leads back to the current plan's own predecessor: team, which entitles sso.
    assertEquals(Optional.of("team"), upgrade("business", "sso"));
  }

  @Test
  void withoutACurrentPlanTheLowestTierOfTheFeaturesProductThatEntitlesIt() {
    assertEquals(Optional.of("lite"), upgrade(null, "charts"));
    assertEquals(Optional.of("team"), upgrade(null, "sso"));
    assertEquals(Optional.empty(), upgrade(null, "export"));
    assertEquals(Optional.empty(), upgrade(null, "no-such-feature"));
  }
}
