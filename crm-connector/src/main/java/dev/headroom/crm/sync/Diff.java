package dev.headroom.crm.sync;

import dev.headroom.crm.domain.CrmValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields whose mapped value differs from what the CRM got last time: only these are sent. A
 * record never written before gets every field that has a value (sending "clear" for a field that
 * was never set would be a wasted write).
 *
 * @param send CRM field to the value to send
 * @param changes the same, old and new, for the run log and previews
 */
public record Diff(Map<String, CrmValue> send, List<FieldChange> changes) {

  public static Diff of(Map<String, CrmValue> desired, Map<String, String> synced, boolean known) {
    Map<String, CrmValue> send = new LinkedHashMap<>();
    List<FieldChange> changes = new ArrayList<>();
    desired.forEach(
        (field, value) -> {
          String before = synced.get(field);
          String now = value.canonical();
          boolean changed = known ? !now.equals(before) : !(value instanceof CrmValue.Empty);
          if (changed) {
            send.put(field, value);
            changes.add(new FieldChange(field, display(before), display(now)));
          }
        });
    return new Diff(send, changes);
  }

  public boolean isEmpty() {
    return send.isEmpty();
  }

  /** Canonical values without their type tag: what an admin expects to see. */
  static String display(String canonical) {
    if (canonical == null || canonical.equals("-")) {
      return "";
    }
    if (canonical.startsWith("t:")) {
      return java.time.Instant.ofEpochMilli(Long.parseLong(canonical.substring(2))).toString();
    }
    return canonical.substring(2);
  }

  /** The canonical forms to remember once the CRM accepted {@link #send}. */
  public Map<String, String> canonical() {
    Map<String, String> out = new LinkedHashMap<>();
    send.forEach((field, value) -> out.put(field, value.canonical()));
    return out;
  }
}
