package dev.headroom.kit.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.headroom.kit.ServiceHost;
import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.db.Database;
import dev.headroom.kit.sample.KitTestService;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kittest.v1.WatchWidgetsRequest;
import dev.headroom.kittest.v1.WatchWidgetsResponse;
import dev.headroom.kittest.v1.Widget;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batching consumer of the sample service's Watch stream, over a real in-process gRPC call and
 * real PostgreSQL on both sides: each batch is committed with its cursor in the consumer's own
 * schema, so "received" below holds exactly what was acknowledged.
 */
class ResumingConsumerBatchesTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final String NAME = "downstream.widgets";
  private static final String STREAM = "widgets";
  private static final Backoff FAST =
      new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 2.0, 0.5);
  private static final Duration NEVER = Duration.ofMinutes(10);
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private final String alias = "kittest-" + UUID.randomUUID();
  private final String schema = "downstream_" + SCHEMAS.incrementAndGet();
  private final List<ResumingConsumer<?>> consumers = new ArrayList<>();
  private ServiceHost host;
  private Database producer;
  private Outbox outbox;
  private Database downstream;
  private CursorStore cursors;
  private ManagedChannel channel;
  private long startedAfter;
  private int appended;

  @BeforeEach
  void start() {
    host = startHost();
    producer = new Database("kittest", PG.database().settings("kittest"));
    outbox = new Outbox("kittest", producer.jdbi());
    downstream = new Database(schema, PG.database().settings(schema));
    downstream.migrate();
    downstream
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "CREATE TABLE %s.received (key text NOT NULL, cursor bigint NOT NULL, consumer text NOT NULL)"
                        .formatted(schema)));
    cursors = new CursorStore(schema, downstream.jdbi());
    // Each test consumes what it appends itself, not what earlier tests left in the stream.
    startedAfter = outbox.lastSeq(STREAM);
    cursors.save(NAME, startedAfter);
    channel = InProcessChannelBuilder.forName(alias).build();
  }

  @AfterEach
  void stop() {
    consumers.forEach(ResumingConsumer::close);
    channel.shutdownNow();
    host.close();
    downstream.close();
    producer.close();
  }

  @Test
  void aFullBatchIsCommittedAtOnceWithoutWaitingForIdleOrLinger() {
    List<String> keys = append(200);
    Batches batches = new Batches("only");
    ResumingConsumer<WatchWidgetsResponse> consumer =
        consumer(new ResumingConsumer.Settings(50, NEVER, NEVER), batches);

    consumer.start();
    Await.until("all 200 committed", () -> consumer.position() == lastCursor());

    assertEquals(List.of(50, 50, 50, 50), batches.sizes());
    assertEquals(keys, received());
  }

  @Test
  void aBatchThatIsNotFullIsCommittedOnceItLingered() {
    // The stream never stays quiet long enough (idle 10 min): only linger ends the batch.
    List<String> keys = append(3);
    ResumingConsumer<WatchWidgetsResponse> consumer =
        consumer(
            new ResumingConsumer.Settings(10_000, NEVER, Duration.ofMillis(50)),
            new Batches("only"));

    consumer.start();
    Await.until("the three committed", () -> consumer.position() == lastCursor());

    assertEquals(keys, received());
    assertEquals(lastCursor(), cursors.load(NAME));
  }

  @Test
  void aBatchThatIsNotFullIsCommittedOnceTheStreamIsIdle() {
    List<String> keys = append(3);
    ResumingConsumer<WatchWidgetsResponse> consumer =
        consumer(
            new ResumingConsumer.Settings(10_000, Duration.ofMillis(20), NEVER),
            new Batches("only"));

    consumer.start();
    Await.until("the three committed", () -> consumer.position() == lastCursor());

    assertEquals(keys, received());
  }

  @Test
  void reconnectsAfterTheStreamFailsWithNothingLostOrRepeated() {
    List<String> keys = new ArrayList<>(append(20));
    ResumingConsumer<WatchWidgetsResponse> consumer =
        consumer(
            new ResumingConsumer.Settings(16, Duration.ofMillis(5), Duration.ofMillis(50)),
            new Batches("only"));
    consumer.start();
    Await.until("the first 20 committed", () -> consumer.position() == lastCursor());

    // The upstream goes away (its Watch streams end with UNAVAILABLE) while entries keep coming.
    host.close();
    keys.addAll(append(20));
    host = startHost();
    keys.addAll(append(20));
    Await.until("all 60 committed", () -> consumer.position() == lastCursor());

    assertEquals(keys, received());
    assertEquals(lastCursor(), cursors.load(NAME));
  }

  @Test
  void aRestartedConsumerResumesAfterItsStoredCursor() {
    ResumingConsumer.Settings settings =
        new ResumingConsumer.Settings(8, Duration.ofMillis(5), Duration.ofMillis(50));
    List<String> first = append(30);
    ResumingConsumer<WatchWidgetsResponse> before = consumer(settings, new Batches("before"));
    before.start();
    Await.until("the first 30 committed", () -> before.position() == lastCursor());
    before.close();

    List<String> second = append(30);
    ResumingConsumer<WatchWidgetsResponse> after = consumer(settings, new Batches("after"));
    after.start();
    assertEquals(startedAfter + 30, after.position(), "starts at the stored cursor");
    Await.until("the next 30 committed", () -> after.position() == lastCursor());

    assertEquals(first, received("before"));
    assertEquals(second, received("after"));
  }

  @Test
  void aBatchWhoseTransactionFailsIsNotAcknowledgedAndIsRetriedAsItIs() {
    List<String> keys = append(10);
    AtomicBoolean failing = new AtomicBoolean(true);
    AtomicInteger failures = new AtomicInteger();
    List<List<String>> attempts = Collections.synchronizedList(new ArrayList<>());
    Batches batches = new Batches("only");
    ResumingConsumer<WatchWidgetsResponse> consumer =
        consumer(
            new ResumingConsumer.Settings(4, Duration.ofMillis(20), NEVER),
            (batch, through) -> {
              attempts.add(batch.stream().map(WatchWidgetsResponse::getKey).toList());
              if (failing.get()) {
                downstream
                    .jdbi()
                    .useTransaction(
                        h -> {
                          batches.store(h, batch, through);
                          failures.incrementAndGet();
                          throw new IllegalStateException("the batch's transaction fails");
                        });
              }
              batches.commit(batch, through);
            });

    consumer.start();
    Await.until("the first batch failed three times", () -> failures.get() >= 3);

    assertEquals(startedAfter, consumer.position(), "nothing acknowledged");
    assertEquals(startedAfter, cursors.load(NAME), "no cursor stored");
    assertEquals(List.of(), received(), "nothing of the failed batch kept");

    failing.set(false);
    Await.until("all committed", () -> consumer.position() == lastCursor());
    assertEquals(keys, received());
    List<String> firstBatch = keys.subList(0, 4);
    for (int i = 0; i <= failures.get(); i++) {
      assertEquals(firstBatch, attempts.get(i), "attempt " + i + " is the same batch");
    }
  }

  @Test
  void aBatchStillFailingAtShutdownIsDeliveredAfterTheRestart() {
    List<String> keys = append(10);
    AtomicInteger failures = new AtomicInteger();
    ResumingConsumer.Settings settings =
        new ResumingConsumer.Settings(4, Duration.ofMillis(5), Duration.ofMillis(50));
    ResumingConsumer<WatchWidgetsResponse> broken =
        consumer(
            settings,
            (batch, through) -> {
              failures.incrementAndGet();
              throw new IllegalStateException("the database refuses");
            });
    broken.start();
    Await.until("a batch failed", () -> failures.get() >= 1);
    broken.close();
    assertEquals(startedAfter, cursors.load(NAME));

    ResumingConsumer<WatchWidgetsResponse> restarted = consumer(settings, new Batches("after"));
    restarted.start();
    Await.until("all committed", () -> restarted.position() == lastCursor());

    assertEquals(keys, received("after"));
  }

  @Test
  void settingsComeFromTheServiceYamlUnderTheConsumersPrefix() {
    KitConfig config =
        new KitConfig(
            "kittest",
            Map.of(
                "follower.batch-size", "256",
                "follower.idle", "20ms",
                "follower.linger", "200ms"),
            Map.of("HEADROOM_KITTEST_FOLLOWER_LINGER", "1s"));

    assertEquals(
        new ResumingConsumer.Settings(256, Duration.ofMillis(20), Duration.ofSeconds(1)),
        ResumingConsumer.Settings.from(config, "follower"));

    ConfigException missing =
        assertThrows(
            ConfigException.class,
            () -> ResumingConsumer.Settings.from(config, "consumer"),
            "no default outside the YAML");
    assertEquals("consumer.batch-size", missing.key());
    Map<String, String> zeroIdle = new HashMap<>(Map.of("consumer.batch-size", "1"));
    zeroIdle.put("consumer.idle", "0ms");
    zeroIdle.put("consumer.linger", "1s");
    ConfigException zero =
        assertThrows(
            ConfigException.class,
            () ->
                ResumingConsumer.Settings.from(
                    new KitConfig("kittest", zeroIdle, Map.of()), "consumer"));
    assertEquals("consumer.idle", zero.key());
  }

  /** Commits each batch with its cursor, recording which consumer committed it and its size. */
  private final class Batches implements ResumingConsumer.BatchHandler<WatchWidgetsResponse> {
    private final String consumer;
    private final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());

    Batches(String consumer) {
      this.consumer = consumer;
    }

    @Override
    public void commit(List<WatchWidgetsResponse> batch, long through) {
      downstream.jdbi().useTransaction(h -> store(h, batch, through));
      sizes.add(batch.size());
    }

    void store(Handle h, List<WatchWidgetsResponse> batch, long through) {
      for (WatchWidgetsResponse message : batch) {
        h.execute(
            "INSERT INTO %s.received (key, cursor, consumer) VALUES (?, ?, ?)".formatted(schema),
            message.getKey(),
            message.getCursor(),
            consumer);
      }
      cursors.save(h, NAME, through);
    }

    List<Integer> sizes() {
      return List.copyOf(sizes);
    }
  }

  private ResumingConsumer<WatchWidgetsResponse> consumer(
      ResumingConsumer.Settings settings,
      ResumingConsumer.BatchHandler<WatchWidgetsResponse> handler) {
    ResumingConsumer<WatchWidgetsResponse> consumer =
        new ResumingConsumer<>(
            NAME,
            cursors,
            cursor ->
                WidgetServiceGrpc.newBlockingStub(channel)
                    .watchWidgets(WatchWidgetsRequest.newBuilder().setAfterCursor(cursor).build()),
            WatchWidgetsResponse::getCursor,
            handler,
            FAST,
            settings);
    consumers.add(consumer);
    return consumer;
  }

  private ServiceHost startHost() {
    Map<String, String> env = new HashMap<>(KitTestService.env(PG.database()));
    env.put("HEADROOM_KITTEST_GRPC_IN_PROCESS_ALIAS", alias);
    return KitTestService.start(env);
  }

  /** Appends {@code n} widgets to the stream in one transaction, as the producer's writes would. */
  private List<String> append(int n) {
    List<String> keys = new ArrayList<>();
    List<Outbox.NewEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String key = "w" + ++appended;
      keys.add(key);
      entries.add(
          new Outbox.NewEntry(
              key, Widget.newBuilder().setName(key).setQuantity(1).build().toByteArray()));
    }
    producer.jdbi().useTransaction(h -> outbox.appendAll(h, STREAM, entries));
    return keys;
  }

  private long lastCursor() {
    return outbox.lastSeq(STREAM);
  }

  /** What was committed, in cursor order, each delivery once per row. */
  private List<String> received() {
    return downstream
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT key FROM %s.received ORDER BY cursor".formatted(schema))
                    .mapTo(String.class)
                    .list());
  }

  private List<String> received(String consumer) {
    return downstream
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT key FROM %s.received WHERE consumer = :c ORDER BY cursor"
                            .formatted(schema))
                    .bind("c", consumer)
                    .mapTo(String.class)
                    .list());
  }
}
