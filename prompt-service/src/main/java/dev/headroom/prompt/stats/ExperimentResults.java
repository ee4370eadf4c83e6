package dev.headroom.prompt.stats;

import java.util.List;

/**
 * An experiment's results.
 *
 * @param overall over all surfaces
 * @param bySurface one entry per surface that appears in some arm's breakdown, sorted by surface
 */
public record ExperimentResults(AnalysisResults overall, List<SurfaceResults> bySurface) {

  public ExperimentResults {
    bySurface = List.copyOf(bySurface);
  }
}
