package dev.headroom.kit.outbox;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.headroom.kit.error.ErrorMapper;
import dev.headroom.kit.error.Reason;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Iterator;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * Opens an upstream watch; when the upstream answers that the cursor is older than what it retains
 * (FAILED_PRECONDITION, reason CURSOR_EXPIRED, metadata {@code first_retained_seq}), resynchronizes
 * from a full snapshot and reopens the stream just before the first change the upstream still
 * retains. Resuming there replays the changes made while the snapshot was read, so none is lost.
 */
public final class ResyncOnExpiredCursor<T> implements ResumingConsumer.Opener<T> {
  private final ResumingConsumer.Opener<T> watch;
  private final LongConsumer resyncAsOf;

  /**
   * @param resyncAsOf rebuilds from a full snapshot and marks it as of the given cursor (the last
   *     change the upstream no longer retains)
   */
  public ResyncOnExpiredCursor(ResumingConsumer.Opener<T> watch, LongConsumer resyncAsOf) {
    this.watch = watch;
    this.resyncAsOf = resyncAsOf;
  }

  @Override
  public Iterator<T> open(long cursor) {
    Iterator<T> stream = watch.open(cursor);
    return new Iterator<>() {
      private Iterator<T> current = stream;
      private boolean answered;

      @Override
      public boolean hasNext() {
        if (answered) {
          return current.hasNext();
        }
        // The blocking stub reports the upstream's refusal at the first read.
        try {
          boolean more = current.hasNext();
          answered = true;
          return more;
        } catch (StatusRuntimeException e) {
          OptionalLong firstRetained = firstRetainedIfExpired(e);
          if (firstRetained.isEmpty()) {
            throw e;
          }
          long resumeAfter = Math.max(0, firstRetained.getAsLong() - 1);
          resyncAsOf.accept(resumeAfter);
          current = watch.open(resumeAfter);
          answered = true;
          return current.hasNext();
        }
      }

      @Override
      public T next() {
        answered = true;
        return current.next();
      }
    };
  }

  /** The upstream's first retained cursor when {@code e} says the cursor expired. */
  static OptionalLong firstRetainedIfExpired(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return OptionalLong.empty();
    }
    for (Any detail : status.getDetailsList()) {
      if (!detail.is(ErrorInfo.class)) {
        continue;
      }
      try {
        ErrorInfo info = detail.unpack(ErrorInfo.class);
        if (ErrorMapper.DOMAIN.equals(info.getDomain())
            && Reason.CURSOR_EXPIRED.name().equals(info.getReason())) {
          String first = info.getMetadataOrDefault("first_retained_seq", "0");
          try {
            return OptionalLong.of(Long.parseLong(first));
          } catch (NumberFormatException notANumber) {
            return OptionalLong.of(0);
          }
        }
      } catch (InvalidProtocolBufferException unreadable) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }
}
