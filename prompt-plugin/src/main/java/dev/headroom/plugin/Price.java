package dev.headroom.plugin;

import java.util.Objects;

/**
 * An amount of money in one currency, in the currency's minor units (cents for USD).
 *
 * @param currencyCode ISO 4217, upper case
 * @param minorUnits the amount in minor units
 */
public record Price(String currencyCode, long minorUnits) {
  /** Checks the currency code is present. */
  public Price {
    Objects.requireNonNull(currencyCode, "currencyCode");
  }
}
