package dev.headroom.kit.grpc;

import dev.headroom.kit.config.KitConfig;
import java.time.Duration;

/**
 * @param port TCP port; 0 picks a free one (see {@link GrpcServer#port()})
 * @param threads server executor threads
 * @param queueCapacity bounded executor queue; at least {@code maxInFlightCalls}, since each
 *     admitted call holds at most one task in it and only admitted calls use it, so the executor
 *     never rejects an admitted call's work
 * @param maxInFlightCalls calls admitted at once (includes open Watch streams); more get
 *     RESOURCE_EXHAUSTED (reason SERVER_OVERLOADED)
 * @param gracePeriod how long shutdown waits for in-flight calls before cancelling them
 * @param maxInboundMessageBytes largest request message accepted
 * @param inProcessAlias when non-empty, the server is also reachable in-process under this name
 *     (the all-in-one app's sibling services call each other that way); empty for TCP only
 */
public record GrpcServerSettings(
    int port,
    int threads,
    int queueCapacity,
    int maxInFlightCalls,
    Duration gracePeriod,
    int maxInboundMessageBytes,
    String inProcessAlias) {

  public GrpcServerSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be within 0..65535: " + port);
    }
    if (threads < 1 || queueCapacity < 1 || maxInFlightCalls < 1) {
      throw new IllegalArgumentException(
          "threads, queueCapacity and maxInFlightCalls must be >= 1");
    }
    if (queueCapacity < maxInFlightCalls) {
      throw new IllegalArgumentException(
          "queueCapacity ("
              + queueCapacity
              + ") must be >= maxInFlightCalls ("
              + maxInFlightCalls
              + "): each admitted call may hold one task in the executor queue");
    }
    inProcessAlias = inProcessAlias == null ? "" : inProcessAlias;
  }

  /**
   * Reads {@code grpc.port}, {@code grpc.threads}, {@code grpc.queue-capacity}, {@code
   * grpc.max-in-flight-calls}, {@code grpc.grace-period}, {@code grpc.max-inbound-message-bytes}
   * (all required: their defaults are in the service's YAML) and the optional {@code
   * grpc.in-process-alias}.
   */
  public static GrpcServerSettings from(KitConfig c) {
    return new GrpcServerSettings(
        c.integer("grpc.port", 0, 65535),
        c.integer("grpc.threads", 1, 1024),
        c.integer("grpc.queue-capacity", 1, 1_000_000),
        c.integer("grpc.max-in-flight-calls", 1, 1_000_000),
        c.duration("grpc.grace-period"),
        c.integer("grpc.max-inbound-message-bytes", 1024, 64 * 1024 * 1024),
        c.optionalString("grpc.in-process-alias").orElse(""));
  }
}
