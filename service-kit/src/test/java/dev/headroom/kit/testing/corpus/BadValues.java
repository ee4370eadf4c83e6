package dev.headroom.kit.testing.corpus;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.List;

/**
 * The table of bad and edge values per field type that {@link BadInputCorpus} sends. A value that
 * is fine for a field (0 for an optional count, an empty optional string) may be answered OK; what
 * is checked is how the service answers, never that it refuses.
 */
final class BadValues {
  private BadValues() {}

  /** One value for one field, with a name that reads well in a test report. */
  record Value(String label, Object value) {}

  static final String HUGE_STRING = "h".repeat(70_000);

  static final List<Value> STRINGS =
      List.of(
          new Value("empty", ""),
          new Value("whitespace", " \t "),
          new Value("70000 chars", HUGE_STRING),
          new Value("NUL", "id\u0000x"),
          new Value("only NUL", "\u0000"),
          new Value("control char", "a\u0001b"),
          new Value("newline", "line\nbreak"),
          new Value("huge exponent", "1e999999999"),
          new Value("negative huge exponent", "-1e-999999999"),
          new Value("NaN", "NaN"),
          new Value("emoji", "😀"),
          new Value("RTL override", "\u202eevil"));

  static final List<Value> INT32 =
      List.of(
          new Value("-1", -1),
          new Value("min", Integer.MIN_VALUE),
          new Value("max", Integer.MAX_VALUE),
          new Value("0", 0));

  static final List<Value> INT64 =
      List.of(
          new Value("-1", -1L),
          new Value("min", Long.MIN_VALUE),
          new Value("max", Long.MAX_VALUE),
          new Value("0", 0L));

  static final List<Value> DOUBLES =
      List.of(
          new Value("NaN", Double.NaN),
          new Value("+inf", Double.POSITIVE_INFINITY),
          new Value("-inf", Double.NEGATIVE_INFINITY),
          new Value("-1", -1.0),
          new Value("max", Double.MAX_VALUE));

  static final List<Value> BYTES =
      List.of(new Value("70000 bytes", ByteString.copyFrom(new byte[70_000])));

  /** Enum numbers: the zero, and numbers no enum of ours defines. */
  static final List<Integer> ENUM_NUMBERS = List.of(0, 999, -5);

  /** Timestamp seconds and nanos: year 0, year 300,000, nanos out of range, the extremes. */
  static final List<long[]> TIMESTAMPS =
      List.of(
          new long[] {-62_135_596_801L, 0},
          new long[] {9_400_000_000_000L, 0},
          new long[] {1_700_000_000L, -1},
          new long[] {1_700_000_000L, 1_000_000_000},
          new long[] {Long.MIN_VALUE, 0},
          new long[] {Long.MAX_VALUE, 999_999_999});

  /** Duration seconds and nanos: out of protobuf's range, mixed signs, negative. */
  static final List<long[]> DURATIONS =
      List.of(
          new long[] {Long.MAX_VALUE, 0},
          new long[] {1, -1},
          new long[] {-1, 0},
          new long[] {315_576_000_001L, 0});

  static List<Value> scalars(FieldDescriptor.JavaType type) {
    return switch (type) {
      case STRING -> STRINGS;
      case INT -> INT32;
      case LONG -> INT64;
      case DOUBLE -> DOUBLES;
      case FLOAT ->
          DOUBLES.stream()
              .map(v -> new Value(v.label(), ((Double) v.value()).floatValue()))
              .toList();
      case BYTE_STRING -> BYTES;
      case BOOLEAN, ENUM, MESSAGE -> List.of();
    };
  }
}
