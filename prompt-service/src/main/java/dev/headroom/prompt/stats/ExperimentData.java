package dev.headroom.prompt.stats;

import java.util.List;
import java.util.Objects;

/**
 * Everything an analysis needs: the arms (control, treatments, the holdout if any) and the options.
 */
public record ExperimentData(List<ArmData> arms, AnalysisOptions options) {

  public ExperimentData {
    arms = List.copyOf(arms);
    Objects.requireNonNull(options, "options");
  }

  /** The arms analysed with {@link AnalysisOptions#DEFAULTS}. */
  public ExperimentData(List<ArmData> arms) {
    this(arms, AnalysisOptions.DEFAULTS);
  }
}
