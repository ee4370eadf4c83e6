package dev.headroom.app.loop;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.prompt.v1.ArmSummary;
import dev.headroom.api.prompt.v1.ExperimentStatus;
import dev.headroom.api.prompt.v1.FunnelStage;
import dev.headroom.api.prompt.v1.GetExperimentResultsRequest;
import dev.headroom.api.prompt.v1.GetExperimentResultsResponse;
import dev.headroom.api.prompt.v1.GetPromptFunnelRequest;
import dev.headroom.api.prompt.v1.GetPromptFunnelResponse;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.NoPromptReason;
import dev.headroom.api.prompt.v1.Prompt;
import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.api.prompt.v1.PromptEventKind;
import dev.headroom.api.prompt.v1.PromptEventResult;
import dev.headroom.api.prompt.v1.PromptFunnelRow;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.PromptServiceGrpc.PromptServiceBlockingStub;
import dev.headroom.api.prompt.v1.ReportPromptEventsRequest;
import dev.headroom.api.scoring.v1.ExpansionRevenue;
import dev.headroom.api.scoring.v1.GetBusinessMeasuresRequest;
import dev.headroom.api.scoring.v1.GetBusinessMeasuresResponse;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.GetSignalPerformanceRequest;
import dev.headroom.api.scoring.v1.ListOutcomesRequest;
import dev.headroom.api.scoring.v1.MeasureDimension;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.scoring.v1.SignalConversion;
import dev.headroom.api.scoring.v1.SignalPerformance;
import dev.headroom.api.scoring.v1.TimeToExpansion;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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

  /** What the rep closes the opportunity for: the Team to Business upgrade, a year. */
  private static final BigDecimal WON = new BigDecimal("1200.00");

  private static final long WON_MINOR = WON.movePointRight(2).longValueExact();

  /** Signal-service's sustained window: SEAT_UTILIZATION_HIGH fires this long after seats fill. */
  private static final Duration SUSTAINED = Duration.ofDays(14);

  private static final String OPEN_OPPORTUNITY_ACCOUNTS = "prompt_opportunities_open_accounts";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

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
    // The exposure is decided just before its answer arrives.
    Instant exposedAt = Instant.now();
    link8PromptEventsAndConversion(prompt);
    link9ExperimentResults(campaign.experimentId(), prompt.getVariantKey());
    String opportunityKey = link10CrmHoldsTheAccountAndTheOpportunity(now, score);
    link11OpenOpportunityMakesTheAccountSalesOwned();
    Instant closedAt = link12ClosedWonComesBackAsAnOutcome(opportunityKey);
    link13SignalPerformanceCountsTheWin();
    // prompt-service counts the close for the account's unit exposed in (closed at - window, closed
    // at]; the exposure is minutes old, so only its order with the close decides.
    boolean closedWonAttributed = !exposedAt.isAfter(closedAt);
    link14ClosedWonInTheExperiment(
        campaign.experimentId(), prompt.getVariantKey(), closedWonAttributed);
    Period period =
        new Period(now.minus(Duration.ofDays(60)), Instant.now().plus(Duration.ofDays(1)));
    link15BusinessMeasuresCountTheExpansion(now, period, score, closedAt);
    link16PromptFunnelCountsTheScenario(
        period, campaign, prompt.getVariantKey(), closedWonAttributed);
  }

  /** A period [from, to) of the measures, whole seconds. */
  private record Period(Instant from, Instant to) {
    Period {
      from = from.truncatedTo(ChronoUnit.SECONDS);
      to = to.truncatedTo(ChronoUnit.SECONDS);
    }

    String query() {
      return "from=" + from + "&to=" + to;
    }
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
    GetExperimentResultsResponse json =
        json(
                link,
                "prompt",
                "/v1/experiments/" + experimentId + "/results",
                GetExperimentResultsResponse.newBuilder())
            .build();
    link.check(
        json.getResults()
            .getOverall()
            .getArmsList()
            .equals(results.getResults().getOverall().getArmsList()),
        "HTTP results differ from gRPC: " + json.getResults().getOverall().getArmsList());
  }

  /** GETs {@code path} from a service's HTTP port and parses its proto3 JSON into {@code into}. */
  private <B extends Message.Builder> B json(Link link, String service, String path, B into) {
    HttpResponse<String> http = get(service, path);
    link.check(
        http.statusCode() == 200,
        "GET " + path + " answered " + http.statusCode() + ": " + http.body());
    try {
      JsonFormat.parser().merge(http.body(), into);
    } catch (InvalidProtocolBufferException e) {
      throw link.fail("GET " + path + " is not the response's JSON: " + e.getMessage());
    }
    return into;
  }

  private HttpResponse<String> get(String service, String path) {
    URI uri = URI.create("http://127.0.0.1:" + app.ports(service).http() + path);
    try {
      return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted on GET " + uri, e);
    }
  }

  /** The sum of a gauge's series on a service's Prometheus page (0 when it has none). */
  private double gauge(String service, String name) {
    return get(service, "/observe/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
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

  private void link11OpenOpportunityMakesTheAccountSalesOwned() {
    Link link =
        new Link(11, "an open opportunity makes the account sales-owned (GetPrompt: SALES_OWNED)");
    // A GetPrompt sent before prompt-service has the opportunity could serve and expose another
    // prompt, so the wait is on its gauge of accounts with an open opportunity instead.
    link.await(
        () -> gauge("prompt", OPEN_OPPORTUNITY_ACCOUNTS),
        n -> n == 1,
        n -> "prompt-service knows " + n + " accounts with an open opportunity");
    // Scoring routes the account to INSIDE_SALES (link 10), which alone leaves prompts on: only
    // the opportunity makes it sales-owned.
    GetPromptResponse answer =
        link.call(() -> prompts().getPrompt(Offers.ownerTouchesSso(ACCOUNT)));
    link.check(
        !answer.hasPrompt()
            && answer.getNoPromptReason() == NoPromptReason.NO_PROMPT_REASON_SALES_OWNED,
        "with its opportunity open, "
            + ACCOUNT
            + " is answered "
            + (answer.hasPrompt()
                ? "a prompt of " + answer.getPrompt().getCampaignId()
                : "no prompt, reason " + answer.getNoPromptReason()));
  }

  /** Returns when the outcome is dated. */
  private Instant link12ClosedWonComesBackAsAnOutcome(String opportunityKey) {
    Link link = new Link(12, "closed won in the CRM comes back as an outcome (ListOutcomes)");
    Instant closing = Instant.now();
    LocalDate closedOn = crm.closeWon(opportunityKey, WON);
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
            && outcome.getArrDelta().getMinorUnits() == WON_MINOR
            && outcome.getExpansionType() == ExpansionType.EXPANSION_TYPE_TIER_UPGRADE,
        "not the won tier upgrade of " + WON + ": " + outcome);
    // crm-connector dates a close when it saw it, but never after the end of its close date (UTC).
    Instant closedAt =
        Instant.ofEpochSecond(
            outcome.getOccurredAt().getSeconds(), outcome.getOccurredAt().getNanos());
    Instant closeDateEnded = closedOn.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    link.check(
        !closedAt.isBefore(closing.truncatedTo(ChronoUnit.MILLIS))
            && closedAt.isBefore(closeDateEnded)
            && !closedAt.isAfter(Instant.now()),
        "the outcome of a close on "
            + closedOn
            + " requested at "
            + closing
            + " is dated "
            + closedAt);
    return closedAt;
  }

  private void link13SignalPerformanceCountsTheWin() {
    Link link = new Link(13, "GetSignalPerformance counts the win");
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
            && BigDecimal.valueOf(premium.getAverageArrDelta().getMinorUnits(), 2).compareTo(WON)
                == 0,
        "expected 1 of 1 converted at " + WON + ": " + premium);
  }

  /**
   * The closed won is a conversion of the account's unit only when the unit was exposed within the
   * attribution window before the close; the unit already converted through its prompt, so what
   * moves is its revenue.
   */
  private void link14ClosedWonInTheExperiment(
      String experimentId, String variant, boolean attributed) {
    Link link =
        new Link(
            14,
            "the closed won counts in the experiment as prompt-service's README says"
                + " (GetExperimentResults)");
    // prompt-service stores the conversion before it forgets the opportunity.
    link.await(
        () -> gauge("prompt", OPEN_OPPORTUNITY_ACCOUNTS),
        n -> n == 0,
        n -> "prompt-service still knows " + n + " accounts with an open opportunity");
    GetExperimentResultsResponse results =
        link.call(
            () ->
                prompts()
                    .getExperimentResults(
                        GetExperimentResultsRequest.newBuilder()
                            .setExperimentId(experimentId)
                            .build()));
    ArmSummary arm =
        arm(results, variant)
            .orElseThrow(() -> link.fail("no arm " + variant + ": " + results.getResults()));
    long revenue = Offers.PURCHASE_MINOR + (attributed ? WON_MINOR : 0);
    link.check(
        arm.getUnits() == 1 && arm.getConversions() == 1 && arm.getRevenuePerUnit() == revenue,
        "the closed won is "
            + (attributed ? "" : "not ")
            + "within the attribution window after the exposure, so one converted unit with "
            + revenue
            + " cents expected: "
            + arm);
  }

  private void link15BusinessMeasuresCountTheExpansion(
      Instant start, Period period, Score fired, Instant wonAt) {
    Link link =
        new Link(15, "GetBusinessMeasures counts the expansion (gRPC and GET /v1/measures)");
    // The customer bought Business: the host reports the new plan and its ARR.
    link.call(
        () -> {
          Host.upgradeToBusiness(signal(), ACCOUNT, start, Instant.now());
          return null;
        });
    long upgrade =
        Host.annualMinor(Host.BUSINESS_SEAT_MINOR) - Host.annualMinor(Host.TEAM_SEAT_MINOR);
    GetBusinessMeasuresRequest request =
        GetBusinessMeasuresRequest.newBuilder()
            .setFrom(Host.timestamp(period.from()))
            .setTo(Host.timestamp(period.to()))
            .build();
    GetBusinessMeasuresResponse measures =
        link.await(
            () -> scoring().getBusinessMeasures(request),
            m -> usd(m).getUpgradeCount() == 1,
            m -> "expansion revenue " + m.getExpansionRevenueList());
    ExpansionRevenue usd = usd(measures);
    link.check(
        usd.getUpgrades().getMinorUnits() == upgrade
            && usd.getNetExpansion().getMinorUnits() == upgrade
            && usd.getCrossSellCount() + usd.getDowngradeCount() + usd.getChurnCount() == 0,
        "Team to Business for " + Host.SEATS + " seats adds " + upgrade + " cents of ARR: " + usd);

    // Both signals of link 4 fired in the period with the score of link 5 and converted.
    checkConverted(link, measures, MeasureDimension.MEASURE_DIMENSION_ALL, r -> true, 2);
    checkConverted(
        link,
        measures,
        MeasureDimension.MEASURE_DIMENSION_SIGNAL_TYPE,
        r -> r.getSignalType() == SignalType.SIGNAL_TYPE_PREMIUM_FEATURE_DEMAND,
        1);
    checkConverted(
        link,
        measures,
        MeasureDimension.MEASURE_DIMENSION_BAND,
        r -> r.getBand() == fired.getBand(),
        2);
    checkConverted(
        link,
        measures,
        MeasureDimension.MEASURE_DIMENSION_MOTION,
        r -> r.getMotion() == fired.getMotion(),
        2);

    // The first signal is SEAT_UTILIZATION_HIGH, sustained from the day the seats filled.
    Instant firstSignal = start.minus(Host.USERS_ADDED_BEFORE).plus(SUSTAINED);
    double days =
        Duration.between(firstSignal, wonAt).toNanos() / (double) Duration.ofDays(1).toNanos();
    TimeToExpansion time = measures.getTimeToExpansion();
    link.check(
        time.getExpansions() == 1
            && time.getExpansionsWithoutSignal() == 0
            && Math.abs(time.getMedianDays() - days) < 1e-6,
        "one expansion " + days + " days after its first signal expected: " + time);

    GetBusinessMeasuresResponse json =
        json(
                link,
                "scoring",
                "/v1/measures?" + period.query(),
                GetBusinessMeasuresResponse.newBuilder())
            .build();
    link.check(json.equals(measures), "GET /v1/measures differs from gRPC: " + json);
  }

  private static ExpansionRevenue usd(GetBusinessMeasuresResponse measures) {
    return measures.getExpansionRevenueList().stream()
        .filter(e -> e.getCurrencyCode().equals(Host.USD))
        .findFirst()
        .orElse(ExpansionRevenue.getDefaultInstance());
  }

  /**
   * The one conversion row of {@code dimension} that {@code which} picks: all signals converted.
   */
  private static void checkConverted(
      Link link,
      GetBusinessMeasuresResponse measures,
      MeasureDimension dimension,
      Predicate<SignalConversion> which,
      long signals) {
    List<SignalConversion> rows =
        measures.getConversionList().stream()
            .filter(r -> r.getDimension() == dimension && which.test(r))
            .toList();
    link.check(
        rows.size() == 1
            && rows.get(0).getSignals() == signals
            && rows.get(0).getConverted() == signals,
        dimension + ": " + signals + " of " + signals + " signals converted expected: " + rows);
  }

  private void link16PromptFunnelCountsTheScenario(
      Period period, Offers.Launched campaign, String variant, boolean closedWonAttributed) {
    Link link = new Link(16, "GetPromptFunnel counts the prompt (gRPC and GET /v1/prompt-funnel)");
    GetPromptFunnelResponse funnel =
        link.call(
            () ->
                prompts()
                    .getPromptFunnel(
                        GetPromptFunnelRequest.newBuilder()
                            .setFrom(Host.timestamp(period.from()))
                            .setTo(Host.timestamp(period.to()))
                            .setCampaignId(campaign.campaignId())
                            .build()));
    // One exposure (link 7), its SHOWN, CLICKED and CONVERTED (link 8), no dismissal, and the
    // closed won when it is attributed to the exposure (link 14): all from the owner.
    long conversions = closedWonAttributed ? 2 : 1;
    PromptFunnelRow expected =
        PromptFunnelRow.newBuilder()
            .setCampaignId(campaign.campaignId())
            .setExperimentId(campaign.experimentId())
            .setVariantKey(variant)
            .setExposed(stage(1, 1))
            .setShown(stage(1, 1))
            .setClicked(stage(1, 1))
            .setDismissed(stage(0, 0))
            .setConverted(stage(conversions, 1))
            .addRevenue(Host.money(Offers.PURCHASE_MINOR + (closedWonAttributed ? WON_MINOR : 0)))
            .build();
    link.check(
        funnel.getRowsList().equals(List.of(expected)),
        "expected the one row " + expected + " got " + funnel.getRowsList());
    GetPromptFunnelResponse json =
        json(
                link,
                "prompt",
                "/v1/prompt-funnel?" + period.query() + "&campaign_id=" + campaign.campaignId(),
                GetPromptFunnelResponse.newBuilder())
            .build();
    link.check(json.equals(funnel), "GET /v1/prompt-funnel differs from gRPC: " + json);
  }

  private static FunnelStage stage(long events, long users) {
    return FunnelStage.newBuilder().setEvents(events).setUsers(users).build();
  }
}
