package dev.headroom.signal.domain;

/**
 * The well-known usage event kinds (docs/signals.md "Events"); the wire name is the constant's
 * name.
 */
public enum EventKind {
  USER_ADDED,
  USER_REMOVED,
  USER_ROLE_CHANGED,
  USER_ACTIVE,
  FEATURE_USED,
  PAYWALL_HIT,
  METER,
  WORKFLOW_COMPLETED,
  SUPPORT_TICKET,
  INTEGRATION_REQUESTED,
  WORKSPACE_CREATED,
  EXTERNAL,
  CUSTOM;

  /** Membership changes and enrichment are not activity (docs/signals.md "Metrics"). */
  public boolean isActivity() {
    return switch (this) {
      case USER_ADDED, USER_REMOVED, USER_ROLE_CHANGED, EXTERNAL -> false;
      default -> true;
    };
  }
}
