package dev.headroom.prompt.events;

import dev.headroom.prompt.context.Money;
import dev.headroom.prompt.db.FunnelDao;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The prompt funnel of a period: per campaign arm, exposures and the prompt events attributed to
 * them, stage by stage, with the converted revenue per currency.
 */
public final class PromptFunnel {
  /** Events of one stage and the distinct users (account and user) they came from. */
  public record Stage(long events, long users) {
    public static final Stage NONE = new Stage(0, 0);
  }

  /** One campaign arm's funnel. */
  public record Row(
      String campaignId,
      String experimentId,
      String variantKey,
      boolean holdout,
      Stage exposed,
      Stage shown,
      Stage clicked,
      Stage dismissed,
      Stage converted,
      List<Money> revenue) {}

  private record Arm(String campaignId, String experimentId, boolean holdout, String variantKey) {}

  private static final Comparator<Arm> ORDER =
      Comparator.comparing(Arm::campaignId)
          .thenComparing(Arm::experimentId)
          .thenComparing(Arm::holdout)
          .thenComparing(Arm::variantKey);

  private final Jdbi jdbi;
  private final Duration attributionWindow;

  /**
   * @param attributionWindow how long before a conversion without a decision id an exposure of its
   *     account still gets it
   */
  public PromptFunnel(Jdbi jdbi, Duration attributionWindow) {
    this.jdbi = jdbi;
    this.attributionWindow = attributionWindow;
  }

  /** The funnel of [from, to), of one campaign or (empty) of all. */
  public List<Row> between(Instant from, Instant to, String campaignId) {
    var fromUtc = from.atOffset(ZoneOffset.UTC);
    var toUtc = to.atOffset(ZoneOffset.UTC);
    List<FunnelDao.ExposedRow> exposed =
        jdbi.withExtension(FunnelDao.class, dao -> dao.exposed(fromUtc, toUtc, campaignId));
    List<FunnelDao.EventRow> events =
        jdbi.withExtension(
            FunnelDao.class,
            dao -> dao.events(fromUtc, toUtc, campaignId, (double) attributionWindow.toSeconds()));
    Map<Arm, Builder> arms = new TreeMap<>(ORDER);
    for (FunnelDao.ExposedRow r : exposed) {
      arms.computeIfAbsent(
                  new Arm(r.campaignId(), r.experimentId(), r.holdout(), r.variantKey()),
                  a -> new Builder())
              .exposed =
          new Stage(r.events(), r.users());
    }
    for (FunnelDao.EventRow r : events) {
      Builder b =
          arms.computeIfAbsent(
              new Arm(r.campaignId(), r.experimentId(), r.holdout(), r.variantKey()),
              a -> new Builder());
      if (r.byCurrency()) {
        if (r.kind().equals("CONVERTED")) {
          b.revenue.add(new Money(r.currencyCode(), r.revenueMinor()));
        }
        continue;
      }
      Stage stage = new Stage(r.events(), r.users());
      switch (PromptEvent.Kind.valueOf(r.kind())) {
        case SHOWN -> b.shown = stage;
        case CLICKED -> b.clicked = stage;
        case DISMISSED -> b.dismissed = stage;
        case CONVERTED -> b.converted = stage;
      }
    }
    List<Row> rows = new ArrayList<>();
    arms.forEach(
        (arm, b) ->
            rows.add(
                new Row(
                    arm.campaignId(),
                    arm.experimentId(),
                    arm.variantKey(),
                    arm.holdout(),
                    b.exposed,
                    b.shown,
                    b.clicked,
                    b.dismissed,
                    b.converted,
                    b.revenue.stream()
                        .sorted(Comparator.comparing(Money::currencyCode))
                        .toList())));
    return rows;
  }

  private static final class Builder {
    private Stage exposed = Stage.NONE;
    private Stage shown = Stage.NONE;
    private Stage clicked = Stage.NONE;
    private Stage dismissed = Stage.NONE;
    private Stage converted = Stage.NONE;
    private final List<Money> revenue = new ArrayList<>();
  }
}
