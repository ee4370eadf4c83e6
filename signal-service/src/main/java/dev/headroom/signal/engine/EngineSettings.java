package dev.headroom.signal.engine;

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
 */
public record EngineSettings(
    String coreProductKey,
    List<String> apiMeterKeys,
    int activationMinActiveUsers,
    int activationMinWorkflows) {

  public EngineSettings {
    Objects.requireNonNull(coreProductKey, "coreProductKey");
    apiMeterKeys = List.copyOf(apiMeterKeys);
    if (activationMinActiveUsers < 0 || activationMinWorkflows < 0) {
      throw new IllegalArgumentException("activation minimums must be >= 0");
    }
  }
}
