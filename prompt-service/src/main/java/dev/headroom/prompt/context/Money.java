package dev.headroom.prompt.context;

/** An amount in a currency's minor units. */
public record Money(String currencyCode, long minorUnits) {
  public Money plus(Money other) {
    return new Money(currencyCode, minorUnits + other.minorUnits);
  }

  public Money times(long factor) {
    return new Money(currencyCode, minorUnits * factor);
  }
}
