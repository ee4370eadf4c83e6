package dev.headroom.kit.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Records every RPC as {@code grpc.server.calls} (a timer: count and latency histogram) tagged with
 * the full method name and the final status code, plus an in-flight gauge. Installed outermost so
 * it sees the status the client actually receives, after error mapping and admission control.
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
  private final MeterRegistry registry;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * Each method's timers indexed by the status code's wire value, registered on first use: building
   * and looking up a tagged meter in the registry costs more than the recording itself, on every
   * call of a hot RPC.
   */
  private final ConcurrentMap<String, AtomicReferenceArray<Timer>> timers =
      new ConcurrentHashMap<>();

  public GrpcMetricsInterceptor(MeterRegistry registry) {
    this.registry = registry;
    registry.gauge("grpc.server.calls.in.flight", inFlight);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Recorder recorder = new Recorder(call.getMethodDescriptor().getFullMethodName());
    ServerCall<Q, R> recording =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            try {
              super.close(status, trailers);
            } finally {
              recorder.finish(status.getCode());
            }
          }
        };
    ServerCall.Listener<Q> delegate = next.startCall(recording, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          // A cancelled call may never reach close(); count it so the in-flight gauge does not
          // leak.
          recorder.finish(Status.Code.CANCELLED);
        }
      }
    };
  }

  private final class Recorder {
    private final String method;
    private final long start = System.nanoTime();
    private final AtomicBoolean done = new AtomicBoolean();

    Recorder(String method) {
      this.method = method;
      inFlight.incrementAndGet();
    }

    void finish(Status.Code code) {
      if (done.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
        timer(method, code).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      }
    }
  }

  private Timer timer(String method, Status.Code code) {
    AtomicReferenceArray<Timer> byCode =
        timers.computeIfAbsent(
            method, m -> new AtomicReferenceArray<>(Status.Code.values().length));
    Timer timer = byCode.get(code.value());
    if (timer == null) {
      // The registry returns the same meter for the same name and tags, so a race registers once.
      timer =
          Timer.builder("grpc.server.calls")
              .description("Server RPCs by method and final status code")
              .tag("method", method)
              .tag("code", code.name())
              .publishPercentileHistogram()
              .register(registry);
      byCode.set(code.value(), timer);
    }
    return timer;
  }
}
