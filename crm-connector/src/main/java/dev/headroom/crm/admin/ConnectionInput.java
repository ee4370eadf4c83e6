package dev.headroom.crm.admin;

import dev.headroom.crm.domain.Credentials;
import dev.headroom.crm.domain.Provider;
import java.time.Duration;

/**
 * A connection as an admin writes it. Null means "not given" (defaults on create, unchanged on
 * update when not in the mask).
 */
public record ConnectionInput(
    Provider provider,
    String displayName,
    String baseUrl,
    String apiVersion,
    String matchField,
    boolean enabled,
    boolean dryRun,
    Duration debounce,
    Duration reconcileInterval,
    Credentials credentials) {

  @Override
  public String toString() {
    return "ConnectionInput[" + provider + ", " + displayName + "]";
  }
}
