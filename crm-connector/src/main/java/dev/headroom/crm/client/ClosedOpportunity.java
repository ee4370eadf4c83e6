package dev.headroom.crm.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * An opportunity / deal that was closed in the CRM.
 *
 * @param amount the amount on the closed record; null when the CRM has none
 * @param closed when the CRM says it closed: a date (Salesforce {@code CloseDate}) or a moment
 *     (HubSpot {@code closedate})
 */
public record ClosedOpportunity(
    String externalKey, String crmId, boolean won, BigDecimal amount, Close closed) {

  /** When the CRM says an opportunity closed. */
  public sealed interface Close {
    /**
     * The moment the outcome is dated at, given the moment the connector saw it closed. Never later
     * than {@code observed}: the outcome cannot have happened after the connector saw it.
     */
    Instant datedAt(Instant observed);
  }

  /**
   * A close date without a time. A deal closed on the day of a prompt exposure must count as after
   * it, so the outcome is dated at the end of that day (UTC), or when the connector saw it closed
   * if that was earlier.
   */
  public record OnDate(LocalDate date) implements Close {
    @Override
    public Instant datedAt(Instant observed) {
      Instant endOfDay = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1);
      return endOfDay.isBefore(observed) ? endOfDay : observed;
    }
  }

  /** A close moment; one the CRM puts after the connector saw the close is taken as then. */
  public record At(Instant at) implements Close {
    @Override
    public Instant datedAt(Instant observed) {
      return at.isBefore(observed) ? at : observed;
    }
  }

  /** No readable close time: dated when the connector saw it closed. */
  public record Unknown() implements Close {
    @Override
    public Instant datedAt(Instant observed) {
      return observed;
    }
  }
}
