package dev.headroom.crm.rules;

import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.domain.CrmValue;
import dev.headroom.crm.domain.FieldMapping;
import dev.headroom.crm.domain.SourceField;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkbox FLAG_REVIEW rules keep: true while one of them holds for the account, false
 * (cleared) once none does. The field is the action's target, or the field IMMEDIATE_REVIEW is
 * mapped to; a rule's value replaces the mapped one, so the sync's diff writes it only when it
 * changes.
 */
public final class ReviewFlag {
  private ReviewFlag() {}

  /**
   * {@code mapped} (CRM field to value) with the flags of the enabled FLAG_REVIEW rules applied.
   */
  public static Map<String, CrmValue> apply(
      Map<String, CrmValue> mapped,
      List<WorkflowRule> rules,
      AccountValues v,
      List<FieldMapping> mappings) {
    Map<String, Boolean> flags = new LinkedHashMap<>();
    for (WorkflowRule r : rules) {
      if (!r.enabled()) {
        continue;
      }
      for (WorkflowRule.Action a : r.actions()) {
        if (a.type() == ActionType.FLAG_REVIEW) {
          String field = a.target().isBlank() ? mappedField(mappings) : a.target().strip();
          if (!field.isEmpty()) {
            flags.merge(field, r.matches(v), Boolean::logicalOr);
          }
        }
      }
    }
    if (flags.isEmpty()) {
      return mapped;
    }
    Map<String, CrmValue> out = new LinkedHashMap<>(mapped);
    flags.forEach((field, on) -> out.put(field, new CrmValue.Bool(on)));
    return out;
  }

  private static String mappedField(List<FieldMapping> mappings) {
    return mappings.stream()
        .filter(m -> m.enabled() && m.source() == SourceField.IMMEDIATE_REVIEW)
        .map(FieldMapping::crmField)
        .findFirst()
        .orElse("");
  }
}
