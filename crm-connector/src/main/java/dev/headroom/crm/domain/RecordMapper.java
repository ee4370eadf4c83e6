package dev.headroom.crm.domain;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Applies a connection's field mappings to an account's values: CRM field name to value. */
public final class RecordMapper {
  private RecordMapper() {}

  public static Map<String, CrmValue> map(AccountValues v, List<FieldMapping> mappings) {
    Map<String, CrmValue> out = new LinkedHashMap<>();
    for (FieldMapping m : mappings) {
      if (m.enabled()) {
        out.put(m.crmField(), value(v, m));
      }
    }
    return out;
  }

  private static CrmValue value(AccountValues v, FieldMapping m) {
    return switch (m.source()) {
      case READINESS_SCORE -> number(v.score());
      case EXPANSION_TYPE -> picklist(m, v.primaryType());
      case SIGNALS ->
          v.signals().isEmpty()
              ? new CrmValue.Empty()
              : new CrmValue.Text(
                  v.signals().stream()
                      .map(s -> s.type() + ": " + s.evidence())
                      .collect(Collectors.joining("\n")));
      case RECOMMENDED_ACTION ->
          "NONE".equals(v.motion()) ? new CrmValue.Empty() : picklist(m, v.motion());
      case ARR_POTENTIAL ->
          v.primaryType().isEmpty()
              ? new CrmValue.Empty()
              : new CrmValue.Decimal(Amounts.decimal(v.currency(), v.arrPotentialMinor()));
      case LAST_SIGNAL_DATE ->
          v.lastSignalAt() == null
              ? new CrmValue.Empty()
              : new CrmValue.Timestamp(v.lastSignalAt());
      case READINESS_BAND -> picklist(m, v.band());
      case EXPANSION_TYPES ->
          v.types().isEmpty()
              ? new CrmValue.Empty()
              : new CrmValue.Text(
                  v.types().stream().map(m::label).collect(Collectors.joining("\n")));
      case RECOMMENDED_SEATS -> number(v.recommendedSeats());
      case IMMEDIATE_REVIEW -> new CrmValue.Bool(v.immediateReview());
      case USAGE_NARRATIVE -> new CrmValue.Text(UsageNarrative.of(v));
    };
  }

  private static CrmValue number(long n) {
    return new CrmValue.Decimal(BigDecimal.valueOf(n));
  }

  private static CrmValue picklist(FieldMapping m, String valueName) {
    return valueName.isEmpty() ? new CrmValue.Empty() : new CrmValue.Text(m.label(valueName));
  }
}
