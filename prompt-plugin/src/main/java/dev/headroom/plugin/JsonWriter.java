package dev.headroom.plugin;

import java.util.List;

/**
 * Writes the few JSON shapes the plugin produces, so that the client needs no JSON library. Not a
 * general-purpose writer: no nesting checks beyond what the callers do.
 */
final class JsonWriter {
  private final StringBuilder out = new StringBuilder(512);
  private boolean needsComma;

  JsonWriter beginObject() {
    comma();
    out.append('{');
    needsComma = false;
    return this;
  }

  JsonWriter endObject() {
    out.append('}');
    needsComma = true;
    return this;
  }

  JsonWriter name(String name) {
    comma();
    string(name);
    out.append(':');
    needsComma = false;
    return this;
  }

  JsonWriter field(String name, String value) {
    name(name);
    if (value == null) {
      out.append("null");
    } else {
      string(value);
    }
    needsComma = true;
    return this;
  }

  JsonWriter field(String name, long value) {
    name(name);
    out.append(value);
    needsComma = true;
    return this;
  }

  JsonWriter field(String name, boolean value) {
    name(name);
    out.append(value);
    needsComma = true;
    return this;
  }

  JsonWriter field(String name, List<String> values) {
    name(name);
    out.append('[');
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      string(values.get(i));
    }
    out.append(']');
    needsComma = true;
    return this;
  }

  private void comma() {
    if (needsComma) {
      out.append(',');
    }
  }

  /**
   * Escapes quotes, backslashes, control characters, and '<', '>', '&' so HTML never sees a tag.
   */
  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
