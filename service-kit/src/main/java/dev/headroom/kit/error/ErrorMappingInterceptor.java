package dev.headroom.kit.error;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns whatever a handler throws (or passes to {@code onError}) into the status {@link
 * ErrorMapper} chooses.
 *
 * <p>Both paths matter: a handler that throws from a listener callback would otherwise surface as
 * UNKNOWN ("Application error processing RPC"), and one that calls {@code
 * responseObserver.onError(domainException)} would surface as UNKNOWN with no details. Neither
 * tells the client what to fix.
 */
public final class ErrorMappingInterceptor implements ServerInterceptor {
  private static final Logger LOG = Logger.getLogger(ErrorMappingInterceptor.class.getName());

  /** Where StatusProto puts a google.rpc.Status; the same key, so clients find it as usual. */
  private static final Metadata.Key<com.google.rpc.Status> STATUS_DETAILS =
      Metadata.Key.of(
          "grpc-status-details-bin",
          ProtoUtils.metadataMarshaller(com.google.rpc.Status.getDefaultInstance()));

  private final ErrorMapper mapper;

  public ErrorMappingInterceptor(ErrorMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    MappingCall<Q, R> mapping = new MappingCall<>(call, mapper);
    ServerCall.Listener<Q> delegate;
    try {
      delegate = next.startCall(mapping, headers);
    } catch (RuntimeException e) {
      mapping.fail(e);
      return new ServerCall.Listener<>() {};
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          mapping.fail(e);
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          mapping.fail(e);
        }
      }

      @Override
      public void onReady() {
        try {
          super.onReady();
        } catch (RuntimeException e) {
          mapping.fail(e);
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } catch (RuntimeException e) {
          // The client is gone; nothing to send, but an exception here is still a bug worth
          // logging.
          LOG.log(Level.WARNING, "handler failed in onCancel", e);
        }
      }
    };
  }

  private static final class MappingCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final ErrorMapper mapper;
    private final AtomicBoolean closed = new AtomicBoolean();

    MappingCall(ServerCall<Q, R> delegate, ErrorMapper mapper) {
      super(delegate);
      this.mapper = mapper;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      Throwable cause = status.getCause();
      if (!status.isOk()
          && cause != null
          && !(cause instanceof StatusRuntimeException)
          && (cause instanceof DomainException || status.getCode() == Status.Code.UNKNOWN)) {
        StatusRuntimeException mapped = mapper.toStatusException(cause);
        Metadata merged = new Metadata();
        merged.merge(trailers);
        if (mapped.getTrailers() != null) {
          merged.merge(mapped.getTrailers());
        }
        closeBounded(mapped.getStatus(), merged);
        return;
      }
      closeBounded(status, trailers);
    }

    /** Every answer leaves through here, cut to what fits into the trailers (BoundedStatus). */
    private void closeBounded(Status status, Metadata trailers) {
      Status bounded =
          status.getDescription() == null
              ? status
              : status.withDescription(BoundedStatus.message(status.getDescription()));
      com.google.rpc.Status details = trailers.get(STATUS_DETAILS);
      if (details != null) {
        trailers.discardAll(STATUS_DETAILS);
        trailers.put(STATUS_DETAILS, BoundedStatus.bound(details));
      }
      super.close(bounded, trailers);
    }

    void fail(RuntimeException e) {
      if (closed.get()) {
        LOG.log(Level.WARNING, "handler failed after its call was closed", e);
        return;
      }
      StatusRuntimeException mapped = mapper.toStatusException(e);
      Metadata trailers = mapped.getTrailers() == null ? new Metadata() : mapped.getTrailers();
      close(mapped.getStatus(), trailers);
    }
  }
}
