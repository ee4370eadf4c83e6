package dev.headroom.crm.domain;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A value for one CRM field, typed so each provider can format it its own way (Salesforce JSON
 * numbers and ISO date-times, HubSpot strings and epoch milliseconds). {@link #canonical()} is what
 * change detection compares: two values with the same canonical form are the same in the CRM.
 */
public sealed interface CrmValue {
  String canonical();

  record Text(String value) implements CrmValue {
    @Override
    public String canonical() {
      return "s:" + value;
    }
  }

  record Decimal(BigDecimal value) implements CrmValue {
    @Override
    public String canonical() {
      return "n:" + value.stripTrailingZeros().toPlainString();
    }
  }

  record Timestamp(Instant value) implements CrmValue {
    @Override
    public String canonical() {
      return "t:" + value.toEpochMilli();
    }
  }

  record Bool(boolean value) implements CrmValue {
    @Override
    public String canonical() {
      return "b:" + value;
    }
  }

  /** No value: clears the field. */
  record Empty() implements CrmValue {
    @Override
    public String canonical() {
      return "-";
    }
  }
}
