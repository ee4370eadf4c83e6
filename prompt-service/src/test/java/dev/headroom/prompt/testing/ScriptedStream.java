package dev.headroom.prompt.testing;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * A Watch stream a test appends to: message n has cursor n, and a watcher gets every message after
 * its cursor, then waits for more until it cancels.
 */
final class ScriptedStream<T> {
  private final List<T> messages = new ArrayList<>();

  synchronized long append(java.util.function.LongFunction<T> withCursor) {
    long cursor = messages.size() + 1L;
    messages.add(withCursor.apply(cursor));
    notifyAll();
    return cursor;
  }

  void serve(long afterCursor, StreamObserver<T> responseObserver) {
    ServerCallStreamObserver<T> obs = (ServerCallStreamObserver<T>) responseObserver;
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
