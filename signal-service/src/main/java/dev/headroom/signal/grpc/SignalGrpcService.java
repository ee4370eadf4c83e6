package dev.headroom.signal.grpc;

import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.EvaluateSignalsRequest;
import dev.headroom.api.signal.v1.EvaluateSignalsResponse;
import dev.headroom.api.signal.v1.Feature;
import dev.headroom.api.signal.v1.GetAccountRequest;
import dev.headroom.api.signal.v1.GetAccountResponse;
import dev.headroom.api.signal.v1.GetCatalogRequest;
import dev.headroom.api.signal.v1.GetCatalogResponse;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.GetUsageSnapshotResponse;
import dev.headroom.api.signal.v1.IngestEventsRequest;
import dev.headroom.api.signal.v1.IngestEventsResponse;
import dev.headroom.api.signal.v1.ListAccountSignalsRequest;
import dev.headroom.api.signal.v1.ListAccountSignalsResponse;
import dev.headroom.api.signal.v1.ListAccountsRequest;
import dev.headroom.api.signal.v1.ListAccountsResponse;
import dev.headroom.api.signal.v1.ListSignalRulesRequest;
import dev.headroom.api.signal.v1.ListSignalRulesResponse;
import dev.headroom.api.signal.v1.ListUsersRequest;
import dev.headroom.api.signal.v1.ListUsersResponse;
import dev.headroom.api.signal.v1.Meter;
import dev.headroom.api.signal.v1.Plan;
import dev.headroom.api.signal.v1.Product;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.PutAccountResponse;
import dev.headroom.api.signal.v1.PutFeatureRequest;
import dev.headroom.api.signal.v1.PutFeatureResponse;
import dev.headroom.api.signal.v1.PutMeterRequest;
import dev.headroom.api.signal.v1.PutMeterResponse;
import dev.headroom.api.signal.v1.PutPlanRequest;
import dev.headroom.api.signal.v1.PutPlanResponse;
import dev.headroom.api.signal.v1.PutProductRequest;
import dev.headroom.api.signal.v1.PutProductResponse;
import dev.headroom.api.signal.v1.PutUserRequest;
import dev.headroom.api.signal.v1.PutUserResponse;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.StreamEventsRequest;
import dev.headroom.api.signal.v1.StreamEventsResponse;
import dev.headroom.api.signal.v1.Subscription;
import dev.headroom.api.signal.v1.UpdateSignalRuleRequest;
import dev.headroom.api.signal.v1.UpdateSignalRuleResponse;
import dev.headroom.api.signal.v1.User;
import dev.headroom.api.signal.v1.WatchAccountChangesRequest;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.signal.catalog.AccountService;
import dev.headroom.signal.catalog.AccountView;
import dev.headroom.signal.catalog.CatalogService;
import dev.headroom.signal.domain.Catalog;
import dev.headroom.signal.domain.SignalType;
import dev.headroom.signal.evaluation.AccountChange;
import dev.headroom.signal.evaluation.AccountEvaluator;
import dev.headroom.signal.evaluation.EvaluationScheduler;
import dev.headroom.signal.evaluation.RuleService;
import dev.headroom.signal.evaluation.SignalReader;
import dev.headroom.signal.ingest.IncomingEvent;
import dev.headroom.signal.ingest.IngestService;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Thin adapter: maps requests to the domain services and their results back; no logic of its own.
 */
public final class SignalGrpcService extends SignalServiceGrpc.SignalServiceImplBase {
  private final CatalogService catalog;
  private final AccountService accounts;
  private final IngestService ingest;
  private final AccountEvaluator evaluator;
  private final RuleService rules;
  private final EvaluationScheduler scheduler;
  private final SignalReader signals;
  private final OutboxWatch watch;
  private final Clock clock;
  private final Duration evaluateTimeout;

  public SignalGrpcService(
      CatalogService catalog,
      AccountService accounts,
      IngestService ingest,
      AccountEvaluator evaluator,
      RuleService rules,
      EvaluationScheduler scheduler,
      SignalReader signals,
      OutboxWatch watch,
      Clock clock,
      Duration evaluateTimeout) {
    this.catalog = catalog;
    this.accounts = accounts;
    this.ingest = ingest;
    this.evaluator = evaluator;
    this.rules = rules;
    this.scheduler = scheduler;
    this.signals = signals;
    this.watch = watch;
    this.clock = clock;
    this.evaluateTimeout = evaluateTimeout;
  }

  private static <T> void reply(StreamObserver<T> obs, T value) {
    obs.onNext(value);
    obs.onCompleted();
  }

  // ---- catalog
  // -------------------------------------------------------------------------------------------

  @Override
  public void putProduct(PutProductRequest req, StreamObserver<PutProductResponse> obs) {
    SignalRequests.check(req);
    Product p = req.getProduct();
    Catalog.Product stored =
        catalog.putProduct(
            new Catalog.Product(p.getProductKey(), p.getDisplayName(), p.getCatalogOrder()));
    reply(obs, PutProductResponse.newBuilder().setProduct(ProtoMapper.product(stored)).build());
  }

  @Override
  public void putMeter(PutMeterRequest req, StreamObserver<PutMeterResponse> obs) {
    SignalRequests.check(req);
    Meter m = req.getMeter();
    Catalog.Aggregation agg =
        switch (m.getAggregation()) {
          case METER_AGGREGATION_SUM -> Catalog.Aggregation.SUM;
          case METER_AGGREGATION_LAST -> Catalog.Aggregation.LAST;
          default -> null;
        };
    Catalog.Meter stored = catalog.putMeter(m.getMeterKey(), m.getUnit(), agg, m.getDisplayName());
    reply(obs, PutMeterResponse.newBuilder().setMeter(ProtoMapper.meter(stored)).build());
  }

  @Override
  public void putFeature(PutFeatureRequest req, StreamObserver<PutFeatureResponse> obs) {
    SignalRequests.check(req);
    Feature f = req.getFeature();
    Catalog.Feature stored =
        catalog.putFeature(
            new Catalog.Feature(
                f.getFeatureKey(), f.getProductKey(), f.getDisplayName(), f.getAdvanced()));
    reply(
        obs,
        PutFeatureResponse.newBuilder()
            .setFeature(ProtoMapper.feature(catalog.snapshot(), stored))
            .build());
  }

  @Override
  public void putPlan(PutPlanRequest req, StreamObserver<PutPlanResponse> obs) {
    SignalRequests.check(req);
    Plan p = req.getPlan();
    Catalog.Plan stored =
        catalog.putPlan(
            new CatalogService.PlanInput(
                p.getPlanKey(),
                p.getProductKey(),
                p.getTierRank(),
                p.getDisplayName(),
                p.getSeatPriceMonthly().getCurrencyCode(),
                p.getSeatPriceMonthly().getMinorUnits(),
                p.getBasePriceMonthly().getCurrencyCode(),
                p.getBasePriceMonthly().getMinorUnits(),
                p.getIncludedSeats(),
                p.getMeterLimitsMap(),
                p.getEntitledFeatureKeysList(),
                p.getNextPlanKey()));
    reply(obs, PutPlanResponse.newBuilder().setPlan(ProtoMapper.plan(stored)).build());
  }

  @Override
  public void getCatalog(GetCatalogRequest req, StreamObserver<GetCatalogResponse> obs) {
    reply(
        obs,
        GetCatalogResponse.newBuilder().setCatalog(ProtoMapper.catalog(catalog.reload())).build());
  }

  // ---- accounts and users
  // --------------------------------------------------------------------------------

  @Override
  public void putAccount(PutAccountRequest req, StreamObserver<PutAccountResponse> obs) {
    SignalRequests.check(req);
    Account a = req.getAccount();
    List<AccountService.SubscriptionInput> subs = new ArrayList<>();
    for (Subscription s : a.getSubscriptionsList()) {
      subs.add(
          new AccountService.SubscriptionInput(
              s.getProductKey(),
              s.getPlanKey(),
              s.getSeatsPurchased(),
              ProtoMapper.instant(s.hasSince(), s.getSince())));
    }
    AccountView v =
        accounts.put(
            new AccountService.AccountInput(
                a.getAccountId(),
                req.getUpdateMask().getPathsList(),
                a.getName(),
                a.getArr().getCurrencyCode(),
                a.getArr().getMinorUnits(),
                a.getCurrencyCode(),
                a.getLocale(),
                a.getRegion(),
                a.getCrmOwner(),
                ProtoMapper.instant(a.hasSignupTime(), a.getSignupTime()),
                subs));
    reply(
        obs,
        PutAccountResponse.newBuilder()
            .setAccount(ProtoMapper.account(v, clock.instant()))
            .build());
  }

  @Override
  public void getAccount(GetAccountRequest req, StreamObserver<GetAccountResponse> obs) {
    SignalRequests.check(req);
    AccountView v = accounts.get(req.getAccountId());
    var b = GetAccountResponse.newBuilder().setAccount(ProtoMapper.account(v, clock.instant()));
    v.subscriptionHistory().forEach(s -> b.addSubscriptionHistory(ProtoMapper.subscription(s)));
    reply(obs, b.build());
  }

  @Override
  public void listAccounts(ListAccountsRequest req, StreamObserver<ListAccountsResponse> obs) {
    var page = accounts.list(req.getPageSize(), req.getPageToken());
    Instant now = clock.instant();
    var b = ListAccountsResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.items().forEach(a -> b.addAccounts(ProtoMapper.account(a, now)));
    reply(obs, b.build());
  }

  @Override
  public void putUser(PutUserRequest req, StreamObserver<PutUserResponse> obs) {
    SignalRequests.check(req);
    User u = req.getUser();
    var v =
        accounts.putUser(
            new AccountService.UserInput(
                u.getUserId(),
                u.getAccountId(),
                ProtoMapper.role(u.getRole()),
                u.getTeam(),
                ProtoMapper.instant(u.hasAddedTime(), u.getAddedTime()),
                ProtoMapper.instant(u.hasRemovedTime(), u.getRemovedTime())));
    reply(obs, PutUserResponse.newBuilder().setUser(ProtoMapper.user(v)).build());
  }

  @Override
  public void listUsers(ListUsersRequest req, StreamObserver<ListUsersResponse> obs) {
    SignalRequests.check(req);
    var page = accounts.listUsers(req.getAccountId(), req.getPageSize(), req.getPageToken());
    var b = ListUsersResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.items().forEach(u -> b.addUsers(ProtoMapper.user(u)));
    reply(obs, b.build());
  }

  // ---- events
  // --------------------------------------------------------------------------------------------

  @Override
  public void ingestEvents(IngestEventsRequest req, StreamObserver<IngestEventsResponse> obs) {
    IngestService.checkBatchSize(req.getEventsCount());
    List<IncomingEvent> events = new ArrayList<>(req.getEventsCount());
    req.getEventsList().forEach(e -> events.add(ProtoMapper.event(e)));
    IngestService.BatchResult r = ingest.ingest(events);
    var b =
        IngestEventsResponse.newBuilder()
            .setAcceptedCount(r.accepted())
            .setDuplicateCount(r.duplicates())
            .setRejectedCount(r.rejected());
    r.results().forEach(x -> b.addResults(ProtoMapper.result(x)));
    reply(obs, b.build());
  }

  @Override
  public StreamObserver<StreamEventsRequest> streamEvents(
      StreamObserver<StreamEventsResponse> obs) {
    return new StreamObserver<>() {
      private final StreamEventsResponse.Builder total = StreamEventsResponse.newBuilder();
      private int offset;
      private boolean failed;

      @Override
      public void onNext(StreamEventsRequest chunk) {
        if (failed) {
          return;
        }
        try {
          IngestService.checkBatchSize(chunk.getEventsCount());
        } catch (DomainException.InvalidArgument e) {
          failed = true;
          obs.onError(e);
          return;
        }
        List<IncomingEvent> events = new ArrayList<>(chunk.getEventsCount());
        chunk.getEventsList().forEach(e -> events.add(ProtoMapper.event(e)));
        IngestService.BatchResult r;
        try {
          r = ingest.ingest(events); // committed before the next chunk is read
        } catch (RuntimeException e) {
          failed = true;
          throw e;
        }
        total
            .setAcceptedCount(total.getAcceptedCount() + r.accepted())
            .setDuplicateCount(total.getDuplicateCount() + r.duplicates())
            .setRejectedCount(total.getRejectedCount() + r.rejected());
        for (var x : r.results()) {
          if (x.outcome() == dev.headroom.signal.ingest.EventResult.Outcome.REJECTED) {
            total.addRejectedEvents(ProtoMapper.result(x).toBuilder().setIndex(offset + x.index()));
          }
        }
        offset += events.size();
      }

      @Override
      public void onError(Throwable t) {
        // The client broke the stream: every chunk acknowledged so far is committed; nothing to
        // undo.
      }

      @Override
      public void onCompleted() {
        if (!failed) {
          reply(obs, total.build());
        }
      }
    };
  }

  // ---- signals, rules, snapshots
  // -------------------------------------------------------------------------

  @Override
  public void listAccountSignals(
      ListAccountSignalsRequest req, StreamObserver<ListAccountSignalsResponse> obs) {
    SignalRequests.check(req);
    List<SignalType> types = new ArrayList<>();
    req.getTypesList().forEach(t -> types.add(ProtoMapper.type(t)));
    var r =
        signals.list(
            req.getAccountId(),
            req.getIncludeHistory(),
            types,
            req.getPageSize(),
            req.getPageToken());
    var b = ListAccountSignalsResponse.newBuilder().setNextPageToken(r.nextPageToken());
    r.current().forEach(s -> b.addCurrent(ProtoMapper.signal(s)));
    r.history().forEach(s -> b.addHistory(ProtoMapper.signal(s)));
    reply(obs, b.build());
  }

  @Override
  public void listSignalRules(
      ListSignalRulesRequest req, StreamObserver<ListSignalRulesResponse> obs) {
    var b = ListSignalRulesResponse.newBuilder();
    rules.list().forEach(r -> b.addRules(ProtoMapper.rule(r)));
    reply(obs, b.build());
  }

  @Override
  public void updateSignalRule(
      UpdateSignalRuleRequest req, StreamObserver<UpdateSignalRuleResponse> obs) {
    SignalRequests.RuleUpdate checked = SignalRequests.check(req);
    var rule = req.getRule();
    // proto3 cannot tell "enabled: false" from "not given"; an update always carries the intended
    // flag.
    var updated =
        rules.update(
            ProtoMapper.type(rule.getType()),
            rule.getEnabled(),
            checked.thresholds(),
            checked.windows(),
            req.getExpectedVersion(),
            req.getActor());
    reply(obs, UpdateSignalRuleResponse.newBuilder().setRule(ProtoMapper.rule(updated)).build());
  }

  @Override
  public void evaluateSignals(
      EvaluateSignalsRequest req, StreamObserver<EvaluateSignalsResponse> obs) {
    SignalRequests.check(req);
    var s = scheduler.evaluateNow(req.getAccountId(), evaluateTimeout);
    reply(
        obs,
        EvaluateSignalsResponse.newBuilder()
            .setAccountsEvaluated(s.accountsEvaluated())
            .setSignalsChanged(s.signalsChanged())
            .build());
  }

  @Override
  public void getUsageSnapshot(
      GetUsageSnapshotRequest req, StreamObserver<GetUsageSnapshotResponse> obs) {
    SignalRequests.check(req);
    Instant asOf = ProtoMapper.instant(req.hasAsOf(), req.getAsOf());
    var snap = evaluator.snapshot(req.getAccountId(), asOf);
    reply(
        obs, GetUsageSnapshotResponse.newBuilder().setSnapshot(ProtoMapper.snapshot(snap)).build());
  }

  @Override
  public void watchAccountChanges(
      WatchAccountChangesRequest req, StreamObserver<WatchAccountChangesResponse> obs) {
    if (req.getAfterCursor() < 0) {
      throw DomainException.InvalidArgument.of("after_cursor", "must be >= 0");
    }
    watch.watch(
        AccountChange.STREAM,
        req.getAfterCursor(),
        obs,
        entry -> {
          try {
            return WatchAccountChangesResponse.parseFrom(entry.payload()).toBuilder()
                .setCursor(entry.seq())
                .build();
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt outbox entry " + entry.seq(), e);
          }
        });
  }
}
