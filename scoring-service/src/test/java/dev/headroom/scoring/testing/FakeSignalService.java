package dev.headroom.scoring.testing;

import dev.headroom.api.signal.v1.Catalog;
import dev.headroom.api.signal.v1.ChangeKind;
import dev.headroom.api.signal.v1.GetCatalogRequest;
import dev.headroom.api.signal.v1.GetCatalogResponse;
import dev.headroom.api.signal.v1.SignalServiceGrpc;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.api.signal.v1.WatchAccountChangesRequest;
import dev.headroom.api.signal.v1.WatchAccountChangesResponse;
import dev.headroom.scoring.mapping.ScoreProtos;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A scripted signal-service for API tests: serves a fixed catalog and a change stream the test
 * appends to, so scores can be driven by exact metrics. The end-to-end test uses the real
 * signal-service instead.
 */
public final class FakeSignalService extends SignalServiceGrpc.SignalServiceImplBase {
  private final List<WatchAccountChangesResponse> changes = new ArrayList<>();
  private volatile Catalog catalog;

  /** This fake served in-process under {@code name}; closing it shuts the server down. */
  public record Served(String name, Server server) implements AutoCloseable {
    @Override
    public void close() {
      try {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Serves this fake in-process under a new name. */
  public Served serve() throws IOException {
    String name = "fake-signal-" + UUID.randomUUID();
    return new Served(name, InProcessServerBuilder.forName(name).addService(this).build().start());
  }

  public FakeSignalService(Catalog catalog) {
    this.catalog = catalog;
  }

  public void setCatalog(Catalog catalog) {
    this.catalog = catalog;
  }

  /** Appends a change carrying {@code snapshot}; returns its cursor. */
  public synchronized long publish(UsageSnapshot snapshot, ChangeKind kind) {
    long cursor = changes.size() + 1L;
    changes.add(
        WatchAccountChangesResponse.newBuilder()
            .setCursor(cursor)
            .setAccountId(snapshot.getAccountId())
            .setKind(kind)
            .setChangedAt(ScoreProtos.ts(Instant.now()))
            .setSnapshot(snapshot)
            .build());
    notifyAll();
    return cursor;
  }

  public synchronized long lastCursor() {
    return changes.size();
  }

  @Override
  public void getCatalog(GetCatalogRequest request, StreamObserver<GetCatalogResponse> obs) {
    obs.onNext(GetCatalogResponse.newBuilder().setCatalog(catalog).build());
    obs.onCompleted();
  }

  @Override
  public void watchAccountChanges(
      WatchAccountChangesRequest request,
      StreamObserver<WatchAccountChangesResponse> responseObserver) {
    ServerCallStreamObserver<WatchAccountChangesResponse> obs =
        (ServerCallStreamObserver<WatchAccountChangesResponse>) responseObserver;
    Thread sender =
        new Thread(
            () -> {
              long next = request.getAfterCursor() + 1;
              try {
                while (!obs.isCancelled()) {
                  WatchAccountChangesResponse change;
                  synchronized (this) {
                    while (changes.size() < next && !obs.isCancelled()) {
                      wait(50);
                    }
                    if (obs.isCancelled()) {
                      return;
                    }
                    change = changes.get((int) next - 1);
                  }
                  obs.onNext(change);
                  next++;
                }
              } catch (InterruptedException | RuntimeException e) {
                // the call is gone
              }
            },
            "fake-signal-watch");
    sender.setDaemon(true);
    sender.start();
  }
}
