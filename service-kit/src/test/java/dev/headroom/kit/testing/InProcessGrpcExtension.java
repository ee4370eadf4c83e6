package dev.headroom.kit.testing;

import dev.headroom.kit.grpc.GrpcServer;
import dev.headroom.kit.grpc.GrpcServerSettings;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts services on an in-process {@link GrpcServer} (same interceptors, health and reflection as
 * production) with direct executors, and returns a channel to it; everything is shut down after
 * each test.
 *
 * <pre>{@code
 * @RegisterExtension final InProcessGrpcExtension grpc = new InProcessGrpcExtension();
 * var stub = WidgetServiceGrpc.newBlockingStub(grpc.start("kittest", new WidgetGrpc(...)));
 * }</pre>
 */
public final class InProcessGrpcExtension implements AfterEachCallback {
  /** Calls run on the caller's thread (direct executor): only the admission bound matters. */
  private static final GrpcServerSettings SETTINGS =
      new GrpcServerSettings(0, 1, 1024, 1024, Duration.ofSeconds(1), 4 * 1024 * 1024, "");

  private final List<GrpcServer> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  public ManagedChannel start(String serviceName, BindableService... services) {
    String name = serviceName + "-" + UUID.randomUUID();
    GrpcServer.Builder b =
        GrpcServer.builder(serviceName).settings(SETTINGS).inProcess(name).directExecutor();
    for (BindableService s : services) {
      b.addService(s);
    }
    servers.add(b.build().start());
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    channels.add(channel);
    return channel;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    channels.clear();
    for (GrpcServer s : servers) {
      s.close();
    }
    servers.clear();
  }
}
