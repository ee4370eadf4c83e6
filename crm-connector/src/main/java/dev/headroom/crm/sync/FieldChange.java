package dev.headroom.crm.sync;

/**
 * One CRM field a sync changes, as an admin reads it.
 *
 * @param oldValue empty when the field was never written by Headroom
 */
public record FieldChange(String crmField, String oldValue, String newValue) {}
