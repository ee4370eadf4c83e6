package dev.headroom.prompt.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.api.prompt.v1.PlanSummary;
import dev.headroom.prompt.context.Money;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A plan's column in GetPrompt's answer: built once, priced per account, current per catalog. */
class PlanColumnsTest {
  private static dev.headroom.prompt.decision.PlanSummary pro(long minorUnits, List<String> keys) {
    return new dev.headroom.prompt.decision.PlanSummary(
        "pro", "Pro", new Money("EUR", minorUnits), keys);
  }

  @Test
  void eachAccountGetsItsOwnPriceBesideThePlansFeatures() throws Exception {
    PlanColumns columns = new PlanColumns();
    List<String> keys = List.of("api_access", "sso", "zürich_region");
    PlanSummary tenSeats = columns.column(pro(15_000, keys));
    PlanSummary twoSeats = columns.column(pro(3_000, keys));
    assertEquals(15_000, tenSeats.getMonthlyPrice().getMinorUnits());
    assertEquals(3_000, twoSeats.getMonthlyPrice().getMinorUnits());
    assertEquals("EUR", twoSeats.getMonthlyPrice().getCurrencyCode());
    assertEquals(keys, twoSeats.getFeatureKeysList());
    assertEquals("Pro", twoSeats.getDisplayName());
    assertEquals(
        twoSeats, PlanSummary.parseFrom(twoSeats.toByteString()), "the stored bytes round-trip");
  }

  @Test
  void aCatalogChangeShowsTheNewFeaturesAndManyChangesStayCorrect() {
    PlanColumns columns = new PlanColumns();
    columns.column(pro(100, List.of("sso")));
    assertEquals(
        List.of("audit_log", "sso"),
        columns.column(pro(100, List.of("audit_log", "sso"))).getFeatureKeysList());
    for (int i = 0; i < 2_500; i++) {
      List<String> keys = List.of("feature_" + i);
      assertEquals(keys, columns.column(pro(i, keys)).getFeatureKeysList());
    }
  }
}
