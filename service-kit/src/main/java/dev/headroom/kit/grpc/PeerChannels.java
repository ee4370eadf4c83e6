package dev.headroom.kit.grpc;

import dev.headroom.kit.config.ConfigException;
import dev.headroom.kit.config.KitConfig;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Channels to the other Headroom services this one calls, one per peer, opened lazily and shared.
 *
 * <p>The peer's address is config key {@code peers.<peer>} (environment {@code
 * HEADROOM_PEERS_<PEER>}): {@code in-process:<name>} in the all-in-one app, where the peer serves
 * under that in-process alias, or {@code host:port} between separate deployments. Callers never see
 * the difference, so the all-in-one app runs the same client code as production. Transport security
 * between services is left to the platform (mesh mTLS); these channels are plaintext.
 */
public final class PeerChannels implements AutoCloseable {
  public static final String IN_PROCESS_PREFIX = "in-process:";

  private final KitConfig config;
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
  private boolean closed;

  public PeerChannels(KitConfig config) {
    this.config = config;
  }

  /**
   * The channel to {@code peer} (e.g. "signal"); fails with a {@link ConfigException} when no
   * address is set.
   */
  public synchronized ManagedChannel channel(String peer) {
    if (closed) {
      throw new IllegalStateException("peer channels are closed");
    }
    return channels.computeIfAbsent(peer, this::open);
  }

  private ManagedChannel open(String peer) {
    String key = "peers." + peer;
    String address = config.string(key).trim();
    if (address.startsWith(IN_PROCESS_PREFIX)) {
      return InProcessChannelBuilder.forName(address.substring(IN_PROCESS_PREFIX.length())).build();
    }
    if (!address.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
      throw new ConfigException(
          key,
          config.serviceEnvName(key)
              + " must be host:port or "
              + IN_PROCESS_PREFIX
              + "<name>, got '"
              + address
              + "'");
    }
    return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).build();
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (ManagedChannel c : channels.values()) {
      c.shutdown();
    }
    for (ManagedChannel c : channels.values()) {
      try {
        if (!c.awaitTermination(5, TimeUnit.SECONDS)) {
          c.shutdownNow();
        }
      } catch (InterruptedException e) {
        c.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    channels.clear();
  }
}
