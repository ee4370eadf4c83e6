package dev.headroom.kit.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.BadRequest;
import dev.headroom.kit.ServiceHost;
import dev.headroom.kit.sample.KitTestService;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kittest.v1.CreateWidgetRequest;
import dev.headroom.kittest.v1.WatchWidgetsRequest;
import dev.headroom.kittest.v1.WatchWidgetsResponse;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Watch answers at once when it cannot resume from the cursor, instead of staying silent; a
 * consumer whose cursor expired resynchronizes ({@link ResyncOnExpiredCursor}) and then resumes
 * just before the first retained entry, so an entry written during the resync still arrives.
 */
class WatchCursorTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  private static ServiceHost host;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() {
    host = KitTestService.start(KitTestService.env(PG.database()));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
  }

  /** Creates a widget and returns its outbox cursor, the newest of the stream. */
  private static long create(String name) {
    return stub()
        .createWidget(CreateWidgetRequest.newBuilder().setName(name).setQuantity(1).build())
        .getSeq();
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    host.close();
  }

  private static WidgetServiceGrpc.WidgetServiceBlockingStub stub() {
    return WidgetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static Iterator<WatchWidgetsResponse> watch(long afterCursor) {
    return stub()
        .watchWidgets(WatchWidgetsRequest.newBuilder().setAfterCursor(afterCursor).build());
  }

  @Test
  void aCursorBeyondTheNewestEntryIsInvalidArgumentOnAfterCursor() throws Exception {
    long newest = create("beyond");
    for (long cursor : new long[] {newest + 1, Long.MAX_VALUE}) {
      StatusRuntimeException e =
          assertThrows(StatusRuntimeException.class, () -> watch(cursor).next());
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      BadRequest br =
          StatusProto.fromThrowable(e).getDetailsList().stream()
              .filter(d -> d.is(BadRequest.class))
              .findFirst()
              .orElseThrow()
              .unpack(BadRequest.class);
      assertEquals("after_cursor", br.getFieldViolations(0).getField());
    }
  }

  @Test
  void aNegativeCursorIsInvalidArgumentOnAfterCursor() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> watch(-1).next());
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void theNewestCursorWaitsForTheNextEntry() {
    Iterator<WatchWidgetsResponse> stream = watch(create("newest"));
    assertEquals(create("next"), stream.next().getCursor());
  }

  @Test
  void anExpiredCursorResynchronizesThenReplaysFromTheFirstRetainedEntry() {
    long before = create("before-prune");
    create("pruned-too");
    Jdbi jdbi = Jdbi.create(PG.database().url(), PG.database().user(), PG.database().password());
    assertTrue(new Outbox("kittest", jdbi).prune(Duration.ZERO, 1000) >= 2);
    long firstRetained = create("retained");
    List<Long> resyncs = new ArrayList<>();
    List<Long> duringResync = new ArrayList<>();
    Iterator<WatchWidgetsResponse> stream =
        new ResyncOnExpiredCursor<>(
                WatchCursorTest::watch,
                asOf -> {
                  resyncs.add(asOf);
                  duringResync.add(create("during-resync"));
                })
            .open(before - 1);

    // Read the way ResumingConsumer reads: hasNext() first.
    assertTrue(stream.hasNext());
    assertEquals(firstRetained, stream.next().getCursor());
    assertEquals(duringResync.get(0), stream.next().getCursor());
    assertEquals(List.of(firstRetained - 1), resyncs);
  }

  @Test
  void anotherRefusalIsNotTakenForAnExpiredCursor() {
    long newest = create("newest-when-refused");
    List<Long> resyncs = new ArrayList<>();
    Iterator<WatchWidgetsResponse> stream =
        new ResyncOnExpiredCursor<>(WatchCursorTest::watch, resyncs::add).open(newest + 1);

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, stream::hasNext);
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(List.of(), resyncs);
  }
}
