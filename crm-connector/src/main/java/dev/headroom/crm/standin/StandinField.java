package dev.headroom.crm.standin;

import java.util.List;

/**
 * One field of a stand-in object's schema.
 *
 * @param type Salesforce field types ({@code double}, {@code currency}, {@code datetime}, {@code
 *     picklist}, {@code textarea}, {@code string}, {@code boolean}, {@code date}, {@code id} of
 *     another record, {@code reference} by external id) or HubSpot property types ({@code number},
 *     {@code datetime}, {@code date}, {@code enumeration}, {@code string}, {@code bool})
 * @param options allowed values of a (restricted) picklist / enumeration; empty for other types
 * @param writable false for read-only (formula, calculated) fields
 */
public record StandinField(String name, String type, List<String> options, boolean writable) {
  public StandinField {
    options = List.copyOf(options);
  }

  public static StandinField of(String name, String type) {
    return new StandinField(name, type, List.of(), true);
  }

  public static StandinField picklist(String name, String type, List<String> options) {
    return new StandinField(name, type, options, true);
  }
}
