package dev.headroom.plugin;

/**
 * Why {@link PromptClient#get} returned no prompt. The first group is prompt-service's own answer;
 * the second is the client failing open (the service was not asked, or did not answer in time). The
 * host renders nothing in every case; the reason is for metrics and debugging.
 */
public enum NoPromptReason {
  /** No campaign applies to this user, feature and surface. */
  NO_MATCHING_CAMPAIGN(true),
  /** The account is not activated yet: no expansion offers before adoption. */
  ACCOUNT_NOT_ACTIVATED(true),
  /** The user reached a frequency cap. */
  FREQUENCY_CAPPED(true),
  /** The user dismissed a prompt recently. */
  COOLDOWN(true),
  /** Sales owns this account; channels do not compete. */
  SALES_OWNED(true),
  /** The account or user is in an experiment's holdout. */
  HOLDOUT(true),
  /** prompt-service knows nothing about the account yet. */
  UNKNOWN_ACCOUNT(true),
  /** The feature is not in the catalog prompt-service knows. */
  UNKNOWN_FEATURE(true),
  /** prompt-service is still rebuilding its context after a start. */
  NOT_READY(true),
  /** prompt-service could not record the exposure (its queue was full), so it showed nothing. */
  OVERLOADED(true),
  /** prompt-service answered without a prompt and without a reason this client knows. */
  UNSPECIFIED(true),

  /** No answer within the deadline. */
  DEADLINE_EXCEEDED(false),
  /** prompt-service could not be reached. */
  UNAVAILABLE(false),
  /** prompt-service's health check reports it is not serving. */
  NOT_SERVING(false),
  /** The circuit breaker is open after repeated failures: the service was not called. */
  CIRCUIT_OPEN(false),
  /**
   * An identical call was already in flight and received the prompt; a prompt is handed to one
   * caller only, so it is never shown twice.
   */
  COALESCED(false),
  /** The request was incomplete (missing account, user or surface); nothing was sent. */
  INVALID_REQUEST(false),
  /** prompt-service refused the call with another status (see the listener for the status). */
  ERROR(false),
  /** The client was closed. */
  CLIENT_CLOSED(false);

  private final boolean decidedByService;

  NoPromptReason(boolean decidedByService) {
    this.decidedByService = decidedByService;
  }

  /**
   * True when prompt-service decided there is no prompt; false when the client failed open without
   * a decision.
   */
  public boolean decidedByService() {
    return decidedByService;
  }
}
