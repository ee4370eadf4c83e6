package dev.headroom.prompt.testing;

import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.api.crm.v1.Opportunity;
import dev.headroom.api.crm.v1.WatchOpportunitiesRequest;
import dev.headroom.api.crm.v1.WatchOpportunitiesResponse;
import io.grpc.Server;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.UUID;

/**
 * crm-connector's WatchOpportunities contract on a real in-process gRPC server: a stream of
 * opportunity changes the test appends to.
 */
public final class FakeCrm implements AutoCloseable {
  private final ScriptedStream<WatchOpportunitiesResponse> changes = new ScriptedStream<>();
  private final String name = "fake-crm-" + UUID.randomUUID();
  private final Server server;

  public FakeCrm() throws IOException {
    this.server =
        InProcessServerBuilder.forName(name)
            .addService(
                new CrmConnectorServiceGrpc.CrmConnectorServiceImplBase() {
                  @Override
                  public void watchOpportunities(
                      WatchOpportunitiesRequest request,
                      StreamObserver<WatchOpportunitiesResponse> obs) {
                    changes.serve(request.getAfterCursor(), obs);
                  }
                })
            .build()
            .start();
  }

  /** The peer address for {@code HEADROOM_PROMPT_PEERS_CRM}. */
  public String peer() {
    return "in-process:" + name;
  }

  /** Appends a change; returns its cursor. */
  public long publish(Opportunity opportunity) {
    return changes.append(
        cursor ->
            WatchOpportunitiesResponse.newBuilder()
                .setCursor(cursor)
                .setOpportunity(opportunity)
                .build());
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
