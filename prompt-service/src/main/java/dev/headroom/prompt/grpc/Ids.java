package dev.headroom.prompt.grpc;

import dev.headroom.kit.validation.Validation;

/**
 * Identifiers as prompt-service accepts them: the kit's rules ({@link Validation#identifier}), and
 * no surrounding whitespace, because a host copies these keys into URLs and templates verbatim.
 */
final class Ids {
  private Ids() {}

  static String required(Validation v, String field, String value) {
    int before = v.violations().size();
    v.identifier(field, value);
    if (v.violations().size() == before && !value.strip().equals(value)) {
      v.fail(field, "must not start or end with whitespace");
    }
    return value;
  }

  static String optional(Validation v, String field, String value) {
    return value.isEmpty() ? value : required(v, field, value);
  }
}
