package dev.headroom.prompt.bench;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.prompt.v1.NoPromptReason;
import dev.headroom.api.prompt.v1.PromptServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;

/**
 * The load generator's reading of answers: it counts GetPrompt's answers by kind and needs nothing
 * else of them, so it walks the response's top-level fields on the wire and skips their contents
 * instead of building the message (a shown prompt's strings, plans and feature lists). The echo's
 * answers are walked the same way. The load generator shares the machine's two cores with the
 * server, and building GetPrompt's larger answers would charge it more CPU per GetPrompt than per
 * echo: reading both alike leaves the server's work as the difference between the two RPCs.
 */
final class AnswerScan {
  /** The answer of a GetPrompt that showed a prompt; otherwise the no-prompt reason's number. */
  static final int SHOWN = -1;

  private static final int PROMPT_FIELD = GetPromptResponse.PROMPT_FIELD_NUMBER;
  private static final int REASON_FIELD = GetPromptResponse.NO_PROMPT_REASON_FIELD_NUMBER;

  private static final MethodDescriptor.Marshaller<GetPromptRequest> REQUESTS =
      ProtoUtils.marshaller(GetPromptRequest.getDefaultInstance());

  /** GetPrompt, its answer read as {@link #SHOWN} or the no-prompt reason's number. */
  static final MethodDescriptor<GetPromptRequest, Integer> GET_PROMPT =
      PromptServiceGrpc.getGetPromptMethod().toBuilder(REQUESTS, new Kind(true)).build();

  /** The echo, its answer walked field by field and dropped. */
  static final MethodDescriptor<GetPromptRequest, Integer> ECHO =
      BenchEcho.ECHO.toBuilder(REQUESTS, new Kind(false)).build();

  private AnswerScan() {}

  /** The reason a GetPrompt answer's number stands for. */
  static NoPromptReason reason(int answer) {
    NoPromptReason r = NoPromptReason.forNumber(answer);
    return r == null ? NoPromptReason.UNRECOGNIZED : r;
  }

  private record Kind(boolean getPromptAnswer) implements MethodDescriptor.Marshaller<Integer> {
    @Override
    public InputStream stream(Integer value) {
      throw new UnsupportedOperationException("the load generator only reads answers");
    }

    @Override
    public Integer parse(InputStream stream) {
      try {
        CodedInputStream in = CodedInputStream.newInstance(stream);
        boolean shown = false;
        int reason = NoPromptReason.NO_PROMPT_REASON_UNSPECIFIED_VALUE;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          int field = WireFormat.getTagFieldNumber(tag);
          if (getPromptAnswer
              && field == REASON_FIELD
              && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
            reason = in.readEnum();
          } else {
            shown |= getPromptAnswer && field == PROMPT_FIELD;
            in.skipField(tag);
          }
        }
        return shown ? SHOWN : reason;
      } catch (IOException e) {
        throw Status.INTERNAL
            .withDescription("unreadable answer: " + e.getMessage())
            .withCause(e)
            .asRuntimeException();
      }
    }
  }
}
