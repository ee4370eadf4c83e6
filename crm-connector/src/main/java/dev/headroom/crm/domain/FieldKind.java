package dev.headroom.crm.domain;

/** How a Headroom value is typed in the CRM, which decides its formatting per provider. */
public enum FieldKind {
  NUMBER,
  CURRENCY,
  DATETIME,
  BOOLEAN,
  PICKLIST,
  TEXT
}
