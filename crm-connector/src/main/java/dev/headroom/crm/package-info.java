/**
 * The CRM connector (contract: {@code headroom.crm.v1.CrmConnectorService}): writes scores, types
 * and signals to Salesforce or HubSpot, retries and dead-letters, and keeps every run's per-record
 * results.
 *
 * <p>Layout: {@code app} (wiring, config), {@code grpc} (the edge, the only place with proto types
 * besides {@code consume}, which follows scoring-service's WatchScores), {@code admin} and {@code
 * sync} (use cases), a plain {@code domain} core (values, mappings, formatting), {@code client}
 * (Salesforce and HubSpot over HTTP), {@code secrets} (credentials at rest), {@code db} (JDBI DAOs;
 * migrations in {@code db/migration/crm}) and {@code standin} (local stand-ins of both CRMs).
 */
package dev.headroom.crm;
