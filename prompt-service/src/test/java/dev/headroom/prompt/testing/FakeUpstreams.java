package dev.headroom.prompt.testing;

import com.google.protobuf.Timestamp;
import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.ListScoresResponse;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.api.signal.v1.Catalog;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.GetCatalogRequest;
import dev.headroom.api.signal.v1.GetCatalogResponse;
import dev.headroom.api.signal.v1.GetUsageSnapshotRequest;
import dev.headroom.api.signal.v1.GetUsageSnapshotResponse;
import dev.headroom.api.signal.v1.ListAccountsRequest;
import dev.headroom.api.signal.v1.ListAccountsResponse;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.api.signal.v1.WatchAccountChangesRequest;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Scripted signal-service and scoring-service on one in-process server: a fixed catalog and change
 * streams the test appends to, so the prompt context can be driven exactly, plus the current state
 * (ListAccounts, GetUsageSnapshot, ListScores) a consumer resynchronizes from.
 */
public final class FakeUpstreams implements AutoCloseable {
  private final ScriptedStream<WatchAccountChangesResponse> changes = new ScriptedStream<>();
  private final ScriptedStream<WatchScoresResponse> scores = new ScriptedStream<>();
  private final String name = "fake-upstreams-" + UUID.randomUUID();
  private final Server server;
  private final ConcurrentSkipListMap<String, UsageSnapshot> currentUsage =
      new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<String, Score> currentScores = new ConcurrentSkipListMap<>();
  private volatile CountDownLatch snapshotGate = new CountDownLatch(0);
  private final CountDownLatch snapshotRead = new CountDownLatch(1);
  private volatile Catalog catalog;

  public FakeUpstreams(Catalog catalog) throws IOException {
    this.catalog = catalog;
    this.server =
        InProcessServerBuilder.forName(name)
            .addService(new Signal())
            .addService(new Scoring())
            .build()
            .start();
  }

  /** The peer address for {@code HEADROOM_PROMPT_PEERS_*}. */
  public String peer() {
    return "in-process:" + name;
  }

  public long publish(UsageSnapshot snapshot, ChangeKind kind) {
    currentUsage.put(snapshot.getAccountId(), snapshot);
    return changes.append(
        cursor ->
            WatchAccountChangesResponse.newBuilder()
                .setCursor(cursor)
                .setAccountId(snapshot.getAccountId())
                .setKind(kind)
                .setChangedAt(Timestamp.newBuilder().setSeconds(1))
                .setSnapshot(snapshot)
                .build());
  }

  public long publish(Score score) {
    currentScores.put(score.getAccountId(), score);
    return scores.append(
        cursor -> WatchScoresResponse.newBuilder().setCursor(cursor).setScore(score).build());
  }

  /** Both streams stop retaining what came before these cursors. */
  public void pruneBefore(long firstRetainedChange, long firstRetainedScore) {
    changes.pruneBefore(firstRetainedChange);
    scores.pruneBefore(firstRetainedScore);
  }

  /** ListAccounts waits until {@link #openSnapshot()}. */
  public void holdSnapshot() {
    snapshotGate = new CountDownLatch(1);
  }

  public void openSnapshot() {
    snapshotGate.countDown();
  }

  /** Waits until a consumer started reading the full snapshot (ListAccounts was called). */
  public boolean awaitSnapshotRead() throws InterruptedException {
    return snapshotRead.await(1, TimeUnit.MINUTES);
  }

  /** Watches opened on the account-change stream so far. */
  public int accountWatchesOpened() {
    return changes.opened();
  }

  /** One page of a sorted map: the page token is the last key of the previous page. */
  private static <V, R> R page(
      ConcurrentSkipListMap<String, V> all,
      String pageToken,
      int pageSize,
      Function<List<V>, R> build,
      java.util.function.BiFunction<R, String, R> withNext) {
    Map<String, V> rest = pageToken.isEmpty() ? all : all.tailMap(pageToken, false);
    List<V> items = new ArrayList<>();
    String last = "";
    for (Map.Entry<String, V> e : rest.entrySet()) {
      if (items.size() == Math.max(1, pageSize)) {
        return withNext.apply(build.apply(items), last);
      }
      items.add(e.getValue());
      last = e.getKey();
    }
    return build.apply(items);
  }

  private final class Signal extends SignalServiceGrpc.SignalServiceImplBase {
    @Override
    public void getCatalog(GetCatalogRequest request, StreamObserver<GetCatalogResponse> obs) {
      obs.onNext(GetCatalogResponse.newBuilder().setCatalog(catalog).build());
      obs.onCompleted();
    }

    @Override
    public void watchAccountChanges(
        WatchAccountChangesRequest request, StreamObserver<WatchAccountChangesResponse> obs) {
      changes.serve(request.getAfterCursor(), obs);
    }

    @Override
    public void listAccounts(
        ListAccountsRequest request, StreamObserver<ListAccountsResponse> obs) {
      snapshotRead.countDown();
      try {
        snapshotGate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        obs.onError(Status.CANCELLED.asRuntimeException());
        return;
      }
      obs.onNext(
          page(
              currentUsage,
              request.getPageToken(),
              request.getPageSize(),
              items ->
                  ListAccountsResponse.newBuilder()
                      .addAllAccounts(items.stream().map(UsageSnapshot::getAccount).toList())
                      .build(),
              (r, next) -> r.toBuilder().setNextPageToken(next).build()));
      obs.onCompleted();
    }

    @Override
    public void getUsageSnapshot(
        GetUsageSnapshotRequest request, StreamObserver<GetUsageSnapshotResponse> obs) {
      UsageSnapshot snapshot = currentUsage.get(request.getAccountId());
      if (snapshot == null) {
        obs.onError(Status.NOT_FOUND.asRuntimeException());
        return;
      }
      obs.onNext(GetUsageSnapshotResponse.newBuilder().setSnapshot(snapshot).build());
      obs.onCompleted();
    }
  }

  private final class Scoring extends ScoringServiceGrpc.ScoringServiceImplBase {
    @Override
    public void watchScores(WatchScoresRequest request, StreamObserver<WatchScoresResponse> obs) {
      scores.serve(request.getAfterCursor(), obs);
    }

    @Override
    public void listScores(ListScoresRequest request, StreamObserver<ListScoresResponse> obs) {
      obs.onNext(
          page(
              currentScores,
              request.getPageToken(),
              request.getPageSize(),
              items -> ListScoresResponse.newBuilder().addAllScores(items).build(),
              (r, next) -> r.toBuilder().setNextPageToken(next).build()));
      obs.onCompleted();
    }
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
