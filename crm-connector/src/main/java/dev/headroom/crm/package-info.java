/**
 * The CRM connector (contract: {@code headroom.crm.v1.CrmConnectorService}): writes scores, types
 * and signals to Salesforce or HubSpot, runs the workflow rules (opportunities, tasks, alerts),
 * retries and dead-letters, and brings closed opportunities back as outcomes.
 *
 * <p>Layout: {@code grpc}, a plain domain core ({@code mapping}, {@code rules}, {@code sync}), one
 * client package per CRM ({@code salesforce}, {@code hubspot}), {@code db} (migrations in {@code
 * db/migration/crm}) and {@code app}. Filled by its own issue; until then this module only builds.
 */
package dev.headroom.crm;
