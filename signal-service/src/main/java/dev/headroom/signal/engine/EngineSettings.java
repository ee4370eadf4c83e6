package dev.headroom.signal.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Engine configuration that is not per-signal rule data (docs/signals.md).
 *
 * @param coreProductKey the product whose subscription defines plan, capacity and meter limits
 * @param apiMeterKeys meters summed for API_CONSUMPTION_GROWTH
 * @param activationMinActiveUsers distinct users with an activity event (all time) needed for
 *     activation
 * @param activationMinWorkflows WORKFLOW_COMPLETED events (all time) needed for activation
 * @param sinceHorizon how far back from T the run search walks; a condition that held over the
 *     whole horizon reports its run as starting at T − sinceHorizon
 */
public record EngineSettings(
    String coreProductKey,
    List<String> apiMeterKeys,
    int activationMinActiveUsers,
    int activationMinWorkflows,
    Duration sinceHorizon) {

  public static final EngineSettings DEFAULTS =
      new EngineSettings("core", List.of("api_calls"), 3, 1, Duration.ofDays(400));

  public EngineSettings {
    Objects.requireNonNull(coreProductKey, "coreProductKey");
    apiMeterKeys = List.copyOf(apiMeterKeys);
    if (activationMinActiveUsers < 0 || activationMinWorkflows < 0) {
      throw new IllegalArgumentException("activation minimums must be >= 0");
    }
    if (sinceHorizon == null || sinceHorizon.isNegative() || sinceHorizon.isZero()) {
      throw new IllegalArgumentException("sinceHorizon must be positive");
    }
  }

  public static EngineSettings defaults() {
    return DEFAULTS;
  }
}
