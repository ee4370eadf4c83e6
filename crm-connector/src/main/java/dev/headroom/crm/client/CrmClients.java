package dev.headroom.crm.client;

import dev.headroom.crm.domain.ConnectionSettings;
import dev.headroom.crm.domain.Credentials;

/** Builds the client for a connection's provider. */
public final class CrmClients {
  private CrmClients() {}

  public static CrmClient create(
      ConnectionSettings settings, Credentials credentials, HttpCaller http) {
    return switch (settings.provider()) {
      case SALESFORCE -> new SalesforceClient(settings, credentials, http);
      case HUBSPOT -> new HubSpotClient(settings, credentials, http);
    };
  }
}
