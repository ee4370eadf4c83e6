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

  public String label(String valueName) {
    String mapped = valueMap.get(valueName);
    if (mapped != null) {
      return mapped;
    }
    return source.defaultLabels().getOrDefault(valueName, valueName);
  }
}
