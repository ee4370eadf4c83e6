package dev.headroom.app.loop;

import com.google.protobuf.util.JsonFormat;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.prompt.v1.ArmSummary;
import dev.headroom.api.prompt.v1.ExperimentStatus;
import dev.headroom.api.prompt.v1.GetExperimentResultsRequest;
import dev.headroom.api.prompt.v1.GetExperimentResultsResponse;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.Prompt;
import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.api.prompt.v1.PromptEventKind;
import dev.headroom.api.prompt.v1.PromptEventResult;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.PromptServiceGrpc.PromptServiceBlockingStub;
import dev.headroom.api.prompt.v1.ReportPromptEventsRequest;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.GetSignalPerformanceRequest;
import dev.headroom.api.scoring.v1.ListOutcomesRequest;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.scoring.v1.SignalPerformance;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.api.signal.v1.EvaluateSignalsRequest;
import dev.headroom.api.signal.v1.EventOutcome;
import dev.headroom.api.signal.v1.EventResult;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.GetAccountRequest;
import dev.headroom.api.signal.v1.GetCatalogRequest;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.IngestEventsResponse;
import dev.headroom.api.signal.v1.ListAccountSignalsRequest;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import dev.headroom.api.signal.v1.UsageEvent;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole loop through the public wire, against {@code headroom-app all} in its own process:
 * usage → signal → score → prompt → conversion → experiment results → CRM → closed won → outcome →
 * signal performance. Each step is a numbered {@link Link}; a broken service part fails the link
 * that depends on it, and the message names it.
 */
class LoopEnd2EndTest {
  private static final String ACCOUNT = "acct-1";

  private AppProcess app;
  private TestCrm crm;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private SignalServiceBlockingStub signal;
  private ScoringServiceBlockingStub scoring;
  private PromptServiceBlockingStub prompts;

  @BeforeEach
  void startThePlatformAndTheSalesOrg() throws Exception {
    app = AppProcess.start(AppProcess.loopEnv(), AppProcess.scratch("loop").resolve("app.log"));
    crm = TestCrm.start();
    signal = SignalServiceGrpc.newBlockingStub(open("signal"));
    scoring = ScoringServiceGrpc.newBlockingStub(open("scoring"));
    prompts = PromptServiceGrpc.newBlockingStub(open("prompt"));
    crm.connect(
        CrmConnectorServiceGrpc.newBlockingStub(open("crm"))
            .withDeadlineAfter(30, TimeUnit.SECONDS));
  }

  private ManagedChannel open(String service) {
    ManagedChannel channel = app.channel(service);
    channels.add(channel);
    return channel;
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    if (crm != null) {
      crm.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void usageBecomesAnOfferAConversionAnOpportunityAndAnOutcome() throws Exception {
    Instant now = Instant.now();
    link1Catalog();
    link2Account(now);
    link3Usage(Host.growingTeam(ACCOUNT, now));
    link4SignalsFire();
    Score score = link5Score();
    Offers.Launched campaign = link6CampaignAndExperiment();
    Prompt prompt = link7GetPromptOffers(campaign);
    link8PromptEventsAndConversion(prompt);
    link9ExperimentResults(campaign.experimentId(), prompt.getVariantKey());
    String opportunityKey = link10CrmHoldsTheAccountAndTheOpportunity(now, score);
    BigDecimal won = link11ClosedWonComesBackAsAnOutcome(opportunityKey);
    link12SignalPerformanceCountsTheWin(won);
    link13BusinessMeasuresCountTheWin();
  }

  private SignalServiceBlockingStub signal() {
    return signal.withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private ScoringServiceBlockingStub scoring() {
    return scoring.withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private PromptServiceBlockingStub prompts() {
    return prompts.withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private void link1Catalog() {
    Link link = new Link(1, "catalog: plans with an upgrade path, features, meters");
    link.call(
        () -> {
          Host.putCatalog(signal());
          return null;
        });
    var catalog = link.call(() -> signal().getCatalog(GetCatalogRequest.getDefaultInstance()));
    String teamNext =
        catalog.getCatalog().getPlansList().stream()
            .filter(p -> p.getPlanKey().equals(Host.TEAM))
            .map(Plan::getNextPlanKey)
            .findFirst()
            .orElse("(no team plan)");
    link.check(teamNext.equals(Host.BUSINESS), "Team upgrades to " + teamNext + ", not Business");
    String ssoFrom =
        catalog.getCatalog().getFeaturesList().stream()
            .filter(f -> f.getFeatureKey().equals(Host.SSO))
            .map(Feature::getLowestEntitlingPlanKey)
            .findFirst()
            .orElse("(no sso feature)");
    link.check(ssoFrom.equals(Host.BUSINESS), "SSO is derived to start at " + ssoFrom);
  }

  private void link2Account(Instant now) {
    Link link = new Link(2, "accounts");
    link.call(
        () -> {
          Host.putAccount(signal(), ACCOUNT, now);
          return null;
        });
    var account =
        link.call(
            () ->
                signal().getAccount(GetAccountRequest.newBuilder().setAccountId(ACCOUNT).build()));
    link.check(
        account.getAccount().getSubscriptions(0).getPlanKey().equals(Host.TEAM),
        ACCOUNT + " is not on Team: " + account.getAccount().getSubscriptionsList());
  }

  private void link3Usage(List<UsageEvent> events) {
    Link link = new Link(3, "usage events");
    ingest(link, events);
  }

  private void ingest(Link link, List<UsageEvent> events) {
    IngestEventsResponse r =
        link.call(
            () ->
                signal()
                    .ingestEvents(IngestEventsRequest.newBuilder().addAllEvents(events).build()));
    List<String> notAccepted =
        r.getResultsList().stream()
            .filter(e -> e.getOutcome() != EventOutcome.EVENT_OUTCOME_ACCEPTED)
            .map(EventResult::toString)
            .toList();
    link.check(notAccepted.isEmpty(), "events not accepted: " + notAccepted);
  }

  private void link4SignalsFire() {
    Link link = new Link(4, "signals fire (EvaluateSignals, ListAccountSignals)");
    link.call(
        () ->
            signal()
                .evaluateSignals(
                    EvaluateSignalsRequest.newBuilder().setAccountId(ACCOUNT).build()));
    link.await(
        () ->
            signal()
                .listAccountSignals(
                    ListAccountSignalsRequest.newBuilder().setAccountId(ACCOUNT).build())
                .getCurrentList(),
        current ->
            active(current, SignalType.SIGNAL_TYPE_PREMIUM_FEATURE_DEMAND)
                && active(current, SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH),
        current ->
            "expected PREMIUM_FEATURE_DEMAND and SEAT_UTILIZATION_HIGH active for "
                + ACCOUNT
                + ", holding: "
                + current.stream()
                    .map(s -> s.getType() + "=" + s.getStatus())
                    .collect(Collectors.joining(", ", "[", "]")));
  }

  private static boolean active(List<Signal> signals, SignalType type) {
    return signals.stream()
        .anyMatch(s -> s.getType() == type && s.getStatus() == SignalStatus.SIGNAL_STATUS_ACTIVE);
  }

  private Score link5Score() {
    Link link = new Link(5, "score (GetScore, WatchScores)");
    Score score =
        link.await(
            () ->
                scoring()
                    .getScore(GetScoreRequest.newBuilder().setAccountId(ACCOUNT).build())
                    .getScore(),
            s ->
                s.getActivated()
                    && s.getPrimaryType() == ExpansionType.EXPANSION_TYPE_TIER_UPGRADE
                    && s.getSignalsList().size() >= 2,
            s ->
                ACCOUNT
                    + " scored "
                    + s.getScore()
                    + " "
                    + s.getBand()
                    + ", activated "
                    + s.getActivated()
                    + ", primary "
                    + s.getPrimaryType()
                    + ", signals "
                    + s.getSignalsCount());
    link.check(
        score.getBand() == ReadinessBand.READINESS_BAND_EMERGING
            || score.getBand() == ReadinessBand.READINESS_BAND_READY,
        "a growing team below the sales threshold is EMERGING or READY, got "
            + score.getScore()
            + " "
            + score.getBand());
    link.check(
        score.getMotion() == RecommendedMotion.RECOMMENDED_MOTION_INSIDE_SALES,
        "a tier upgrade is routed to inside sales, got " + score.getMotion());
    // The same score reaches a follower of the change stream.
    Iterator<WatchScoresResponse> changes =
        scoring
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .watchScores(WatchScoresRequest.newBuilder().setAfterCursor(0).build());
    try {
      Optional<Score> watched = Optional.empty();
      while (watched.isEmpty() && changes.hasNext()) {
        Score s = changes.next().getScore();
        if (s.getAccountId().equals(ACCOUNT) && s.getScore() == score.getScore()) {
          watched = Optional.of(s);
        }
      }
      link.check(watched.isPresent(), "WatchScores ended without " + ACCOUNT + "'s score");
    } catch (StatusRuntimeException e) {
      throw link.fail(
          "WatchScores never carried "
              + ACCOUNT
              + "'s score "
              + score.getScore()
              + ": "
              + e.getStatus());
    }
    return score;
  }

  private Offers.Launched link6CampaignAndExperiment() {
    Link link = new Link(6, "campaign and running experiment (admin RPCs)");
    Offers.Launched launched = link.call(() -> Offers.launch(prompts()));
    link.check(
        launched.experiment().getStatus() == ExperimentStatus.EXPERIMENT_STATUS_RUNNING,
        "the experiment is " + launched.experiment().getStatus() + " after StartExperiment");
    return launched;
  }

  private Prompt link7GetPromptOffers(Offers.Launched campaign) {
    Link link = new Link(7, "GetPrompt returns the offer with its variant");
    GetPromptRequest ask = Offers.ownerTouchesSso(ACCOUNT);
    // Every answer that is no prompt because prompt-service has not caught up is retried; any
    // other answer is the decision.
    GetPromptResponse answer =
        link.await(
            () -> prompts().getPrompt(ask),
            r -> r.hasPrompt(),
            r -> "no prompt for " + ACCOUNT + ": reason " + r.getNoPromptReason());
    Prompt prompt = answer.getPrompt();
    link.check(
        prompt.getCampaignId().equals(campaign.campaignId())
            && prompt.getExperimentId().equals(campaign.experimentId()),
        "the prompt is not the campaign's experiment: "
            + prompt.getCampaignId()
            + "/"
            + prompt.getExperimentId());
    link.check(
        Offers.VARIANTS.contains(prompt.getVariantKey()),
        "unknown variant '" + prompt.getVariantKey() + "'");
    link.check(
        prompt.getTargetPlan().getPlanKey().equals(Host.BUSINESS)
            && prompt.getCurrentPlan().getPlanKey().equals(Host.TEAM),
        "offer "
            + prompt.getCurrentPlan().getPlanKey()
            + " → "
            + prompt.getTargetPlan().getPlanKey()
            + ", expected team → business");
    link.check(
        prompt.getCtaUrl().contains("account=" + ACCOUNT)
            && prompt.getCtaUrl().contains("variant=" + prompt.getVariantKey()),
        "the checkout URL does not carry the account and variant: " + prompt.getCtaUrl());
    link.check(
        prompt.getDiscountPercent() == (prompt.getVariantKey().equals(Offers.DISCOUNT) ? 10 : 0),
        "variant " + prompt.getVariantKey() + " offers " + prompt.getDiscountPercent() + "% off");
    return prompt;
  }

  private void link8PromptEventsAndConversion(Prompt prompt) {
    Link link = new Link(8, "prompt events and a conversion (ReportPromptEvents)");
    Instant at = Instant.now();
    List<PromptEvent> events =
        List.of(
            Offers.event(prompt.getDecisionId(), PromptEventKind.PROMPT_EVENT_KIND_SHOWN, at),
            Offers.event(
                prompt.getDecisionId(),
                PromptEventKind.PROMPT_EVENT_KIND_CLICKED,
                at.plusSeconds(5)),
            Offers.conversion(prompt.getDecisionId(), at.plusSeconds(60)));

    List<PromptEventResult> results =
        link.call(
                () ->
                    prompts()
                        .reportPromptEvents(
                            ReportPromptEventsRequest.newBuilder().addAllEvents(events).build()))
            .getResultsList();
    link.check(
        results.size() == events.size()
            && results.stream().allMatch(PromptEventResult::getAccepted),
        "not every prompt event was accepted: " + results);
  }

  private void link9ExperimentResults(String experimentId, String variant) throws Exception {
    Link link = new Link(9, "GetExperimentResults shows the exposure and the conversion");
    GetExperimentResultsRequest request =
        GetExperimentResultsRequest.newBuilder().setExperimentId(experimentId).build();
    GetExperimentResultsResponse results =
        link.await(
            () -> prompts().getExperimentResults(request),
            r ->
                arm(r, variant)
                    .map(a -> a.getUnits() == 1 && a.getConversions() == 1)
                    .orElse(false),
            r -> "arms " + r.getResults().getOverall().getArmsList());
    int units =
        results.getResults().getOverall().getArmsList().stream()
            .mapToInt(a -> (int) a.getUnits())
            .sum();
    link.check(units == 1, "one account was exposed, the arms count " + units + " units");
    // The experiments team reads the same numbers as JSON.
    int port = app.ports("prompt").http();
    HttpResponse<String> http =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port
                                + "/v1/experiments/"
                                + experimentId
                                + "/results"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    link.check(
        http.statusCode() == 200,
        "HTTP results answered " + http.statusCode() + ": " + http.body());
    GetExperimentResultsResponse.Builder json = GetExperimentResultsResponse.newBuilder();
    JsonFormat.parser().merge(http.body(), json);
    link.check(
        json.getResults()
            .getOverall()
            .getArmsList()
            .equals(results.getResults().getOverall().getArmsList()),
        "HTTP results differ from gRPC: " + http.body());
  }

  private static Optional<ArmSummary> arm(GetExperimentResultsResponse r, String key) {
    return r.getResults().getOverall().getArmsList().stream()
        .filter(a -> a.getArmKey().equals(key))
        .findFirst();
  }

  private String link10CrmHoldsTheAccountAndTheOpportunity(Instant start, Score before) {
    Link link = new Link(10, "the CRM holds the mapped fields and the opportunity");
    // The team keeps growing until it is above the sales threshold (score > 75).
    ingest(link, Host.readyForSales(ACCOUNT, start));
    link.call(
        () ->
            signal()
                .evaluateSignals(
                    EvaluateSignalsRequest.newBuilder().setAccountId(ACCOUNT).build()));
    Score urgent =
        link.await(
            () ->
                scoring()
                    .getScore(GetScoreRequest.newBuilder().setAccountId(ACCOUNT).build())
                    .getScore(),
            s -> s.getScore() > 75,
            s ->
                ACCOUNT
                    + " scored "
                    + s.getScore()
                    + " (before the growth: "
                    + before.getScore()
                    + ")");
    Map<String, Object> record =
        link.await(
            () -> crm.account(ACCOUNT).orElse(Map.of()),
            r -> score(r).compareTo(BigDecimal.valueOf(urgent.getScore())) == 0,
            r ->
                r.isEmpty()
                    ? "no Account record for " + ACCOUNT
                    : "the Account record says score "
                        + r.get("Expansion_Readiness_Score__c")
                        + ", scoring says "
                        + urgent.getScore());
    link.check(
        "Tier Upgrade".equals(record.get("Expansion_Type__c"))
            && "Inside Sales".equals(record.get("Recommended_Action__c")),
        "type and action are not mapped: " + record);
    BigDecimal arr = BigDecimal.valueOf(urgent.getArrPotential().getMinorUnits(), 2);
    link.check(
        record.get("Expansion_ARR_Potential__c") instanceof BigDecimal a && a.compareTo(arr) == 0,
        "ARR potential " + record.get("Expansion_ARR_Potential__c") + ", scoring says " + arr);
    link.check(
        String.valueOf(record.get("Expansion_Signals__c")).contains("PREMIUM_FEATURE_DEMAND: "),
        "the signals field does not name premium demand: " + record.get("Expansion_Signals__c"));
    List<Map<String, Object>> opportunities =
        link.await(
            () -> crm.opportunitiesOf(ACCOUNT),
            o -> !o.isEmpty(),
            o -> "no opportunity for " + ACCOUNT + " at score " + urgent.getScore());
    link.check(opportunities.size() == 1, "one opportunity expected: " + opportunities);
    Map<String, Object> opportunity = opportunities.get(0);
    link.check(
        "Prospecting".equals(opportunity.get("StageName"))
            && String.valueOf(opportunity.get(TestCrm.OPPORTUNITY_KEY)).contains("TIER_UPGRADE")
            && !String.valueOf(opportunity.get("Description")).isBlank(),
        "the opportunity is not an open tier upgrade with its usage narrative: " + opportunity);
    return String.valueOf(opportunity.get(TestCrm.OPPORTUNITY_KEY));
  }

  private static BigDecimal score(Map<String, Object> record) {
    return record.get("Expansion_Readiness_Score__c") instanceof BigDecimal b
        ? b
        : BigDecimal.ONE.negate();
  }

  private BigDecimal link11ClosedWonComesBackAsAnOutcome(String opportunityKey) {
    Link link = new Link(11, "closed won in the CRM comes back as an outcome (ListOutcomes)");
    BigDecimal amount = new BigDecimal("1200.00");
    crm.closeWon(opportunityKey, amount);
    Outcome outcome =
        link.await(
                () ->
                    scoring()
                        .listOutcomes(
                            ListOutcomesRequest.newBuilder().setAccountId(ACCOUNT).build())
                        .getOutcomesList(),
                o -> o.size() == 1,
                o -> ACCOUNT + " has outcomes " + o)
            .get(0);
    link.check(
        outcome.getResult() == OutcomeResult.OUTCOME_RESULT_WON
            && outcome.getSource() == OutcomeSource.OUTCOME_SOURCE_CRM
            && outcome.getArrDelta().getMinorUnits() == 120_000
            && outcome.getExpansionType() == ExpansionType.EXPANSION_TYPE_TIER_UPGRADE,
        "not the won tier upgrade of 1,200.00: " + outcome);
    return amount;
  }

  private void link12SignalPerformanceCountsTheWin(BigDecimal won) {
    Link link = new Link(12, "GetSignalPerformance counts the win");
    SignalPerformance premium =
        link.await(
            () ->
                scoring()
                    .getSignalPerformance(GetSignalPerformanceRequest.getDefaultInstance())
                    .getRowsList()
                    .stream()
                    .filter(r -> r.getSignalType() == SignalType.SIGNAL_TYPE_PREMIUM_FEATURE_DEMAND)
                    .findFirst()
                    .orElse(SignalPerformance.getDefaultInstance()),
            r -> r.getConverted() == 1,
            r ->
                "PREMIUM_FEATURE_DEMAND fired " + r.getFired() + ", converted " + r.getConverted());
    link.check(
        premium.getFired() == 1
            && BigDecimal.valueOf(premium.getAverageArrDelta().getMinorUnits(), 2).compareTo(won)
                == 0,
        "expected 1 of 1 converted at " + won + ": " + premium);
  }

  /**
   * Link 13, for the lead to wire once scoring-service's GetBusinessMeasures is in this build: over
   * a period that includes today, expansion revenue counts the 1,200.00 tier upgrade won above and
   * conversion by signal type counts PREMIUM_FEATURE_DEMAND as converted. Until then this link
   * reports itself as not wired; it never passes on made-up numbers.
   */
  private void link13BusinessMeasuresCountTheWin() {
    System.out.println(
        "link 13 (GetBusinessMeasures counts the win): not wired, scoring-service has no"
            + " GetBusinessMeasures in this build");
  }
}
