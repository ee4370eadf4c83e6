package dev.headroom.kit.validation;

import com.google.protobuf.Duration;
import com.google.protobuf.ProtocolMessageEnum;
import com.google.protobuf.Timestamp;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.FieldViolation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Checks one request and collects every violation, each with the path of its field; {@link
 * #throwIfInvalid()} then answers INVALID_ARGUMENT with all of them (google.rpc.BadRequest through
 * the kit's ErrorMapper). The checks return the value the handler goes on with, so a handler reads
 * and validates in one pass:
 *
 * <pre>{@code
 * Validation v = Validation.of();
 * String accountId = v.identifier("account_id", req.getAccountId());
 * Instant asOf = v.optionalTimestamp("as_of", req.hasAsOf() ? req.getAsOf() : null);
 * Validation account = v.at("account");
 * String name = account.text("name", req.getAccount().getName(), Limits.MAX_SHORT_TEXT_CHARS);
 * UserRole role = v.at("users", 3).requiredEnum("role", user.getRole());
 * v.throwIfInvalid();
 * }</pre>
 *
 * <p>A value that fails a check comes back as given (or null for parsed types); the handler must
 * not use it before {@link #throwIfInvalid()}. Error descriptions quote at most a short prefix of
 * the offending value ({@link Echo}). Limits are in {@link Limits}.
 */
public final class Validation {
  private final List<FieldViolation> violations;
  private final String prefix;

  private Validation(List<FieldViolation> violations, String prefix) {
    this.violations = violations;
    this.prefix = prefix;
  }

  /** A fresh validation of one request. */
  public static Validation of() {
    return new Validation(new ArrayList<>(), "");
  }

  /** The same validation for fields nested in {@code field}: {@code at("account")}. */
  public Validation at(String field) {
    return new Validation(violations, path(field));
  }

  /** The same validation for the element {@code index} of a repeated field: {@code items[3]}. */
  public Validation at(String field, int index) {
    return new Validation(violations, path(field) + "[" + index + "]");
  }

  /** The full path of {@code field} under this validation's prefix. */
  public String path(String field) {
    return prefix.isEmpty() ? field : field.isEmpty() ? prefix : prefix + "." + field;
  }

  /** Records a violation found by the caller's own rule. */
  public Validation fail(String field, String description) {
    violations.add(new FieldViolation(path(field), description));
    return this;
  }

  /** Records a violation unless {@code ok}. */
  public Validation check(boolean ok, String field, String description) {
    if (!ok) {
      fail(field, description);
    }
    return this;
  }

  public boolean isValid() {
    return violations.isEmpty();
  }

  public List<FieldViolation> violations() {
    return List.copyOf(violations);
  }

  /** Answers INVALID_ARGUMENT with every violation collected so far, if there is any. */
  public void throwIfInvalid() {
    if (!violations.isEmpty()) {
      throw new DomainException.InvalidArgument(List.copyOf(violations));
    }
  }

  // ---- strings

  /**
   * A required identifier: not empty after trimming, at most {@link Limits#MAX_IDENTIFIER_CHARS}
   * characters, no control characters. Returned unchanged (ids are compared as sent).
   */
  public String identifier(String field, String value) {
    if (value.isBlank()) {
      fail(field, "required");
    } else {
      checkIdentifierText(field, value);
    }
    return value;
  }

  /**
   * An identifier that may be absent (empty); when present, the same rules as {@link #identifier}.
   */
  public String optionalIdentifier(String field, String value) {
    if (value.isEmpty()) {
      return value;
    }
    return identifier(field, value);
  }

  private void checkIdentifierText(String field, String value) {
    if (tooLong(value, Limits.MAX_IDENTIFIER_CHARS)) {
      fail(field, "at most " + Limits.MAX_IDENTIFIER_CHARS + " characters, got " + value.length());
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        fail(field, "must not contain control characters: " + Echo.quote(value));
        return;
      }
    }
    checkSurrogates(field, value);
  }

  /**
   * Free text that may be empty: at most {@code maxChars} characters, no NUL (U+0000, which
   * PostgreSQL cannot store), no lone surrogate.
   */
  public String text(String field, String value, int maxChars) {
    if (tooLong(value, maxChars)) {
      fail(field, "at most " + maxChars + " characters, got " + value.length());
    } else if (value.indexOf('\u0000') >= 0) {
      fail(field, "must not contain NUL (U+0000): " + Echo.quote(value));
    } else {
      checkSurrogates(field, value);
    }
    return value;
  }

  /** Free text that must not be blank; otherwise as {@link #text}. */
  public String requiredText(String field, String value, int maxChars) {
    if (value.isBlank()) {
      fail(field, "required");
      return value;
    }
    return text(field, value, maxChars);
  }

  private static boolean tooLong(String value, int maxChars) {
    // length() counts UTF-16 units, never fewer than code points: only a long string needs
    // counting.
    return value.length() > maxChars && value.codePointCount(0, value.length()) > maxChars;
  }

  private void checkSurrogates(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        fail(field, "not valid Unicode text (a lone surrogate at index " + i + ")");
        return;
      }
    }
  }

  // ---- enums

  /**
   * A protobuf enum that must be set: neither its {@code _UNSPECIFIED} zero nor a number this
   * server does not know (proto3 hands those over as {@code UNRECOGNIZED}).
   */
  public <E extends Enum<E> & ProtocolMessageEnum> E requiredEnum(String field, E value) {
    if (unrecognized(value) || value.getNumber() == 0) {
      fail(field, "required: one of " + names(value));
    }
    return value;
  }

  /** A protobuf enum that may be left unspecified but must not be a number this server lacks. */
  public <E extends Enum<E> & ProtocolMessageEnum> E optionalEnum(String field, E value) {
    if (unrecognized(value)) {
      fail(field, "unknown value; one of " + names(value));
    }
    return value;
  }

  private static boolean unrecognized(Enum<?> value) {
    return value.name().equals("UNRECOGNIZED");
  }

  private static String names(ProtocolMessageEnum value) {
    return value.getDescriptorForType().getValues().stream()
        .filter(d -> d.getNumber() != 0)
        .map(d -> d.getName())
        .collect(Collectors.joining(", "));
  }

  // ---- time

  /** A timestamp that must be present (pass null when the message field is unset). */
  public Instant requiredTimestamp(String field, Timestamp value) {
    if (value == null) {
      fail(field, "required");
      return null;
    }
    return optionalTimestamp(field, value);
  }

  /**
   * A timestamp that may be absent (null); when present it must be valid by protobuf's own rules:
   * seconds from 0001-01-01T00:00:00Z through 9999-12-31T23:59:59Z, nanos in [0, 10^9).
   */
  public Instant optionalTimestamp(String field, Timestamp value) {
    if (value == null) {
      return null;
    }
    long seconds = value.getSeconds();
    int nanos = value.getNanos();
    if (nanos < 0 || nanos > 999_999_999) {
      fail(field, "nanos must be within 0..999999999, got " + nanos);
      return null;
    }
    if (seconds < Limits.MIN_TIMESTAMP.getEpochSecond()
        || seconds > Limits.MAX_TIMESTAMP.getEpochSecond()) {
      fail(field, "must be within 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z");
      return null;
    }
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** {@code value} must lie within [{@code earliest}, {@code latest}]; null passes. */
  public Instant within(String field, Instant value, Instant earliest, Instant latest) {
    if (value != null && (value.isBefore(earliest) || value.isAfter(latest))) {
      fail(field, "must be within " + earliest + ".." + latest);
    }
    return value;
  }

  /**
   * A duration that may be absent (null); when present valid by protobuf's rules (seconds within
   * ±315,576,000,000, nanos within ±999,999,999 with the sign of the seconds) and within [{@code
   * min}, {@code max}]. {@link Limits#MAX_DURATION} is the usual upper bound.
   */
  public java.time.Duration duration(
      String field, Duration value, java.time.Duration min, java.time.Duration max) {
    if (value == null) {
      return null;
    }
    long s = value.getSeconds();
    int n = value.getNanos();
    if (s < -Limits.MAX_DURATION_SECONDS
        || s > Limits.MAX_DURATION_SECONDS
        || n <= -1_000_000_000
        || n >= 1_000_000_000
        || (s > 0 && n < 0)
        || (s < 0 && n > 0)) {
      fail(field, "not a valid duration");
      return null;
    }
    java.time.Duration d = java.time.Duration.ofSeconds(s, n);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      fail(field, "must be within " + min + ".." + max + ", got " + d);
      return null;
    }
    return d;
  }

  // ---- numbers

  /**
   * An exact decimal string, checked before it is parsed (see {@link Decimals}); null when it is
   * invalid.
   */
  public BigDecimal decimal(String field, String text) {
    return switch (Decimals.parse(text)) {
      case Decimals.Parsed p -> p.value();
      case Decimals.Rejected r -> {
        fail(field, r.reason());
        yield null;
      }
    };
  }

  /** As {@link #decimal}, and not negative. */
  public BigDecimal nonNegativeDecimal(String field, String text) {
    BigDecimal value = decimal(field, text);
    if (value != null && value.signum() < 0) {
      fail(field, "must be >= 0, got " + Echo.quote(text));
      return null;
    }
    return value;
  }

  /** An integer within [{@code min}, {@code max}]. */
  public long range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      fail(field, "must be within " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  /**
   * Money given as ISO 4217 code and minor units ({@code headroom.common.v1.Money}): the code must
   * be one {@link Currency} knows, the amount within 0..{@link Limits#MAX_MONEY_MINOR_UNITS}.
   * Violations name {@code <field>.currency_code} and {@code <field>.minor_units}.
   */
  public Currency money(String field, String currencyCode, long minorUnits) {
    Validation money = at(field);
    money.range("minor_units", minorUnits, 0, Limits.MAX_MONEY_MINOR_UNITS);
    return money.currency("currency_code", currencyCode);
  }

  /** As {@link #money}, for amounts that may be negative (deltas, refunds). */
  public Currency signedMoney(String field, String currencyCode, long minorUnits) {
    Validation money = at(field);
    money.range(
        "minor_units", minorUnits, -Limits.MAX_MONEY_MINOR_UNITS, Limits.MAX_MONEY_MINOR_UNITS);
    return money.currency("currency_code", currencyCode);
  }

  /** An ISO 4217 currency code such as "USD"; null when it is not one. */
  public Currency currency(String field, String code) {
    if (code.length() == 3 && code.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
      try {
        return Currency.getInstance(code);
      } catch (IllegalArgumentException unknown) {
        // not in the JDK's ISO 4217 table: reported below
      }
    }
    fail(field, "not an ISO 4217 currency code (e.g. USD): " + Echo.quote(code));
    return null;
  }

  // ---- lists

  /**
   * The one page-size rule of every List RPC (AIP-158): negative is INVALID_ARGUMENT, 0 means
   * {@code defaultSize}, anything above {@code maxSize} is lowered to it.
   */
  public int pageSize(String field, int requested, int defaultSize, int maxSize) {
    if (requested < 0) {
      fail(field, "must be >= 0 (0 means the default of " + defaultSize + ")");
      return defaultSize;
    }
    return requested == 0 ? defaultSize : Math.min(requested, maxSize);
  }

  /**
   * The paths of a {@code google.protobuf.FieldMask}: each one of {@code known}, at most {@link
   * Limits#MAX_MASK_PATHS}; returned without duplicates, in the order given. Violations name {@code
   * <field>.paths[i]}.
   */
  public Set<String> updateMask(String field, Collection<String> paths, Set<String> known) {
    if (paths.size() > Limits.MAX_MASK_PATHS) {
      fail(field + ".paths", "at most " + Limits.MAX_MASK_PATHS + " paths, got " + paths.size());
      return Set.of();
    }
    Set<String> accepted = new LinkedHashSet<>();
    int i = 0;
    for (String p : paths) {
      if (known.contains(p)) {
        accepted.add(p);
      } else {
        fail(
            field + ".paths[" + i + "]",
            "not a field this mask can name: "
                + Echo.quote(p)
                + "; one of "
                + String.join(", ", new TreeSet<>(known)));
      }
      i++;
    }
    return accepted;
  }
}
