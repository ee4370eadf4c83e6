package dev.headroom.prompt.decision;

/** Why a decision returned no prompt, one per step of the decision. */
public enum NoPromptReason {
  NOT_READY,
  UNKNOWN_ACCOUNT,
  ACCOUNT_NOT_ACTIVATED,
  SALES_OWNED,
  UNKNOWN_FEATURE,
  NO_MATCHING_CAMPAIGN,
  FREQUENCY_CAPPED,
  COOLDOWN,
  HOLDOUT,
  OVERLOADED
}
