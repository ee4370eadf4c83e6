package dev.headroom.kit;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A running service as its launcher sees it: where it listens and its metrics, all answered by the
 * {@link ServiceHost} it runs on. The all-in-one app and the tests reach every service the same
 * way.
 */
public interface HostedService extends AutoCloseable {
  /** The servers this service runs on. */
  ServiceHost host();

  /** The gRPC port (the bound one when the settings asked for port 0). */
  default int grpcPort() {
    return host().grpcPort();
  }

  /** The HTTP port of health, metrics and the service's routes. */
  default int httpPort() {
    return host().httpPort();
  }

  /** The registry behind {@code /observe/metrics}. */
  default PrometheusMeterRegistry meterRegistry() {
    return host().meterRegistry();
  }

  @Override
  void close();
}
