package dev.headroom.scoring.domain;

/** The readiness band of an integer score. */
public enum ReadinessBand {
  /** 0-40: focus on adoption. */
  NOT_READY,
  /** 41-60: monitor. */
  EMERGING,
  /** 61-75: initiate a conversation. */
  READY,
  /** 76-100: immediate outreach. */
  URGENT;

  public static ReadinessBand of(int score) {
    if (score <= 40) {
      return NOT_READY;
    }
    if (score <= 60) {
      return EMERGING;
    }
    if (score <= 75) {
      return READY;
    }
    return URGENT;
  }
}
