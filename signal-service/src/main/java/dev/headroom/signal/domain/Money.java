package dev.headroom.signal.domain;

import java.util.Objects;

/** An amount in a currency's minor units; never a binary float. */
public record Money(String currency, long minorUnits) {
  public Money {
    Objects.requireNonNull(currency, "currency");
  }

  public static Money zero(String currency) {
    return new Money(currency, 0);
  }
}
