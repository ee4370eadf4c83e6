package dev.headroom.kit.grpc;

import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.ErrorMappingInterceptor;
import dev.headroom.kit.observe.ReadinessMonitor;
import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A service's gRPC server: its services behind metrics, admission control and error mapping, plus
 * the standard health service (SERVING only while the {@link ReadinessMonitor} says ready) and
 * server reflection. Requests that do not decode as their message answer INVALID_ARGUMENT ({@link
 * RequestDecoding}), and every error answer is cut to fit the trailers (BoundedStatus).
 *
 * <p>Over the wire (netty, {@link Builder#port}) or in-process ({@link Builder#inProcess}): the
 * all-in-one app runs several services in one JVM on in-process transports with exactly the same
 * interceptors and handlers. {@link #close()} shuts down gracefully: NOT_SERVING first so load
 * balancers stop routing, then {@code beforeDrain} hooks (e.g. end Watch streams so clients
 * reconnect elsewhere), stop accepting, wait up to the grace period for in-flight calls, then
 * cancel what is left.
 */
public final class GrpcServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GrpcServer.class.getName());

  private final String name;
  private final Server server;
  private final Server sibling;
  private final HealthStatusManager health;
  private final ExecutorService executor;
  private final AdmissionInterceptor admission;
  private final GrpcServerSettings settings;
  private final ReadinessMonitor readiness;
  private final List<Runnable> beforeDrain;
  private final List<String> serviceNames;
  private final Set<String> onTransportThread;
  private boolean closed;

  private GrpcServer(Builder b) {
    this.name = b.name;
    this.settings = b.settings;
    this.readiness = b.readiness;
    this.beforeDrain = List.copyOf(b.beforeDrain);
    this.onTransportThread = Set.copyOf(b.onTransportThread);
    this.health = new HealthStatusManager();
    MeterRegistry registry = b.registry != null ? b.registry : new SimpleMeterRegistry();

    if (b.directExecutor) {
      // Tests only: handlers run on the transport thread, so a test sees their effects
      // deterministically.
      this.executor = null;
    } else {
      this.executor = boundedExecutor(name, settings, registry);
    }

    // ServerInterceptors.intercept runs the last interceptor first: metrics sees the final status.
    ErrorMapper mapper = new ErrorMapper(name);
    ErrorMappingInterceptor errors = new ErrorMappingInterceptor(mapper);
    this.admission = new AdmissionInterceptor(settings.maxInFlightCalls(), mapper);
    registry.gauge("grpc.server.admission.available", admission, AdmissionInterceptor::available);
    GrpcMetricsInterceptor metrics = new GrpcMetricsInterceptor(registry);
    List<ServerServiceDefinition> definitions = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (ServerServiceDefinition def : b.services) {
      List<ServerInterceptor> chain = new ArrayList<>(b.interceptors);
      chain.add(0, errors);
      chain.add(admission);
      chain.add(metrics);
      definitions.add(ServerInterceptors.intercept(RequestDecoding.guard(def, name), chain));
      names.add(def.getServiceDescriptor().getName());
    }
    this.serviceNames = List.copyOf(names);
    // Health and reflection stay outside admission control: a saturated server must still answer
    // its probes. They are cheap and non-blocking, so they run on the transport thread (see
    // configure) and cannot crowd admitted calls out of the executor's queue either.
    definitions.add(
        ServerInterceptors.intercept(
            RequestDecoding.guard(health.getHealthService().bindService(), name), errors, metrics));
    definitions.add(
        ServerInterceptors.intercept(
            RequestDecoding.guard(ProtoReflectionServiceV1.newInstance().bindService(), name),
            errors,
            metrics));

    this.server =
        b.inProcessName != null
            ? configure(InProcessServerBuilder.forName(b.inProcessName), definitions)
            : configure(
                Grpc.newServerBuilderForPort(settings.port(), InsecureServerCredentials.create()),
                definitions);
    // The all-in-one app serves hosts over TCP and its sibling services in-process, from the same
    // handlers, executor, admission limit and metrics.
    String alias = settings.inProcessAlias();
    this.sibling =
        b.inProcessName == null && !alias.isEmpty()
            ? configure(InProcessServerBuilder.forName(alias), definitions)
            : null;
    setAll(ServingStatus.NOT_SERVING);
  }

  private Server configure(ServerBuilder<?> sb, List<ServerServiceDefinition> definitions) {
    // Every call starts on the transport thread; AdmissionInterceptor moves only the calls it
    // admits onto the bounded executor, so a flood of calls is refused without ever filling its
    // queue.
    sb.directExecutor();
    Executor pool = executor == null ? Runnable::run : executor;
    sb.callExecutor(admission.executorSupplier(pool, Set.copyOf(serviceNames), onTransportThread));
    sb.maxInboundMessageSize(settings.maxInboundMessageBytes());
    definitions.forEach(sb::addService);
    return sb.build();
  }

  private static ExecutorService boundedExecutor(
      String name, GrpcServerSettings s, MeterRegistry registry) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, name + "-grpc-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ArrayBlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(s.queueCapacity());
    // Only admitted calls use this queue, and GrpcServerSettings keeps it at least as large as
    // the admission limit, so AbortPolicy only fires after shutdown (AdmissionInterceptor returns
    // the rejected call's permit). A CallerRunsPolicy would run application code on a netty event
    // loop.
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            s.threads(),
            s.threads(),
            60,
            TimeUnit.SECONDS,
            queue,
            tf,
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    registry.gauge("grpc.server.executor.queue.size", queue, ArrayBlockingQueue::size);
    registry.gauge("grpc.server.executor.active", pool, ThreadPoolExecutor::getActiveCount);
    return pool;
  }

  private void setAll(ServingStatus status) {
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    for (String s : serviceNames) {
      health.setStatus(s, status);
    }
  }

  public static Builder builder(String serviceName) {
    return new Builder(serviceName);
  }

  public synchronized GrpcServer start() {
    try {
      server.start();
      if (sibling != null) {
        sibling.start();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start gRPC server for " + name + " on port " + settings.port(), e);
    }
    if (readiness != null) {
      readiness.addListener(
          ready -> {
            synchronized (GrpcServer.this) {
              if (!closed) {
                setAll(ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
              }
            }
          });
    } else {
      setAll(ServingStatus.SERVING);
    }
    LOG.info(
        () -> name + " gRPC server listening on " + (port() < 0 ? "in-process" : "port " + port()));
    return this;
  }

  /** The bound TCP port (useful with port 0), or -1 for an in-process server. */
  public int port() {
    return server.getPort();
  }

  public List<String> serviceNames() {
    return serviceNames;
  }

  public Server server() {
    return server;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      setAll(ServingStatus.NOT_SERVING);
      // Terminal: later readiness changes cannot flip it back to SERVING while we drain.
      health.enterTerminalState();
    }
    for (Runnable hook : beforeDrain) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        LOG.warning(() -> "shutdown hook failed: " + e);
      }
    }
    List<Server> servers = sibling == null ? List.of(server) : List.of(server, sibling);
    servers.forEach(Server::shutdown);
    try {
      long deadline = System.nanoTime() + settings.gracePeriod().toNanos();
      for (Server s : servers) {
        if (!s.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          LOG.warning(() -> name + ": calls still running after the grace period; cancelling them");
          s.shutdownNow();
          s.awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      if (executor != null) {
        executor.shutdown();
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
          executor.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      servers.forEach(Server::shutdownNow);
      if (executor != null) {
        executor.shutdownNow();
      }
      Thread.currentThread().interrupt();
    }
  }

  /** Plain builder; nothing is started until {@link #start()}. */
  public static final class Builder {
    private final String name;
    private GrpcServerSettings settings;
    private String inProcessName;
    private boolean directExecutor;
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private final List<Runnable> beforeDrain = new ArrayList<>();
    private final Set<String> onTransportThread = new HashSet<>();
    private ReadinessMonitor readiness;
    private MeterRegistry registry;

    private Builder(String name) {
      this.name = name;
    }

    public Builder settings(GrpcServerSettings settings) {
      this.settings = settings;
      return this;
    }

    /** Serve on an in-process transport under this name instead of TCP. */
    public Builder inProcess(String inProcessName) {
      this.inProcessName = inProcessName;
      return this;
    }

    /** Run handlers on the transport thread; for tests with in-process transports only. */
    public Builder directExecutor() {
      this.directExecutor = true;
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

    /**
     * Runs the admitted calls of this method on the transport thread instead of handing them to the
     * worker pool, still under admission control. Only for a handler that never blocks and answers
     * in microseconds (from memory): the hand-off to a pool thread and back costs more than such a
     * call, and a blocked transport thread would stall every call on its connections.
     */
    public Builder answerOnTransportThread(String fullMethodName) {
      onTransportThread.add(fullMethodName);
      return this;
    }

    /**
     * Extra interceptors (e.g. authentication), run inside metrics/admission and outside error
     * mapping.
     */
    public Builder addInterceptor(ServerInterceptor interceptor) {
      interceptors.add(interceptor);
      return this;
    }

    public Builder readiness(ReadinessMonitor readiness) {
      this.readiness = readiness;
      return this;
    }

    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = registry;
      return this;
    }

    /** Runs after health turns NOT_SERVING and before the server stops accepting calls. */
    public Builder beforeDrain(Runnable hook) {
      beforeDrain.add(hook);
      return this;
    }

    public GrpcServer build() {
      Objects.requireNonNull(settings, "settings(...) is required");
      return new GrpcServer(this);
    }
  }
}
