package dev.headroom.crm.domain;

import java.util.List;
import java.util.Map;

/**
 * The mapping a new connection starts with: the seeds' Salesforce Account fields plus the
 * immediate-review checkbox (which FLAG_REVIEW rules set), and the same as HubSpot company
 * properties (internal names are lower snake case there).
 */
public final class DefaultMappings {
  private DefaultMappings() {}

  public static List<FieldMapping> of(Provider provider) {
    return switch (provider) {
      case SALESFORCE ->
          List.of(
              on(SourceField.READINESS_SCORE, "Expansion_Readiness_Score__c"),
              on(SourceField.EXPANSION_TYPE, "Expansion_Type__c"),
              on(SourceField.SIGNALS, "Expansion_Signals__c"),
              on(SourceField.RECOMMENDED_ACTION, "Recommended_Action__c"),
              on(SourceField.ARR_POTENTIAL, "Expansion_ARR_Potential__c"),
              on(SourceField.LAST_SIGNAL_DATE, "Last_Signal_Date__c"),
              on(SourceField.IMMEDIATE_REVIEW, "Immediate_Review__c"));
      case HUBSPOT ->
          List.of(
              on(SourceField.READINESS_SCORE, "expansion_readiness_score"),
              on(SourceField.EXPANSION_TYPE, "expansion_type"),
              on(SourceField.SIGNALS, "expansion_signals"),
              on(SourceField.RECOMMENDED_ACTION, "recommended_action"),
              on(SourceField.ARR_POTENTIAL, "expansion_arr_potential"),
              on(SourceField.LAST_SIGNAL_DATE, "last_signal_date"),
              on(SourceField.IMMEDIATE_REVIEW, "immediate_review"));
    };
  }

  /** The external id field (Salesforce) or unique property (HubSpot) holding the account id. */
  public static String matchField(Provider provider) {
    return switch (provider) {
      case SALESFORCE -> "Headroom_Account_Id__c";
      case HUBSPOT -> "headroom_account_id";
    };
  }

  private static FieldMapping on(SourceField source, String field) {
    return new FieldMapping(source, field, true, Map.of());
  }
}
