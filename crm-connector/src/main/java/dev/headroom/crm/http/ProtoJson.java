package dev.headroom.crm.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import dev.headroom.kit.error.DomainException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The proto3 JSON mapping of the admin API's messages, as prompt-service's routes use it: field
 * names in lowerCamelCase or as in the .proto, enums by name, 64-bit integers as strings, durations
 * as {@code "30s"}, field masks as {@code "displayName,credentials"}.
 *
 * <p>Reading names the field that does not fit by its proto path ({@code connection.debounce},
 * {@code rule.actions[1].type}) and says what it expects, without quoting the value (it may be a
 * secret that was put in the wrong place).
 */
final class ProtoJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private ProtoJson() {}

  /**
   * {@code object} as a message of {@code prototype}'s type; every field that is unknown or not of
   * its type is an INVALID_ARGUMENT violation on its path.
   */
  @SuppressWarnings("unchecked")
  static <M extends Message> M read(JsonNode object, M prototype) {
    DomainException.Violations v = new DomainException.Violations();
    Message.Builder b = prototype.newBuilderForType();
    merge(object, b, "", v);
    v.throwIfAny();
    return (M) b.build();
  }

  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("an answer of the admin API cannot be printed as JSON", e);
    }
  }

  static JsonNode tree(MessageOrBuilder message) {
    try {
      return JSON.readTree(print(message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the printed answer is not JSON", e);
    }
  }

  /** The field of {@code type} that {@code name} means: its proto name or its JSON name. */
  static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor f = type.findFieldByName(name);
    if (f != null) {
      return f;
    }
    for (FieldDescriptor candidate : type.getFields()) {
      if (candidate.getJsonName().equals(name)) {
        return candidate;
      }
    }
    return null;
  }

  private static void merge(
      JsonNode object, Message.Builder b, String prefix, DomainException.Violations v) {
    Descriptor type = b.getDescriptorForType();
    Set<FieldDescriptor> seen = new HashSet<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      FieldDescriptor f = field(type, e.getKey());
      if (f == null) {
        v.add(
            prefix + e.getKey(),
            "no such field in " + type.getName() + "; fields: " + fieldNames(type));
        continue;
      }
      String path = prefix + f.getName();
      if (!seen.add(f)) {
        v.add(path, "given twice (by its proto name and its JSON name)");
        continue;
      }
      JsonNode value = e.getValue();
      if (value.isNull()) {
        continue;
      }
      if (isPlainMessage(f) && !f.isMapField()) {
        if (f.isRepeated()) {
          if (!value.isArray()) {
            v.add(path, "must be " + expected(f));
            continue;
          }
          for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            String at = path + "[" + i + "]";
            if (!element.isObject()) {
              v.add(at, "must be a JSON object");
              continue;
            }
            Message.Builder sub = b.newBuilderForField(f);
            merge(element, sub, at + ".", v);
            b.addRepeatedField(f, sub.build());
          }
        } else if (!value.isObject()) {
          v.add(path, "must be a JSON object");
        } else {
          Message.Builder sub = b.newBuilderForField(f);
          merge(value, sub, path + ".", v);
          b.setField(f, sub.build());
        }
        continue;
      }
      ObjectNode single = JSON.createObjectNode();
      single.set(f.getName(), value);
      try {
        PARSER.merge(single.toString(), b);
      } catch (InvalidProtocolBufferException | RuntimeException ex) {
        v.add(path, "must be " + expected(f));
      }
    }
  }

  /** A message of the API (not a well-known type, which has its own JSON form). */
  private static boolean isPlainMessage(FieldDescriptor f) {
    return f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && !f.getMessageType().getFile().getPackage().equals("google.protobuf");
  }

  private static String expected(FieldDescriptor f) {
    if (f.isMapField()) {
      return "a JSON object of strings";
    }
    String one =
        switch (f.getJavaType()) {
          case INT, LONG -> "an integer";
          case FLOAT, DOUBLE -> "a number";
          case BOOLEAN -> "true or false";
          case STRING -> "a string";
          case BYTE_STRING -> "base64 bytes";
          case ENUM ->
              "one of "
                  + f.getEnumType().getValues().stream()
                      .map(EnumValueDescriptor::getName)
                      .filter(n -> !n.endsWith("_UNSPECIFIED"))
                      .collect(Collectors.joining(", "));
          case MESSAGE ->
              switch (f.getMessageType().getFullName()) {
                case "google.protobuf.Timestamp" ->
                    "an RFC 3339 timestamp such as \"2026-12-01T09:00:00Z\"";
                case "google.protobuf.Duration" -> "a duration in seconds such as \"30s\"";
                case "google.protobuf.FieldMask" ->
                    "field paths separated by commas such as \"displayName,credentials\"";
                default -> "a JSON object";
              };
        };
    return f.isRepeated() ? "a JSON array, each element " + one : one;
  }

  private static String fieldNames(Descriptor type) {
    return type.getFields().stream()
        .map(FieldDescriptor::getName)
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
