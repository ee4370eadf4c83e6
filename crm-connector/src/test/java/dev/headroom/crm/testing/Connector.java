package dev.headroom.crm.testing;

import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.crm.app.CrmApp;
import dev.headroom.kit.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A running connector for a test: a scripted scoring-service it follows, the app on a real
 * database, and a gRPC stub of its admin API over an in-process channel.
 */
public final class Connector implements AutoCloseable {
  public final FakeScoring scoring = new FakeScoring();
  public final CrmApp app;
  public final CrmConnectorServiceGrpc.CrmConnectorServiceBlockingStub stub;
  private final Server scoringServer;
  private final ManagedChannel channel;

  public Connector(TestDatabase db) throws IOException {
    String scoringName = "fake-scoring-" + UUID.randomUUID();
    scoringServer = InProcessServerBuilder.forName(scoringName).addService(scoring).build().start();
    String crmName = "crm-" + UUID.randomUUID();
    app =
        CrmApp.start(
            Apps.config(db, "in-process:" + scoringName), Clock.systemUTC(), crmName, true);
    channel = InProcessChannelBuilder.forName(crmName).build();
    stub = CrmConnectorServiceGrpc.newBlockingStub(channel);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    app.close();
    scoringServer.shutdownNow();
  }
}
