package dev.headroom.plugin;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Records usage events for signal-service. Obtained from {@link HeadroomClient#usage()}; thread
 * safe. Every method returns at once with the event's id (generated here, so a retried batch is
 * never counted twice) and never throws: the event is buffered and sent in batches in the
 * background. An event the buffer cannot take, or the service refuses, is counted in {@link
 * HeadroomClient#stats()} and reported to the {@link HeadroomListener}.
 */
public final class UsageTracker {
  private final EventPipeline<UsageRecord> events;
  private final StatsRecorder stats;
  private final Clock clock;

  UsageTracker(EventPipeline<UsageRecord> events, StatsRecorder stats, Clock clock) {
    this.events = events;
    this.stats = stats;
    this.clock = clock;
  }

  /** The user used a feature (a premium attempt when the account's plan does not entitle it). */
  public String featureUsed(String accountId, String userId, String featureKey) {
    return track("FEATURE_USED", accountId, userId, payload("feature_key", featureKey));
  }

  /** The user hit the paywall of a feature: an explicit premium attempt. */
  public String paywallHit(String accountId, String userId, String featureKey) {
    return track("PAYWALL_HIT", accountId, userId, payload("feature_key", featureKey));
  }

  /** A user joined the account, with a role and an optional team (null for none). */
  public String userAdded(String accountId, String userId, UserRole role, String team) {
    Map<String, Object> p = payload("role", role == null ? null : role.name());
    putIfPresent(p, "team", team);
    return track("USER_ADDED", accountId, userId, p);
  }

  /** A user's role (and optionally team, null to keep it) changed. */
  public String userRoleChanged(String accountId, String userId, UserRole role, String team) {
    Map<String, Object> p = payload("role", role == null ? null : role.name());
    putIfPresent(p, "team", team);
    return track("USER_ROLE_CHANGED", accountId, userId, p);
  }

  /** A user left the account. */
  public String userRemoved(String accountId, String userId) {
    return track("USER_REMOVED", accountId, userId, new LinkedHashMap<>());
  }

  /** The user was active (a session or heartbeat). */
  public String userActive(String accountId, String userId) {
    return track("USER_ACTIVE", accountId, userId, new LinkedHashMap<>());
  }

  /** A metered quantity: summed per month or the latest value, as the meter is defined. */
  public String meter(String accountId, String meterKey, double quantity) {
    Map<String, Object> p = payload("meter_key", meterKey);
    p.put("quantity", quantity);
    return track("METER", accountId, null, p);
  }

  /** The user completed a workflow (value realized). */
  public String workflowCompleted(String accountId, String userId, String workflowKey) {
    return track("WORKFLOW_COMPLETED", accountId, userId, payload("workflow_key", workflowKey));
  }

  /** A custom event with a name and properties (strings, numbers or booleans). */
  public String custom(String accountId, String userId, String name, Map<String, ?> properties) {
    Map<String, Object> p = new LinkedHashMap<>();
    if (properties != null) {
      p.putAll(properties);
    }
    p.put("name", name);
    return track("CUSTOM", accountId, userId, p);
  }

  /**
   * Any event kind signal-service accepts (SUPPORT_TICKET, INTEGRATION_REQUESTED, ...), with its
   * payload fields.
   *
   * @param userId null for an account-level event
   */
  public String track(String kind, String accountId, String userId, Map<String, ?> payload) {
    String id = UUID.randomUUID().toString();
    stats.recorded(EventStream.USAGE);
    Map<String, Object> fields = new LinkedHashMap<>();
    if (payload != null) {
      fields.putAll(payload);
    }
    events.offer(
        new UsageRecord(
            id,
            PromptClient.orEmpty(accountId),
            userId,
            clock.instant(),
            PromptClient.orEmpty(kind),
            fields));
    return id;
  }

  private static Map<String, Object> payload(String name, String value) {
    Map<String, Object> p = new LinkedHashMap<>();
    putIfPresent(p, name, value);
    return p;
  }

  private static void putIfPresent(Map<String, Object> p, String name, String value) {
    if (value != null) {
      p.put(name, value);
    }
  }
}
