package dev.headroom.prompt.stats;

/** The results on one surface. */
public record SurfaceResults(String surface, AnalysisResults results) {}
