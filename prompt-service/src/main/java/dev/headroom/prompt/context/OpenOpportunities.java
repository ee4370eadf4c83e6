package dev.headroom.prompt.context;

/**
 * Whether the CRM has an open expansion opportunity for an account: channels never compete for the
 * same customer. crm-connector's {@code WatchOpportunities} will feed an implementation; until it
 * exists, {@link #NONE_KNOWN} answers that no opportunity is known.
 */
@FunctionalInterface
public interface OpenOpportunities {
  OpenOpportunities NONE_KNOWN = accountId -> false;

  boolean hasOpen(String accountId);
}
