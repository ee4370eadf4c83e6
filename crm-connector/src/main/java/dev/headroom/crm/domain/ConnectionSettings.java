package dev.headroom.crm.domain;

import java.time.Duration;

/**
 * What the sync engine needs to know about one connection.
 *
 * @param baseUrl Salesforce: the org's login (My Domain) URL; HubSpot: the API host
 * @param apiVersion Salesforce REST version, e.g. {@code v62.0}
 * @param matchField the external id field / unique property holding the Headroom account id
 */
public record ConnectionSettings(
    String connectionId,
    Provider provider,
    String baseUrl,
    String apiVersion,
    String matchField,
    boolean enabled,
    boolean dryRun,
    Duration debounce,
    Duration reconcileInterval,
    long version) {}
