package dev.headroom.crm.client;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * An opportunity / deal that was closed in the CRM.
 *
 * @param amount the amount on the closed record; null when the CRM has none
 */
public record ClosedOpportunity(
    String externalKey, String crmId, boolean won, BigDecimal amount, LocalDate closedOn) {}
