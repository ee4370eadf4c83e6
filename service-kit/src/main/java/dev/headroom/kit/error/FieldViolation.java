package dev.headroom.kit.error;

import java.util.Objects;

/**
 * One bad request field.
 *
 * @param field path in the request message using proto field names, e.g. {@code account.plan_id} or
 *     {@code items[2].sku}
 * @param description what is wrong, written for the developer calling the API
 */
public record FieldViolation(String field, String description) {
  public FieldViolation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(description, "description");
  }
}
