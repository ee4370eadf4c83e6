package dev.headroom.scoring.app;

import dev.headroom.kit.HostedService;
import dev.headroom.kit.ServiceHost;
import dev.headroom.kit.db.Database;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.grpc.PeerChannels;
import dev.headroom.kit.http.HttpErrors;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.CursorStore;
import dev.headroom.kit.outbox.Outbox;
import dev.headroom.kit.outbox.OutboxListener;
import dev.headroom.kit.outbox.OutboxPruner;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.kit.paging.PageTokens;
import dev.headroom.kit.paging.Paging;
import dev.headroom.scoring.consume.CatalogCache;
import dev.headroom.scoring.consume.SignalChangeConsumer;
import dev.headroom.scoring.grpc.ScoringGrpcService;
import dev.headroom.scoring.http.MeasuresRoute;
import dev.headroom.scoring.mapping.ProtoScoreEncoding;
import dev.headroom.scoring.service.Measures;
import dev.headroom.scoring.service.Models;
import dev.headroom.scoring.service.Outcomes;
import dev.headroom.scoring.service.Rescorer;
import dev.headroom.scoring.service.RevenueHistory;
import dev.headroom.scoring.service.ScoreQueries;
import dev.headroom.scoring.service.ScoreRecorder;
import dev.headroom.scoring.service.ScoringMetrics;
import io.grpc.ManagedChannel;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;

/**
 * One running scoring service, wired with plain constructors: database (migrated, seed model), the
 * consumer of signal-service's account changes, the background re-scorer, gRPC + HTTP served by the
 * kit's {@link ServiceHost}. Used by {@link ScoringServiceMain}, the all-in-one app and the tests
 * alike.
 */
public final class ScoringApp implements HostedService {
  private final ServiceHost host;
  private final Database database;
  private final SignalChangeConsumer consumer;
  private final Rescorer rescorer;
  private final ScoringGrpcService grpc;

  private ScoringApp(
      ServiceHost host,
      Database database,
      SignalChangeConsumer consumer,
      Rescorer rescorer,
      ScoringGrpcService grpc) {
    this.host = host;
    this.database = database;
    this.consumer = consumer;
    this.rescorer = rescorer;
    this.grpc = grpc;
  }

  /**
   * @param inProcessName serve gRPC in-process under this name instead of TCP; null for TCP
   * @param withHttp start the Helidon server (health, metrics, {@code /v1/measures})
   */
  // Periodic and fire-and-forget tasks handle their own failures; shutting the executor down
  // cancels them.
  @SuppressWarnings("FutureReturnValueIgnored")
  public static ScoringApp start(
      ScoringConfig config, Clock clock, String inProcessName, boolean withHttp) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Database db = new Database("scoring", config.database());
    PeerChannels peers = new PeerChannels(config.kit());
    try {
      db.migrate();
      var jdbi = db.jdbi();
      ScoringMetrics metrics = new ScoringMetrics(registry);
      Paging paging = new Paging(new PageTokens(config.pagingSecret()), 100, 1000);
      Outbox outbox = new Outbox(db.schema(), jdbi);
      CursorStore cursors = new CursorStore(db.schema(), jdbi);
      Models models = new Models(jdbi, clock);
      ProtoScoreEncoding encoding = new ProtoScoreEncoding();
      new RevenueHistory(jdbi, encoding).backfill();
      ManagedChannel signal = peers.channel("signal");
      CatalogCache catalog =
          new CatalogCache(
              signal,
              config.coreProductKey(),
              config.catalogDeadline(),
              config.catalogRefreshInterval());
      Rescorer rescorer =
          new Rescorer(
              jdbi,
              db.schema(),
              outbox,
              encoding,
              models,
              catalog,
              metrics,
              clock,
              config.rescore());
      models.onActivated(rescorer::start);
      ScoreRecorder recorder =
          new ScoreRecorder(
              jdbi, outbox, encoding, cursors, SignalChangeConsumer.NAME, models, metrics, clock);
      SignalChangeConsumer consumer =
          new SignalChangeConsumer(
              signal,
              cursors,
              catalog,
              recorder,
              Backoff.defaults(),
              config.consumer(),
              config.catalogDeadline(),
              clock);

      OutboxListener listener =
          new OutboxListener(db::openDedicatedConnection, outbox.channel(), Backoff.defaults());
      OutboxWatch watch =
          new OutboxWatch(outbox, listener, new ErrorMapper("scoring"), config.watch());
      OutboxPruner pruner = new OutboxPruner(outbox, config.pruner());
      Measures measures = new Measures(jdbi, config.measures());
      ScoringGrpcService grpc =
          new ScoringGrpcService(
              new ScoreQueries(jdbi, paging),
              models,
              new Outcomes(jdbi, paging, models, clock),
              measures,
              watch,
              clock);
      MeasuresRoute measuresRoute =
          new MeasuresRoute(measures, new HttpErrors(new ErrorMapper("scoring")));

      ServiceHost.Builder hb =
          ServiceHost.builder("scoring")
              .grpc(config.grpc())
              .meterRegistry(registry)
              .readinessCheck(db.readinessCheck())
              .addService(grpc)
              .routes(measuresRoute::register)
              .beforeDrain(watch::close)
              .beforeDrain(consumer::close)
              .closeOnShutdown(db)
              .closeOnShutdown(peers)
              .closeOnShutdown(listener)
              .closeOnShutdown(pruner)
              .closeOnShutdown(catalog)
              .closeOnShutdown(rescorer);
      if (inProcessName != null) {
        hb.inProcess(inProcessName);
      }
      if (withHttp) {
        hb.http(config.http());
      }
      ServiceHost host = hb.build();
      listener.start();
      pruner.start();
      host.start();
      consumer.start();
      rescorer.resumeUnfinished();
      return new ScoringApp(host, db, consumer, rescorer, grpc);
    } catch (RuntimeException e) {
      peers.close();
      db.close();
      throw e;
    }
  }

  @Override
  public ServiceHost host() {
    return host;
  }

  public Database database() {
    return database;
  }

  /** The last signal-service cursor the change consumer saved. */
  public long consumerPosition() {
    return consumer.position();
  }

  /** The ScoringService this app serves, to serve it elsewhere too (tests, other servers). */
  public ScoringGrpcService grpcService() {
    return grpc;
  }

  public boolean rescoreRunning() {
    return rescorer.running();
  }

  @Override
  public void close() {
    host.close();
  }
}
