package dev.headroom.kit.sample;

import dev.headroom.kit.ServiceHost;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.db.Database;
import dev.headroom.kit.db.DatabaseSettings;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.grpc.GrpcServerSettings;
import dev.headroom.kit.http.HttpSettings;
import dev.headroom.kit.outbox.Backoff;
import dev.headroom.kit.outbox.Outbox;
import dev.headroom.kit.outbox.OutboxListener;
import dev.headroom.kit.outbox.OutboxWatch;
import dev.headroom.kit.paging.PageTokens;
import dev.headroom.kit.paging.Paging;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a service's main looks like with the kit: config once, plain constructors, one host. */
public final class KitTestService {
  private KitTestService() {}

  public static ServiceHost start(Map<String, String> env) {
    KitConfig config =
        KitConfig.load("kittest", "kittest.yaml", KitTestService.class.getClassLoader(), env);
    Database db = new Database("kittest", DatabaseSettings.from(config));
    db.migrate();
    Outbox outbox = new Outbox(db.schema(), db.jdbi());
    OutboxListener listener =
        new OutboxListener(db::openDedicatedConnection, outbox.channel(), Backoff.defaults());
    OutboxWatch watch =
        new OutboxWatch(
            outbox, listener, new ErrorMapper("kittest"), OutboxWatch.Settings.from(config));
    Paging paging =
        new Paging(
            new PageTokens(config.string("paging.secret").getBytes(StandardCharsets.UTF_8)),
            2,
            100);
    listener.start();
    return ServiceHost.builder("kittest")
        .grpc(GrpcServerSettings.from(config))
        .http(HttpSettings.from(config))
        .readinessCheck(db.readinessCheck())
        .addService(new WidgetGrpc(db.jdbi(), outbox, watch, paging))
        .routes(
            r ->
                r.get(
                    "/admin/widgets/count",
                    (req, res) ->
                        res.send(
                            db.jdbi()
                                .withHandle(
                                    h ->
                                        h.createQuery("SELECT count(*) FROM widget")
                                            .mapTo(Long.class)
                                            .one())
                                .toString())))
        .beforeDrain(watch::close)
        .closeOnShutdown(db)
        .closeOnShutdown(listener)
        .build()
        .start();
  }

  /** Environment that points the service at a test database, the way a deployment would. */
  public static Map<String, String> env(dev.headroom.kit.testing.TestDatabase tdb) {
    return Map.of(
        "HEADROOM_KITTEST_DATABASE_URL", tdb.url(),
        "HEADROOM_DATABASE_USER", tdb.user(),
        "HEADROOM_DATABASE_PASSWORD", tdb.password());
  }
}
