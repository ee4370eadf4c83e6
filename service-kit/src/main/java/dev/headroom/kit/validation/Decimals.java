package dev.headroom.kit.validation;

import java.math.BigDecimal;

/**
 * Reads exact decimal strings ("0.85", "17", "2.5e3") without ever building a number that is
 * expensive to hold or to compute with. The text is checked character by character first (length,
 * grammar, an exponent of at most four digits), so {@code 1e999999999} is refused before a {@code
 * BigDecimal} exists; the parsed value must then fit the precision, scale and magnitude in {@link
 * Limits}.
 */
public final class Decimals {
  private static final int MAX_EXPONENT_DIGITS = 4;

  private Decimals() {}

  /** The outcome of reading one decimal string: a value, or why there is none. */
  public sealed interface Result {}

  public record Parsed(BigDecimal value) implements Result {}

  public record Rejected(String reason) implements Result {}

  public static Result parse(String text) {
    if (text.isEmpty()) {
      return new Rejected("required: an exact decimal string such as \"0.85\"");
    }
    if (text.length() > Limits.MAX_DECIMAL_CHARS) {
      return new Rejected(
          "at most " + Limits.MAX_DECIMAL_CHARS + " characters, got " + text.length());
    }
    String grammar = grammarProblem(text);
    if (grammar != null) {
      return new Rejected(grammar + ": " + Echo.quote(text));
    }
    BigDecimal value = new BigDecimal(text);
    if (value.abs().compareTo(Limits.MAX_DECIMAL_MAGNITUDE) >= 0) {
      return new Rejected("must be less than 10^18 in magnitude: " + Echo.quote(text));
    }
    BigDecimal significant = value.stripTrailingZeros();
    if (significant.scale() > Limits.MAX_DECIMAL_SCALE) {
      return new Rejected(
          "at most " + Limits.MAX_DECIMAL_SCALE + " digits after the point: " + Echo.quote(text));
    }
    if (significant.precision() > Limits.MAX_DECIMAL_PRECISION) {
      return new Rejected(
          "at most " + Limits.MAX_DECIMAL_PRECISION + " significant digits: " + Echo.quote(text));
    }
    return new Parsed(value);
  }

  /**
   * Null when {@code text} is {@code [+-]digits[.digits][(e|E)[+-]digits]} with a short exponent.
   */
  private static String grammarProblem(String text) {
    int i = 0;
    int n = text.length();
    if (text.charAt(i) == '+' || text.charAt(i) == '-') {
      i++;
    }
    int digits = 0;
    boolean point = false;
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (digits == 0) {
      return "not a decimal number";
    }
    if (i == n) {
      return null;
    }
    char e = text.charAt(i);
    if (e != 'e' && e != 'E') {
      return "not a decimal number";
    }
    i++;
    if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    int start = i;
    while (i < n && text.charAt(i) == '0') {
      i++;
    }
    int significantExponentDigits = 0;
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return "not a decimal number";
      }
      significantExponentDigits++;
    }
    if (i == start) {
      return "not a decimal number";
    }
    if (significantExponentDigits > MAX_EXPONENT_DIGITS) {
      return "exponent out of range";
    }
    return null;
  }
}
