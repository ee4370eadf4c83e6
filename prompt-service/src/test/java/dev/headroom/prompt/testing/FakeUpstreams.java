package dev.headroom.prompt.testing;

import com.google.protobuf.Timestamp;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc;
import dev.headroom.api.scoring.v1.WatchScoresRequest;
import dev.headroom.api.scoring.v1.WatchScoresResponse;
import dev.headroom.api.signal.v1.Catalog;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.GetCatalogRequest;
import dev.headroom.api.signal.v1.GetCatalogResponse;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.api.signal.v1.WatchAccountChangesRequest;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.UUID;

/**
 * Scripted signal-service and scoring-service on one in-process server: a fixed catalog and change
 * streams the test appends to, so the prompt context can be driven exactly.
 */
public final class FakeUpstreams implements AutoCloseable {
  private final ScriptedStream<WatchAccountChangesResponse> changes = new ScriptedStream<>();
  private final ScriptedStream<WatchScoresResponse> scores = new ScriptedStream<>();
  private final String name = "fake-upstreams-" + UUID.randomUUID();
  private final Server server;
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
    return scores.append(
        cursor -> WatchScoresResponse.newBuilder().setCursor(cursor).setScore(score).build());
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
  }

  private final class Scoring extends ScoringServiceGrpc.ScoringServiceImplBase {
    @Override
    public void watchScores(WatchScoresRequest request, StreamObserver<WatchScoresResponse> obs) {
      scores.serve(request.getAfterCursor(), obs);
    }
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
