package dev.headroom.prompt.decision;

import static dev.headroom.prompt.decision.DecisionFixtures.T0;
import static dev.headroom.prompt.decision.DecisionFixtures.campaign;
import static dev.headroom.prompt.decision.DecisionFixtures.catalog;
import static dev.headroom.prompt.decision.DecisionFixtures.days;
import static dev.headroom.prompt.decision.DecisionFixtures.score;
import static dev.headroom.prompt.decision.DecisionFixtures.trigger;
import static dev.headroom.prompt.decision.DecisionFixtures.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.prompt.campaign.Campaign;
import dev.headroom.prompt.campaign.FrequencyCap;
import dev.headroom.prompt.campaign.Surface;
import dev.headroom.prompt.campaign.Trigger;
import dev.headroom.prompt.campaign.TriggerType;
import dev.headroom.prompt.context.AccountScore.Motion;
import dev.headroom.prompt.context.AccountScore.ReadinessBand;
import dev.headroom.prompt.context.AccountUsage;
import dev.headroom.prompt.context.ContextStore;
import dev.headroom.prompt.experiment.Experiment;
import dev.headroom.prompt.experiment.Variant;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decision from memory, step by step and at each rule's edges, on an explicit clock (every
 * request carries its instant).
 */
class DecisionEngineTest {
  private ContextStore context;
  private final AtomicReference<CampaignSet> campaigns = new AtomicReference<>(CampaignSet.empty());
  private final Set<String> openOpportunities = new HashSet<>();
  private final List<Exposure> exposures = new CopyOnWriteArrayList<>();
  private final AtomicBoolean queueFull = new AtomicBoolean();
  private UserLedger ledger;
  private DecisionEngine engine;

  @BeforeEach
  void setUp() {
    context = new ContextStore("core", 16);
    context.replaceCatalog(catalog());
    context.putUsage(usage("acme"));
    context.putScore("acme", score(ReadinessBand.READY, Motion.SELF_SERVE));
    context.markRebuilt();
    ledger = new UserLedger(CapSettings.defaults());
    engine =
        new DecisionEngine(
            context,
            campaigns::get,
            ledger,
            openOpportunities::contains,
            e -> !queueFull.get() && exposures.add(e));
  }

  private void use(Campaign... cs) {
    campaigns.set(new CampaignSet(List.of(cs), Map.of()));
  }

  private void use(Campaign c, Experiment e) {
    campaigns.set(new CampaignSet(List.of(c), Map.of(c.campaignId(), e)));
  }

  private static PromptRequest request(String feature, Instant at) {
    return request("acme", "u1", feature, Surface.FEATURE_USE, UserRole.OWNER, at);
  }

  private static PromptRequest request(
      String account, String user, String feature, Surface surface, UserRole role, Instant at) {
    return new PromptRequest(account, user, feature, surface, Optional.empty(), role, at);
  }

  private Decision decide(String feature, Instant at) {
    return engine.decide(request(feature, at));
  }

  /** acme's user opens a surface without touching a feature. */
  private Decision visit(String user, Surface surface, UserRole role) {
    return engine.decide(request("acme", user, "", surface, role, T0));
  }

  private static RenderedPrompt shown(Decision d) {
    return assertInstanceOf(Decision.Shown.class, d, () -> "expected a prompt, got " + d).prompt();
  }

  private static void noPrompt(NoPromptReason reason, Decision d) {
    assertEquals(reason, assertInstanceOf(Decision.NoPrompt.class, d).reason());
  }

  /**
   * The feature gate is refused for the reason until the second before {@code until}, not at it.
   */
  private void refusedUntil(NoPromptReason reason, Instant until) {
    noPrompt(reason, decide("audit_log", until.minusSeconds(1)));
    shown(decide("audit_log", until));
  }

  private static Campaign featureGate(String id) {
    return campaign(id, trigger(TriggerType.FEATURE_GATE, null), 10);
  }

  // --- Steps before the campaigns ---

  @Test
  void notReadyUnknownAccountNotActivatedAndUnknownFeatureAnswerNoPromptWithTheirReason() {
    use(featureGate("gate"));
    ContextStore fresh = new ContextStore("core", 16);
    DecisionEngine rebuilding =
        new DecisionEngine(fresh, campaigns::get, ledger, a -> false, exposures::add);
    noPrompt(NoPromptReason.NOT_READY, rebuilding.decide(request("audit_log", T0)));

    noPrompt(
        NoPromptReason.UNKNOWN_ACCOUNT,
        engine.decide(
            request("nobody", "u1", "audit_log", Surface.FEATURE_USE, UserRole.OWNER, T0)));

    AccountUsage a = usage("fresh");
    context.putUsage(
        new AccountUsage(
            "fresh",
            false,
            a.locale(),
            a.currencyCode(),
            a.planByProduct(),
            a.seatsUsed(),
            a.seatsPurchased(),
            a.usersAddedQuarter(),
            a.attemptedFeatureKeys(),
            a.meters()));
    noPrompt(
        NoPromptReason.ACCOUNT_NOT_ACTIVATED,
        engine.decide(
            request("fresh", "u1", "audit_log", Surface.FEATURE_USE, UserRole.OWNER, T0)));

    noPrompt(NoPromptReason.UNKNOWN_FEATURE, decide("teleport", T0));
    assertTrue(exposures.isEmpty());
  }

  @Test
  void aScoreWithoutUsageIsAnUnknownAccount() {
    use(featureGate("gate"));
    context.putScore("scored-only", score(ReadinessBand.URGENT, Motion.SELF_SERVE));
    noPrompt(
        NoPromptReason.UNKNOWN_ACCOUNT,
        engine.decide(
            request("scored-only", "u1", "audit_log", Surface.FEATURE_USE, UserRole.OWNER, T0)));
  }

  @Test
  void fieldSalesMotionOrAnOpenOpportunityMeansNoSelfServeOffer() {
    use(featureGate("gate"));
    context.putScore("acme", score(ReadinessBand.READY, Motion.FIELD_SALES));
    noPrompt(NoPromptReason.SALES_OWNED, decide("audit_log", T0));

    context.putScore("acme", score(ReadinessBand.READY, Motion.INSIDE_SALES));
    shown(decide("audit_log", T0));

    openOpportunities.add("acme");
    noPrompt(NoPromptReason.SALES_OWNED, decide("audit_log", T0.plus(days(2))));
  }

  // --- Triggers ---

  @Test
  void featureGateOffersTheFirstPlanUpThePathThatEntitlesTheFeature() {
    use(featureGate("gate"));
    context.putUsage(usage("acme", "free", 2, 3, "0"));
    RenderedPrompt p = shown(decide("audit_log", T0));
    assertEquals("enterprise", p.targetPlan().planKey(), "free → pro lacks audit_log");
    assertEquals("free", p.currentPlan().orElseThrow().planKey());
    assertEquals(List.of("audit_log"), p.highlightedFeatureKeys());
    assertEquals(3, p.prefilledSeats(), "plan offers pre-fill the billable seats");

    context.putUsage(usage("acme", "free", 2, 3, "0"));
    RenderedPrompt sso = shown(decide("sso", T0.plus(days(1))));
    assertEquals("pro", sso.targetPlan().planKey());
  }

  @Test
  void featureGateDoesNotHoldForAnEntitledFeatureOrAFeatureOutsideItsList() {
    use(featureGate("gate"));
    noPrompt(NoPromptReason.NO_MATCHING_CAMPAIGN, decide("sso", T0));
    noPrompt(NoPromptReason.NO_MATCHING_CAMPAIGN, decide("", T0));
    Trigger onlySso =
        new Trigger(
            TriggerType.FEATURE_GATE,
            Set.of("sso"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    use(campaign("gate", onlySso, 1));
    noPrompt(NoPromptReason.NO_MATCHING_CAMPAIGN, decide("audit_log", T0));
  }

  @Test
  void seatLimitHoldsExactlyAtTheThresholdAndPrefillsTheRecommendedSeats() {
    use(campaign("seats", trigger(TriggerType.SEAT_LIMIT, "0.80"), 1, Surface.HOME));
    context.putUsage(usage("acme", "pro", 16, 20, "0"));
    RenderedPrompt p = shown(visit("u1", Surface.HOME, UserRole.ADMIN));
    assertEquals("pro", p.targetPlan().planKey());
    assertEquals(3, p.prefilledSeats(), "ceil(10 × 16 / 7) − 20 = 23 − 20");

    context.putUsage(usage("acme", "pro", 15, 20, "0"));
    noPrompt(NoPromptReason.NO_MATCHING_CAMPAIGN, visit("u2", Surface.HOME, UserRole.ADMIN));
  }

  @Test
  void usageLimitHoldsAtThresholdTimesLimitAndOffersTheNextPlan() {
    use(campaign("usage", trigger(TriggerType.USAGE_LIMIT, "0.90"), 1, Surface.BILLING));
    context.putUsage(usage("acme", "pro", 5, 5, "900"));
    RenderedPrompt p = shown(visit("u1", Surface.BILLING, UserRole.BILLING));
    assertEquals("enterprise", p.targetPlan().planKey());

    context.putUsage(usage("acme", "pro", 5, 5, "899.99"));
    noPrompt(NoPromptReason.NO_MATCHING_CAMPAIGN, visit("u2", Surface.BILLING, UserRole.BILLING));
  }

  @Test
  void scoreBandHoldsAtTheMinimumBandAndOffersThePrimaryTypesPlan() {
    use(campaign("band", trigger(TriggerType.SCORE_BAND, null), 1, Surface.HOME));
    context.putScore("acme", score(ReadinessBand.READY, Motion.SELF_SERVE));
    RenderedPrompt p = shown(visit("u1", Surface.HOME, UserRole.OWNER));
    assertEquals("enterprise", p.targetPlan().planKey());

    context.putScore("acme", score(ReadinessBand.EMERGING, Motion.SELF_SERVE));
    noPrompt(NoPromptReason.NO_MATCHING_CAMPAIGN, visit("u2", Surface.HOME, UserRole.OWNER));
  }

  @Test
  void crossSellOffersTheEntryPlanOfAProductNotOwned() {
    use(campaign("cross", trigger(TriggerType.CROSS_SELL, null), 1, Surface.HOME));
    RenderedPrompt p = shown(visit("u1", Surface.HOME, UserRole.OWNER));
    assertEquals("starter", p.targetPlan().planKey());
    assertTrue(p.currentPlan().isEmpty(), "nothing owned of that product to compare with");

    AccountUsage a = usage("acme");
    context.putUsage(
        new AccountUsage(
            "acme",
            true,
            a.locale(),
            a.currencyCode(),
            Map.of("core", "pro", "analytics", "starter"),
            a.seatsUsed(),
            a.seatsPurchased(),
            a.usersAddedQuarter(),
            a.attemptedFeatureKeys(),
            a.meters()));
    noPrompt(NoPromptReason.NO_MATCHING_CAMPAIGN, visit("u2", Surface.HOME, UserRole.OWNER));
  }

  @Test
  void aCampaignOnlyShowsOnItsSurfaces() {
    use(campaign("seats", trigger(TriggerType.SEAT_LIMIT, "0.80"), 1, Surface.BILLING));
    noPrompt(NoPromptReason.NO_MATCHING_CAMPAIGN, visit("u1", Surface.HOME, UserRole.OWNER));
  }

  // --- Caps and cooldown ---

  @Test
  void theDailyCapHoldsUntilTheImpressionIsExactly24HoursOld() {
    use(featureGate("gate"));
    shown(decide("audit_log", T0));
    refusedUntil(NoPromptReason.FREQUENCY_CAPPED, T0.plus(days(1)));
  }

  @Test
  void theWeeklyCapAllowsThreeInAnySevenDays() {
    use(featureGate("gate"));
    shown(decide("audit_log", T0));
    shown(decide("audit_log", T0.plus(days(1))));
    shown(decide("audit_log", T0.plus(days(2))));
    noPrompt(NoPromptReason.FREQUENCY_CAPPED, decide("audit_log", T0.plus(days(3))));
    refusedUntil(NoPromptReason.FREQUENCY_CAPPED, T0.plus(days(7)));
  }

  @Test
  void capsArePerUser() {
    use(featureGate("gate"));
    shown(decide("audit_log", T0));
    shown(
        engine.decide(request("acme", "u2", "audit_log", Surface.FEATURE_USE, UserRole.OWNER, T0)));
  }

  @Test
  void aCappedCampaignGivesWayToTheNextOneAndCapsAtItsLimit() {
    ledger = new UserLedger(new CapSettings(0, 0, Duration.ofDays(14)));
    engine = new DecisionEngine(context, campaigns::get, ledger, a -> false, exposures::add);
    Campaign capped =
        campaign(
            "a-capped",
            trigger(TriggerType.FEATURE_GATE, null),
            9,
            Optional.of(new FrequencyCap(2, days(3))));
    Campaign fallback = campaign("b-fallback", trigger(TriggerType.FEATURE_GATE, null), 1);
    use(capped, fallback);
    assertEquals("a-capped", shown(decide("audit_log", T0)).campaignId());
    assertEquals("a-capped", shown(decide("audit_log", T0.plus(days(1)))).campaignId());
    assertEquals(
        "b-fallback", shown(decide("audit_log", T0.plus(days(3)).minusSeconds(1))).campaignId());
    assertEquals("a-capped", shown(decide("audit_log", T0.plus(days(3)))).campaignId());

    use(capped);
    noPrompt(NoPromptReason.FREQUENCY_CAPPED, decide("audit_log", T0.plus(days(3)).plusSeconds(1)));
  }

  @Test
  void aDismissalCoolsTheUserDownForFourteenDaysToTheSecond() {
    use(featureGate("gate"));
    Instant dismissed = T0.plus(days(2));
    ledger.recordDismissal("acme", "u1", dismissed);
    refusedUntil(NoPromptReason.COOLDOWN, dismissed.plus(days(14)));
  }

  @Test
  void tenParallelCallsForOneUserServeOnePrompt() throws Exception {
    use(featureGate("gate"));
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Decision>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(
            pool.submit(
                () -> {
                  go.await();
                  return decide("audit_log", T0);
                }));
      }
      go.countDown();
      int prompts = 0;
      for (Future<Decision> f : calls) {
        if (f.get() instanceof Decision.Shown) {
          prompts++;
        }
      }
      assertEquals(1, prompts);
      assertEquals(1, exposures.size());
    } finally {
      pool.shutdownNow();
    }
  }

  // --- Priority ---

  @Test
  void theHighestPriorityWinsAndTiesGoToTheSmallerCampaignId() {
    use(
        featureGate("b-low"),
        campaign("a-high", trigger(TriggerType.FEATURE_GATE, null), 50),
        featureGate("c-low"));
    assertEquals("a-high", shown(decide("audit_log", T0)).campaignId());
    use(featureGate("c-tie"), featureGate("b-tie"));
    assertEquals("b-tie", shown(decide("audit_log", T0.plus(days(1)))).campaignId());
  }

  // --- Rendering ---

  @Test
  void buyersGetTheSelfServeOfferAndMembersTheAskYourAdminCopyWithoutCheckoutUrl() {
    use(featureGate("gate"));
    RenderedPrompt owner = shown(decide("audit_log", T0));
    assertTrue(owner.buyer());
    assertTrue(owner.body().startsWith("de: Your team has added"));
    assertEquals("de: buy 8 seats", owner.ctaLabel(), "ceil(10 × 19 / 7) − 20 = 28 − 20");
    assertFalse(owner.ctaUrl().isEmpty());

    for (UserRole role : List.of(UserRole.ADMIN, UserRole.BILLING)) {
      assertTrue(
          shown(
                  engine.decide(
                      request("acme", role.name(), "audit_log", Surface.FEATURE_USE, role, T0)))
              .buyer());
    }
    RenderedPrompt member =
        shown(
            engine.decide(
                request("acme", "m1", "audit_log", Surface.FEATURE_USE, UserRole.MEMBER, T0)));
    assertFalse(member.buyer());
    assertEquals("de: ask your admin for Enterprise", member.body());
    assertEquals("de: request upgrade", member.ctaLabel());
    assertEquals("", member.ctaUrl());
  }

  @Test
  void copyVariablesAreFilledIn() {
    use(featureGate("gate"));
    RenderedPrompt p = shown(decide("audit_log", T0));
    assertEquals("de: upgrade to Enterprise", p.title());
    assertEquals(
        "de: Your team has added 12 users this quarter and you're at 95% capacity (19/20), Audit"
            + " log",
        p.body());
  }

  @Test
  void theLocaleFallsBackFromRegionToLanguageToTheDefault() {
    use(featureGate("gate"));
    assertEquals("de", shown(decide("audit_log", T0)).locale(), "account locale de-AT → de");
    PromptRequest french =
        new PromptRequest(
            "acme",
            "u2",
            "audit_log",
            Surface.FEATURE_USE,
            Optional.of("fr-FR"),
            UserRole.OWNER,
            T0);
    RenderedPrompt p = shown(engine.decide(french));
    assertEquals("en", p.locale());
    assertTrue(p.title().startsWith("en: "));
  }

  @Test
  void ctaUrlValuesAreUrlEncoded() {
    use(featureGate("gate"));
    AccountUsage a = usage("acme & co/1+2");
    context.putUsage(a);
    RenderedPrompt p =
        shown(
            engine.decide(
                request(
                    "acme & co/1+2", "u1", "audit_log", Surface.FEATURE_USE, UserRole.OWNER, T0)));
    assertEquals(
        "https://host.example/checkout?account=acme%20%26%20co%2F1%2B2&plan=enterprise&seats=20"
            + "&c=gate&v=",
        p.ctaUrl());
  }

  @Test
  void theOfferCarriesPricesForTheBillableSeatsAndTheDiscount() {
    use(featureGate("gate"));
    RenderedPrompt p = shown(decide("audit_log", T0));
    assertEquals(
        15 * 1500L,
        p.currentPlan().orElseThrow().monthlyPrice().minorUnits(),
        "pro: 20 − 5 seats × 15.00");
    assertEquals(
        50_000L, p.targetPlan().monthlyPrice().minorUnits(), "enterprise includes 20 seats");
    assertEquals(10, p.discountPercent());
    assertTrue(p.annualBilling());
  }

  // --- Experiments ---

  private static Experiment experiment(
      Experiment.Status status, int holdout, Optional<String> serve, Variant... variants) {
    return new Experiment(
        "x1",
        "gate",
        "test",
        status,
        Experiment.Unit.ACCOUNT,
        "salt-1",
        List.of(variants),
        holdout,
        days(14),
        Optional.of(T0),
        Optional.empty(),
        serve,
        2);
  }

  private static Variant variant(String key, boolean control, int discount) {
    return new Variant(
        key,
        1,
        control,
        Map.of("de", new dev.headroom.prompt.campaign.Copy("V " + key, "b", "c", "mb", "mc")),
        Variant.PromptTiming.AT_LOGIN,
        OptionalInt.of(discount));
  }

  @Test
  void aRunningExperimentServesTheUnitsVariantToEveryUserOfTheAccount() {
    use(
        featureGate("gate"),
        experiment(
            Experiment.Status.RUNNING,
            0,
            Optional.empty(),
            variant("control", true, 0),
            variant("discount", false, 20)));
    Set<String> variants = new HashSet<>();
    for (int u = 0; u < 20; u++) {
      RenderedPrompt p =
          shown(
              engine.decide(
                  request(
                      "acme", "user-" + u, "audit_log", Surface.FEATURE_USE, UserRole.OWNER, T0)));
      variants.add(p.variantKey());
      assertEquals(Optional.of("x1"), p.experimentId());
      assertEquals("V " + p.variantKey(), p.title(), "the variant's copy overrides the campaign's");
      assertEquals(p.variantKey().equals("discount") ? 20 : 0, p.discountPercent());
      assertEquals(Variant.PromptTiming.AT_LOGIN, p.timing());
    }
    assertEquals(1, variants.size());
    assertTrue(exposures.stream().allMatch(e -> e.unitId().equals(Optional.of("acme"))));
  }

  @Test
  void aHoldoutUnitGetsNoPromptButIsLoggedAndUsesItsCaps() {
    use(
        featureGate("gate"),
        experiment(Experiment.Status.RUNNING, 9999, Optional.empty(), variant("control", true, 0)));
    // With 9,999 of 10,000 buckets held out, acme is in the holdout unless it hashes to the last
    // one.
    noPrompt(NoPromptReason.HOLDOUT, decide("audit_log", T0));
    assertEquals(1, exposures.size());
    assertTrue(exposures.get(0).holdout());
    assertEquals(Optional.of("x1"), exposures.get(0).experimentId());
    noPrompt(NoPromptReason.FREQUENCY_CAPPED, decide("audit_log", T0.plusSeconds(60)));
  }

  @Test
  void aStoppedExperimentServesTheChosenVariantOrNothing() {
    Experiment stopped =
        experiment(
            Experiment.Status.STOPPED,
            0,
            Optional.of("discount"),
            variant("control", true, 0),
            variant("discount", false, 20));
    use(featureGate("gate"), stopped);
    RenderedPrompt p = shown(decide("audit_log", T0));
    assertEquals("discount", p.variantKey());
    assertEquals(Optional.empty(), p.experimentId(), "no longer an exposure of the experiment");
    assertEquals(Optional.empty(), exposures.get(0).experimentId());

    use(
        featureGate("gate"),
        experiment(Experiment.Status.STOPPED, 0, Optional.empty(), variant("control", true, 0)));
    noPrompt(NoPromptReason.NO_MATCHING_CAMPAIGN, decide("audit_log", T0.plus(days(1))));
  }

  // --- Exposure queue ---

  @Test
  void aFullExposureQueueServesNothingCountsTheRefusalAndUsesNoCap() {
    use(featureGate("gate"));
    queueFull.set(true);
    noPrompt(NoPromptReason.OVERLOADED, decide("audit_log", T0));
    assertEquals(1, engine.refusedForFullQueue());
    queueFull.set(false);
    shown(decide("audit_log", T0));
  }

  @Test
  void everyAnswerHasItsOwnDecisionId() {
    use(featureGate("gate"));
    Set<String> ids = new HashSet<>();
    ids.add(decide("audit_log", T0).decisionId());
    ids.add(decide("audit_log", T0).decisionId());
    ids.add(decide("teleport", T0).decisionId());
    assertEquals(3, ids.size());
    assertTrue(ids.stream().allMatch(id -> id.matches("d-[0-9a-f]{32}")));
  }

  @Test
  void decisionIdsBeginWithTheDecisionTimeSoLaterOnesSortAfterEarlierOnes() {
    use(featureGate("gate"));
    String first = decide("audit_log", T0).decisionId();
    String second = decide("teleport", T0.plusMillis(1)).decisionId();
    assertEquals("d-" + String.format("%012x", T0.toEpochMilli()), first.substring(0, 14));
    assertTrue(first.compareTo(second) < 0, first + " before " + second);
  }
}
