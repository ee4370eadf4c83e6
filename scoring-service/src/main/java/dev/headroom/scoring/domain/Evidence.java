package dev.headroom.scoring.domain;

import java.util.Objects;

/** One metric behind a signal, as signal-service reported it (values are exact decimal strings). */
public record Evidence(String metric, String value, String threshold, String description) {
  public Evidence {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(threshold, "threshold");
    Objects.requireNonNull(description, "description");
  }
}
