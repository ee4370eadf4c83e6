package dev.headroom.app.demo;

import com.google.protobuf.Duration;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.prompt.v1.ArmAggregate;
import dev.headroom.api.prompt.v1.ArmComparison;
import dev.headroom.api.prompt.v1.ArmSummary;
import dev.headroom.api.prompt.v1.Campaign;
import dev.headroom.api.prompt.v1.CampaignStatus;
import dev.headroom.api.prompt.v1.Copy;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.CreateExperimentRequest;
import dev.headroom.api.prompt.v1.Experiment;
import dev.headroom.api.prompt.v1.ExperimentResults;
import dev.headroom.api.prompt.v1.ExperimentStatus;
import dev.headroom.api.prompt.v1.GetExperimentAggregatesRequest;
import dev.headroom.api.prompt.v1.GetExperimentResultsRequest;
import dev.headroom.api.prompt.v1.MetricComparison;
import dev.headroom.api.prompt.v1.Offer;
import dev.headroom.api.prompt.v1.PromptServiceGrpc.PromptServiceBlockingStub;
import dev.headroom.api.prompt.v1.PromptTiming;
import dev.headroom.api.prompt.v1.RandomizationUnit;
import dev.headroom.api.prompt.v1.StartExperimentRequest;
import dev.headroom.api.prompt.v1.Trigger;
import dev.headroom.api.prompt.v1.TriggerType;
import dev.headroom.api.prompt.v1.Variant;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.plugin.ClientStats;
import dev.headroom.plugin.HeadroomClient;
import dev.headroom.plugin.PromptDecision;
import dev.headroom.plugin.PromptOffer;
import dev.headroom.plugin.UndeliveredReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-product prompt step of the loop. It sets up the host's campaigns and one A/B experiment
 * through prompt-service's admin API, then at the simulated users' feature-use moments asks for a
 * prompt through the Java prompt plugin (as a host backend would), lets the users see, click,
 * dismiss or buy at rates that differ by variant, reports those prompt events through the plugin,
 * and applies every purchase in the host's billing. At the end it reads the experiment's results.
 */
final class PromptStep implements AutoCloseable {
  static final String FEATURE_GATE_CAMPAIGN = "demo-feature-gate";
  static final String SEAT_LIMIT_CAMPAIGN = "demo-seat-limit";
  static final String USAGE_LIMIT_CAMPAIGN = "demo-usage-limit";
  static final String EXPERIMENT = "demo-annual-discount";
  static final String CONTROL = "control";
  static final String ANNUAL_DISCOUNT = "annual_20";

  /** Share of offers the user actually sees (the rest render below the fold or too late). */
  private static final double SEEN = 0.9;

  /** Share of users who close an offer they do not follow. */
  private static final double DISMISSED = 0.4;

  /**
   * How users answer an offer: the chance to follow its call to action, then to buy. The annual
   * discount is the experiment's real effect: more clicks and more purchases, at a lower price.
   */
  private record Answer(double click, double buy) {}

  private static final Map<String, Answer> ANSWERS =
      Map.of(CONTROL, new Answer(0.10, 0.35), ANNUAL_DISCOUNT, new Answer(0.16, 0.45));

  private static final Answer NO_EXPERIMENT = new Answer(0.12, 0.35);

  private static final long FLUSH_LIMIT_MILLIS = 60_000;

  /** Counts of one campaign and variant, as the host saw them. */
  private static final class Funnel {
    final String trigger;
    final Set<String> units = ConcurrentHashMap.newKeySet();
    final LongAdder exposed = new LongAdder();
    final LongAdder shown = new LongAdder();
    final LongAdder clicked = new LongAdder();
    final LongAdder dismissed = new LongAdder();
    final LongAdder converted = new LongAdder();
    final LongAdder revenue = new LongAdder();

    Funnel(String trigger) {
      this.trigger = trigger;
    }
  }

  private record FunnelKey(String campaignId, String variantKey) implements Comparable<FunnelKey> {
    @Override
    public int compareTo(FunnelKey o) {
      int c = campaignId.compareTo(o.campaignId);
      return c != 0 ? c : variantKey.compareTo(o.variantKey);
    }
  }

  private final long seed;
  private final PromptServiceBlockingStub admin;
  private final HeadroomClient plugin;
  private final HostBilling billing;
  private final ExecutorService pool;
  private final Map<FunnelKey, Funnel> funnels = new ConcurrentHashMap<>();
  private final AtomicLong purchases = new AtomicLong();

  /** What the plugin of the runs before a restart counted (zero in a run from the start). */
  private PluginCounts earlier = PluginCounts.NONE;

  /** The plugin's counts of prompts and prompt events. */
  record PluginCounts(
      long prompts,
      Map<String, Long> noPrompt,
      long recorded,
      long delivered,
      long rejected,
      long undelivered) {
    static final PluginCounts NONE = new PluginCounts(0, Map.of(), 0, 0, 0, 0);

    static PluginCounts of(ClientStats stats) {
      Map<String, Long> noPrompt = new TreeMap<>();
      stats.noPrompt().forEach((reason, n) -> noPrompt.put(reason.name(), n));
      ClientStats.StreamStats events = stats.promptEvents();
      long undelivered = 0;
      for (UndeliveredReason reason : UndeliveredReason.values()) {
        undelivered += events.undelivered(reason);
      }
      return new PluginCounts(
          stats.prompts(),
          noPrompt,
          events.recorded(),
          events.delivered(),
          events.rejected(),
          undelivered);
    }

    PluginCounts plus(PluginCounts o) {
      Map<String, Long> noPrompt = new TreeMap<>(this.noPrompt);
      o.noPrompt.forEach((reason, n) -> noPrompt.merge(reason, n, Long::sum));
      return new PluginCounts(
          prompts + o.prompts,
          noPrompt,
          recorded + o.recorded,
          delivered + o.delivered,
          rejected + o.rejected,
          undelivered + o.undelivered);
    }
  }

  /** One funnel row's counts as the host kept them. */
  record FunnelState(
      String campaignId,
      String variantKey,
      String trigger,
      List<String> units,
      long exposed,
      long shown,
      long clicked,
      long dismissed,
      long converted,
      long revenue) {}

  /** The host's prompt counts, to carry on from after a restart. */
  record State(List<FunnelState> funnels, long purchases, PluginCounts plugin) {}

  /**
   * @param admin prompt-service's admin API (campaigns, experiments, results)
   * @param plugin the host's prompt plugin: every prompt and prompt event goes through it
   * @param threads accounts whose users are prompted at once
   */
  PromptStep(
      long seed,
      PromptServiceBlockingStub admin,
      HeadroomClient plugin,
      HostBilling billing,
      int threads) {
    this.seed = seed;
    this.admin = admin;
    this.plugin = plugin;
    this.billing = billing;
    this.pool = DaemonPool.of(threads, "demo-prompts");
  }

  /**
   * The host's growth team sets up its campaigns and starts the experiment (idempotent: a repeat
   * with the same request ids changes nothing).
   */
  void setUp() {
    createCampaign(
        campaign(
            FEATURE_GATE_CAMPAIGN,
            "Unlock a premium feature",
            Trigger.newBuilder().setType(TriggerType.TRIGGER_TYPE_FEATURE_GATE),
            30,
            Copy.newBuilder()
                .setTitle("Unlock {feature_name}")
                .setBody("{feature_name} comes with {target_plan}. Upgrade to use it today.")
                .setCtaLabel("Upgrade to {target_plan}")
                .setMemberBody("Ask your admin to upgrade to {target_plan} to use {feature_name}.")
                .setMemberCtaLabel("Ask my admin")));
    createCampaign(
        campaign(
            SEAT_LIMIT_CAMPAIGN,
            "Seats running out",
            Trigger.newBuilder().setType(TriggerType.TRIGGER_TYPE_SEAT_LIMIT).setThreshold("0.85"),
            20,
            Copy.newBuilder()
                .setTitle("Your team is at {utilization_pct}% of its seats")
                .setBody(
                    "{seats_used} of {seats_purchased} seats are taken. Add {recommended_seats}"
                        + " seats so nobody waits for an invite.")
                .setCtaLabel("Add seats")
                .setMemberBody("Your team is nearly out of seats: ask your admin to add more.")
                .setMemberCtaLabel("Ask my admin")));
    createCampaign(
        campaign(
            USAGE_LIMIT_CAMPAIGN,
            "API allowance nearly used",
            Trigger.newBuilder()
                .setType(TriggerType.TRIGGER_TYPE_USAGE_LIMIT)
                .setThreshold("0.80")
                .setMeterKey(DemoCatalog.API_CALLS),
            10,
            Copy.newBuilder()
                .setTitle("You have used most of this month's API calls")
                .setBody("{target_plan} includes ten times the calls. Upgrade before you hit it.")
                .setCtaLabel("Upgrade to {target_plan}")
                .setMemberBody("Ask your admin to upgrade to {target_plan} for more API calls.")
                .setMemberCtaLabel("Ask my admin")));
    Experiment experiment =
        admin
            .createExperiment(
                CreateExperimentRequest.newBuilder()
                    .setRequestId("demo-setup-" + EXPERIMENT)
                    .setExperiment(
                        Experiment.newBuilder()
                            .setExperimentId(EXPERIMENT)
                            .setCampaignId(FEATURE_GATE_CAMPAIGN)
                            .setName("Annual discount on feature-gate offers")
                            .setUnit(RandomizationUnit.RANDOMIZATION_UNIT_ACCOUNT)
                            .setAttributionWindow(Duration.newBuilder().setSeconds(14 * 86_400))
                            .addVariants(
                                Variant.newBuilder()
                                    .setVariantKey(CONTROL)
                                    .setWeight(50)
                                    .setControl(true)
                                    .setTiming(PromptTiming.PROMPT_TIMING_AT_FEATURE_USE))
                            .addVariants(
                                Variant.newBuilder()
                                    .setVariantKey(ANNUAL_DISCOUNT)
                                    .setWeight(50)
                                    .setDiscountPercent(20)
                                    .setTiming(PromptTiming.PROMPT_TIMING_AT_FEATURE_USE)
                                    .putCopy(
                                        "en",
                                        Copy.newBuilder()
                                            .setTitle("Unlock {feature_name}, 20% off annually")
                                            .setBody(
                                                "{feature_name} comes with {target_plan}: save"
                                                    + " 20% when you pay annually.")
                                            .setCtaLabel("Upgrade to {target_plan}")
                                            .setMemberBody(
                                                "Ask your admin to upgrade to {target_plan}, 20%"
                                                    + " off annually.")
                                            .setMemberCtaLabel("Ask my admin")
                                            .build())))
                    .build())
            .getExperiment();
    if (experiment.getStatus() == ExperimentStatus.EXPERIMENT_STATUS_DRAFT) {
      admin.startExperiment(
          StartExperimentRequest.newBuilder().setExperimentId(EXPERIMENT).build());
    }
  }

  private static Campaign campaign(
      String id, String name, Trigger.Builder trigger, int priority, Copy.Builder copy) {
    return Campaign.newBuilder()
        .setCampaignId(id)
        .setName(name)
        .setStatus(CampaignStatus.CAMPAIGN_STATUS_ACTIVE)
        .setTrigger(trigger)
        .addSurfaces(dev.headroom.api.prompt.v1.Surface.SURFACE_FEATURE_USE)
        .addSurfaces(dev.headroom.api.prompt.v1.Surface.SURFACE_HOME)
        .setPriority(priority)
        .setDefaultLocale("en")
        .putCopy("en", copy.build())
        .setOffer(
            Offer.newBuilder()
                .setCtaUrlTemplate(
                    "https://host.example/billing/checkout?account={account_id}&plan={plan_key}"
                        + "&seats={seats}&campaign={campaign_id}&variant={variant_key}"))
        .build();
  }

  private void createCampaign(Campaign c) {
    admin.createCampaign(
        CreateCampaignRequest.newBuilder()
            .setRequestId("demo-setup-" + c.getCampaignId())
            .setCampaign(c)
            .build());
  }

  /**
   * The users of {@code accounts} met the moments of simulated day {@code day}: the host asks for a
   * prompt at each, and the users answer the offers they get. Accounts are prompted a few at a
   * time; one account's moments run in order, as its users' frequency caps require.
   */
  void dayPassed(int day, Instant now, List<SimulatedAccount> accounts)
      throws InterruptedException {
    List<Future<?>> tasks = new ArrayList<>();
    for (SimulatedAccount a : accounts) {
      if (!a.moments().isEmpty()) {
        tasks.add(pool.submit(() -> prompt(a, day, now)));
      }
    }
    for (Future<?> t : tasks) {
      try {
        t.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("prompting failed", e.getCause());
      }
    }
  }

  private void prompt(SimulatedAccount account, int day, Instant now) {
    List<SimulatedAccount.Moment> moments = account.moments();
    for (int i = 0; i < moments.size(); i++) {
      SimulatedAccount.Moment m = moments.get(i);
      PromptDecision decision =
          plugin.prompts().get(account.accountId, m.userId(), m.featureKey(), m.surface(), "en-US");
      if (decision.offer().isEmpty()) {
        continue;
      }
      PromptOffer offer = decision.offer().get();
      Funnel funnel =
          funnels.computeIfAbsent(
              new FunnelKey(offer.campaignId(), offer.variantKey()),
              k -> new Funnel(offer.trigger()));
      funnel.units.add(account.accountId);
      funnel.exposed.increment();
      SplittableRandom r = Randoms.of(seed, account.index, day, 4, i);
      if (r.nextDouble() >= SEEN) {
        continue;
      }
      plugin.prompts().shown(offer.decisionId());
      funnel.shown.increment();
      Answer answer = ANSWERS.getOrDefault(offer.variantKey(), NO_EXPERIMENT);
      // Some kinds of customer are readier to buy than others (the sales odds say how much).
      double readiness = Math.min(1.2, account.persona.salesWinRate() / 0.55);
      if (r.nextDouble() >= answer.click() * readiness) {
        if (r.nextDouble() < DISMISSED) {
          plugin.prompts().dismissed(offer.decisionId());
          funnel.dismissed.increment();
        }
        continue;
      }
      plugin.prompts().clicked(offer.decisionId());
      funnel.clicked.increment();
      // The purchase's id names the moment, not the decision: a day the demo plays again after a
      // restart reports a purchase it had reported already under the same id.
      String purchaseId = "prompt-" + account.accountId + "-d" + day + "-m" + i;
      if (r.nextDouble() < answer.buy() && buys(account, offer, now, funnel, purchaseId)) {
        // The account's other users see its new plan for the rest of the day.
        return;
      }
    }
  }

  /** The account buys what the offer proposes, if it is more than it has. */
  private boolean buys(
      SimulatedAccount account, PromptOffer offer, Instant now, Funnel funnel, String purchaseId) {
    ExpansionType type =
        switch (offer.trigger()) {
          case "SEAT_LIMIT" -> ExpansionType.EXPANSION_TYPE_SEAT_ADD;
          case "USAGE_LIMIT" -> ExpansionType.EXPANSION_TYPE_USAGE_INCREASE;
          default -> ExpansionType.EXPANSION_TYPE_TIER_UPGRADE;
        };
    String target = offer.targetPlan() == null ? "" : offer.targetPlan().planKey();
    if (type != ExpansionType.EXPANSION_TYPE_SEAT_ADD
        && DemoCatalog.tierRank(target) <= DemoCatalog.tierRank(account.plan())) {
      return false;
    }
    long arr = billing.purchase(account, type, target, offer.prefilledSeats(), now);
    long revenue = arr * (100 - offer.discountPercent()) / 100;
    plugin
        .prompts()
        .converted(
            offer.decisionId(), new dev.headroom.plugin.Price(DemoCatalog.CURRENCY, revenue));
    billing.outcome(
        purchaseId, account, true, type, revenue, OutcomeSource.OUTCOME_SOURCE_BILLING, now);
    funnel.converted.increment();
    funnel.revenue.add(revenue);
    purchases.incrementAndGet();
    return true;
  }

  /**
   * The host's counts once the plugin has delivered every prompt event it took, so that the
   * plugin's counts in it are final.
   */
  State state() throws InterruptedException {
    PluginCounts plugin = earlier.plus(PluginCounts.of(awaitDelivered()));
    return new State(funnelStates(), purchases.get(), plugin);
  }

  /** The funnel rows as the host counted them so far, by campaign and variant. */
  private List<FunnelState> funnelStates() {
    List<FunnelState> rows = new ArrayList<>();
    for (Map.Entry<FunnelKey, Funnel> e : new TreeMap<>(funnels).entrySet()) {
      Funnel f = e.getValue();
      rows.add(
          new FunnelState(
              e.getKey().campaignId(),
              e.getKey().variantKey(),
              f.trigger,
              List.copyOf(new TreeSet<>(f.units)),
              f.exposed.sum(),
              f.shown.sum(),
              f.clicked.sum(),
              f.dismissed.sum(),
              f.converted.sum(),
              f.revenue.sum()));
    }
    return rows;
  }

  /** Carries on from {@code state}; the plugin of this run starts counting from zero. */
  void restore(State state) {
    funnels.clear();
    for (FunnelState r : state.funnels()) {
      Funnel f = new Funnel(r.trigger());
      f.units.addAll(r.units());
      f.exposed.add(r.exposed());
      f.shown.add(r.shown());
      f.clicked.add(r.clicked());
      f.dismissed.add(r.dismissed());
      f.converted.add(r.converted());
      f.revenue.add(r.revenue());
      funnels.put(new FunnelKey(r.campaignId(), r.variantKey()), f);
    }
    purchases.set(state.purchases());
    earlier = state.plugin();
  }

  /** Purchases that followed a prompt. */
  long purchases() {
    return purchases.get();
  }

  /**
   * The prompt sections of the report, once the plugin has delivered every prompt event and
   * prompt-service has written every exposure of the experiment.
   */
  DemoReport.Prompts report() throws InterruptedException {
    ClientStats stats = awaitDelivered();
    List<DemoReport.FunnelRow> rows = new ArrayList<>();
    long experimentUnits = 0;
    for (FunnelState f : funnelStates()) {
      rows.add(
          new DemoReport.FunnelRow(
              f.campaignId(),
              f.trigger(),
              f.variantKey(),
              f.units().size(),
              f.exposed(),
              f.shown(),
              f.clicked(),
              f.dismissed(),
              f.converted(),
              f.revenue()));
      if (f.campaignId().equals(FEATURE_GATE_CAMPAIGN)) {
        experimentUnits += f.units().size();
      }
    }
    awaitExposures(experimentUnits);
    PluginCounts plugin = earlier.plus(PluginCounts.of(stats));
    long asked = plugin.prompts();
    for (long n : plugin.noPrompt().values()) {
      asked += n;
    }
    return new DemoReport.Prompts(
        asked,
        plugin.prompts(),
        plugin.noPrompt(),
        plugin.recorded(),
        plugin.delivered(),
        plugin.rejected(),
        plugin.undelivered(),
        rows,
        experimentTable(
            admin
                .getExperimentResults(
                    GetExperimentResultsRequest.newBuilder().setExperimentId(EXPERIMENT).build())
                .getResults()));
  }

  /** Waits until every prompt event the plugin took has been delivered, refused or given up. */
  private ClientStats awaitDelivered() throws InterruptedException {
    long deadline = System.currentTimeMillis() + FLUSH_LIMIT_MILLIS;
    while (true) {
      ClientStats stats = plugin.stats();
      ClientStats.StreamStats s = stats.promptEvents();
      long undelivered = 0;
      for (UndeliveredReason reason : UndeliveredReason.values()) {
        undelivered += s.undelivered(reason);
      }
      boolean done =
          s.buffered() == 0 && s.delivered() + s.rejected() + undelivered == s.recorded();
      if (done || System.currentTimeMillis() > deadline) {
        return stats;
      }
      Thread.sleep(50);
    }
  }

  /**
   * Exposures are written behind the decisions: wait until the experiment's aggregates hold every
   * unit the host saw exposed.
   */
  private void awaitExposures(long units) throws InterruptedException {
    long deadline = System.currentTimeMillis() + FLUSH_LIMIT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      long stored = 0;
      for (ArmAggregate arm :
          admin
              .getExperimentAggregates(
                  GetExperimentAggregatesRequest.newBuilder().setExperimentId(EXPERIMENT).build())
              .getAggregates()
              .getArmsList()) {
        if (arm.getSurface() == dev.headroom.api.prompt.v1.Surface.SURFACE_UNSPECIFIED) {
          stored += arm.getUnits();
        }
      }
      if (stored >= units) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** The experiment table of the report: one row per arm, the treatments against control. */
  static DemoReport.ExperimentTable experimentTable(ExperimentResults results) {
    List<DemoReport.ArmResult> arms = new ArrayList<>();
    for (ArmSummary arm : results.getOverall().getArmsList()) {
      ArmComparison comparison = null;
      for (ArmComparison c : results.getOverall().getComparisonsList()) {
        if (c.getArmKey().equals(arm.getArmKey())) {
          comparison = c;
        }
      }
      MetricComparison conversion = comparison == null ? null : comparison.getConversion();
      boolean compared = conversion != null && conversion.hasCompared();
      MetricComparison.Compared c = compared ? conversion.getCompared() : null;
      arms.add(
          new DemoReport.ArmResult(
              arm.getArmKey(),
              ReportReader.name(arm.getRole().name(), "ARM_ROLE_"),
              arm.getUnits(),
              arm.getConversions(),
              arm.hasConversionRate() ? arm.getConversionRate() : null,
              arm.hasRevenuePerUnit() ? arm.getRevenuePerUnit() : null,
              compared ? c.getRelative().getEstimate() : null,
              compared ? c.getRelative().getFixedHorizon().getInterval().getLower() : null,
              compared ? c.getRelative().getFixedHorizon().getInterval().getUpper() : null,
              compared ? c.getRelative().getFixedHorizon().getPValue() : null,
              compared ? c.getRelative().getBayesian().getChanceToBeatControl() : null,
              comparison != null && comparison.getMinimumDataWarning(),
              conversion != null && conversion.hasCannotCompareYet()
                  ? ReportReader.name(
                      conversion.getCannotCompareYet().name(), "CANNOT_COMPARE_REASON_")
                  : ""));
    }
    return new DemoReport.ExperimentTable(
        results.getExperimentId(),
        FEATURE_GATE_CAMPAIGN,
        results.getOverall().getSrm().getPValue(),
        results.getOverall().getSrm().getMismatch(),
        arms);
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
