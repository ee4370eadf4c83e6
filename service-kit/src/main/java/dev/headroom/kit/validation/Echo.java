package dev.headroom.kit.validation;

/**
 * Quotes a client's value inside an error message: at most {@link Limits#MAX_ECHO_CHARS}
 * characters, control characters escaped, and the full length when it was cut. An error answer has
 * to fit into the response trailers, and the log line that may repeat it must stay one line.
 */
public final class Echo {
  private Echo() {}

  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Limits.MAX_ECHO_CHARS + 24).append('\'');
    int shown = 0;
    int i = 0;
    while (i < value.length() && shown < Limits.MAX_ECHO_CHARS) {
      int cp = value.codePointAt(i);
      if (Character.isISOControl(cp) || Character.isSurrogate((char) cp)) {
        out.append(String.format("\\u%04x", cp));
      } else {
        out.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
      shown++;
    }
    out.append('\'');
    if (i < value.length()) {
      out.append("… (").append(value.length()).append(" characters)");
    }
    return out.toString();
  }
}
