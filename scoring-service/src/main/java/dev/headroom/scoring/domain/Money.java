package dev.headroom.scoring.domain;

import java.util.Objects;

/**
 * An amount in a currency's minor units; never a binary float. Arithmetic overflows loudly, never
 * silently.
 */
public record Money(String currency, long minorUnits) {
  public Money {
    Objects.requireNonNull(currency, "currency");
  }

  public static Money zero(String currency) {
    return new Money(currency, 0);
  }

  public Money plus(Money other) {
    requireSameCurrency(other);
    return new Money(currency, Math.addExact(minorUnits, other.minorUnits));
  }

  public Money minus(Money other) {
    requireSameCurrency(other);
    return new Money(currency, Math.subtractExact(minorUnits, other.minorUnits));
  }

  public Money times(long factor) {
    return new Money(currency, Math.multiplyExact(minorUnits, factor));
  }

  public boolean isZero() {
    return minorUnits == 0;
  }

  private void requireSameCurrency(Money other) {
    if (!currency.equals(other.currency)) {
      throw new IllegalArgumentException(
          "currency mismatch: " + currency + " vs " + other.currency);
    }
  }

  @Override
  public String toString() {
    return currency + " " + minorUnits;
  }
}
