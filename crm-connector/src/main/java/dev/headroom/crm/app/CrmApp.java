package dev.headroom.crm.app;

import dev.headroom.crm.admin.Audit;
import dev.headroom.crm.admin.ConnectionAdmin;
import dev.headroom.crm.consume.ScoreFollower;
import dev.headroom.crm.consume.ScoringOutcomes;
import dev.headroom.crm.db.ConnectionDao;
import dev.headroom.crm.grpc.CrmGrpcService;
import dev.headroom.crm.http.CrmRoutes;
import dev.headroom.crm.rules.RuleActions;
import dev.headroom.crm.rules.Rules;
import dev.headroom.crm.secrets.CredentialVault;
import dev.headroom.crm.secrets.SecretBox;
import dev.headroom.crm.sync.Connections;
import dev.headroom.crm.sync.Ids;
import dev.headroom.crm.sync.SyncAdmin;
import dev.headroom.crm.sync.SyncEngine;
import dev.headroom.crm.sync.SyncMetrics;
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
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * One running CRM connector, wired with plain constructors: database (migrated), credentials
 * re-encrypted under the active key, the follower of scoring-service's WatchScores, the sync
 * engine, gRPC + HTTP served by the kit's {@link ServiceHost}. Used by {@link CrmServiceMain}, the
 * all-in-one app and the tests alike.
 */
public final class CrmApp implements HostedService {
  private static final Logger LOG = Logger.getLogger(CrmApp.class.getName());

  private final ServiceHost host;
  private final ScoreFollower follower;
  private final ConnectionAdmin admin;

  private CrmApp(ServiceHost host, ScoreFollower follower, ConnectionAdmin admin) {
    this.host = host;
    this.follower = follower;
    this.admin = admin;
  }

  /**
   * @param inProcessName serve gRPC in-process under this name instead of TCP; null for TCP
   * @param withHttp start the Helidon server (health, metrics)
   */
  public static CrmApp start(
      CrmConfig config, Clock clock, String inProcessName, boolean withHttp) {
    PrometheusMeterRegistry registry = ServiceHost.newMeterRegistry("crm");
    SyncMetrics metrics = new SyncMetrics(registry);
    Database db = new Database("crm", config.database());
    PeerChannels peers = new PeerChannels(config.kit());
    try {
      db.migrate();
      Jdbi jdbi = db.jdbi();
      Ids ids = new Ids(clock);
      CredentialVault vault =
          new CredentialVault(new SecretBox(config.secretKeys(), config.activeKey()));
      rewrap(jdbi, vault);
      Paging paging = new Paging(new PageTokens(config.pagingSecret()), 50, 500);
      HttpClient http =
          HttpClient.newBuilder()
              .connectTimeout(config.connectTimeout())
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      Connections connections =
          new Connections(jdbi, vault, http, config.connections(), clock, metrics);
      Audit audit = new Audit(jdbi, paging, clock, ids);
      Rules rules = new Rules(jdbi, audit, clock, ids);
      ConnectionAdmin admin =
          new ConnectionAdmin(
              jdbi, vault, connections, audit, rules, config.connectionDefaults(), clock, ids);
      SyncAdmin syncs = new SyncAdmin(jdbi, rules, audit, paging, clock, ids);
      Outbox outbox = new Outbox(db.schema(), jdbi);
      OutboxListener listener =
          new OutboxListener(db::openDedicatedConnection, outbox.channel(), Backoff.defaults());
      OutboxWatch watch = new OutboxWatch(outbox, listener, new ErrorMapper("crm"), config.watch());
      OutboxPruner pruner = new OutboxPruner(outbox, config.pruner());
      SyncEngine engine =
          new SyncEngine(
              jdbi,
              connections,
              rules,
              outbox,
              new ScoringOutcomes(peers.channel("scoring")),
              config.sync(),
              metrics,
              clock,
              ids);
      ScoreFollower follower =
          new ScoreFollower(
              peers.channel("scoring"),
              jdbi,
              new CursorStore(db.schema(), jdbi),
              clock,
              Backoff.defaults(),
              config.follower());

      CrmGrpcService api =
          new CrmGrpcService(
              admin, syncs, rules, new RuleActions(jdbi, audit, paging, clock), audit, watch);
      ServiceHost.Builder hb =
          ServiceHost.builder("crm")
              .grpc(config.grpc())
              .meterRegistry(registry)
              .readinessCheck(db.readinessCheck())
              .addService(api)
              .routes(r -> new CrmRoutes(api, new HttpErrors(new ErrorMapper("crm"))).register(r))
              .beforeDrain(watch::close)
              .beforeDrain(follower::close)
              .beforeDrain(engine::close)
              .closeOnShutdown(db)
              .closeOnShutdown(peers)
              .closeOnShutdown(listener)
              .closeOnShutdown(pruner);
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
      follower.start();
      engine.start();
      return new CrmApp(host, follower, admin);
    } catch (RuntimeException e) {
      peers.close();
      db.close();
      throw e;
    }
  }

  /** Re-encrypts credentials sealed under a key other than the active one (key rotation). */
  private static void rewrap(Jdbi jdbi, CredentialVault vault) {
    ConnectionDao dao = jdbi.onDemand(ConnectionDao.class);
    int rewrapped = 0;
    for (ConnectionDao.ConnectionRow row : dao.list()) {
      String sealed = row.credentialsSealed();
      if (sealed != null && vault.needsRewrap(sealed)) {
        try {
          dao.reseal(
              row.connectionId(),
              vault.seal(row.connectionId(), vault.open(row.connectionId(), sealed)));
          rewrapped++;
        } catch (IllegalStateException e) {
          LOG.warning(
              "connection "
                  + row.connectionId()
                  + ": "
                  + e.getMessage()
                  + "; set its credentials again");
        }
      }
    }
    if (rewrapped > 0) {
      LOG.info("re-encrypted the credentials of " + rewrapped + " connections with the active key");
    }
  }

  @Override
  public ServiceHost host() {
    return host;
  }

  /** The last scoring-service cursor the follower saved. */
  public long followerPosition() {
    return follower.position();
  }

  /** The admin use cases, for in-process wiring such as {@link LocalCrm}. */
  public ConnectionAdmin admin() {
    return admin;
  }

  @Override
  public void close() {
    host.close();
  }
}
