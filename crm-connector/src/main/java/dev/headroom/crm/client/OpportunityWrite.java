package dev.headroom.crm.client;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * An expansion opportunity (Salesforce Opportunity, HubSpot deal) to upsert by its external key.
 *
 * @param companyCrmId the CRM id of the account / company it belongs to (HubSpot associations)
 * @param description the usage narrative
 * @param ownedByAccountOwner the opportunity gets the account's owner (the account executive)
 *     instead of the integration user
 */
public record OpportunityWrite(
    String externalKey,
    String accountId,
    String companyCrmId,
    String name,
    BigDecimal amount,
    LocalDate closeDate,
    String description,
    boolean ownedByAccountOwner) {

  /** The accounts whose owners the batch needs (those with {@link #ownedByAccountOwner}). */
  public static java.util.List<String> ownedAccounts(java.util.List<OpportunityWrite> batch) {
    return batch.stream()
        .filter(OpportunityWrite::ownedByAccountOwner)
        .map(OpportunityWrite::accountId)
        .distinct()
        .toList();
  }

  public OpportunityWrite inCompany(String crmId) {
    return new OpportunityWrite(
        externalKey, accountId, crmId, name, amount, closeDate, description, ownedByAccountOwner);
  }
}
