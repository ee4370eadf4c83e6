package dev.headroom.kit.grpc;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.Reason;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the calls a server works on at once. Beyond the bound a call is refused immediately with
 * RESOURCE_EXHAUSTED (reason SERVER_OVERLOADED, with a retry delay), which clients treat as "back
 * off and retry", instead of queueing without limit and timing out for everyone.
 *
 * <p>The decision is taken on the transport thread, before a call touches the server's bounded
 * executor: the server runs on a direct executor and {@link #executorSupplier} moves only admitted
 * calls onto the worker pool. Refused calls (and the services outside admission control, such as
 * health) are answered on the transport thread and never occupy the pool's queue. grpc-java
 * serializes each call's callbacks, so an admitted call holds at most one task in that queue; with
 * a queue at least as large as the limit ({@link GrpcServerSettings}) the pool never rejects a
 * task. Were a task rejected anyway, the call's permit is returned at once, since the callback that
 * would have returned it will never run.
 *
 * <p>Each permit is returned exactly once: when the call's last callback (onComplete or onCancel)
 * has run, when the handler fails to start, or when the pool rejects a task of the call, whichever
 * comes first. Returning it only after the last callback keeps the queue bound true, as a call's
 * final callback is still queued after it sent its answer.
 */
public final class AdmissionInterceptor implements ServerInterceptor {
  /** Calls finish in milliseconds; a short pause lets a burst drain without stalling clients. */
  static final Duration RETRY_AFTER = Duration.ofMillis(250);

  /** The permit of the admitted call whose task runs on this thread, set by the pool wrapper. */
  private static final ThreadLocal<Permit> ADMITTED = new ThreadLocal<>();

  private final Semaphore permits;
  private final int limit;
  private final ErrorMapper errors;

  public AdmissionInterceptor(int maxInFlightCalls, ErrorMapper errors) {
    if (maxInFlightCalls < 1) {
      throw new IllegalArgumentException("maxInFlightCalls must be >= 1");
    }
    this.limit = maxInFlightCalls;
    this.permits = new Semaphore(maxInFlightCalls);
    this.errors = errors;
  }

  /** Permits not held by any call; equals the limit whenever the server is idle. */
  public int available() {
    return permits.availablePermits();
  }

  /**
   * Chooses each call's executor on the transport thread: a call to one of {@code services} that
   * gets a permit runs on {@code pool}, or, for a method named in {@code onTransportThread} (full
   * method names), on the transport thread itself while holding its permit; every other call stays
   * on the server's direct executor, where {@link #interceptCall} refuses it if it needed a permit.
   */
  public ServerCallExecutorSupplier executorSupplier(
      Executor pool, Set<String> services, Set<String> onTransportThread) {
    return new ServerCallExecutorSupplier() {
      @Override
      public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
        if (!services.contains(call.getMethodDescriptor().getServiceName())
            || !permits.tryAcquire()) {
          return null;
        }
        Permit permit = new Permit();
        if (onTransportThread.contains(call.getMethodDescriptor().getFullMethodName())) {
          return task -> runHolding(permit, task);
        }
        return task -> {
          try {
            pool.execute(() -> runHolding(permit, task));
          } catch (RejectedExecutionException e) {
            permit.release();
            throw e;
          }
        };
      }
    };
  }

  private void runHolding(Permit permit, Runnable task) {
    Permit outer = ADMITTED.get();
    ADMITTED.set(permit);
    try {
      task.run();
    } finally {
      ADMITTED.set(outer);
    }
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Permit permit = ADMITTED.get();
    // A permit is claimed by the one call it was acquired for: a call started from inside another
    // call's handler on the same thread (in-process, direct executor) inherits neither its
    // caller's permit nor, in a JVM running several servers, another server's.
    if (permit == null || !permit.claimFor(this)) {
      StatusRuntimeException refused =
          StatusProto.toStatusRuntimeException(
              errors.toStatus(
                  new DomainException.ResourceExhausted(
                      Reason.SERVER_OVERLOADED,
                      "server is at its limit of "
                          + limit
                          + " concurrent calls; retry with backoff",
                      RETRY_AFTER)));
      call.close(refused.getStatus(), refused.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    ServerCall.Listener<Q> delegate;
    try {
      delegate = next.startCall(call, headers);
    } catch (RuntimeException e) {
      permit.release();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          permit.release();
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          permit.release();
        }
      }
    };
  }

  /** One admitted call's share of the limit. */
  private final class Permit {
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();

    boolean claimFor(AdmissionInterceptor server) {
      return server == AdmissionInterceptor.this && claimed.compareAndSet(false, true);
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        permits.release();
      }
    }
  }
}
