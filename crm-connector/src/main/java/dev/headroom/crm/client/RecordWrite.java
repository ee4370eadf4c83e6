package dev.headroom.crm.client;

import dev.headroom.crm.domain.CrmValue;
import java.util.Map;

/** One account's fields to upsert, keyed by the connection's match field = account id. */
public record RecordWrite(String accountId, Map<String, CrmValue> fields) {
  public RecordWrite {
    fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
  }
}
