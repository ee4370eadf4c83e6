package dev.headroom.kit.validation;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * The limits every Headroom request is held to (service-kit README, "Input validation and limits").
 * A service may choose a tighter bound for one field; it never accepts more than these.
 */
public final class Limits {
  private Limits() {}

  /** Identifiers (ids, keys): at most this many characters after which a client made a mistake. */
  public static final int MAX_IDENTIFIER_CHARS = 128;

  /** Short free text: names, locales, regions, owners, teams, actors. */
  public static final int MAX_SHORT_TEXT_CHARS = 300;

  /** Long free text: descriptions, notes, message copy. */
  public static final int MAX_LONG_TEXT_CHARS = 4_096;

  /** The earliest instant protobuf's Timestamp can hold: 0001-01-01T00:00:00Z. */
  public static final Instant MIN_TIMESTAMP = Instant.parse("0001-01-01T00:00:00Z");

  /** The latest instant protobuf's Timestamp can hold: 9999-12-31T23:59:59.999999999Z. */
  public static final Instant MAX_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /** Protobuf's Duration range: ±10,000 years in seconds. */
  public static final long MAX_DURATION_SECONDS = 315_576_000_000L;

  /** Durations a service accepts unless it says otherwise: 0 up to 100 years. */
  public static final Duration MAX_DURATION = Duration.ofDays(36_525);

  /** Decimal strings: at most this many characters, checked before any parsing. */
  public static final int MAX_DECIMAL_CHARS = 64;

  /** Decimal strings: at most this many significant digits. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  /** Decimal strings: at most this many digits after the point. */
  public static final int MAX_DECIMAL_SCALE = 18;

  /** Decimal strings: the magnitude stays below this (a threshold or quantity, not a universe). */
  public static final BigDecimal MAX_DECIMAL_MAGNITUDE = BigDecimal.TEN.pow(18);

  /** Money amounts in minor units: at most 10^15 (ten trillion dollars in cents). */
  public static final long MAX_MONEY_MINOR_UNITS = 1_000_000_000_000_000L;

  /** Update masks: at most this many paths. */
  public static final int MAX_MASK_PATHS = 64;

  /** How much of an offending value an error message quotes. */
  public static final int MAX_ECHO_CHARS = 32;
}
