package dev.headroom.prompt.api;

import static dev.headroom.prompt.testing.PromptFixtures.featureGate;
import static dev.headroom.prompt.testing.PromptFixtures.score;
import static dev.headroom.prompt.testing.PromptFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.headroom.api.common.v1.ErrorReason;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.common.v1.UserRole;
import dev.headroom.api.prompt.v1.ArmAggregate;
import dev.headroom.api.prompt.v1.Audience;
import dev.headroom.api.prompt.v1.Campaign;
import dev.headroom.api.prompt.v1.CampaignStatus;
import dev.headroom.api.prompt.v1.CreateCampaignRequest;
import dev.headroom.api.prompt.v1.CreateExperimentRequest;
import dev.headroom.api.prompt.v1.Experiment;
import dev.headroom.api.prompt.v1.ExperimentAggregates;
import dev.headroom.api.prompt.v1.ExperimentStatus;
import dev.headroom.api.prompt.v1.GetCampaignRequest;
import dev.headroom.api.prompt.v1.GetExperimentAggregatesRequest;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.ListCampaignsRequest;
import dev.headroom.api.prompt.v1.ListCampaignsResponse;
import dev.headroom.api.prompt.v1.NoPromptReason;
import dev.headroom.api.prompt.v1.Prompt;
import dev.headroom.api.prompt.v1.PromptEvent;
import dev.headroom.api.prompt.v1.PromptEventKind;
import dev.headroom.api.prompt.v1.PromptEventResult;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.api.prompt.v1.ReportPromptEventsRequest;
import dev.headroom.api.prompt.v1.StartExperimentRequest;
import dev.headroom.api.prompt.v1.StopExperimentRequest;
import dev.headroom.api.prompt.v1.Surface;
import dev.headroom.api.prompt.v1.TriggerType;
import dev.headroom.api.prompt.v1.UpdateCampaignRequest;
import dev.headroom.api.prompt.v1.UpdateExperimentRequest;
import dev.headroom.api.prompt.v1.Variant;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.prompt.app.PromptApp;
import dev.headroom.prompt.testing.FakeUpstreams;
import dev.headroom.prompt.testing.PromptFixtures;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The PromptService API over in-process gRPC on a real PostgreSQL, with the context fed by scripted
 * signal- and scoring-service streams. Tests share one service and keep apart by their own
 * accounts, users and campaigns; decisions carry their instant in request_time.
 */
class PromptApiTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @SuppressWarnings("TimeInStaticInitializer")
  static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  static FakeUpstreams upstreams;
  static PromptApp app;
  static ManagedChannel channel;
  static PromptServiceGrpc.PromptServiceBlockingStub stub;

  @BeforeAll
  static void start() throws Exception {
    upstreams = new FakeUpstreams(PromptFixtures.catalog());
    String name = "prompt-" + UUID.randomUUID();
    app =
        PromptApp.start(
            PromptFixtures.config(PG.database(), upstreams.peer()), Clock.systemUTC(), name, false);
    channel = InProcessChannelBuilder.forName(name).build();
    stub = PromptServiceGrpc.newBlockingStub(channel);
    Await.until("context rebuilt", () -> app.context().rebuilt());
    Await.until("catalog read", () -> app.context().catalog().feature("sso").isPresent());
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    app.close();
    upstreams.close();
  }

  static void account(String accountId, RecommendedMotion motion) {
    upstreams.publish(snapshot(accountId), ChangeKind.CHANGE_KIND_METRICS);
    upstreams.publish(score(accountId, motion));
    Await.until(
        "context of " + accountId,
        () ->
            app.context()
                .account(accountId)
                .map(a -> a.usage() != null && a.score().isPresent())
                .orElse(false));
  }

  static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  static GetPromptResponse ask(String account, String user, String feature, Instant at) {
    return ask(account, user, feature, at, UserRole.USER_ROLE_OWNER, "");
  }

  static GetPromptResponse ask(
      String account, String user, String feature, Instant at, UserRole role, String locale) {
    return stub.getPrompt(
        GetPromptRequest.newBuilder()
            .setAccountId(account)
            .setUserId(user)
            .setFeatureKey(feature)
            .setSurface(Surface.SURFACE_FEATURE_USE)
            .setUserRole(role)
            .setLocale(locale)
            .setRequestTime(ts(at))
            .build());
  }

  static Campaign create(Campaign.Builder c) {
    return stub.createCampaign(CreateCampaignRequest.newBuilder().setCampaign(c).build())
        .getCampaign();
  }

  static Map<String, String> violations(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Any d : status.getDetailsList()) {
      if (d.is(BadRequest.class)) {
        try {
          d.unpack(BadRequest.class)
              .getFieldViolationsList()
              .forEach(v -> out.put(v.getField(), v.getDescription()));
        } catch (InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    return out;
  }

  static String reason(StatusRuntimeException e) throws InvalidProtocolBufferException {
    for (Any d : StatusProto.fromThrowable(e).getDetailsList()) {
      if (d.is(ErrorInfo.class)) {
        return d.unpack(ErrorInfo.class).getReason();
      }
    }
    return "";
  }

  static StatusRuntimeException fails(Status.Code code, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    return e;
  }

  // --- GetPrompt through the whole path ---

  @Test
  void aUserTouchingALockedFeatureGetsTheRenderedOffer() {
    account("render-1", RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE);
    create(featureGate("render-gate", "render").setPriority(1000));
    GetPromptResponse r = ask("render-1", "owner", "render", T);
    Prompt p = r.getPrompt();
    assertEquals(r.getDecisionId(), p.getDecisionId());
    assertEquals(Audience.AUDIENCE_BUYER, p.getAudience());
    assertEquals("en", p.getLocale(), "en-US falls back to en");
    assertEquals("en: Unlock Feature render with Enterprise", p.getTitle());
    assertEquals("en: You're at 95% capacity", p.getBody());
    assertEquals("https://host.example/buy?a=render-1&p=enterprise", p.getCtaUrl());
    assertEquals("pro", p.getCurrentPlan().getPlanKey());
    assertEquals(22_500, p.getCurrentPlan().getMonthlyPrice().getMinorUnits());
    assertEquals("enterprise", p.getTargetPlan().getPlanKey());
    assertEquals(
        List.of("audit_log", "render"),
        p.getHighlightedFeatureKeysList(),
        "attempted before and touched now, both unlocked by the target");
    assertEquals(20, p.getPrefilledSeats());
    assertEquals(10, p.getDiscountPercent());
    assertTrue(p.getAnnualBilling());
    assertEquals(TriggerType.TRIGGER_TYPE_FEATURE_GATE, p.getTrigger());

    Prompt member =
        ask("render-1", "member", "render", T, UserRole.USER_ROLE_MEMBER, "de-AT").getPrompt();
    assertEquals(Audience.AUDIENCE_MEMBER, member.getAudience());
    assertEquals("de", member.getLocale());
    assertEquals("de: Ask your admin", member.getBody());
    assertEquals("", member.getCtaUrl());
  }

  @Test
  void unknownAccountsAndFeaturesAnswerNoPromptWithAReasonAndMissingFieldsAreInvalid() {
    GetPromptResponse unknown = ask("nobody-" + UUID.randomUUID(), "u", "audit_log", T);
    assertFalse(unknown.hasPrompt());
    assertEquals(NoPromptReason.NO_PROMPT_REASON_UNKNOWN_ACCOUNT, unknown.getNoPromptReason());
    assertFalse(unknown.getDecisionId().isEmpty());

    account("unknowns-1", RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE);
    assertEquals(
        NoPromptReason.NO_PROMPT_REASON_UNKNOWN_FEATURE,
        ask("unknowns-1", "u", "teleport", T).getNoPromptReason());

    StatusRuntimeException e =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () -> stub.getPrompt(GetPromptRequest.newBuilder().setAccountId("a").build()));
    assertEquals(List.of("user_id", "surface"), List.copyOf(violations(e).keySet()));
  }

  @Test
  void malformedIdsAndTimesAreInvalidArgumentsNeverInternal() {
    GetPromptRequest ok =
        GetPromptRequest.newBuilder()
            .setAccountId("a")
            .setUserId("u")
            .setSurface(Surface.SURFACE_HOME)
            .build();
    Map<GetPromptRequest, String> bad =
        Map.of(
            ok.toBuilder().setUserId("u\u0000").build(),
            "user_id",
            ok.toBuilder().setAccountId("a".repeat(129)).build(),
            "account_id",
            ok.toBuilder().setFeatureKey("f\n").build(),
            "feature_key",
            ok.toBuilder()
                .setRequestTime(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
                .build(),
            "request_time",
            ok.toBuilder().setRequestTime(Timestamp.newBuilder().setNanos(-1)).build(),
            "request_time");
    bad.forEach(
        (request, field) ->
            assertEquals(
                List.of(field),
                List.copyOf(
                    violations(fails(Status.Code.INVALID_ARGUMENT, () -> stub.getPrompt(request)))
                        .keySet())));
    // Surrounding spaces are allowed by the kit's identifier rule, as in every service: such an id
    // is just not a known account.
    assertEquals(
        NoPromptReason.NO_PROMPT_REASON_UNKNOWN_ACCOUNT,
        stub.getPrompt(ok.toBuilder().setAccountId(" a").build()).getNoPromptReason());

    List<PromptEventResult> results =
        report(
            event("bad\u0000id", PromptEventKind.PROMPT_EVENT_KIND_SHOWN, T).setDecisionId("d"),
            event("bad-time", PromptEventKind.PROMPT_EVENT_KIND_SHOWN, T)
                .setDecisionId("d")
                .setOccurredAt(Timestamp.newBuilder().setSeconds(-70_000_000_000L)),
            event("bad-user", PromptEventKind.PROMPT_EVENT_KIND_CONVERTED, T)
                .setAccountId("a")
                .setUserId("\u0007")
                .setRevenue(PromptFixtures.usd(1)),
            event("bad-kind", PromptEventKind.PROMPT_EVENT_KIND_UNSPECIFIED, T).setDecisionId("d"),
            event("no-revenue", PromptEventKind.PROMPT_EVENT_KIND_CONVERTED, T).setAccountId("a"));
    assertEquals(
        List.of("event_id", "occurred_at", "user_id", "kind", "revenue.currency_code"),
        results.stream().map(r -> r.getError().getField()).toList());
    assertTrue(results.stream().noneMatch(PromptEventResult::getAccepted));
  }

  @Test
  void aFieldSalesAccountFromWatchScoresGetsNoSelfServeOffer() {
    account("sales-1", RecommendedMotion.RECOMMENDED_MOTION_FIELD_SALES);
    create(featureGate("sales-gate", "sales"));
    assertEquals(
        NoPromptReason.NO_PROMPT_REASON_SALES_OWNED,
        ask("sales-1", "u", "sales", T).getNoPromptReason());
  }

  @Test
  void aDismissalReportedWithItsDecisionStartsTheCooldown() {
    account("dismiss-1", RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE);
    create(featureGate("dismiss-gate", "dismiss"));
    String decision = ask("dismiss-1", "u", "dismiss", T).getPrompt().getDecisionId();
    PromptEventResult r =
        stub.reportPromptEvents(
                ReportPromptEventsRequest.newBuilder()
                    .addEvents(
                        PromptEvent.newBuilder()
                            .setEventId("dismiss-1-e1")
                            .setDecisionId(decision)
                            .setKind(PromptEventKind.PROMPT_EVENT_KIND_DISMISSED)
                            .setOccurredAt(ts(T.plusSeconds(5))))
                    .build())
            .getResults(0);
    assertTrue(r.getAccepted());
    assertEquals(
        NoPromptReason.NO_PROMPT_REASON_COOLDOWN,
        ask("dismiss-1", "u", "dismiss", T.plus(Duration.ofDays(10))).getNoPromptReason());
    assertTrue(ask("dismiss-1", "u", "dismiss", T.plus(Duration.ofDays(15))).hasPrompt());
  }

  // --- Campaign administration ---

  @Test
  void campaignsAreVersionedAndChangesTakeEffectWithoutARestart() {
    account("crud-1", RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE);
    Campaign created = create(featureGate("crud-gate", "crud").setPriority(2000));
    assertEquals(1, created.getVersion());
    assertEquals(
        created,
        stub.getCampaign(GetCampaignRequest.newBuilder().setCampaignId("crud-gate").build())
            .getCampaign());
    assertEquals("crud-gate", ask("crud-1", "u1", "crud", T).getPrompt().getCampaignId());

    fails(
        Status.Code.FAILED_PRECONDITION,
        () ->
            stub.updateCampaign(
                UpdateCampaignRequest.newBuilder()
                    .setCampaign(
                        created.toBuilder().setStatus(CampaignStatus.CAMPAIGN_STATUS_PAUSED))
                    .setExpectedVersion(7)
                    .build()));
    Campaign paused =
        stub.updateCampaign(
                UpdateCampaignRequest.newBuilder()
                    .setCampaign(
                        created.toBuilder().setStatus(CampaignStatus.CAMPAIGN_STATUS_PAUSED))
                    .setExpectedVersion(1)
                    .build())
            .getCampaign();
    assertEquals(2, paused.getVersion());
    assertEquals(created.getCreatedAt(), paused.getCreatedAt());
    assertEquals(
        NoPromptReason.NO_PROMPT_REASON_NO_MATCHING_CAMPAIGN,
        ask("crud-1", "u2", "crud", T).getNoPromptReason(),
        "a paused campaign shows no more prompts");

    fails(
        Status.Code.NOT_FOUND,
        () -> stub.getCampaign(GetCampaignRequest.newBuilder().setCampaignId("no-such").build()));
  }

  @Test
  void aRetriedCreateWithTheSameRequestIdReturnsTheFirstCampaign() {
    CreateCampaignRequest request =
        CreateCampaignRequest.newBuilder()
            .setCampaign(
                featureGate("", "crud")
                    .setName("retried")
                    .setStatus(CampaignStatus.CAMPAIGN_STATUS_DRAFT))
            .setRequestId("req-" + UUID.randomUUID())
            .build();
    Campaign first = stub.createCampaign(request).getCampaign();
    assertTrue(first.getCampaignId().startsWith("c-"));
    assertEquals(first, stub.createCampaign(request).getCampaign());
    fails(
        Status.Code.ALREADY_EXISTS,
        () ->
            stub.createCampaign(
                request.toBuilder()
                    .setCampaign(request.getCampaign().toBuilder().setName("other"))
                    .build()));
    fails(Status.Code.ALREADY_EXISTS, () -> create(featureGate(first.getCampaignId(), "crud")));
  }

  @Test
  void campaignsArePagedInIdOrder() {
    for (int i = 0; i < 3; i++) {
      create(featureGate("page-" + i, "crud").setStatus(CampaignStatus.CAMPAIGN_STATUS_DRAFT));
    }
    List<String> ids = new ArrayList<>();
    String token = "";
    do {
      ListCampaignsResponse page =
          stub.listCampaigns(
              ListCampaignsRequest.newBuilder().setPageSize(2).setPageToken(token).build());
      page.getCampaignsList().forEach(c -> ids.add(c.getCampaignId()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    assertTrue(ids.containsAll(List.of("page-0", "page-1", "page-2")));
    assertEquals(ids.stream().sorted().toList(), ids);
    fails(
        Status.Code.INVALID_ARGUMENT,
        () -> stub.listCampaigns(ListCampaignsRequest.newBuilder().setPageToken("forged").build()));
  }

  @Test
  void badCampaignsAreRejectedNamingEveryField() {
    Campaign.Builder bad =
        featureGate("bad", "crud")
            .clearSurfaces()
            .setName("")
            .putCopy(
                "en", PromptFixtures.copy("en:").toBuilder().setBody("{seats_left} left").build())
            .putCopy("not a tag!", PromptFixtures.copy(""))
            .setDefaultLocale("fr")
            .setTrigger(
                dev.headroom.api.prompt.v1.Trigger.newBuilder()
                    .setType(TriggerType.TRIGGER_TYPE_SEAT_LIMIT)
                    .setThreshold("lots"))
            .setOffer(
                dev.headroom.api.prompt.v1.Offer.newBuilder()
                    .setDiscountPercent(120)
                    .setCtaUrlTemplate("https://host.example/buy?u={user}"))
            .setFrequencyCap(
                dev.headroom.api.prompt.v1.FrequencyCap.newBuilder().setMaxImpressions(2));
    StatusRuntimeException e = fails(Status.Code.INVALID_ARGUMENT, () -> create(bad));
    Map<String, String> v = violations(e);
    assertEquals(
        List.of(
            "campaign.name",
            "campaign.trigger.threshold",
            "campaign.surfaces",
            "campaign.copy[en].body",
            "campaign.copy[not a tag!]",
            "campaign.default_locale",
            "campaign.copy",
            "campaign.offer.discount_percent",
            "campaign.offer.cta_url_template",
            "campaign.frequency_cap.per"),
        List.copyOf(v.keySet()));
    assertTrue(v.get("campaign.copy[en].body").contains("{seats_left}"));
    assertTrue(v.get("campaign.offer.cta_url_template").contains("{user}"));
  }

  @Test
  void theKitsValidationExplainsWhatIsWrongWithAValue() {
    Campaign.Builder hugeThreshold =
        featureGate("clear-1", "crud")
            .setTrigger(
                dev.headroom.api.prompt.v1.Trigger.newBuilder()
                    .setType(TriggerType.TRIGGER_TYPE_SEAT_LIMIT)
                    .setThreshold("1e999999999"))
            .putCopy("en", PromptFixtures.copy("en:").toBuilder().setTitle("a\u0000b").build());
    Map<String, String> v =
        violations(fails(Status.Code.INVALID_ARGUMENT, () -> create(hugeThreshold)));
    assertEquals(
        List.of("campaign.trigger.threshold", "campaign.copy[en].title"), List.copyOf(v.keySet()));
    assertTrue(v.get("campaign.trigger.threshold").contains("exponent"), v.toString());
    assertTrue(v.get("campaign.copy[en].title").contains("NUL"), v.toString());

    Map<String, String> time =
        violations(
            fails(
                Status.Code.INVALID_ARGUMENT,
                () ->
                    stub.getPrompt(
                        GetPromptRequest.newBuilder()
                            .setAccountId("a")
                            .setUserId("u")
                            .setSurface(Surface.SURFACE_FEATURE_USE)
                            .setRequestTime(Timestamp.newBuilder().setSeconds(1).setNanos(-1))
                            .build())));
    assertEquals("nanos must be within 0..999999999, got -1", time.get("request_time"));
  }

  // --- Experiments ---

  static Variant variant(String key, boolean control, int weight) {
    return Variant.newBuilder().setVariantKey(key).setControl(control).setWeight(weight).build();
  }

  static Experiment.Builder experiment(String id, String campaign) {
    return Experiment.newBuilder()
        .setExperimentId(id)
        .setCampaignId(campaign)
        .setName("exp " + id)
        .addVariants(variant("control", true, 1))
        .addVariants(variant("treatment", false, 1));
  }

  @Test
  void badExperimentsAreRejectedNamingTheField() {
    create(featureGate("xbad-gate", "life").setStatus(CampaignStatus.CAMPAIGN_STATUS_DRAFT));
    StatusRuntimeException e =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.createExperiment(
                    CreateExperimentRequest.newBuilder()
                        .setExperiment(
                            experiment("xbad", "xbad-gate")
                                .setVariants(
                                    0,
                                    variant("control", true, 1).toBuilder().setDiscountPercent(101))
                                .setVariants(1, variant("treatment", true, 0))
                                .setHoldoutBasisPoints(10_000))
                        .build()));
    assertEquals(
        List.of(
            "experiment.variants[0].discount_percent",
            "experiment.variants[1].weight",
            "experiment.variants",
            "experiment.holdout_basis_points"),
        List.copyOf(violations(e).keySet()));
    fails(
        Status.Code.NOT_FOUND,
        () ->
            stub.createExperiment(
                CreateExperimentRequest.newBuilder()
                    .setExperiment(experiment("xnone", "no-such-campaign"))
                    .build()));
  }

  @Test
  void onlyADraftChangesAndAStoppedExperimentServesTheChosenVariant() throws Exception {
    account("life-1", RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE);
    create(featureGate("life-gate", "life").setPriority(3000));
    Experiment draft =
        stub.createExperiment(
                CreateExperimentRequest.newBuilder()
                    .setExperiment(experiment("life-x", "life-gate"))
                    .build())
            .getExperiment();
    assertEquals(ExperimentStatus.EXPERIMENT_STATUS_DRAFT, draft.getStatus());
    assertEquals("life-x", draft.getSalt(), "the salt defaults to the experiment id");
    Experiment edited =
        stub.updateExperiment(
                UpdateExperimentRequest.newBuilder()
                    .setExperiment(draft.toBuilder().setHoldoutBasisPoints(500))
                    .build())
            .getExperiment();
    assertEquals(500, edited.getHoldoutBasisPoints());

    Experiment running =
        stub.startExperiment(StartExperimentRequest.newBuilder().setExperimentId("life-x").build())
            .getExperiment();
    assertEquals(ExperimentStatus.EXPERIMENT_STATUS_RUNNING, running.getStatus());
    StatusRuntimeException notDraft =
        fails(
            Status.Code.FAILED_PRECONDITION,
            () ->
                stub.updateExperiment(
                    UpdateExperimentRequest.newBuilder().setExperiment(running).build()));
    assertEquals("FAILED_PRECONDITION", reason(notDraft));
    fails(
        Status.Code.FAILED_PRECONDITION,
        () ->
            stub.createExperiment(
                CreateExperimentRequest.newBuilder()
                    .setExperiment(experiment("life-y", "life-gate"))
                    .build()));

    GetPromptResponse during = ask("life-1", "u1", "life", T);
    if (during.hasPrompt()) {
      assertEquals("life-x", during.getPrompt().getExperimentId());
    } else {
      assertEquals(NoPromptReason.NO_PROMPT_REASON_HOLDOUT, during.getNoPromptReason());
    }

    StatusRuntimeException badKey =
        fails(
            Status.Code.INVALID_ARGUMENT,
            () ->
                stub.stopExperiment(
                    StopExperimentRequest.newBuilder()
                        .setExperimentId("life-x")
                        .setServeVariantKey("nope")
                        .build()));
    assertEquals(List.of("serve_variant_key"), List.copyOf(violations(badKey).keySet()));
    Experiment stopped =
        stub.stopExperiment(
                StopExperimentRequest.newBuilder()
                    .setExperimentId("life-x")
                    .setServeVariantKey("treatment")
                    .build())
            .getExperiment();
    assertEquals(ExperimentStatus.EXPERIMENT_STATUS_STOPPED, stopped.getStatus());
    assertTrue(stopped.hasStoppedAt());
    Prompt after = ask("life-1", "u2", "life", T).getPrompt();
    assertEquals("treatment", after.getVariantKey());
    assertEquals(
        10, after.getDiscountPercent(), "a variant without a discount keeps the campaign's");
    assertEquals("", after.getExperimentId());
  }

  // --- Events and aggregates ---

  static PromptEvent.Builder event(String id, PromptEventKind kind, Instant at) {
    return PromptEvent.newBuilder().setEventId(id).setKind(kind).setOccurredAt(ts(at));
  }

  static PromptEvent.Builder conversion(String id, Instant at, long revenue) {
    return event(id, PromptEventKind.PROMPT_EVENT_KIND_CONVERTED, at)
        .setRevenue(PromptFixtures.usd(revenue));
  }

  static List<PromptEventResult> report(PromptEvent.Builder... events) {
    ReportPromptEventsRequest.Builder r = ReportPromptEventsRequest.newBuilder();
    for (PromptEvent.Builder e : events) {
      r.addEvents(e);
    }
    return stub.reportPromptEvents(r.build()).getResultsList();
  }

  @Test
  void eventsAreIdempotentByIdAndValidatedOneByOne() {
    PromptEvent.Builder e =
        event("idem-1", PromptEventKind.PROMPT_EVENT_KIND_SHOWN, T).setDecisionId("d-x");
    List<PromptEventResult> results =
        report(
            e,
            e,
            e.clone().setOccurredAt(ts(T.plusSeconds(1))),
            event("", PromptEventKind.PROMPT_EVENT_KIND_CLICKED, T).setDecisionId("d-x"),
            conversion("idem-2", T, -5).setAccountId("a"));
    assertTrue(results.get(0).getAccepted() && !results.get(0).getDuplicate());
    assertTrue(results.get(1).getAccepted() && results.get(1).getDuplicate());
    assertEquals(ErrorReason.ERROR_REASON_ALREADY_EXISTS, results.get(2).getError().getReason());
    assertEquals("event_id", results.get(3).getError().getField());
    assertEquals("revenue.minor_units", results.get(4).getError().getField());

    ReportPromptEventsRequest.Builder tooMany = ReportPromptEventsRequest.newBuilder();
    for (int i = 0; i < 501; i++) {
      tooMany.addEvents(e);
    }
    StatusRuntimeException big =
        fails(Status.Code.INVALID_ARGUMENT, () -> stub.reportPromptEvents(tooMany.build()));
    assertEquals(List.of("events"), List.copyOf(violations(big).keySet()));
  }

  @Test
  void aggregatesCountUnitsConversionsInTheWindowRevenueAndDismissalsPerArm() throws Exception {
    create(featureGate("agg-gate", "agg").setPriority(4000));
    stub.createExperiment(
        CreateExperimentRequest.newBuilder()
            .setExperiment(
                experiment("agg-x", "agg-gate")
                    .setAttributionWindow(
                        com.google.protobuf.Duration.newBuilder().setSeconds(14 * 86_400)))
            .build());
    stub.startExperiment(StartExperimentRequest.newBuilder().setExperimentId("agg-x").build());
    Map<String, String> decisionOf = new java.util.HashMap<>();
    Map<String, String> variantOf = new java.util.HashMap<>();
    for (int i = 0; i < 6; i++) {
      String acct = "agg-" + i;
      account(acct, RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE);
      Prompt p = ask(acct, "u", "agg", T).getPrompt();
      decisionOf.put(acct, p.getDecisionId());
      variantOf.put(acct, p.getVariantKey());
    }
    app.exposures().awaitWritten();
    Instant window = T.plus(Duration.ofDays(14));
    report(
        // agg-0: two conversions by decision, both in the window: one unit, 1,000 + 500.
        conversion("agg-c0a", T.plusSeconds(60), 1000).setDecisionId(decisionOf.get("agg-0")),
        conversion("agg-c0b", T.plus(Duration.ofDays(3)), 500)
            .setDecisionId(decisionOf.get("agg-0")),
        // agg-1: no decision id, attributed by account, on the window's last second.
        conversion("agg-c1", window.minusSeconds(1), 2000).setAccountId("agg-1"),
        // agg-2: exactly 14 days after its exposure: outside.
        conversion("agg-c2", window, 9000).setAccountId("agg-2"),
        // agg-3: before its exposure: outside.
        conversion("agg-c3", T.minusSeconds(1), 9000).setAccountId("agg-3"),
        // agg-4 dismissed.
        event("agg-d4", PromptEventKind.PROMPT_EVENT_KIND_DISMISSED, T.plusSeconds(3))
            .setDecisionId(decisionOf.get("agg-4")));

    ExperimentAggregates agg =
        stub.getExperimentAggregates(
                GetExperimentAggregatesRequest.newBuilder().setExperimentId("agg-x").build())
            .getAggregates();
    Map<String, ArmAggregate> totals =
        agg.getArmsList().stream()
            .filter(a -> a.getSurface() == Surface.SURFACE_UNSPECIFIED)
            .collect(Collectors.toMap(ArmAggregate::getVariantKey, Function.identity()));
    assertEquals(2, totals.size());
    assertTrue(totals.get("control").getControl());
    assertEquals(0.5, totals.get("control").getIntendedWeight(), 1e-12);
    Map<String, long[]> expected = new java.util.HashMap<>();
    expected.put("control", new long[5]);
    expected.put("treatment", new long[5]);
    // units, converted, revenue, revenue², dismissed
    long[][] perAccount = {
      {1, 1, 1500, 1500L * 1500, 0}, {1, 1, 2000, 2000L * 2000, 0}, {1, 0, 0, 0, 0},
      {1, 0, 0, 0, 0}, {1, 0, 0, 0, 1}, {1, 0, 0, 0, 0}
    };
    for (int i = 0; i < 6; i++) {
      long[] sums = expected.get(variantOf.get("agg-" + i));
      for (int k = 0; k < 5; k++) {
        sums[k] += perAccount[i][k];
      }
    }
    for (String arm : List.of("control", "treatment")) {
      ArmAggregate a = totals.get(arm);
      long[] e = expected.get(arm);
      assertEquals(e[0], a.getUnits(), arm + " units");
      assertEquals(e[1], a.getConvertedUnits(), arm + " converted");
      assertEquals(e[2], a.getRevenueSum(), arm + " revenue");
      assertEquals((double) e[3], a.getRevenueSumOfSquares(), 1e-6, arm + " revenue²");
      assertEquals(e[4], a.getDismissedUnits(), arm + " dismissed");
    }
    List<ArmAggregate> bySurface =
        agg.getArmsList().stream()
            .filter(a -> a.getSurface() == Surface.SURFACE_FEATURE_USE)
            .toList();
    assertEquals(
        6, bySurface.stream().mapToLong(ArmAggregate::getUnits).sum(), "every unit on FEATURE_USE");
    assertEquals("USD", agg.getCurrencyCode());
    assertEquals(14 * 86_400, agg.getAttributionWindow().getSeconds());
  }
}
