package dev.headroom.kit.grpc;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.Reason;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the calls a server works on at once. Beyond the bound a call is refused immediately with
 * RESOURCE_EXHAUSTED (reason SERVER_OVERLOADED), which clients treat as "back off and retry",
 * instead of queueing without limit and timing out for everyone. Because grpc-java serializes each
 * call's callbacks, an admitted call holds at most one task in the server executor's queue, so a
 * limit no larger than the queue capacity keeps admitted calls from ever being rejected by the
 * executor.
 */
public final class AdmissionInterceptor implements ServerInterceptor {
  private final Semaphore permits;
  private final int limit;

  public AdmissionInterceptor(int maxInFlightCalls) {
    if (maxInFlightCalls < 1) {
      throw new IllegalArgumentException("maxInFlightCalls must be >= 1");
    }
    this.limit = maxInFlightCalls;
    this.permits = new Semaphore(maxInFlightCalls);
  }

  public int available() {
    return permits.availablePermits();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!permits.tryAcquire()) {
      StatusRuntimeException refused =
          StatusProto.toStatusRuntimeException(
              com.google.rpc.Status.newBuilder()
                  .setCode(Code.RESOURCE_EXHAUSTED.getNumber())
                  .setMessage(
                      "server is at its limit of "
                          + limit
                          + " concurrent calls; retry with backoff")
                  .addDetails(
                      Any.pack(
                          ErrorInfo.newBuilder()
                              .setReason(Reason.SERVER_OVERLOADED.name())
                              .setDomain(ErrorMapper.DOMAIN)
                              .build()))
                  .build());
      call.close(refused.getStatus(), refused.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            permits.release();
          }
        };
    ServerCall.Listener<Q> delegate;
    try {
      delegate = next.startCall(call, headers);
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          release.run();
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          release.run();
        }
      }
    };
  }
}
