package dev.headroom.crm.rules;

/** What a workflow rule does in the CRM. */
public enum ActionType {
  CREATE_OPPORTUNITY,
  ASSIGN_TO_OWNER,
  SEND_ALERT,
  ENROLL_CAMPAIGN,
  CREATE_TASK,
  FLAG_REVIEW
}
