package dev.headroom.prompt.mapping;

import dev.headroom.prompt.context.Money;

/** An amount between the contracts' {@code headroom.common.v1.Money} and the domain's. */
public final class MoneyProtos {
  private MoneyProtos() {}

  public static dev.headroom.api.common.v1.Money toProto(Money m) {
    return dev.headroom.api.common.v1.Money.newBuilder()
        .setCurrencyCode(m.currencyCode())
        .setMinorUnits(m.minorUnits())
        .build();
  }

  public static Money fromProto(dev.headroom.api.common.v1.Money m) {
    return new Money(m.getCurrencyCode(), m.getMinorUnits());
  }
}
