package dev.headroom.crm.client;

import dev.headroom.crm.domain.ConnectionCheck;
import dev.headroom.crm.domain.FieldMapping;
import java.util.ArrayList;
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

  /** The most rule actions of one kind (tasks, campaign members) one call may carry. */
  int actionBatchLimit();

  /**
   * The contacts of each account with their titles, in as few requests as the CRM allows.
   *
   * @param accountCrmIds the accounts' CRM record ids
   * @return contacts by account CRM id; an account without contacts is absent
   */
  Map<String, List<Contact>> contacts(List<String> accountCrmIds) throws CrmCallException;

  /**
   * Enrolls contacts in a campaign (Salesforce CampaignMember, HubSpot contact list membership)
   * through the CRM's batch API; a contact that is a member already counts as enrolled.
   *
   * @param campaign the campaign's CRM id, or its name
   * @return one result per contact, in order, keyed by the contact's CRM id; a success carries the
   *     campaign's CRM id
   * @throws CrmCallException when the call as a whole failed (the campaign is unknown, an outage)
   */
  List<RecordResult> enroll(String campaign, List<String> contactCrmIds) throws CrmCallException;

  /**
   * Creates tasks on accounts for the accounts' owners through the CRM's batch create, at most
   * {@link #actionBatchLimit()}. A task whose earlier attempt may have reached the CRM ({@link
   * TaskWrite#mayExist()}) is looked up by its key first (one query for the batch) and not created
   * again when found. Creates are not resent after a lost answer: the call fails as TRANSIENT and
   * the next attempt looks the tasks up.
   *
   * @return one result per task, in order, keyed by the task's key; a success carries its CRM id
   */
  List<RecordResult> createTasks(List<TaskWrite> tasks) throws CrmCallException;

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
  default List<ConnectionCheck> testRuleTargets(
      boolean createsTasks, Collection<String> campaigns) {
    List<ConnectionCheck> checks = new ArrayList<>();
    if (createsTasks) {
      checks.add(testTaskKey());
    }
    for (String campaign : campaigns) {
      checks.add(testCampaign(campaign));
    }
    return checks;
  }

  /** Whether tasks have a writable key field, so that a lost answer is looked up, not repeated. */
  ConnectionCheck testTaskKey();

  /** Whether the campaign (HubSpot: contact list), by id or name, exists to enroll buyers in. */
  ConnectionCheck testCampaign(String campaign);
}
