package dev.headroom.kit.testing.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.Any;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.headroom.kit.testing.RawBytes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.protobuf.StatusProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Sends generated bad input to every RPC of a service and checks how it answers. A service joins by
 * a small subclass that starts it and names it in {@link #target()}; the cases come from the
 * service's own descriptor, so new RPCs and fields are covered without writing cases:
 *
 * <pre>{@code
 * class SignalCorpusTest extends BadInputCorpus {
 *   @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
 *   static ServiceHost host; // started in @BeforeAll, closed in @AfterAll
 *   @Override protected Target target() {
 *     return Target.of(channelTo(host), SignalServiceGrpc.getServiceDescriptor())
 *         .withSeed(validIngestEventsRequest());
 *   }
 * }
 * }</pre>
 *
 * <p>For every RPC, starting from its seed (a valid request, when given) or the empty request, the
 * corpus changes one field at a time to each value of {@link BadValues} for the field's type
 * (strings, integers, floats, bytes, enums with unknown numbers, timestamps, durations, field
 * masks, repeated fields with one bad element and with thousands of elements, nested messages three
 * levels deep), and sends bytes that are not the request at all: garbage, a truncated request,
 * invalid UTF-8 in each string field, groups nested past any limit. Each answer must:
 *
 * <ul>
 *   <li>come within a deadline (a server-streaming RPC may instead keep its stream open);
 *   <li>be neither INTERNAL nor UNKNOWN, nor UNAVAILABLE (the connection broke);
 *   <li>for bytes that are not the request: INVALID_ARGUMENT saying the request could not be
 *       decoded;
 *   <li>any other INVALID_ARGUMENT: ErrorInfo with a reason and field violations that name the
 *       changed field (when the RPC has a seed; otherwise some field);
 * </ul>
 *
 * and the service must still answer its health check SERVING afterwards. Use a TCP channel to
 * 127.0.0.1: an in-process channel has no metadata limit, so it would hide answers too big to
 * arrive.
 */
public abstract class BadInputCorpus {
  private static final int MAX_DEPTH = 3;
  private static final int MANY_ELEMENTS = 5_000;
  private static final long UNARY_DEADLINE_SECONDS = 30;
  private static final long STREAM_OPEN_SECONDS = 2;

  /** The service under test: a channel to it, its descriptor, and valid requests to start from. */
  public record Target(Channel channel, ServiceDescriptor service, Map<Descriptor, Message> seeds) {
    public static Target of(Channel channel, ServiceDescriptor service) {
      return new Target(channel, service, Map.of());
    }

    /** A valid request of one RPC; the corpus then expects violations to name the changed field. */
    public Target withSeed(Message validRequest) {
      Map<Descriptor, Message> s = new HashMap<>(seeds);
      s.put(validRequest.getDescriptorForType(), validRequest);
      return new Target(channel, service, Map.copyOf(s));
    }
  }

  protected abstract Target target();

  @TestFactory
  Stream<DynamicContainer> everyRpcAnswersBadInputClearly() {
    Target t = target();
    com.google.protobuf.Descriptors.ServiceDescriptor proto =
        ((ProtoServiceDescriptorSupplier) t.service().getSchemaDescriptor()).getServiceDescriptor();
    return proto.getMethods().stream()
        .map(
            m ->
                DynamicContainer.dynamicContainer(
                    m.getName(), cases(t, m).stream().map(c -> c.test(t, m))));
  }

  /** One request to send and what its answer must show. */
  private record Case(String name, byte[] request, String changedField, boolean undecodable) {
    DynamicTest test(Target t, MethodDescriptor m) {
      return DynamicTest.dynamicTest(name, () -> check(t, m, this));
    }
  }

  private static List<Case> cases(Target t, MethodDescriptor m) {
    Descriptor type = m.getInputType();
    Message seed = t.seeds().getOrDefault(type, DynamicMessage.getDefaultInstance(type));
    DynamicMessage base = dynamic(seed);
    List<Case> cases = new ArrayList<>();
    fieldCases(base, List.of(), type, 0, cases);
    undecodableCases(base, type, cases);
    return cases;
  }

  // ---- one field changed

  private static void fieldCases(
      DynamicMessage base,
      List<FieldDescriptor> parents,
      Descriptor type,
      int depth,
      List<Case> out) {
    for (FieldDescriptor f : type.getFields()) {
      List<FieldDescriptor> path = append(parents, f);
      String name = pathName(path);
      String changed = changedField(path);
      for (Object[] v : values(f)) {
        Object value = f.isRepeated() ? List.of(v[1]) : v[1];
        out.add(
            new Case(name + " = " + v[0], set(base, path, value).toByteArray(), changed, false));
      }
      if (f.isRepeated() && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        Object element = values(f).isEmpty() ? null : values(f).get(0)[1];
        if (element != null) {
          out.add(
              new Case(
                  name + " with " + MANY_ELEMENTS + " elements",
                  set(base, path, Collections.nCopies(MANY_ELEMENTS, element)).toByteArray(),
                  changed,
                  false));
        }
      }
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && !isWellKnown(f.getMessageType())
          && depth < MAX_DEPTH) {
        fieldCases(base, path, f.getMessageType(), depth + 1, out);
      }
    }
  }

  /** Label and value pairs for one (element of a) field. */
  private static List<Object[]> values(FieldDescriptor f) {
    List<Object[]> out = new ArrayList<>();
    switch (f.getJavaType()) {
      case ENUM ->
          BadValues.ENUM_NUMBERS.forEach(
              n ->
                  out.add(
                      new Object[] {
                        "enum number " + n, f.getEnumType().findValueByNumberCreatingIfUnknown(n)
                      }));
      case MESSAGE -> {
        Descriptor mt = f.getMessageType();
        switch (mt.getFullName()) {
          case "google.protobuf.Timestamp" ->
              BadValues.TIMESTAMPS.forEach(
                  sn ->
                      out.add(
                          new Object[] {"timestamp " + Arrays.toString(sn), secondsNanos(mt, sn)}));
          case "google.protobuf.Duration" ->
              BadValues.DURATIONS.forEach(
                  sn ->
                      out.add(
                          new Object[] {"duration " + Arrays.toString(sn), secondsNanos(mt, sn)}));
          case "google.protobuf.FieldMask" -> {
            FieldDescriptor paths = mt.findFieldByName("paths");
            out.add(
                new Object[] {
                  "mask of an unknown path", mask(mt, paths, List.of("no_such_field"))
                });
            out.add(
                new Object[] {
                  "mask of " + MANY_ELEMENTS + " paths",
                  mask(mt, paths, Collections.nCopies(MANY_ELEMENTS, "x"))
                });
            out.add(
                new Object[] {
                  "mask of a huge path", mask(mt, paths, List.of(BadValues.HUGE_STRING))
                });
          }
          default -> {}
        }
      }
      default ->
          BadValues.scalars(f.getJavaType())
              .forEach(v -> out.add(new Object[] {v.label(), v.value()}));
    }
    return out;
  }

  private static DynamicMessage secondsNanos(Descriptor type, long[] sn) {
    return DynamicMessage.newBuilder(type)
        .setField(type.findFieldByName("seconds"), sn[0])
        .setField(type.findFieldByName("nanos"), (int) sn[1])
        .build();
  }

  private static DynamicMessage mask(Descriptor type, FieldDescriptor paths, List<String> values) {
    return DynamicMessage.newBuilder(type).setField(paths, values).build();
  }

  private static boolean isWellKnown(Descriptor type) {
    return type.getFile().getPackage().equals("google.protobuf");
  }

  /** {@code base} with the field at {@code path} set to {@code value}; parents are created. */
  private static DynamicMessage set(DynamicMessage base, List<FieldDescriptor> path, Object value) {
    FieldDescriptor f = path.get(0);
    if (path.size() == 1) {
      return base.toBuilder().setField(f, value).build();
    }
    DynamicMessage child;
    if (f.isRepeated()) {
      child =
          base.getRepeatedFieldCount(f) > 0
              ? (DynamicMessage) base.getRepeatedField(f, 0)
              : DynamicMessage.getDefaultInstance(f.getMessageType());
    } else {
      child = (DynamicMessage) base.getField(f);
    }
    DynamicMessage changed = set(child, path.subList(1, path.size()), value);
    return base.toBuilder().setField(f, f.isRepeated() ? List.of(changed) : changed).build();
  }

  // ---- bytes that are not the request

  private static void undecodableCases(DynamicMessage base, Descriptor type, List<Case> out) {
    byte[] garbage = new byte[64];
    Arrays.fill(garbage, (byte) 0xff);
    out.add(new Case("undecodable: garbage", garbage, null, true));
    stringPaths(List.of(), type, 0)
        .forEach(
            path ->
                out.add(
                    new Case(
                        "undecodable: invalid UTF-8 in " + pathName(path),
                        concat(base.toByteArray(), invalidUtf8At(path)),
                        null,
                        true)));
    stringPaths(List.of(), type, 0).stream()
        .findFirst()
        .ifPresent(
            path -> {
              byte[] whole = concat(base.toByteArray(), stringAt(path, "x".repeat(200)));
              out.add(
                  new Case(
                      "undecodable: truncated request",
                      Arrays.copyOf(whole, whole.length - 20),
                      null,
                      true));
            });
    out.add(new Case("undecodable: groups nested 1000 deep", deepGroups(1_000), null, true));
  }

  private static List<List<FieldDescriptor>> stringPaths(
      List<FieldDescriptor> parents, Descriptor type, int depth) {
    List<List<FieldDescriptor>> out = new ArrayList<>();
    for (FieldDescriptor f : type.getFields()) {
      if (f.getType() == FieldDescriptor.Type.STRING) {
        out.add(append(parents, f));
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && !isWellKnown(f.getMessageType())
          && !f.isMapField()
          && depth < MAX_DEPTH) {
        out.addAll(stringPaths(append(parents, f), f.getMessageType(), depth + 1));
      }
    }
    return out;
  }

  /** The wire bytes of the string field at {@code path} holding 0xC3 0x28, not UTF-8. */
  private static byte[] invalidUtf8At(List<FieldDescriptor> path) {
    return wrap(path, new byte[] {(byte) 0xc3, 0x28});
  }

  private static byte[] stringAt(List<FieldDescriptor> path, String value) {
    return wrap(path, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Length-delimited {@code payload} at the innermost field, each parent wrapping its child. */
  private static byte[] wrap(List<FieldDescriptor> path, byte[] payload) {
    byte[] bytes = payload;
    for (int i = path.size() - 1; i >= 0; i--) {
      int number = path.get(i).getNumber();
      byte[] inner = bytes;
      bytes = encode(out -> out.writeByteArray(number, inner));
    }
    return bytes;
  }

  private static byte[] deepGroups(int depth) {
    int field = 19_999;
    return encode(
        out -> {
          for (int i = 0; i < depth; i++) {
            out.writeTag(field, 3);
          }
          for (int i = 0; i < depth; i++) {
            out.writeTag(field, 4);
          }
        });
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] encode(Writer w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      w.write(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  // ---- sending and checking

  private record Answer(boolean gotMessage, Status status, Metadata trailers) {}

  private static void check(Target t, MethodDescriptor m, Case c) throws Exception {
    io.grpc.MethodDescriptor<?, ?> grpcMethod =
        t.service().getMethods().stream()
            .filter(x -> x.getBareMethodName().equals(m.getName()))
            .findFirst()
            .orElseThrow();
    boolean serverStreams = m.isServerStreaming();
    Answer a = send(t.channel(), grpcMethod, c.request(), serverStreams);
    Status.Code code = a.status().getCode();
    if (a.gotMessage() || (serverStreams && code == Status.Code.DEADLINE_EXCEEDED)) {
      // A stream that answers or stays open is an answer; its status is ours (cancelled).
      assertServing(t);
      return;
    }
    assertFalse(
        code == Status.Code.INTERNAL
            || code == Status.Code.UNKNOWN
            || code == Status.Code.UNAVAILABLE
            || code == Status.Code.DEADLINE_EXCEEDED
            || code == Status.Code.CANCELLED,
        () -> c.name() + ": answered " + a.status());
    if (c.undecodable()) {
      assertEquals(Status.Code.INVALID_ARGUMENT, code, () -> c.name() + ": answered " + a.status());
    }
    if (code == Status.Code.INVALID_ARGUMENT) {
      checkInvalidArgument(t, m, c, a);
    }
    assertServing(t);
  }

  private static void checkInvalidArgument(Target t, MethodDescriptor m, Case c, Answer a)
      throws InvalidProtocolBufferException {
    com.google.rpc.Status st = StatusProto.fromStatusAndTrailers(a.status(), a.trailers());
    assertTrue(st != null, () -> "INVALID_ARGUMENT without details: " + a.status());
    ErrorInfo info = null;
    BadRequest br = null;
    for (Any d : st.getDetailsList()) {
      if (d.is(ErrorInfo.class)) {
        info = d.unpack(ErrorInfo.class);
      } else if (d.is(BadRequest.class)) {
        br = d.unpack(BadRequest.class);
      }
    }
    assertTrue(info != null && !info.getReason().isEmpty(), () -> "no ErrorInfo: " + st);
    if (c.undecodable()) {
      assertTrue(st.getMessage().contains("could not be decoded"), () -> "decode failure: " + st);
      return;
    }
    if (st.getMessage().contains("could not be decoded")) {
      fail("a well-formed request was answered as undecodable: " + st.getMessage());
    }
    assertTrue(br != null && br.getFieldViolationsCount() > 0, () -> "no field violations: " + st);
    if (t.seeds().containsKey(m.getInputType())) {
      String changed = normalized(c.changedField());
      boolean named =
          br.getFieldViolationsList().stream()
              .map(v -> normalized(v.getField()))
              .anyMatch(f -> related(f, changed));
      assertTrue(named, () -> "the violations do not name " + c.changedField() + ": " + st);
    }
  }

  /** The same field, or one containing the other (a violation may name the list or the element). */
  private static boolean related(String a, String b) {
    return a.equals(b) || a.startsWith(b + ".") || a.startsWith(b + "[") || b.startsWith(a + ".");
  }

  private static String normalized(String path) {
    return path.replaceAll("\\[\\d+]", "");
  }

  private static void assertServing(Target t) {
    assertEquals(
        ServingStatus.SERVING,
        HealthGrpc.newBlockingStub(t.channel())
            .withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance())
            .getStatus(),
        "the service stays healthy");
  }

  private static Answer send(
      Channel channel, io.grpc.MethodDescriptor<?, ?> method, byte[] request, boolean serverStreams)
      throws Exception {
    io.grpc.MethodDescriptor<byte[], byte[]> raw = RawBytes.method(method);
    long deadline = serverStreams ? STREAM_OPEN_SECONDS : UNARY_DEADLINE_SECONDS;
    ClientCall<byte[], byte[]> call =
        channel.newCall(raw, CallOptions.DEFAULT.withDeadlineAfter(deadline, TimeUnit.SECONDS));
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    boolean[] gotMessage = {false};
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            gotMessage[0] = true;
            if (serverStreams) {
              call.cancel("the corpus saw the stream answer", null);
            }
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            answer.complete(new Answer(gotMessage[0], status, trailers));
          }
        },
        new Metadata());
    call.request(1);
    call.sendMessage(request);
    call.halfClose();
    return answer.get(deadline + 30, TimeUnit.SECONDS);
  }

  // ---- helpers

  private static DynamicMessage dynamic(Message m) {
    try {
      return DynamicMessage.parseFrom(m.getDescriptorForType(), m.toByteString());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<FieldDescriptor> append(List<FieldDescriptor> parents, FieldDescriptor f) {
    List<FieldDescriptor> path = new ArrayList<>(parents);
    path.add(f);
    return List.copyOf(path);
  }

  /**
   * The field a violation must name: the path itself, or for a change inside a map entry the map
   * (services name an entry by its key, {@code thresholds.utilization} or {@code limits[key]}, and
   * a bad key by the map).
   */
  private static String changedField(List<FieldDescriptor> path) {
    for (int i = 0; i < path.size(); i++) {
      if (path.get(i).isMapField()) {
        return pathName(path.subList(0, i + 1));
      }
    }
    return pathName(path);
  }

  private static String pathName(List<FieldDescriptor> path) {
    return String.join(".", path.stream().map(FieldDescriptor::getName).toList());
  }
}
