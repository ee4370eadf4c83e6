package dev.headroom.kit.testing;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;

/** The field paths an INVALID_ARGUMENT answer names, in its order. */
public final class ViolatedFields {
  private ViolatedFields() {}

  /** The fields of the answer's {@code google.rpc.BadRequest}; empty when it has none. */
  public static List<String> of(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return List.of();
    }
    try {
      for (Any d : status.getDetailsList()) {
        if (d.is(BadRequest.class)) {
          return d.unpack(BadRequest.class).getFieldViolationsList().stream()
              .map(BadRequest.FieldViolation::getField)
              .toList();
        }
      }
    } catch (InvalidProtocolBufferException ex) {
      throw new AssertionError("undecodable error details", ex);
    }
    return List.of();
  }
}
