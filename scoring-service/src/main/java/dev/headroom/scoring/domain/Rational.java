package dev.headroom.scoring.domain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An exact fraction, always in lowest terms with a positive denominator.
 *
 * <p>Why not {@link BigDecimal}: category points such as 25 × 17/30 have no finite decimal
 * expansion, and a sum of truncated decimals can land a hair below an exact .5 (e.g. 14.1666… +
 * 26.3333… = 40.5) and round the wrong way. Fractions keep the sum exact, so "floor(sum + 1/2)" is
 * decided exactly; decimals are only produced for display.
 */
public record Rational(BigInteger numerator, BigInteger denominator)
    implements Comparable<Rational> {
  public static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
  public static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

  public Rational {
    Objects.requireNonNull(numerator, "numerator");
    Objects.requireNonNull(denominator, "denominator");
    if (denominator.signum() == 0) {
      throw new ArithmeticException("zero denominator");
    }
    if (denominator.signum() < 0) {
      numerator = numerator.negate();
      denominator = denominator.negate();
    }
    BigInteger gcd = numerator.gcd(denominator);
    if (!gcd.equals(BigInteger.ONE) && gcd.signum() != 0) {
      numerator = numerator.divide(gcd);
      denominator = denominator.divide(gcd);
    }
    if (numerator.signum() == 0) {
      denominator = BigInteger.ONE;
    }
  }

  public static Rational of(long numerator, long denominator) {
    return new Rational(BigInteger.valueOf(numerator), BigInteger.valueOf(denominator));
  }

  public static Rational of(long integer) {
    return of(integer, 1);
  }

  public Rational plus(Rational other) {
    return new Rational(
        numerator.multiply(other.denominator).add(other.numerator.multiply(denominator)),
        denominator.multiply(other.denominator));
  }

  public Rational times(Rational other) {
    return new Rational(
        numerator.multiply(other.numerator), denominator.multiply(other.denominator));
  }

  public Rational times(long factor) {
    return new Rational(numerator.multiply(BigInteger.valueOf(factor)), denominator);
  }

  public Rational min(Rational other) {
    return compareTo(other) <= 0 ? this : other;
  }

  /** floor(this + 1/2): half-up rounding (40.5 → 41, 60.5 → 61), never banker's. */
  public long roundHalfUp() {
    BigInteger twiceNumPlusDen = numerator.shiftLeft(1).add(denominator);
    BigInteger twiceDen = denominator.shiftLeft(1);
    return floorDiv(twiceNumPlusDen, twiceDen).longValueExact();
  }

  /**
   * True when the value has a finite decimal expansion (the denominator has no prime factor but 2
   * and 5).
   */
  public boolean isTerminatingDecimal() {
    BigInteger d = denominator;
    BigInteger two = BigInteger.TWO;
    BigInteger five = BigInteger.valueOf(5);
    while (d.mod(two).signum() == 0) {
      d = d.divide(two);
    }
    while (d.mod(five).signum() == 0) {
      d = d.divide(five);
    }
    return d.equals(BigInteger.ONE);
  }

  /**
   * The exact decimal when it terminates (trailing zeros stripped, plain notation); otherwise
   * rounded half-up to {@code maxScale} places.
   */
  public BigDecimal toDecimal(int maxScale) {
    if (isTerminatingDecimal()) {
      BigDecimal exact = new BigDecimal(numerator).divide(new BigDecimal(denominator));
      BigDecimal stripped = exact.stripTrailingZeros();
      return stripped.scale() < 0 ? stripped.setScale(0, RoundingMode.UNNECESSARY) : stripped;
    }
    return new BigDecimal(numerator)
        .divide(new BigDecimal(denominator), maxScale, RoundingMode.HALF_UP);
  }

  public double doubleValue() {
    return new BigDecimal(numerator)
        .divide(new BigDecimal(denominator), MathContext.DECIMAL64)
        .doubleValue();
  }

  @Override
  public int compareTo(Rational other) {
    return numerator.multiply(other.denominator).compareTo(other.numerator.multiply(denominator));
  }

  /** "85/6", or "21" for an integer. */
  @Override
  public String toString() {
    return denominator.equals(BigInteger.ONE)
        ? numerator.toString()
        : numerator + "/" + denominator;
  }

  private static BigInteger floorDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    // b > 0 here; a negative remainder means truncation went toward zero, one above the floor.
    return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }
}
