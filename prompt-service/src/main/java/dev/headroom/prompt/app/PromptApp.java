package dev.headroom.prompt.app;

import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import dev.headroom.kit.HostedService;
import dev.headroom.kit.ServiceHost;
import dev.headroom.kit.db.Database;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.grpc.PeerChannels;
import dev.headroom.kit.http.HttpErrors;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.kit.paging.PageTokens;
import dev.headroom.kit.paging.Paging;
import dev.headroom.prompt.campaign.Campaigns;
import dev.headroom.prompt.consume.ContextFeeds;
import dev.headroom.prompt.consume.OpportunityFeed;
import dev.headroom.prompt.context.ContextStore;
import dev.headroom.prompt.context.OpenOpportunities;
import dev.headroom.prompt.context.StoredContext;
import dev.headroom.prompt.decision.DecisionEngine;
import dev.headroom.prompt.decision.LiveCampaigns;
import dev.headroom.prompt.decision.UserLedger;
import dev.headroom.prompt.events.ExperimentAggregates;
import dev.headroom.prompt.events.LedgerRestore;
import dev.headroom.prompt.events.PromptEvents;
import dev.headroom.prompt.events.PromptFunnel;
import dev.headroom.prompt.experiment.Experiments;
import dev.headroom.prompt.exposure.ExposureWriter;
import dev.headroom.prompt.grpc.CampaignProtos;
import dev.headroom.prompt.grpc.ExperimentProtos;
import dev.headroom.prompt.grpc.PromptGrpcService;
import dev.headroom.prompt.http.FunnelRoutes;
import dev.headroom.prompt.http.ResultsRoutes;
import dev.headroom.prompt.http.WebComponentRoute;
import dev.headroom.prompt.opportunity.Opportunities;
import dev.headroom.prompt.results.ExperimentReports;
import io.grpc.ServerServiceDefinition;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import org.jdbi.v3.core.Jdbi;

/**
 * One running prompt service: database, the persisted context loaded into memory (the service is
 * NOT_SERVING until then), the upstream feeds, campaigns, the decision engine and the exposure
 * writer, served by the kit's {@link ServiceHost}.
 */
public final class PromptApp implements HostedService {
  private static final Logger LOG = Logger.getLogger(PromptApp.class.getName());
  private final ServiceHost host;
  private final ContextStore context;
  private final ContextFeeds feeds;
  private final ExposureWriter exposures;
  private final DecisionEngine decisions;
  private final PromptEvents events;

  private PromptApp(
      ServiceHost host,
      ContextStore context,
      ContextFeeds feeds,
      ExposureWriter exposures,
      DecisionEngine decisions,
      PromptEvents events) {
    this.host = host;
    this.context = context;
    this.feeds = feeds;
    this.exposures = exposures;
    this.decisions = decisions;
    this.events = events;
  }

  /**
   * @param inProcessName serve gRPC in-process under this name instead of TCP; null for TCP
   * @param withHttp start the Helidon server (health, metrics, the results JSON routes)
   */
  public static PromptApp start(
      PromptConfig config, Clock clock, String inProcessName, boolean withHttp) {
    return start(config, clock, inProcessName, withHttp, List.of());
  }

  /**
   * As {@link #start(PromptConfig, Clock, String, boolean)}, with {@code alsoServed} on the same
   * gRPC server, served the way GetPrompt is: behind the same interceptors and admission control,
   * answered on the transport thread (the benchmark's baseline RPC).
   */
  // The periodic sweep handles its own failures; shutting the executor down cancels it.
  @SuppressWarnings("FutureReturnValueIgnored")
  public static PromptApp start(
      PromptConfig config,
      Clock clock,
      String inProcessName,
      boolean withHttp,
      List<ServerServiceDefinition> alsoServed) {
    PrometheusMeterRegistry registry = ServiceHost.newMeterRegistry("prompt");
    Database db = new Database("prompt", config.database());
    PeerChannels peers = new PeerChannels(config.kit());
    try {
      db.migrate();
      var jdbi = db.jdbi();
      ContextStore context =
          new ContextStore(config.context().coreProductKey(), config.expectedAccounts());
      UserLedger ledger = new UserLedger(config.caps());
      ExposureWriter exposures = new ExposureWriter(jdbi, config.exposures(), registry);
      LiveCampaigns live = new LiveCampaigns();
      Campaigns campaigns =
          new Campaigns(jdbi, CampaignProtos.CODEC, clock, live::reloadAfterWrite);
      Experiments experiments =
          new Experiments(
              jdbi,
              ExperimentProtos.codec(config.attributionWindow()),
              clock,
              live::reloadAfterWrite);
      PromptEvents events = new PromptEvents(jdbi, ledger, exposures, clock);
      CursorStore cursors = new CursorStore(db.schema(), jdbi);
      // Without a crm-connector peer no opportunity is known: channel arbitration then goes by
      // scoring's motion alone, and no closed-won outcome counts as a conversion.
      Optional<Opportunities> opportunities =
          config.crmPeer().map(peer -> new Opportunities(jdbi, cursors, events));
      Optional<OpportunityFeed> opportunityFeed =
          opportunities.map(o -> new OpportunityFeed(o, cursors, peers.channel("crm"), clock));
      DecisionEngine decisions =
          new DecisionEngine(
              context,
              live,
              ledger,
              opportunities.<OpenOpportunities>map(o -> o).orElse(OpenOpportunities.NONE_KNOWN),
              exposures);
      ContextFeeds feeds =
          new ContextFeeds(
              new StoredContext(jdbi, cursors),
              cursors,
              context,
              peers.channel("signal"),
              peers.channel("scoring"),
              config.context(),
              clock);
      ScheduledExecutorService sweeper =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "prompt-ledger-sweep");
                t.setDaemon(true);
                return t;
              });
      Gauge.builder("prompt.context.accounts", context, ContextStore::size).register(registry);
      Gauge.builder("prompt.ledger.users", ledger, UserLedger::size).register(registry);
      opportunities.ifPresent(
          o ->
              Gauge.builder(
                      "prompt.opportunities.open.accounts", o, Opportunities::accountsWithOpen)
                  .description("accounts with an open expansion opportunity in crm-connector")
                  .register(registry));
      FunctionCounter.builder(
              "prompt.decisions.refused", decisions, DecisionEngine::refusedForFullQueue)
          .description("decisions that served no prompt because the exposure queue was full")
          .register(registry);
      ExperimentAggregates aggregates = new ExperimentAggregates(jdbi);
      ExperimentReports reports = new ExperimentReports(experiments, aggregates, clock);
      PromptFunnel funnel = new PromptFunnel(jdbi, config.attributionWindow());
      PromptGrpcService grpc =
          new PromptGrpcService(
              decisions,
              events,
              campaigns,
              experiments,
              aggregates,
              new Paging(new PageTokens(config.pagingSecret()), 50, 500),
              clock,
              config.attributionWindow(),
              reports,
              funnel);
      ServiceHost.Builder hb =
          ServiceHost.builder("prompt")
              .grpc(config.grpc())
              .meterRegistry(registry)
              .readinessCheck(db.readinessCheck())
              .readinessCheck(context)
              .addService(grpc)
              // A decision is answered from memory and never waits (the exposure is queued), so
              // it skips the hand-off to a worker thread; the admin RPCs, which read and write the
              // database, keep the pool.
              .answerOnTransportThread(PromptServiceGrpc.getGetPromptMethod().getFullMethodName())
              .beforeDrain(feeds::close)
              .beforeDrain(() -> opportunityFeed.ifPresent(OpportunityFeed::close))
              .closeOnShutdown(db)
              .closeOnShutdown(peers)
              .closeOnShutdown(live)
              .closeOnShutdown(exposures)
              .closeOnShutdown(sweeper::shutdownNow);
      for (ServerServiceDefinition also : alsoServed) {
        hb.addService(also);
        also.getMethods()
            .forEach(m -> hb.answerOnTransportThread(m.getMethodDescriptor().getFullMethodName()));
      }
      if (inProcessName != null) {
        hb.inProcess(inProcessName);
      }
      if (withHttp) {
        HttpErrors httpErrors = new HttpErrors(new ErrorMapper("prompt"));
        ResultsRoutes results = new ResultsRoutes(reports, httpErrors);
        FunnelRoutes funnelRoutes = new FunnelRoutes(funnel, httpErrors);
        hb.http(config.http()).routes(results::register).routes(funnelRoutes::register);
        hb.routes(new WebComponentRoute(PromptApp.class.getClassLoader())::register);
      }
      ServiceHost host = hb.build();
      exposures.start();
      host.start();
      context.onReadinessChange(() -> host.readiness().checkNow());
      live.start(campaigns, experiments, config.campaignRefresh());
      // GetPrompt answers NOT_READY (and health is NOT_SERVING) until the caps and the context are
      // back in memory; the feeds resume from their cursors only after that.
      Thread rebuild =
          new Thread(
              () -> {
                if (rebuildUntilDone(jdbi, ledger, feeds, opportunityFeed, clock)) {
                  host.readiness().checkNow();
                  feeds.start();
                  opportunityFeed.ifPresent(OpportunityFeed::start);
                }
              },
              "prompt-context-rebuild");
      rebuild.setDaemon(true);
      rebuild.start();
      sweeper.scheduleWithFixedDelay(() -> ledger.sweep(clock.instant()), 10, 10, TimeUnit.MINUTES);
      return new PromptApp(host, context, feeds, exposures, decisions, events);
    } catch (RuntimeException e) {
      peers.close();
      db.close();
      throw e;
    }
  }

  /** Retries with backoff while the database fails; false when the service stops first. */
  private static boolean rebuildUntilDone(
      Jdbi jdbi,
      UserLedger ledger,
      ContextFeeds feeds,
      Optional<OpportunityFeed> opportunityFeed,
      Clock clock) {
    Backoff backoff = Backoff.defaults();
    RandomGenerator random = RandomGenerator.getDefault();
    for (int attempt = 0; !feeds.closed(); attempt++) {
      try {
        LedgerRestore.restore(jdbi, ledger, clock.instant());
        opportunityFeed.ifPresent(OpportunityFeed::rebuild);
        feeds.rebuild();
        return true;
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "rebuilding the prompt context failed; retrying", e);
        try {
          Thread.sleep(backoff.delay(attempt, random).toMillis());
        } catch (InterruptedException interrupted) {
          return false;
        }
      }
    }
    return false;
  }

  @Override
  public ServiceHost host() {
    return host;
  }

  public ContextStore context() {
    return context;
  }

  public ContextFeeds feeds() {
    return feeds;
  }

  public ExposureWriter exposures() {
    return exposures;
  }

  public DecisionEngine decisions() {
    return decisions;
  }

  /** Prompt events, and the seam crm-connector's closed-won outcomes arrive through. */
  public PromptEvents events() {
    return events;
  }

  @Override
  public void close() {
    host.close();
  }
}
