package dev.headroom.kit.sample;

import com.google.protobuf.Timestamp;
import dev.headroom.kit.ServiceHost;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kit.testing.corpus.BadInputCorpus;
import dev.headroom.kittest.v1.CreateWidgetRequest;
import dev.headroom.kittest.v1.Part;
import dev.headroom.kittest.v1.PlanWidgetRequest;
import dev.headroom.kittest.v1.Price;
import dev.headroom.kittest.v1.WidgetColor;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kit's sample service in the bad-input corpus: how a service joins it. */
class WidgetServiceCorpusTest extends BadInputCorpus {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  private static ServiceHost host;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() {
    host = KitTestService.start(KitTestService.env(PG.database()));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    host.close();
  }

  @Override
  protected Target target() {
    return Target.of(channel, WidgetServiceGrpc.getServiceDescriptor())
        .withSeed(CreateWidgetRequest.newBuilder().setName("seed").setQuantity(1).build())
        .withSeed(
            PlanWidgetRequest.newBuilder()
                .setWidgetId("w-1")
                .setColor(WidgetColor.WIDGET_COLOR_BLUE)
                .setAvailableAt(Timestamp.newBuilder().setSeconds(1_800_000_000))
                .setPrice(Price.newBuilder().setCurrencyCode("EUR").setMinorUnits(1999))
                .addTags("t")
                .setAssembly(
                    Part.newBuilder().setName("frame").addParts(Part.newBuilder().setName("bolt")))
                .build());
  }
}
