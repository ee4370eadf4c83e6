package dev.headroom.prompt.stats;

/**
 * A p-value adjusted for the several treatment arms compared with the same control on the same
 * metric and lift.
 *
 * @param holm Holm-Bonferroni (controls the family-wise error rate)
 * @param benjaminiHochberg Benjamini-Hochberg (controls the false discovery rate)
 */
public record AdjustedPValues(double holm, double benjaminiHochberg) {}
