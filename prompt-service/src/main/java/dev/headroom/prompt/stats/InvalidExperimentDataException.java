package dev.headroom.prompt.stats;

/**
 * The input cannot be analysed; {@link #field()} names the offending field, e.g. {@code
 * arms[1].conversions}.
 */
public final class InvalidExperimentDataException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidExperimentDataException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /**
   * The path of the bad field, in the snake_case of the API (arms[i].totals.units,
   * arms[i].by_surface[SURFACE].units).
   */
  public String field() {
    return field;
  }
}
