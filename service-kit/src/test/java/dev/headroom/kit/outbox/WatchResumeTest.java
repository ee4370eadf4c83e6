package dev.headroom.kit.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.headroom.kit.ServiceHost;
import dev.headroom.kit.db.Database;
import dev.headroom.kit.sample.KitTestService;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kittest.v1.CreateWidgetRequest;
import dev.headroom.kittest.v1.WatchWidgetsRequest;
import dev.headroom.kittest.v1.WatchWidgetsResponse;
import dev.headroom.kittest.v1.Widget;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A downstream consumer keeps every entry across a server restart and across its own restart. */
class WatchResumeTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static ManagedChannel channelTo(ServiceHost host) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
  }

  private static void create(ManagedChannel ch, String name) {
    WidgetServiceGrpc.newBlockingStub(ch)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .createWidget(CreateWidgetRequest.newBuilder().setName(name).setQuantity(1).build());
  }

  private static ResumingConsumer<WatchWidgetsResponse> consumer(
      CursorStore store, AtomicReference<ManagedChannel> channel, List<String> received) {
    return new ResumingConsumer<>(
        "downstream.widgets",
        store,
        cursor ->
            WidgetServiceGrpc.newBlockingStub(channel.get())
                .watchWidgets(WatchWidgetsRequest.newBuilder().setAfterCursor(cursor).build()),
        WatchWidgetsResponse::getCursor,
        msg -> received.add(msg.getKey()),
        new Backoff(Duration.ofMillis(20), Duration.ofMillis(300), 2.0, 0.5));
  }

  @Test
  void watchResumesFromTheCursorAfterServerRestartWithNoEntryLost() throws Exception {
    var env = KitTestService.env(PG.database());
    // The consumer keeps its cursor in its own schema, as a downstream service would.
    try (Database consumerDb = new Database("downstream", PG.database().settings("downstream"))) {
      consumerDb.migrate();
      CursorStore store = new CursorStore("downstream", consumerDb.jdbi());
      List<String> received = Collections.synchronizedList(new ArrayList<>());
      AtomicReference<ManagedChannel> channel = new AtomicReference<>();

      ServiceHost first = KitTestService.start(env);
      channel.set(channelTo(first));
      ResumingConsumer<WatchWidgetsResponse> c = consumer(store, channel, received).start();
      for (int i = 1; i <= 5; i++) {
        create(channel.get(), "w" + i);
      }
      Await.until("first five delivered", () -> received.size() >= 5);

      // Server goes away (graceful: Watch streams end with UNAVAILABLE); writes continue meanwhile.
      first.close();
      channel.get().shutdownNow();
      try (Database producer = new Database("kittest", PG.database().settings("kittest"))) {
        Outbox outbox = new Outbox("kittest", producer.jdbi());
        for (int i = 6; i <= 8; i++) {
          Widget w = Widget.newBuilder().setName("w" + i).setQuantity(1).build();
          producer
              .jdbi()
              .useTransaction(
                  h -> {
                    h.execute("INSERT INTO widget (name, quantity) VALUES (?, 1)", w.getName());
                    outbox.append(h, "widgets", w.getName(), w.toByteArray());
                  });
        }
      }

      ServiceHost second = KitTestService.start(env);
      channel.set(channelTo(second));
      for (int i = 9; i <= 10; i++) {
        create(channel.get(), "w" + i);
      }
      Await.until("all ten delivered after restart", () -> store.load("downstream.widgets") == 10);
      c.close();

      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        expected.add("w" + i);
      }
      // At least once and in order: duplicates are allowed, gaps and reordering are not.
      assertEquals(expected, new ArrayList<>(new LinkedHashSet<>(received)));

      // The consumer itself restarts: it resumes from its stored cursor and does not start over.
      List<String> afterRestart = Collections.synchronizedList(new ArrayList<>());
      ResumingConsumer<WatchWidgetsResponse> c2 = consumer(store, channel, afterRestart).start();
      create(channel.get(), "w11");
      Await.until(
          "w11 delivered to the restarted consumer", () -> store.load("downstream.widgets") == 11);
      c2.close();
      assertEquals(List.of("w11"), afterRestart);

      channel.get().shutdownNow();
      second.close();
    }
  }
}
