package dev.headroom.prompt.testing;

import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.Reason;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Watch stream a test appends to: message n has cursor n, and a watcher gets every message after
 * its cursor, then waits for more until it cancels. After {@link #pruneBefore} a cursor older than
 * the retained messages fails as the kit's outbox watch does (FAILED_PRECONDITION, CURSOR_EXPIRED).
 */
final class ScriptedStream<T> {
  private static final ErrorMapper ERRORS = new ErrorMapper("fake-upstream");
  private final List<T> messages = new ArrayList<>();
  private long firstRetained = 1;
  private int opened;

  synchronized long append(java.util.function.LongFunction<T> withCursor) {
    long cursor = messages.size() + 1L;
    messages.add(withCursor.apply(cursor));
    notifyAll();
    return cursor;
  }

  /** Messages before {@code cursor} are no longer retained. */
  synchronized void pruneBefore(long cursor) {
    firstRetained = cursor;
  }

  /** How many watches were opened: a reconnect is one more. */
  synchronized int opened() {
    return opened;
  }

  void serve(long afterCursor, StreamObserver<T> responseObserver) {
    ServerCallStreamObserver<T> obs = (ServerCallStreamObserver<T>) responseObserver;
    synchronized (this) {
      opened++;
      if (afterCursor < firstRetained - 1) {
        obs.onError(
            ERRORS.toStatusException(
                new DomainException.FailedPrecondition(
                    Reason.CURSOR_EXPIRED,
                    "entries after cursor " + afterCursor + " were pruned",
                    Map.of("first_retained_seq", Long.toString(firstRetained)))));
        return;
      }
    }
    Thread sender =
        new Thread(
            () -> {
              long next = afterCursor + 1;
              try {
                while (!obs.isCancelled()) {
                  T message;
                  synchronized (this) {
                    while (messages.size() < next && !obs.isCancelled()) {
                      wait(50);
                    }
                    if (obs.isCancelled()) {
                      return;
                    }
                    message = messages.get((int) next - 1);
                  }
                  obs.onNext(message);
                  next++;
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                // The call was cancelled while sending.
              }
            },
            "scripted-stream");
    sender.setDaemon(true);
    sender.start();
  }
}
