package dev.headroom.crm.domain;

import java.util.Map;

/** The Headroom values a field mapping can write, each with its CRM type and picklist labels. */
// The label maps are Map.of(...), which is immutable; the checker cannot see that through Map.
@SuppressWarnings("ImmutableEnumChecker")
public enum SourceField {
  READINESS_SCORE(FieldKind.NUMBER, Map.of()),
  EXPANSION_TYPE(FieldKind.PICKLIST, Labels.TYPES),
  SIGNALS(FieldKind.TEXT, Map.of()),
  RECOMMENDED_ACTION(
      FieldKind.PICKLIST,
      Map.of(
          "SELF_SERVE",
          "Self-serve",
          "INSIDE_SALES",
          "Inside Sales",
          "FIELD_SALES",
          "Field Sales")),
  ARR_POTENTIAL(FieldKind.CURRENCY, Map.of()),
  LAST_SIGNAL_DATE(FieldKind.DATETIME, Map.of()),
  READINESS_BAND(
      FieldKind.PICKLIST,
      Map.of(
          "NOT_READY", "Not ready", "EMERGING", "Emerging", "READY", "Ready", "URGENT", "Urgent")),
  EXPANSION_TYPES(FieldKind.TEXT, Labels.TYPES),
  RECOMMENDED_SEATS(FieldKind.NUMBER, Map.of()),
  IMMEDIATE_REVIEW(FieldKind.BOOLEAN, Map.of()),
  USAGE_NARRATIVE(FieldKind.TEXT, Map.of());

  private final FieldKind kind;
  private final Map<String, String> defaultLabels;

  SourceField(FieldKind kind, Map<String, String> defaultLabels) {
    this.kind = kind;
    this.defaultLabels = defaultLabels;
  }

  public FieldKind kind() {
    return kind;
  }

  /** Value name to the label written when the mapping's value map has no entry for it. */
  public Map<String, String> defaultLabels() {
    return defaultLabels;
  }

  private static final class Labels {
    static final Map<String, String> TYPES =
        Map.of(
            "SEAT_ADD", "Seat Add",
            "TIER_UPGRADE", "Tier Upgrade",
            "USAGE_INCREASE", "Usage Increase",
            "MULTI_PRODUCT", "Multi-Product",
            "ENTERPRISE", "Enterprise");
  }
}
