package dev.headroom.crm.client;

import dev.headroom.crm.domain.ConnectionCheck;
import dev.headroom.crm.domain.FieldMapping;
import java.util.List;

/** The calls the sync engine makes to one CRM connection. */
public interface CrmClient {
  /** The most records one {@link #upsertAccounts} call may carry. */
  int batchLimit();

  /**
   * Upserts accounts (companies) by the connection's match field.
   *
   * @return one result per write, in order
   * @throws CrmCallException when the call as a whole failed after the retries it is allowed
   */
  List<RecordResult> upsertAccounts(List<RecordWrite> batch) throws CrmCallException;

  /**
   * Upserts expansion opportunities by their external key (so a resend never creates a second one)
   * and links each to its account.
   *
   * @return one result per write, in order; {@link RecordResult#accountId()} holds the key
   */
  List<RecordResult> upsertOpportunities(List<OpportunityWrite> batch) throws CrmCallException;

  /** Which of these opportunities (by external key) are closed now, won or lost. */
  List<ClosedOpportunity> closedOpportunities(List<String> externalKeys) throws CrmCallException;

  /** Checks authentication, the object and each enabled mapped field; never writes. */
  List<ConnectionCheck> test(List<FieldMapping> mappings);
}
