package dev.headroom.prompt.stats;

import java.util.List;

/**
 * The results over one slice of the data (all surfaces, or one surface).
 *
 * @param arms every arm's plain numbers, in input order
 * @param srm the sample ratio check
 * @param comparisons one per treatment arm, in input order
 */
public record AnalysisResults(
    List<ArmSummary> arms, SrmCheck srm, List<ArmComparison> comparisons) {

  public AnalysisResults {
    arms = List.copyOf(arms);
    comparisons = List.copyOf(comparisons);
  }
}
