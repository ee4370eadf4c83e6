package dev.headroom.signal.service;

import static dev.headroom.signal.service.SignalTestSupport.event;
import static dev.headroom.signal.service.SignalTestSupport.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.headroom.api.common.v1.SignalStatus;
import dev.headroom.api.common.v1.SignalType;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.Catalog;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.EvaluateSignalsRequest;
import dev.headroom.api.signal.v1.EventOutcome;
import dev.headroom.api.signal.v1.EventResult;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.GetAccountRequest;
import dev.headroom.api.signal.v1.GetAccountResponse;
import dev.headroom.api.signal.v1.GetCatalogRequest;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.IngestEventsResponse;
import dev.headroom.api.signal.v1.ListAccountSignalsRequest;
import dev.headroom.api.signal.v1.ListAccountsRequest;
import dev.headroom.api.signal.v1.ListAccountsResponse;
import dev.headroom.api.signal.v1.ListSignalRulesRequest;
import dev.headroom.api.signal.v1.ListUsersRequest;
import dev.headroom.api.signal.v1.ListUsersResponse;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutFeatureRequest;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutUserRequest;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.api.signal.v1.SignalRule;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.StreamEventsRequest;
import dev.headroom.api.signal.v1.StreamEventsResponse;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UpdateSignalRuleRequest;
import dev.headroom.api.signal.v1.UsageEvent;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.api.signal.v1.User;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import dev.headroom.kit.testing.PostgresExtension;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The signal service through its gRPC (and HTTP) API on a real PostgreSQL. */
class SignalServiceTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static SignalTestSupport svc;
  static SignalServiceGrpc.SignalServiceBlockingStub stub;

  // One "now" for the whole class: the services under test run on a clock fixed at it.
  @SuppressWarnings("TimeInStaticInitializer")
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @BeforeAll
  static void start() {
    svc = SignalTestSupport.start(PG.database());
    stub = svc.stub;
    svc.seedCatalog();
  }

  @AfterAll
  static void stop() {
    svc.close();
  }

  private static IngestEventsResponse ingest(UsageEvent.Builder... events) {
    IngestEventsRequest.Builder b = IngestEventsRequest.newBuilder();
    for (UsageEvent.Builder e : events) {
      b.addEvents(e);
    }
    return stub.ingestEvents(b.build());
  }

  private static List<BadRequest.FieldViolation> violations(StatusRuntimeException e) {
    com.google.rpc.Status st = StatusProto.fromThrowable(e);
    List<BadRequest.FieldViolation> out = new ArrayList<>();
    for (Any a : st.getDetailsList()) {
      if (a.is(BadRequest.class)) {
        try {
          out.addAll(a.unpack(BadRequest.class).getFieldViolationsList());
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    return out;
  }

  private static String reason(StatusRuntimeException e) {
    for (Any a : StatusProto.fromThrowable(e).getDetailsList()) {
      if (a.is(ErrorInfo.class)) {
        try {
          return a.unpack(ErrorInfo.class).getReason();
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
          throw new AssertionError(ex);
        }
      }
    }
    return "";
  }

  // ---- catalog
  // ------------------------------------------------------------------------------------------

  @Test
  void planWithUnknownFeatureOrNegativePriceIsRejectedWithTheFieldNamed() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.putPlan(
                    PutPlanRequest.newBuilder()
                        .setPlan(
                            SignalTestSupport.plan("team", 1, -5, 0, 3)
                                .addEntitledFeatureKeys("reports")
                                .addEntitledFeatureKeys("sso")
                                .addEntitledFeatureKeys("no_such_feature"))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    List<String> fields = violations(e).stream().map(BadRequest.FieldViolation::getField).toList();
    assertTrue(fields.contains("plan.seat_price_monthly.minor_units"), fields.toString());
    assertTrue(fields.contains("plan.entitled_feature_keys[2]"), fields.toString());

    StatusRuntimeException meter =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.putPlan(
                    PutPlanRequest.newBuilder()
                        .setPlan(
                            SignalTestSupport.plan("team", 1, 100, 0, 3)
                                .putMeterLimits("nope", 10)
                                .setNextPlanKey("ghost"))
                        .build()));
    List<String> f2 = violations(meter).stream().map(BadRequest.FieldViolation::getField).toList();
    assertTrue(
        f2.containsAll(List.of("plan.meter_limits[nope]", "plan.next_plan_key")), f2.toString());

    StatusRuntimeException feature =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.putFeature(
                    PutFeatureRequest.newBuilder()
                        .setFeature(
                            Feature.newBuilder()
                                .setFeatureKey("x")
                                .setProductKey("unknown_product"))
                        .build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, feature.getStatus().getCode());

    Catalog c = stub.getCatalog(GetCatalogRequest.getDefaultInstance()).getCatalog();
    assertFalse(
        c.getPlansList().stream().anyMatch(p -> p.getPlanKey().equals("team")),
        "nothing was stored");
    Feature sso =
        c.getFeaturesList().stream()
            .filter(f -> f.getFeatureKey().equals("sso"))
            .findFirst()
            .orElseThrow();
    assertEquals("pro", sso.getLowestEntitlingPlanKey());
  }

  @Test
  void accountWithUnknownPlanIsRejectedAndListingPagesWithTokens() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.putAccount(
                    PutAccountRequest.newBuilder()
                        .setAccount(
                            Account.newBuilder()
                                .setAccountId("bad-acct")
                                .addSubscriptions(
                                    Subscription.newBuilder()
                                        .setProductKey("core")
                                        .setPlanKey("starter")
                                        .setSeatsPurchased(-1)))
                        .build()));
    List<String> fields = violations(e).stream().map(BadRequest.FieldViolation::getField).toList();
    assertTrue(
        fields.containsAll(
            List.of(
                "account.subscriptions[0].plan_key", "account.subscriptions[0].seats_purchased")),
        fields.toString());

    for (int i = 0; i < 5; i++) {
      svc.putAccount("page-" + i, "pro", 5, NOW.minus(1, ChronoUnit.DAYS));
    }
    List<String> seen = new ArrayList<>();
    String token = "";
    do {
      ListAccountsResponse r =
          stub.listAccounts(
              ListAccountsRequest.newBuilder().setPageSize(2).setPageToken(token).build());
      r.getAccountsList().forEach(a -> seen.add(a.getAccountId()));
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    assertTrue(
        seen.containsAll(List.of("page-0", "page-1", "page-2", "page-3", "page-4")),
        seen.toString());
    assertEquals(seen.stream().sorted().toList(), seen, "keyset order by account id");

    StatusRuntimeException badToken =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.listAccounts(ListAccountsRequest.newBuilder().setPageToken("forged").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, badToken.getStatus().getCode());
  }

  // ---- events
  // -------------------------------------------------------------------------------------------

  @Test
  void duplicatesConflictsAndRejectedIdsAreNotConsumed() {
    Instant at = NOW.minus(1, ChronoUnit.HOURS);
    var first = ingest(event("dup-1", "dup-acct", "u1", at, "USER_ACTIVE", Map.of()));
    assertEquals(EventOutcome.EVENT_OUTCOME_ACCEPTED, first.getResults(0).getOutcome());

    var again = ingest(event("dup-1", "dup-acct", "u1", at, "USER_ACTIVE", Map.of()));
    assertEquals(EventOutcome.EVENT_OUTCOME_DUPLICATE, again.getResults(0).getOutcome());
    assertEquals(1, again.getDuplicateCount());

    var other = ingest(event("dup-1", "dup-acct", "u2", at, "USER_ACTIVE", Map.of()));
    assertEquals(EventOutcome.EVENT_OUTCOME_REJECTED, other.getResults(0).getOutcome());
    assertEquals(6, other.getResults(0).getError().getCode());

    var bad =
        ingest(
            event(
                "dup-2",
                "dup-acct",
                "u1",
                at,
                "METER",
                Map.of("meter_key", "api_calls", "quantity", "12")));
    assertEquals(EventOutcome.EVENT_OUTCOME_REJECTED, bad.getResults(0).getOutcome());
    assertEquals("payload.quantity", bad.getResults(0).getError().getField());
    var good =
        ingest(
            event(
                "dup-2",
                "dup-acct",
                "u1",
                at,
                "METER",
                Map.of("meter_key", "api_calls", "quantity", 12)));
    assertEquals(
        EventOutcome.EVENT_OUTCOME_ACCEPTED,
        good.getResults(0).getOutcome(),
        "a rejected event does not consume its id");

    // Within one batch: the first wins, an identical repeat is a duplicate, a different one a
    // conflict.
    var batch =
        ingest(
            event("dup-3", "dup-acct", "u1", at, "USER_ACTIVE", Map.of()),
            event("dup-3", "dup-acct", "u1", at, "USER_ACTIVE", Map.of()),
            event("dup-3", "dup-acct", "u9", at, "USER_ACTIVE", Map.of()));
    assertEquals(
        List.of(
            EventOutcome.EVENT_OUTCOME_ACCEPTED,
            EventOutcome.EVENT_OUTCOME_DUPLICATE,
            EventOutcome.EVENT_OUTCOME_REJECTED),
        batch.getResultsList().stream().map(EventResult::getOutcome).toList());
  }

  @Test
  void everyBadInputGetsAClearPerEventErrorAndNeighboursAreAccepted() {
    Instant at = NOW.minus(2, ChronoUnit.HOURS);
    String a = "bad-input-acct";
    record Case(UsageEvent.Builder event, String field) {}
    List<Case> cases =
        List.of(
            new Case(event("", a, "u", at, "USER_ACTIVE", Map.of()), "event_id"),
            new Case(event("x".repeat(129), a, "u", at, "USER_ACTIVE", Map.of()), "event_id"),
            new Case(event("b-1", "", "u", at, "USER_ACTIVE", Map.of()), "account_id"),
            new Case(
                event("b-2", a, "u", at, "USER_ACTIVE", Map.of()).clearOccurredAt(), "occurred_at"),
            new Case(
                event("b-3", a, "u", NOW.plus(25, ChronoUnit.HOURS), "USER_ACTIVE", Map.of()),
                "occurred_at"),
            new Case(event("b-4", a, "u", at, "user_active", Map.of()), "kind"),
            new Case(event("b-5", a, "u", at, "SOMETHING", Map.of()), "kind"),
            new Case(event("b-6", a, null, at, "USER_ADDED", Map.of("role", "ADMIN")), "user_id"),
            new Case(
                event("b-7", a, "", at, "FEATURE_USED", Map.of("feature_key", "sso")), "user_id"),
            new Case(
                event("b-8", a, "u", at, "USER_ADDED", Map.of("role", "KING")), "payload.role"),
            new Case(
                event("b-9", a, "u", at, "FEATURE_USED", Map.of("feature_key", "teleport")),
                "payload.feature_key"),
            new Case(event("b-10", a, "u", at, "PAYWALL_HIT", Map.of()), "payload.feature_key"),
            new Case(
                event("b-11", a, null, at, "METER", Map.of("meter_key", "bogus", "quantity", 1)),
                "payload.meter_key"),
            new Case(
                event(
                    "b-12", a, null, at, "METER", Map.of("meter_key", "api_calls", "quantity", -1)),
                "payload.quantity"),
            new Case(
                event(
                    "b-13",
                    a,
                    null,
                    at,
                    "METER",
                    Map.of("meter_key", "api_calls", "quantity", "5")),
                "payload.quantity"),
            new Case(
                event(
                    "b-14",
                    a,
                    null,
                    at,
                    "METER",
                    Map.of("meter_key", "api_calls", "quantity", true)),
                "payload.quantity"),
            new Case(
                event(
                    "b-15",
                    a,
                    null,
                    at,
                    "METER",
                    Map.of("meter_key", "api_calls", "quantity", 1e300)),
                "payload.quantity"),
            new Case(
                event(
                    "b-16",
                    a,
                    null,
                    at,
                    "METER",
                    Map.of("meter_key", "api_calls", "quantity", Double.POSITIVE_INFINITY)),
                "payload.quantity"),
            new Case(
                event("b-17", a, "u", at, "SUPPORT_TICKET", Map.of("category", "billing")),
                "payload.category"),
            new Case(event("b-18", a, null, at, "EXTERNAL", Map.of("type", "IPO")), "payload.type"),
            new Case(event("b-19", a, null, at, "CUSTOM", Map.of()), "payload.name"),
            new Case(
                event("b-20", a, "u", at, "WORKFLOW_COMPLETED", Map.of("workflow_key", 3)),
                "payload.workflow_key"),
            new Case(event("b-21", a, null, at, "WORKSPACE_CREATED", Map.of()), "payload.team"),
            new Case(
                event("b-22", a, "u", at, "INTEGRATION_REQUESTED", Map.of()),
                "payload.integration_key"),
            new Case(event("b-23", a, "u", at, "USER_ROLE_CHANGED", Map.of()), "payload.role"),
            new Case(event("b-24", a, "u", at, "USER_ADDED", Map.of()), "payload.role"),
            new Case(
                event("b-25", a, "u", at, "USER_ADDED", Map.of("team", "ops")), "payload.role"),
            new Case(
                event("b-26", a, "u", at, "USER_ADDED", Map.of("role", "member")), "payload.role"),
            new Case(event(" \t ", a, "u", at, "USER_ACTIVE", Map.of()), "event_id"),
            new Case(event("b-27", "   ", "u", at, "USER_ACTIVE", Map.of()), "account_id"),
            new Case(event("b-28", a, "  ", at, "USER_ACTIVE", Map.of()), "user_id"),
            new Case(
                event("b-29", a, "\u2003", at, "FEATURE_USED", Map.of("feature_key", "sso")),
                "user_id"));
    IngestEventsRequest.Builder req = IngestEventsRequest.newBuilder();
    req.addEvents(event("ok-1", a, "u", at, "USER_ACTIVE", Map.of()));
    cases.forEach(c -> req.addEvents(c.event()));
    req.addEvents(
        event("ok-2", a, null, at, "METER", Map.of("meter_key", "api_calls", "quantity", 2.5)));
    IngestEventsResponse r = stub.ingestEvents(req.build());

    assertEquals(cases.size() + 2, r.getResultsCount());
    assertEquals(2, r.getAcceptedCount());
    assertEquals(cases.size(), r.getRejectedCount());
    assertEquals(EventOutcome.EVENT_OUTCOME_ACCEPTED, r.getResults(0).getOutcome());
    assertEquals(EventOutcome.EVENT_OUTCOME_ACCEPTED, r.getResults(cases.size() + 1).getOutcome());
    for (int i = 0; i < cases.size(); i++) {
      EventResult res = r.getResults(i + 1);
      assertEquals(i + 1, res.getIndex());
      assertEquals(EventOutcome.EVENT_OUTCOME_REJECTED, res.getOutcome(), "case " + i);
      assertEquals(3, res.getError().getCode(), "case " + i);
      assertEquals(
          cases.get(i).field(), res.getError().getField(), "case " + i + ": " + res.getError());
      assertFalse(res.getError().getDescription().isBlank());
    }
  }

  @Test
  void identifiersMadeOfWhitespaceAreReportedAsMissing() {
    Instant at = NOW.minus(2, ChronoUnit.HOURS);
    IngestEventsResponse r =
        ingest(
            event("  ", "blank-ids", "u", at, "USER_ACTIVE", Map.of()),
            event("blank-1", "\t", "u", at, "USER_ACTIVE", Map.of()),
            event("blank-2", "blank-ids", " ", at, "USER_ACTIVE", Map.of()),
            event("blank-3", "blank-ids", "u", at, "USER_ADDED", Map.of("team", "ops")));

    assertEquals(0, r.getAcceptedCount());
    List<String> fields = List.of("event_id", "account_id", "user_id", "payload.role");
    for (int i = 0; i < fields.size(); i++) {
      var error = r.getResults(i).getError();
      assertEquals(fields.get(i), error.getField(), error.toString());
      assertTrue(error.getDescription().startsWith("required"), error.toString());
    }
    for (int i = 0; i < 3; i++) {
      assertTrue(
          r.getResults(i).getError().getDescription().contains("whitespace"),
          r.getResults(i).getError().toString());
    }
  }

  @Test
  void oversizedBatchIsRefusedWholeAndStoresNothing() {
    IngestEventsRequest.Builder req = IngestEventsRequest.newBuilder();
    for (int i = 0; i < 1001; i++) {
      req.addEvents(
          event(
              "big-" + i,
              "big-acct",
              "u",
              NOW.minus(1, ChronoUnit.HOURS),
              "USER_ACTIVE",
              Map.of()));
    }
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> stub.ingestEvents(req.build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("BATCH_TOO_LARGE", reason(e));
    var r =
        ingest(
            event(
                "big-0", "big-acct", "u", NOW.minus(1, ChronoUnit.HOURS), "USER_ACTIVE", Map.of()));
    assertEquals(
        EventOutcome.EVENT_OUTCOME_ACCEPTED,
        r.getResults(0).getOutcome(),
        "nothing was stored before");
  }

  @Test
  void eventsOfAnUnknownAccountAreKeptAndCountOnceItIsCreated() {
    String acct = "later-acct";
    Instant at = NOW.minus(3, ChronoUnit.DAYS);
    var r =
        ingest(
            event("la-1", acct, "u1", at, "USER_ADDED", Map.of("role", "OWNER")),
            event("la-2", acct, "u2", at, "USER_ADDED", Map.of("role", "MEMBER", "team", "ops")),
            event("la-3", acct, "u2", at.plusSeconds(60), "USER_ACTIVE", Map.of()));
    assertEquals(3, r.getAcceptedCount());

    GetAccountResponse provisional =
        stub.getAccount(GetAccountRequest.newBuilder().setAccountId(acct).build());
    assertTrue(provisional.getAccount().getProvisional());
    assertEquals("", provisional.getAccount().getName());
    assertEquals(0, provisional.getAccount().getSubscriptionsCount());
    StatusRuntimeException nf =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.getAccount(GetAccountRequest.newBuilder().setAccountId("never-seen").build()));
    assertEquals(Status.Code.NOT_FOUND, nf.getStatus().getCode());
    assertEquals(0, snapshot(acct).getSeatsUsed(), "provisional accounts are not evaluated");

    svc.putAccount(acct, "pro", 10, NOW.minus(30, ChronoUnit.DAYS));
    GetAccountResponse created =
        stub.getAccount(GetAccountRequest.newBuilder().setAccountId(acct).build());
    assertFalse(created.getAccount().getProvisional());
    assertEquals("pro", created.getAccount().getSubscriptions(0).getPlanKey());
    UsageSnapshot s = snapshot(acct);
    assertEquals(2, s.getSeatsUsed());
    assertEquals(10, s.getSeatsPurchased());
    assertEquals(1, s.getActiveUsers7D());

    ListUsersResponse users =
        stub.listUsers(ListUsersRequest.newBuilder().setAccountId(acct).build());
    assertEquals(List.of("u1", "u2"), users.getUsersList().stream().map(User::getUserId).toList());
    assertEquals("ops", users.getUsers(1).getTeam());
  }

  @Test
  void putUserIsTheSameAsUserEvents() {
    String acct = "user-acct";
    svc.putAccount(acct, "pro", 10, NOW.minus(30, ChronoUnit.DAYS));
    stub.putUser(
        PutUserRequest.newBuilder()
            .setUser(
                User.newBuilder()
                    .setUserId("alice")
                    .setAccountId(acct)
                    .setRole(dev.headroom.api.common.v1.UserRole.USER_ROLE_ADMIN)
                    .setTeam("eng")
                    .setAddedTime(ts(NOW.minus(5, ChronoUnit.DAYS))))
            .build());
    stub.putUser(
        PutUserRequest.newBuilder()
            .setUser(
                User.newBuilder()
                    .setUserId("bob")
                    .setAccountId(acct)
                    .setAddedTime(ts(NOW.minus(5, ChronoUnit.DAYS))))
            .build());
    assertEquals(2, snapshot(acct).getSeatsUsed());
    User removed =
        stub.putUser(
                PutUserRequest.newBuilder()
                    .setUser(
                        User.newBuilder()
                            .setUserId("bob")
                            .setAccountId(acct)
                            .setRemovedTime(ts(NOW.minus(1, ChronoUnit.DAYS))))
                    .build())
            .getUser();
    assertTrue(removed.hasRemovedTime());
    assertEquals(1, snapshot(acct).getSeatsUsed());
    assertEquals(
        2,
        stub.listUsers(ListUsersRequest.newBuilder().setAccountId(acct).build()).getUsersCount());
    // A repeated PutUser changes nothing.
    stub.putUser(
        PutUserRequest.newBuilder()
            .setUser(
                User.newBuilder()
                    .setUserId("alice")
                    .setAccountId(acct)
                    .setRole(dev.headroom.api.common.v1.UserRole.USER_ROLE_ADMIN)
                    .setTeam("eng"))
            .build());
    assertEquals(1, snapshot(acct).getSeatsUsed());
  }

  @Test
  void outOfOrderAndLateEventsGiveTheSameSnapshotAsInOrder() {
    Instant base = NOW.minus(10, ChronoUnit.DAYS);
    List<UsageEvent.Builder> events = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      events.add(
          event(
              "ord-add-" + i,
              "X",
              "u" + i,
              base.plus(i, ChronoUnit.HOURS),
              "USER_ADDED",
              Map.of("role", i == 0 ? "OWNER" : "MEMBER")));
      events.add(
          event(
              "ord-act-" + i,
              "X",
              "u" + i,
              base.plus(2 + i, ChronoUnit.DAYS),
              "USER_ACTIVE",
              Map.of()));
      events.add(
          event(
              "ord-prem-" + i,
              "X",
              "u" + i,
              NOW.minus(i + 1, ChronoUnit.HOURS),
              "FEATURE_USED",
              Map.of("feature_key", "audit_log")));
    }
    events.add(
        event(
            "ord-wf",
            "X",
            "u1",
            base.plus(3, ChronoUnit.DAYS),
            "WORKFLOW_COMPLETED",
            Map.of("workflow_key", "invoice")));
    events.add(event("ord-rm", "X", "u5", base.plus(4, ChronoUnit.DAYS), "USER_REMOVED", Map.of()));
    events.add(
        event(
            "ord-m1",
            "X",
            null,
            NOW.minus(2, ChronoUnit.DAYS),
            "METER",
            Map.of("meter_key", "api_calls", "quantity", 400)));
    events.add(
        event(
            "ord-m2",
            "X",
            null,
            NOW.minus(1, ChronoUnit.DAYS),
            "METER",
            Map.of("meter_key", "api_calls", "quantity", 550.5)));

    svc.putAccount("ord-in", "pro", 8, NOW.minus(60, ChronoUnit.DAYS));
    svc.putAccount("ord-out", "pro", 8, NOW.minus(60, ChronoUnit.DAYS));
    IngestEventsRequest.Builder inOrder = IngestEventsRequest.newBuilder();
    events.forEach(
        e ->
            inOrder.addEvents(e.clone().setAccountId("ord-in").setEventId("in-" + e.getEventId())));
    stub.ingestEvents(inOrder.build());
    // Reversed, in three late batches, with retries of the first batch.
    List<UsageEvent.Builder> rev = new ArrayList<>(events);
    java.util.Collections.reverse(rev);
    for (int from = 0; from < rev.size(); from += 8) {
      IngestEventsRequest.Builder b = IngestEventsRequest.newBuilder();
      rev.subList(from, Math.min(rev.size(), from + 8))
          .forEach(
              e ->
                  b.addEvents(
                      e.clone().setAccountId("ord-out").setEventId("out-" + e.getEventId())));
      stub.ingestEvents(b.build());
      stub.ingestEvents(b.build());
    }
    stub.evaluateSignals(EvaluateSignalsRequest.newBuilder().setAccountId("ord-in").build());
    stub.evaluateSignals(EvaluateSignalsRequest.newBuilder().setAccountId("ord-out").build());
    Instant asOf = NOW.minusSeconds(1);
    UsageSnapshot a =
        stub.getUsageSnapshot(
                GetUsageSnapshotRequest.newBuilder()
                    .setAccountId("ord-in")
                    .setAsOf(ts(asOf))
                    .build())
            .getSnapshot();
    UsageSnapshot b =
        stub.getUsageSnapshot(
                GetUsageSnapshotRequest.newBuilder()
                    .setAccountId("ord-out")
                    .setAsOf(ts(asOf))
                    .build())
            .getSnapshot();
    assertEquals(5, a.getSeatsUsed());
    assertEquals(6, a.getPremiumAttempts14D());
    assertTrue(a.getAccount().getActivated());
    assertEquals(normalize(a), normalize(b));
    var sa =
        stub.listAccountSignals(
            ListAccountSignalsRequest.newBuilder().setAccountId("ord-in").build());
    var sb =
        stub.listAccountSignals(
            ListAccountSignalsRequest.newBuilder().setAccountId("ord-out").build());
    assertEquals(
        sa.getCurrentList().stream()
            .map(s -> s.getType() + "/" + s.getStatus() + "/" + s.getSince())
            .toList(),
        sb.getCurrentList().stream()
            .map(s -> s.getType() + "/" + s.getStatus() + "/" + s.getSince())
            .toList());
    assertTrue(
        sa.getCurrentList().stream()
            .anyMatch(
                s ->
                    s.getType() == SignalType.SIGNAL_TYPE_PREMIUM_FEATURE_DEMAND
                        && s.getStatus() == SignalStatus.SIGNAL_STATUS_ACTIVE),
        sa.toString());
  }

  private static UsageSnapshot normalize(UsageSnapshot s) {
    UsageSnapshot.Builder b = s.toBuilder().clearAccountId().clearAccount();
    b.clearSignals();
    s.getSignalsList()
        .forEach(sig -> b.addSignals(sig.toBuilder().clearAccountId().clearSignalId()));
    return b.build();
  }

  private static UsageSnapshot snapshot(String acct) {
    return stub.getUsageSnapshot(GetUsageSnapshotRequest.newBuilder().setAccountId(acct).build())
        .getSnapshot();
  }

  @Test
  void snapshotInTheFutureIsInvalid() {
    svc.putAccount("future-acct", "pro", 5, NOW.minus(1, ChronoUnit.DAYS));
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.getUsageSnapshot(
                    GetUsageSnapshotRequest.newBuilder()
                        .setAccountId("future-acct")
                        .setAsOf(ts(Instant.now().plus(1, ChronoUnit.HOURS)))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("as_of", violations(e).get(0).getField());
  }

  // ---- signals end to end
  // ------------------------------------------------------------------------------

  @Test
  void aPendingSignalSaysSinceWhenItHoldsAndWhenItBecomesActive() {
    String acct = "pending-acct";
    svc.putAccount(acct, "pro", 5, NOW.minus(40, ChronoUnit.DAYS));
    Instant added = NOW.minus(3, ChronoUnit.DAYS);
    IngestEventsRequest.Builder b = IngestEventsRequest.newBuilder();
    for (int i = 0; i < 4; i++) {
      b.addEvents(
          event("pending-add-" + i, acct, "p" + i, added, "USER_ADDED", Map.of("role", "MEMBER")));
    }
    assertEquals(4, stub.ingestEvents(b.build()).getAcceptedCount());
    stub.evaluateSignals(EvaluateSignalsRequest.newBuilder().setAccountId(acct).build());

    Signal listed =
        stub
            .listAccountSignals(ListAccountSignalsRequest.newBuilder().setAccountId(acct).build())
            .getCurrentList()
            .stream()
            .filter(s -> s.getType() == SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH)
            .findFirst()
            .orElseThrow();
    Signal inSnapshot =
        stub
            .getUsageSnapshot(GetUsageSnapshotRequest.newBuilder().setAccountId(acct).build())
            .getSnapshot()
            .getSignalsList()
            .stream()
            .filter(s -> s.getType() == SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH)
            .findFirst()
            .orElseThrow();
    for (Signal s : List.of(listed, inSnapshot)) {
      assertEquals(SignalStatus.SIGNAL_STATUS_PENDING, s.getStatus());
      assertEquals(ts(added), s.getSince(), "a pending signal's since is the start of its run");
      assertEquals(ts(added.plus(14, ChronoUnit.DAYS)), s.getActivatesAt());
    }
  }

  @Test
  void seatUtilizationFiresEndToEndAndIsWatched() throws Exception {
    String acct = "seats-acct";
    long cursor = svc.lastCursor();
    try (SignalTestSupport.Watch watch = svc.watch(cursor)) {
      svc.putAccount(acct, "pro", 5, NOW.minus(40, ChronoUnit.DAYS));
      Instant added = NOW.minus(20, ChronoUnit.DAYS);
      IngestEventsRequest.Builder b = IngestEventsRequest.newBuilder();
      for (int i = 0; i < 4; i++) {
        b.addEvents(
            event("seat-add-" + i, acct, "s" + i, added, "USER_ADDED", Map.of("role", "MEMBER")));
        b.addEvents(
            event(
                "seat-act-" + i,
                acct,
                "s" + i,
                NOW.minus(1, ChronoUnit.DAYS),
                "USER_ACTIVE",
                Map.of()));
      }
      b.addEvents(
          event(
              "seat-wf",
              acct,
              "s0",
              NOW.minus(1, ChronoUnit.DAYS),
              "WORKFLOW_COMPLETED",
              Map.of("workflow_key", "w")));
      assertEquals(9, stub.ingestEvents(b.build()).getAcceptedCount());

      AtomicReference<Signal> seat = new AtomicReference<>();
      SignalTestSupport.await(
          "the seat signal",
          Duration.ofSeconds(30),
          () -> {
            var r =
                stub.listAccountSignals(
                    ListAccountSignalsRequest.newBuilder().setAccountId(acct).build());
            r.getCurrentList().stream()
                .filter(s -> s.getType() == SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH)
                .findFirst()
                .ifPresent(seat::set);
            return seat.get() != null;
          });
      assertEquals(SignalStatus.SIGNAL_STATUS_ACTIVE, seat.get().getStatus());
      assertEquals(ts(added.plus(14, ChronoUnit.DAYS)), seat.get().getSince());
      assertFalse(seat.get().hasActivatesAt(), "only a pending signal has an activation ahead");
      assertTrue(seat.get().getEvidenceCount() > 0);
      assertEquals(
          dev.headroom.api.common.v1.ExpansionType.EXPANSION_TYPE_SEAT_ADD,
          seat.get().getExpansionType());

      WatchAccountChangesResponse signalChange = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (signalChange == null && System.nanoTime() < deadline) {
        WatchAccountChangesResponse c = watch.changes.poll(1, TimeUnit.SECONDS);
        if (c != null
            && c.getAccountId().equals(acct)
            && c.getKind() == ChangeKind.CHANGE_KIND_SIGNALS) {
          signalChange = c;
        }
      }
      assertTrue(signalChange != null, "a SIGNALS change was watched");
      assertTrue(
          signalChange
              .getChangedSignalTypesList()
              .contains(SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH));
      assertEquals(4, signalChange.getSnapshot().getSeatsUsed());
      assertEquals(5, signalChange.getSnapshot().getSeatsPurchased());
      assertTrue(signalChange.getCursor() > cursor);

      // Removing two users resolves it; the history keeps the occurrence.
      ingest(
          event("seat-rm-0", acct, "s0", NOW.minusSeconds(30), "USER_REMOVED", Map.of()),
          event("seat-rm-1", acct, "s1", NOW.minusSeconds(30), "USER_REMOVED", Map.of()));
      SignalTestSupport.await(
          "resolution",
          Duration.ofSeconds(30),
          () ->
              stub
                  .listAccountSignals(
                      ListAccountSignalsRequest.newBuilder()
                          .setAccountId(acct)
                          .setIncludeHistory(true)
                          .build())
                  .getHistoryList()
                  .stream()
                  .anyMatch(
                      s ->
                          s.getType() == SignalType.SIGNAL_TYPE_SEAT_UTILIZATION_HIGH
                              && s.getStatus() == SignalStatus.SIGNAL_STATUS_RESOLVED
                              && s.hasResolvedAt()));
    }
  }

  @Test
  void ruleUpdateTakesEffectWithoutRestart() throws Exception {
    String acct = "rule-acct";
    svc.putAccount(acct, "free", 3, NOW.minus(40, ChronoUnit.DAYS));
    ingest(
        event(
            "rule-1",
            acct,
            "r1",
            NOW.minus(2, ChronoUnit.HOURS),
            "WORKFLOW_COMPLETED",
            Map.of("workflow_key", "w")),
        event(
            "rule-2",
            acct,
            "r1",
            NOW.minus(1, ChronoUnit.HOURS),
            "INTEGRATION_REQUESTED",
            Map.of("integration_key", "slack")),
        event(
            "rule-3",
            acct,
            "r2",
            NOW.minus(1, ChronoUnit.HOURS),
            "SUPPORT_TICKET",
            Map.of("category", "AUTOMATION")));
    stub.evaluateSignals(EvaluateSignalsRequest.newBuilder().setAccountId(acct).build());
    assertFalse(
        hasSignal(acct, SignalType.SIGNAL_TYPE_WORKFLOW_BOTTLENECK), "2 friction events < 3");

    SignalRule current =
        stub.listSignalRules(ListSignalRulesRequest.getDefaultInstance()).getRulesList().stream()
            .filter(r -> r.getType() == SignalType.SIGNAL_TYPE_WORKFLOW_BOTTLENECK)
            .findFirst()
            .orElseThrow();
    assertEquals("3", current.getThresholdsOrThrow("min_friction"));

    StatusRuntimeException stale =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.updateSignalRule(
                    UpdateSignalRuleRequest.newBuilder()
                        .setRule(
                            SignalRule.newBuilder()
                                .setType(SignalType.SIGNAL_TYPE_WORKFLOW_BOTTLENECK)
                                .setEnabled(true)
                                .putThresholds("min_friction", "2"))
                        .setExpectedVersion(current.getVersion() + 7)
                        .build()));
    assertEquals(Status.Code.FAILED_PRECONDITION, stale.getStatus().getCode());

    StatusRuntimeException invalid =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                stub.updateSignalRule(
                    UpdateSignalRuleRequest.newBuilder()
                        .setRule(
                            SignalRule.newBuilder()
                                .setType(SignalType.SIGNAL_TYPE_WORKFLOW_BOTTLENECK)
                                .setEnabled(true)
                                .putThresholds("min_friction", "-1")
                                .putThresholds("bogus", "1"))
                        .build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());

    SignalRule updated =
        stub.updateSignalRule(
                UpdateSignalRuleRequest.newBuilder()
                    .setRule(
                        SignalRule.newBuilder()
                            .setType(SignalType.SIGNAL_TYPE_WORKFLOW_BOTTLENECK)
                            .setEnabled(true)
                            .putThresholds("min_friction", "2"))
                    .setExpectedVersion(current.getVersion())
                    .setActor("analyst@example.com")
                    .build())
            .getRule();
    assertEquals(current.getVersion() + 1, updated.getVersion());
    assertEquals("analyst@example.com", updated.getUpdatedBy());
    SignalTestSupport.await(
        "the rule change to take effect",
        Duration.ofSeconds(30),
        () -> hasSignal(acct, SignalType.SIGNAL_TYPE_WORKFLOW_BOTTLENECK));
    Signal s =
        stub
            .listAccountSignals(ListAccountSignalsRequest.newBuilder().setAccountId(acct).build())
            .getCurrentList()
            .stream()
            .filter(x -> x.getType() == SignalType.SIGNAL_TYPE_WORKFLOW_BOTTLENECK)
            .findFirst()
            .orElseThrow();
    assertEquals(updated.getVersion(), s.getRuleVersion());

    // Put the default back for the other tests.
    stub.updateSignalRule(
        UpdateSignalRuleRequest.newBuilder()
            .setRule(
                SignalRule.newBuilder()
                    .setType(SignalType.SIGNAL_TYPE_WORKFLOW_BOTTLENECK)
                    .setEnabled(true)
                    .putThresholds("min_friction", "3"))
            .build());
  }

  private static boolean hasSignal(String acct, SignalType type) {
    return stub
        .listAccountSignals(ListAccountSignalsRequest.newBuilder().setAccountId(acct).build())
        .getCurrentList()
        .stream()
        .anyMatch(s -> s.getType() == type);
  }

  // ---- streaming and HTTP
  // ------------------------------------------------------------------------------

  @Test
  void streamEventsCommitsChunksAndCountsAcrossTheStream() throws Exception {
    var async = SignalServiceGrpc.newStub(svc.channel);
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<StreamEventsResponse> result = new AtomicReference<>();
    StreamObserver<StreamEventsRequest> up =
        async.streamEvents(
            new StreamObserver<>() {
              @Override
              public void onNext(StreamEventsResponse v) {
                result.set(v);
              }

              @Override
              public void onError(Throwable t) {
                done.countDown();
              }

              @Override
              public void onCompleted() {
                done.countDown();
              }
            });
    Instant at = NOW.minus(1, ChronoUnit.HOURS);
    for (int chunk = 0; chunk < 3; chunk++) {
      StreamEventsRequest.Builder b = StreamEventsRequest.newBuilder();
      for (int i = 0; i < 10; i++) {
        b.addEvents(
            event(
                "st-" + chunk + "-" + i,
                "stream-acct",
                "u" + i,
                at,
                i == 3 ? "NOPE" : "USER_ACTIVE",
                Map.of()));
      }
      up.onNext(b.build());
    }
    up.onNext(
        StreamEventsRequest.newBuilder()
            .addEvents(event("st-0-0", "stream-acct", "u0", at, "USER_ACTIVE", Map.of()))
            .build());
    up.onCompleted();
    assertTrue(done.await(30, TimeUnit.SECONDS));
    StreamEventsResponse r = result.get();
    assertEquals(27, r.getAcceptedCount());
    assertEquals(1, r.getDuplicateCount());
    assertEquals(3, r.getRejectedCount());
    assertEquals(
        List.of(3, 13, 23), r.getRejectedEventsList().stream().map(EventResult::getIndex).toList());
  }

  @Test
  void httpJsonIngestionHasTheSameValidationAndResults() throws Exception {
    int port = svc.app.httpPort();
    String body =
        """
        {"events": [
          {"event_id": "http-1", "account_id": "http-acct", "user_id": "u1",
           "occurred_at": "2025-01-02T10:00:00+02:00", "kind": "METER",
           "payload": {"meter_key": "api_calls", "quantity": 12}},
          {"event_id": "http-2", "account_id": "http-acct",
           "occurred_at": "2025-01-02T10:00:00", "kind": "USER_ACTIVE", "user_id": "u1"},
          {"event_id": "http-3", "account_id": "http-acct", "user_id": "u1",
           "occurred_at": "2025-01-02T10:00:00Z", "kind": "FEATURE_USED", "payload": "sso"}
        ]}\
        """;
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> res =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode(), res.body());
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(res.body());
    assertEquals(1, json.get("accepted_count").asInt());
    assertEquals("occurred_at", json.get("results").get(1).get("error").get("field").asText());
    assertEquals("payload", json.get("results").get(2).get("error").get("field").asText());

    // The same event over gRPC is recognized as a duplicate.
    var grpc =
        ingest(
            event(
                "http-1",
                "http-acct",
                "u1",
                Instant.parse("2025-01-02T08:00:00Z"),
                "METER",
                Map.of("meter_key", "api_calls", "quantity", 12)));
    assertEquals(EventOutcome.EVENT_OUTCOME_DUPLICATE, grpc.getResults(0).getOutcome());

    HttpResponse<String> bad =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, bad.statusCode());
    assertNotEquals(500, bad.statusCode());
  }

  @Test
  void theSameMistakeGetsTheSameAnswerOverGrpcAndHttp() throws Exception {
    // One bad event per validation step that was reworked: a role-less USER_ADDED, a whitespace id.
    String at = "2025-01-02T10:00:00Z";
    var grpcItems =
        ingest(
            event("same-1", "same-acct", "u1", Instant.parse(at), "USER_ADDED", Map.of()),
            event(" ", "same-acct", "u1", Instant.parse(at), "USER_ACTIVE", Map.of()));
    var httpItems =
        postEvents(
            """
            {"events": [
              {"event_id": "same-1", "account_id": "same-acct", "user_id": "u1",
               "occurred_at": "%s", "kind": "USER_ADDED", "payload": {}},
              {"event_id": " ", "account_id": "same-acct", "user_id": "u1",
               "occurred_at": "%s", "kind": "USER_ACTIVE"}
            ]}\
            """
                .formatted(at, at));
    assertEquals(200, httpItems.statusCode(), httpItems.body());
    var results = JSON.readTree(httpItems.body()).get("results");
    for (int i = 0; i < 2; i++) {
      var grpcError = grpcItems.getResults(i).getError();
      var httpError = results.get(i).get("error");
      assertEquals(grpcError.getCode(), httpError.get("code").asInt());
      assertEquals(
          grpcError.getReason().name(), "ERROR_REASON_" + httpError.get("reason").asText());
      assertEquals(grpcError.getField(), httpError.get("field").asText());
      assertEquals(grpcError.getDescription(), httpError.get("description").asText());
    }
    assertEquals("payload.role", grpcItems.getResults(0).getError().getField());
    assertEquals("event_id", grpcItems.getResults(1).getError().getField());

    // A whole batch refused: the same code, reason, field and message.
    IngestEventsRequest.Builder big = IngestEventsRequest.newBuilder();
    StringBuilder json = new StringBuilder("{\"events\": [");
    for (int i = 0; i < 1001; i++) {
      big.addEvents(
          event("same-big-" + i, "same-acct", "u1", Instant.parse(at), "USER_ACTIVE", Map.of()));
      json.append(i == 0 ? "" : ",")
          .append(
              """
              {"event_id": "same-big-%d", "account_id": "same-acct", "user_id": "u1",
               "occurred_at": "%s", "kind": "USER_ACTIVE"}\
              """
                  .formatted(i, at));
    }
    StatusRuntimeException grpcRefusal =
        assertThrows(StatusRuntimeException.class, () -> stub.ingestEvents(big.build()));
    HttpResponse<String> httpRefusal = postEvents(json.append("]}").toString());
    com.google.rpc.Status status = StatusProto.fromThrowable(grpcRefusal);
    var httpError = JSON.readTree(httpRefusal.body()).get("error");
    assertEquals(400, httpRefusal.statusCode());
    assertEquals(status.getCode(), httpError.get("code").asInt());
    assertEquals(
        status.getDetails(0).unpack(ErrorInfo.class).getReason(), httpError.get("reason").asText());
    assertEquals("BATCH_TOO_LARGE", httpError.get("reason").asText());
    assertEquals(violations(grpcRefusal).get(0).getField(), httpError.get("field").asText());
    assertEquals(
        violations(grpcRefusal).get(0).getDescription(), httpError.get("description").asText());
    assertEquals(status.getMessage(), httpError.get("message").asText());
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private static HttpResponse<String> postEvents(String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + svc.app.httpPort() + "/v1/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void operatorsSeeIngestOutcomesAndWhetherBackgroundWorkIsGivingWay() throws Exception {
    ingest(
        event(
            "obs-1",
            "obs-acct",
            "u1",
            Instant.parse("2025-01-02T08:00:00Z"),
            "USER_ACTIVE",
            Map.of()),
        event(
            "obs-1",
            "obs-acct",
            "u1",
            Instant.parse("2025-01-02T08:00:00Z"),
            "USER_ACTIVE",
            Map.of()),
        event(
            "obs-2",
            "obs-acct",
            "u1",
            Instant.parse("2025-01-02T08:00:00Z"),
            "NO_SUCH_KIND",
            Map.of()));
    HttpResponse<String> res =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + svc.app.httpPort() + "/observe/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode());
    String body = res.body();
    assertTrue(
        body.lines()
            .anyMatch(
                l ->
                    l.startsWith("signal_events_total{")
                        && l.contains("outcome=\"rejected\"")
                        && l.contains("reason=\"kind\"")),
        "rejections by field are counted");
    // A test's trickle of events never saturates ingestion: background work runs at full speed.
    assertTrue(
        body.lines().anyMatch(l -> l.startsWith("signal_ingest_saturated{") && l.endsWith(" 0.0")),
        "ingest is reported not saturated");
    assertTrue(
        body.lines()
            .anyMatch(
                l -> l.startsWith("signal_background_paused_seconds_total{") && l.endsWith(" 0.0")),
        "background work has not paused");
  }
}
