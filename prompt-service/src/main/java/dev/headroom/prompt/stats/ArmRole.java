package dev.headroom.prompt.stats;

/** What an arm is in the experiment design. */
public enum ArmRole {
  /** The baseline every treatment is compared with; exactly one per experiment. */
  CONTROL,
  /** A variant compared with the control. */
  TREATMENT,
  /**
   * Units that get no prompt. Part of the sample ratio check (it has an intended weight) and
   * summarised, but not compared: the comparisons are variant against control.
   */
  HOLDOUT
}
