package dev.headroom.kit.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.headroom.kit.validation.Echo;
import dev.headroom.kit.validation.Limits;
import dev.headroom.kit.validation.Validation;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed reads of one JSON object's fields, each wrong type a violation on the field's path in the
 * same {@link Validation} the request's other checks use: a number is not a string id, a string is
 * not a number, a date must be RFC 3339 with an offset inside protobuf's timestamp range. A value
 * that fails comes back empty (or null) and the handler throws through {@link
 * Validation#throwIfInvalid()} before using it.
 */
public final class JsonFields {
  private final JsonNode object;
  private final Validation v;

  JsonFields(JsonNode object, Validation v) {
    this.object = object;
    this.v = v;
  }

  /** The field's raw node, or null when absent or JSON null. */
  public JsonNode node(String field) {
    JsonNode n = object.get(field);
    return n == null || n.isNull() ? null : n;
  }

  public boolean has(String field) {
    return node(field) != null;
  }

  /** A JSON string, "" when absent; anything else is a violation. */
  public String string(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return "";
    }
    if (!n.isTextual()) {
      v.fail(field, "must be a JSON string, got " + kind(n));
      return "";
    }
    return n.textValue();
  }

  /** A required identifier (see {@link Validation#identifier}) given as a JSON string. */
  public String identifier(String field) {
    JsonNode n = node(field);
    if (n != null && !n.isTextual()) {
      v.fail(field, "must be a JSON string, got " + kind(n));
      return "";
    }
    return v.identifier(field, n == null ? "" : n.textValue());
  }

  /** An RFC 3339 timestamp with offset inside protobuf's range; null when absent or invalid. */
  public Instant timestamp(String field) {
    String text = string(field);
    if (text.isEmpty()) {
      return null;
    }
    Instant t;
    try {
      t = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      v.fail(field, "not RFC 3339 with an offset (e.g. 2026-03-01T12:00:00Z): " + Echo.quote(text));
      return null;
    }
    if (t.isBefore(Limits.MIN_TIMESTAMP) || t.isAfter(Limits.MAX_TIMESTAMP)) {
      v.fail(field, "must be within 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z");
      return null;
    }
    return t;
  }

  /**
   * A finite decimal given as a JSON number or a decimal string, bounded as {@link
   * Validation#decimal}; null when absent or invalid.
   */
  public BigDecimal decimal(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return null;
    }
    if (!n.isNumber() && !n.isTextual()) {
      v.fail(field, "must be a number, got " + kind(n));
      return null;
    }
    return v.decimal(field, n.isTextual() ? n.textValue() : n.asText());
  }

  /** A nested object's fields, or null when absent; anything else is a violation. */
  public JsonFields object(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return null;
    }
    if (!n.isObject()) {
      v.fail(field, "must be a JSON object, got " + kind(n));
      return null;
    }
    return new JsonFields(n, v.at(field));
  }

  /**
   * The objects of an array field, each reading under {@code field[i]}; elements that are not
   * objects are violations and left out. Empty when absent.
   */
  public List<JsonFields> objects(String field) {
    JsonNode n = node(field);
    if (n == null) {
      return List.of();
    }
    if (!n.isArray()) {
      v.fail(field, "must be a JSON array, got " + kind(n));
      return List.of();
    }
    List<JsonFields> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (e.isObject()) {
        out.add(new JsonFields(e, v.at(field, i)));
      } else {
        v.at(field, i).fail("", "must be a JSON object, got " + kind(e));
      }
    }
    return out;
  }

  private static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case OBJECT, POJO -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case BINARY -> "binary data";
      case NULL, MISSING -> "nothing";
    };
  }
}
