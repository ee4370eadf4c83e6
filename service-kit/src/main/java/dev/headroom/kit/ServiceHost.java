package dev.headroom.kit;

import dev.headroom.kit.grpc.GrpcServer;
import dev.headroom.kit.grpc.GrpcServerSettings;
import dev.headroom.kit.http.HttpServer;
import dev.headroom.kit.http.HttpSettings;
import dev.headroom.kit.observe.ReadinessCheck;
import dev.headroom.kit.observe.ReadinessMonitor;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.helidon.webserver.http.HttpRouting;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one service: readiness monitor, gRPC server (health, reflection, interceptors) and Helidon
 * HTTP server (health, metrics, the service's routes), with one Prometheus registry per service
 * instance. {@link #close()} stops in the order that loses nothing: readiness off, gRPC drain (with
 * its beforeDrain hooks), HTTP, then the resources the service handed over (outbox listener,
 * database) in reverse order of registration.
 */
public final class ServiceHost implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ServiceHost.class.getName());

  /** How often the readiness checks run (the health service answers from the last result). */
  private static final Duration READINESS_INTERVAL = Duration.ofSeconds(5);

  private final String service;
  private final PrometheusMeterRegistry registry;
  private final ReadinessMonitor readiness;
  private final GrpcServer grpc;
  private final HttpServer http;
  private final Deque<AutoCloseable> resources;
  private boolean closed;

  private ServiceHost(Builder b) {
    this.service = b.service;
    this.registry = b.registry != null ? b.registry : newMeterRegistry(service);
    this.readiness = new ReadinessMonitor(b.checks, READINESS_INTERVAL);
    GrpcServer.Builder gb =
        GrpcServer.builder(service)
            .settings(b.grpcSettings)
            .readiness(readiness)
            .meterRegistry(registry);
    if (b.inProcessName != null) {
      gb.inProcess(b.inProcessName);
    }
    b.services.forEach(gb::addService);
    b.interceptors.forEach(gb::addInterceptor);
    b.onTransportThread.forEach(gb::answerOnTransportThread);
    b.beforeDrain.forEach(gb::beforeDrain);
    this.grpc = gb.build();
    if (b.httpSettings != null) {
      HttpServer.Builder hb =
          HttpServer.builder(b.httpSettings).readiness(readiness).metrics(registry);
      b.routes.forEach(hb::routes);
      this.http = hb.build();
    } else {
      this.http = null;
    }
    this.resources = new ArrayDeque<>(b.resources);
  }

  /**
   * A Prometheus registry tagged {@code service=<service>}. Services that register their own meters
   * before the host is built create it here and pass it to {@link Builder#meterRegistry}: the tag
   * must be configured before the first meter exists, or Micrometer ignores it for earlier meters.
   */
  public static PrometheusMeterRegistry newMeterRegistry(String service) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service);
    return registry;
  }

  public static Builder builder(String service) {
    return new Builder(service);
  }

  public ServiceHost start() {
    readiness.start();
    grpc.start();
    if (http != null) {
      http.start();
    }
    LOG.info(
        () ->
            service
                + " started: grpc "
                + (grpc.port() < 0 ? "in-process" : grpc.port())
                + (http != null ? ", http " + http.port() : ""));
    return this;
  }

  public String service() {
    return service;
  }

  public int grpcPort() {
    return grpc.port();
  }

  /** Bound HTTP port, or -1 when the service runs without HTTP. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  public ReadinessMonitor readiness() {
    return readiness;
  }

  public GrpcServer grpc() {
    return grpc;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    readiness.drain();
    grpc.close();
    if (http != null) {
      http.close();
    }
    readiness.close();
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (Exception e) {
        LOG.log(
            Level.WARNING, service + ": closing " + r.getClass().getSimpleName() + " failed", e);
      }
    }
  }

  public static final class Builder {
    private final String service;
    private GrpcServerSettings grpcSettings;
    private HttpSettings httpSettings;
    private String inProcessName;
    private PrometheusMeterRegistry registry;
    private final List<ReadinessCheck> checks = new ArrayList<>();
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private final List<String> onTransportThread = new ArrayList<>();
    private final List<Runnable> beforeDrain = new ArrayList<>();
    private final List<Consumer<HttpRouting.Builder>> routes = new ArrayList<>();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    private Builder(String service) {
      this.service = service;
    }

    public Builder grpc(GrpcServerSettings settings) {
      this.grpcSettings = settings;
      return this;
    }

    /**
     * Serve gRPC in-process under {@code name} (all-in-one app, tests) instead of on a TCP port.
     */
    public Builder inProcess(String name) {
      this.inProcessName = name;
      return this;
    }

    /** Enables the HTTP server (health, metrics, routes). */
    public Builder http(HttpSettings settings) {
      this.httpSettings = settings;
      return this;
    }

    public Builder readinessCheck(ReadinessCheck check) {
      checks.add(check);
      return this;
    }

    public Builder meterRegistry(PrometheusMeterRegistry registry) {
      this.registry = registry;
      return this;
    }

    public Builder addService(BindableService service) {
      services.add(service.bindService());
      return this;
    }

    public Builder addService(ServerServiceDefinition service) {
      services.add(service);
      return this;
    }

    public Builder addInterceptor(ServerInterceptor interceptor) {
      interceptors.add(interceptor);
      return this;
    }

    /** See {@link GrpcServer.Builder#answerOnTransportThread}. */
    public Builder answerOnTransportThread(String fullMethodName) {
      onTransportThread.add(fullMethodName);
      return this;
    }

    public Builder routes(Consumer<HttpRouting.Builder> serviceRoutes) {
      routes.add(serviceRoutes);
      return this;
    }

    /**
     * Runs after health goes NOT_SERVING, before gRPC stops accepting (e.g. {@code
     * outboxWatch::close}).
     */
    public Builder beforeDrain(Runnable hook) {
      beforeDrain.add(hook);
      return this;
    }

    /**
     * Closed after both servers stopped, last registered first (register the database before its
     * users).
     */
    public Builder closeOnShutdown(AutoCloseable resource) {
      resources.push(resource);
      return this;
    }

    public ServiceHost build() {
      Objects.requireNonNull(grpcSettings, "grpc(settings) is required");
      return new ServiceHost(this);
    }
  }
}
