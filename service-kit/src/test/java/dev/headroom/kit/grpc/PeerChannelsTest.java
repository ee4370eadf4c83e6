package dev.headroom.kit.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.headroom.kit.ServiceHost;
import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.sample.KitTestService;
import dev.headroom.kit.testing.Await;
import dev.headroom.kit.testing.PostgresExtension;
import dev.headroom.kittest.v1.CreateWidgetRequest;
import dev.headroom.kittest.v1.ListWidgetsRequest;
import dev.headroom.kittest.v1.WidgetServiceGrpc;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A sibling service reaches a peer in-process while hosts reach the same peer over TCP. */
class PeerChannelsTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void peerIsServedOverTcpAndInProcessByTheSameHandlers() {
    Map<String, String> env = new HashMap<>(KitTestService.env(PG.database()));
    env.put("HEADROOM_KITTEST_GRPC_IN_PROCESS_ALIAS", "kittest-sibling");
    try (ServiceHost host = KitTestService.start(env);
        PeerChannels inProcess =
            new PeerChannels(
                new KitConfig(
                    "caller",
                    Map.of(),
                    Map.of("HEADROOM_PEERS_KITTEST", "in-process:kittest-sibling")));
        PeerChannels overTcp =
            new PeerChannels(
                new KitConfig(
                    "caller",
                    Map.of(),
                    Map.of("HEADROOM_PEERS_KITTEST", "127.0.0.1:" + host.grpcPort())))) {
      var health =
          HealthGrpc.newBlockingStub(inProcess.channel("kittest"))
              .withDeadlineAfter(10, TimeUnit.SECONDS);
      Await.until(
          "in-process peer SERVING",
          () ->
              health.check(HealthCheckRequest.getDefaultInstance()).getStatus()
                  == ServingStatus.SERVING);

      WidgetServiceGrpc.newBlockingStub(inProcess.channel("kittest"))
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createWidget(
              CreateWidgetRequest.newBuilder().setName("made-in-process").setQuantity(3).build());
      // The TCP listener serves the same handlers and state: a network client sees the widget.
      var tcpWidgets =
          WidgetServiceGrpc.newBlockingStub(overTcp.channel("kittest"))
              .withDeadlineAfter(10, TimeUnit.SECONDS);
      assertTrue(
          tcpWidgets
              .listWidgets(ListWidgetsRequest.newBuilder().setPageSize(50).build())
              .getWidgetsList()
              .stream()
              .anyMatch(w -> w.getName().equals("made-in-process")));
      assertSame(
          inProcess.channel("kittest"),
          inProcess.channel("kittest"),
          "one shared channel per peer");
    }
  }

  @Test
  void aMissingOrMalformedPeerAddressNamesTheSetting() {
    try (PeerChannels none = new PeerChannels(new KitConfig("scoring", Map.of(), Map.of()))) {
      ConfigException missing = assertThrows(ConfigException.class, () -> none.channel("signal"));
      assertEquals("peers.signal", missing.key());
    }
    try (PeerChannels bad =
        new PeerChannels(
            new KitConfig(
                "scoring", Map.of(), Map.of("HEADROOM_PEERS_SIGNAL", "signal service")))) {
      ConfigException malformed = assertThrows(ConfigException.class, () -> bad.channel("signal"));
      assertTrue(
          malformed.getMessage().contains("HEADROOM_SCORING_PEERS_SIGNAL"), malformed.getMessage());
    }
  }
}
