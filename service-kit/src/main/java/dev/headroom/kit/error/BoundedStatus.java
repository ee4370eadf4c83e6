package dev.headroom.kit.error;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Keeps every error answer small enough to reach the client. A status travels in the response
 * trailers, and clients drop trailers larger than their metadata limit (8 KiB by default in
 * grpc-java and most other implementations): the call then never completes, it only times out. The
 * message goes out percent-encoded (up to 3 bytes per UTF-8 byte) and the details base64 encoded (4
 * bytes per 3), so both are capped in bytes:
 *
 * <ul>
 *   <li>the message at {@value #MAX_MESSAGE_CHARS} characters and {@value #MAX_MESSAGE_BYTES} UTF-8
 *       bytes (at most ~1.5 KiB on the wire);
 *   <li>at most {@value #MAX_FIELD_VIOLATIONS} field violations, each field path at {@value
 *       #MAX_FIELD_CHARS} and description at {@value #MAX_DESCRIPTION_CHARS} characters, metadata
 *       values at {@value #MAX_METADATA_CHARS}; the details all together at {@value
 *       #MAX_DETAILS_BYTES} bytes (~4.7 KiB on the wire), dropping violations from the end until
 *       they fit. ErrorInfo metadata {@code violations_omitted} says how many were left out.
 * </ul>
 */
public final class BoundedStatus {
  public static final int MAX_MESSAGE_CHARS = 300;
  public static final int MAX_MESSAGE_BYTES = 500;
  public static final int MAX_FIELD_VIOLATIONS = 20;
  public static final int MAX_FIELD_CHARS = 160;
  public static final int MAX_DESCRIPTION_CHARS = 300;
  public static final int MAX_METADATA_CHARS = 160;
  public static final int MAX_DETAILS_BYTES = 3_500;

  private BoundedStatus() {}

  /** {@code status} with its message and details cut to the limits above. */
  public static com.google.rpc.Status bound(com.google.rpc.Status status) {
    com.google.rpc.Status.Builder out =
        status.toBuilder().setMessage(message(status.getMessage())).clearDetails();
    int infoIndex = -1;
    int omitted = 0;
    BadRequest badRequest = null;
    int badRequestIndex = -1;
    for (Any detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        infoIndex = out.getDetailsCount();
        out.addDetails(Any.pack(errorInfo(unpack(detail, ErrorInfo.class))));
      } else if (detail.is(BadRequest.class)) {
        BadRequest br = unpack(detail, BadRequest.class);
        badRequestIndex = out.getDetailsCount();
        omitted = Math.max(0, br.getFieldViolationsCount() - MAX_FIELD_VIOLATIONS);
        badRequest = badRequest(br);
        out.addDetails(Any.pack(badRequest));
      } else {
        out.addDetails(detail);
      }
    }
    while (badRequest != null
        && badRequest.getFieldViolationsCount() > 1
        && detailsBytes(out) > MAX_DETAILS_BYTES) {
      badRequest =
          badRequest.toBuilder()
              .removeFieldViolations(badRequest.getFieldViolationsCount() - 1)
              .build();
      omitted++;
      out.setDetails(badRequestIndex, Any.pack(badRequest));
    }
    if (omitted > 0 && infoIndex >= 0) {
      ErrorInfo info = unpack(out.getDetails(infoIndex), ErrorInfo.class);
      out.setDetails(
          infoIndex,
          Any.pack(
              info.toBuilder()
                  .putMetadata("violations_omitted", Integer.toString(omitted))
                  .build()));
    }
    return out.build();
  }

  /**
   * A status message (also the plain {@code grpc-message} of statuses without details) cut short.
   */
  public static String message(String message) {
    if (message == null) {
      return "";
    }
    int max = MAX_MESSAGE_CHARS;
    String cut = keepHeadAndTail(message, max);
    while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
      max = max * 3 / 4;
      cut = keepHeadAndTail(message, max);
    }
    return cut;
  }

  /** Messages end in what matters as much as they begin: "... (and 999 more)". */
  private static String keepHeadAndTail(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int tail = max / 5;
    int tailStart = s.length() - tail;
    if (Character.isLowSurrogate(s.charAt(tailStart))) {
      tailStart++;
    }
    return cut(s, max - tail) + s.substring(tailStart);
  }

  private static int detailsBytes(com.google.rpc.Status.Builder status) {
    return status.getDetailsList().stream().mapToInt(Any::getSerializedSize).sum();
  }

  private static ErrorInfo errorInfo(ErrorInfo info) {
    ErrorInfo.Builder b = info.toBuilder().clearMetadata();
    for (Map.Entry<String, String> e : info.getMetadataMap().entrySet()) {
      b.putMetadata(cut(e.getKey(), MAX_METADATA_CHARS), cut(e.getValue(), MAX_METADATA_CHARS));
    }
    return b.build();
  }

  private static BadRequest badRequest(BadRequest br) {
    BadRequest.Builder b = BadRequest.newBuilder();
    br.getFieldViolationsList().stream()
        .limit(MAX_FIELD_VIOLATIONS)
        .forEach(
            v ->
                b.addFieldViolations(
                    v.toBuilder()
                        .setField(cut(v.getField(), MAX_FIELD_CHARS))
                        .setDescription(cut(v.getDescription(), MAX_DESCRIPTION_CHARS))));
    return b.build();
  }

  /** At most {@code max} characters, never splitting a surrogate pair, marked when cut. */
  private static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "…";
  }

  private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a status detail of type " + type + " did not parse", e);
    }
  }
}
