package dev.headroom.crm.domain;

import java.math.BigDecimal;
import java.util.Currency;

/** Minor units to the decimal amounts CRMs store and people read. */
public final class Amounts {
  private Amounts() {}

  public static BigDecimal decimal(String currencyCode, long minorUnits) {
    return BigDecimal.valueOf(minorUnits, fractionDigits(currencyCode));
  }

  public static String display(String currencyCode, long minorUnits) {
    return currencyCode + " " + String.format("%,.2f", decimal(currencyCode, minorUnits));
  }

  private static int fractionDigits(String currencyCode) {
    try {
      int digits = Currency.getInstance(currencyCode).getDefaultFractionDigits();
      return digits < 0 ? 2 : digits;
    } catch (IllegalArgumentException | NullPointerException e) {
      return 2;
    }
  }
}
