package dev.headroom.crm.client;

/**
 * A contact of an account in the CRM.
 *
 * @param title the job title (Salesforce {@code Title}, HubSpot {@code jobtitle}); empty when unset
 */
public record Contact(String crmId, String title) {}
