package dev.headroom.signal.app;

import dev.headroom.kit.HostedService;
import dev.headroom.kit.ServiceHost;
import dev.headroom.kit.db.Database;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.Outbox;
import dev.headroom.kit.outbox.OutboxListener;
import dev.headroom.kit.outbox.OutboxPruner;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.kit.paging.PageTokens;
import dev.headroom.kit.paging.Paging;
import dev.headroom.signal.catalog.AccountService;
import dev.headroom.signal.catalog.CatalogService;
import dev.headroom.signal.db.EventPartitions;
import dev.headroom.signal.db.RollupCompactor;
import dev.headroom.signal.engine.SignalEngine;
import dev.headroom.signal.evaluation.AccountEvaluator;
import dev.headroom.signal.evaluation.EvaluationQueue;
import dev.headroom.signal.evaluation.EvaluationScheduler;
import dev.headroom.signal.evaluation.RuleService;
import dev.headroom.signal.evaluation.SignalReader;
import dev.headroom.signal.grpc.ProtoMapper;
import dev.headroom.signal.grpc.SignalGrpcService;
import dev.headroom.signal.http.EventsRoute;
import dev.headroom.signal.ingest.IngestLoad;
import dev.headroom.signal.ingest.IngestService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;

/**
 * One running signal service, wired with plain constructors: database (migrated), catalog and rules
 * loaded, evaluator and scheduler running, gRPC + HTTP served by the kit's {@link ServiceHost}.
 * Used by {@link SignalServiceMain}, the all-in-one app and the tests alike.
 */
public final class SignalApp implements HostedService {
  private final ServiceHost host;
  private final Database database;
  private final EvaluationQueue queue;
  private final EvaluationScheduler scheduler;

  private SignalApp(
      ServiceHost host, Database database, EvaluationQueue queue, EvaluationScheduler scheduler) {
    this.host = host;
    this.database = database;
    this.queue = queue;
    this.scheduler = scheduler;
  }

  /**
   * @param inProcessName serve gRPC in-process under this name instead of TCP; null for TCP
   * @param withHttp start the Helidon server (health, metrics, POST /v1/events)
   */
  public static SignalApp start(
      SignalConfig config, Clock clock, String inProcessName, boolean withHttp) {
    PrometheusMeterRegistry registry = ServiceHost.newMeterRegistry("signal");
    Database db = new Database("signal", config.database());
    try {
      db.migrate();
      var jdbi = db.jdbi();
      warmSqlObjects(jdbi);
      PageTokens tokens = new PageTokens(config.pagingSecret());
      Paging listPaging = new Paging(tokens, 100, 1000);
      Paging signalPaging = new Paging(tokens, 50, 500);

      CatalogService catalog = new CatalogService(jdbi);
      catalog.reload();
      AccountService accounts = new AccountService(jdbi, catalog, listPaging, clock);
      RuleService rules = new RuleService(jdbi, clock);
      rules.start();
      EventPartitions partitions = new EventPartitions(jdbi);
      partitions.load();
      Outbox outbox = new Outbox(db.schema(), jdbi);
      AccountEvaluator evaluator =
          new AccountEvaluator(
              jdbi,
              accounts,
              catalog,
              rules,
              new SignalEngine(config.engine()),
              outbox,
              change -> ProtoMapper.change(change).toByteArray(),
              clock,
              config.timelineCacheFacts());
      IngestLoad ingestLoad = new IngestLoad(config.background());
      ingestLoad.registerMetrics(registry);
      EvaluationQueue queue =
          new EvaluationQueue(evaluator, config.evaluator(), ingestLoad, registry);
      IngestService ingest =
          new IngestService(
              jdbi,
              catalog,
              partitions,
              clock,
              config.scheduler().rawRetention(),
              (facts, committedAt) -> {
                evaluator.factsCommitted(facts); // before the mark, so the evaluation sees them
                queue.markDirty(facts.keySet(), committedAt);
              },
              ingestLoad,
              registry);
      RollupCompactor compactor =
          new RollupCompactor(jdbi, config.rollupCompactInterval(), ingestLoad::yieldAfter);
      EvaluationScheduler scheduler =
          new EvaluationScheduler(
              accounts,
              catalog,
              rules,
              queue,
              partitions,
              clock,
              config.scheduler(),
              config.evaluator().queueCapacity());
      // The evaluation side reads catalog, accounts and rules, so it is built after them and
      // listens to their committed changes.
      catalog.onChange(scheduler::sweepSoon);
      rules.onChange(scheduler::sweepSoon);
      accounts.onChange(
          id -> {
            evaluator.factsChanged(id); // PutUser writes facts outside the ingest path
            queue.mark(id);
          });

      OutboxListener listener =
          new OutboxListener(db::openDedicatedConnection, outbox.channel(), Backoff.defaults());
      OutboxWatch watch =
          new OutboxWatch(outbox, listener, new ErrorMapper("signal"), config.watch());
      OutboxPruner pruner = new OutboxPruner(outbox, config.pruner());
      SignalGrpcService grpc =
          new SignalGrpcService(
              catalog,
              accounts,
              ingest,
              evaluator,
              rules,
              scheduler,
              new SignalReader(jdbi, accounts, signalPaging),
              watch,
              clock,
              config.evaluateTimeout());

      ServiceHost.Builder hb =
          ServiceHost.builder("signal")
              .grpc(config.grpc())
              .meterRegistry(registry)
              .readinessCheck(db.readinessCheck())
              .addService(grpc)
              .beforeDrain(watch::close)
              .closeOnShutdown(db)
              .closeOnShutdown(compactor)
              .closeOnShutdown(listener)
              .closeOnShutdown(pruner)
              .closeOnShutdown(queue)
              .closeOnShutdown(scheduler);
      if (inProcessName != null) {
        hb.inProcess(inProcessName);
      }
      if (withHttp) {
        EventsRoute route = new EventsRoute(ingest, new ErrorMapper("signal"));
        hb.http(config.http()).routes(route::register);
      }
      ServiceHost host = hb.build();
      listener.start();
      pruner.start();
      queue.start();
      scheduler.start();
      compactor.start();
      host.start();
      return new SignalApp(host, db, queue, scheduler);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * Jdbi caches the SqlObject metadata of a DAO interface in the config of the handle that first
   * attached it, and every handle starts from a copy of the Jdbi-level config: without this warm-up
   * each {@code attach} / {@code withExtension} would rebuild the metadata by reflection, a large
   * share of the evaluator's CPU. Computing it once at the Jdbi level lets every handle's copy
   * start with it.
   */
  private static void warmSqlObjects(org.jdbi.v3.core.Jdbi jdbi) {
    var extensions = jdbi.getConfig(org.jdbi.v3.core.extension.Extensions.class);
    extensions
        .findFactory(org.jdbi.v3.sqlobject.SqlObjectFactory.class)
        .ifPresent(
            f -> {
              for (Class<?> dao :
                  List.of(
                      dev.headroom.signal.db.AccountDao.class,
                      dev.headroom.signal.db.CatalogDao.class,
                      dev.headroom.signal.db.FactDao.class,
                      dev.headroom.signal.db.RuleDao.class,
                      dev.headroom.signal.db.SignalDao.class)) {
                extensions.findMetadata(dao, f);
              }
            });
  }

  @Override
  public ServiceHost host() {
    return host;
  }

  public Database database() {
    return database;
  }

  public EvaluationQueue evaluator() {
    return queue;
  }

  public EvaluationScheduler scheduler() {
    return scheduler;
  }

  @Override
  public void close() {
    host.close();
  }
}
