package dev.headroom.crm.client;

import dev.headroom.crm.domain.ConnectionCheck;
import dev.headroom.crm.domain.FieldMapping;
import java.util.Collection;
import java.util.List;
import java.util.Map;

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

  /** The CRM user owning each account (by account id); accounts without an owner are absent. */
  Map<String, String> accountOwners(List<String> accountIds) throws CrmCallException;

  /** Which of these opportunities (by external key) are closed now, won or lost. */
  List<ClosedOpportunity> closedOpportunities(List<String> externalKeys) throws CrmCallException;

  /** The account's contacts with their titles; {@code accountCrmId} is its CRM record id. */
  List<Contact> contacts(String accountCrmId) throws CrmCallException;

  /**
   * Enrolls contacts in a campaign (Salesforce CampaignMember, HubSpot contact list membership); a
   * contact that is a member already is not an error.
   *
   * @param campaign the campaign's CRM id, or its name
   * @return the campaign's CRM id
   */
  String enroll(String campaign, List<String> contactCrmIds) throws CrmCallException;

  /**
   * Creates a task on the account for the account's owner.
   *
   * @param mayExist an earlier attempt may have created it: look for a task with its key first
   * @return the task's CRM id
   */
  String createTask(TaskWrite task, boolean mayExist) throws CrmCallException;

  /** A link people open to see the account's record in the CRM. */
  String recordUrl(String accountCrmId) throws CrmCallException;

  /** Checks authentication, the object and each enabled mapped field; never writes. */
  List<ConnectionCheck> test(List<FieldMapping> mappings);

  /**
   * Checks what the enabled workflow rules need in the CRM; never writes.
   *
   * @param createsTasks a rule creates tasks, which carry their key in a task field
   * @param campaigns the campaigns (HubSpot: contact lists), by id or name, rules enroll buyers in
   */
  List<ConnectionCheck> testRuleTargets(boolean createsTasks, Collection<String> campaigns);
}
