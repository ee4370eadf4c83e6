package dev.headroom.crm.domain;

import java.util.Map;

/**
 * Writes one Headroom value to one CRM field.
 *
 * @param valueMap picklist value name to CRM value; overrides {@link SourceField#defaultLabels()}
 */
public record FieldMapping(
    SourceField source, String crmField, boolean enabled, Map<String, String> valueMap) {
  public FieldMapping {
    valueMap = Map.copyOf(valueMap);
  }

  /** The labels this mapping writes that are not among the CRM's allowed picklist values. */
  public java.util.List<String> missingLabels(java.util.Collection<String> allowed) {
    return source.defaultLabels().keySet().stream()
        .sorted()
        .map(this::label)
        .filter(label -> !allowed.contains(label))
        .distinct()
        .toList();
  }

  public String label(String valueName) {
    String mapped = valueMap.get(valueName);
    if (mapped != null) {
      return mapped;
    }
    return source.defaultLabels().getOrDefault(valueName, valueName);
  }
}
