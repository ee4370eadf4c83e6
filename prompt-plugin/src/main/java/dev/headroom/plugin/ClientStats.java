package dev.headroom.plugin;

import java.util.Map;

/**
 * A snapshot of what the client has counted since it was built.
 *
 * @param prompts gets that returned an offer
 * @param noPrompt gets that returned no prompt, by reason
 * @param circuit the circuit breaker's state now
 * @param usage the usage event stream to signal-service
 * @param promptEvents the prompt event stream to prompt-service
 */
public record ClientStats(
    long prompts,
    Map<NoPromptReason, Long> noPrompt,
    CircuitState circuit,
    StreamStats usage,
    StreamStats promptEvents) {

  /** Copies the map so the snapshot stays immutable. */
  public ClientStats {
    noPrompt = Map.copyOf(noPrompt);
  }

  /** Gets that returned no prompt for this reason. */
  public long noPrompt(NoPromptReason reason) {
    return noPrompt.getOrDefault(reason, 0L);
  }

  /**
   * The counts of one event stream. Every recorded event ends up delivered, rejected or
   * undelivered, or is still buffered.
   *
   * @param recorded events the host recorded (including those refused by a full buffer)
   * @param delivered events the service stored (a retried duplicate counts once)
   * @param rejected events the service refused for their content
   * @param undelivered events given up without reaching the service, by reason
   * @param retries batch attempts that failed and were retried
   * @param buffered events waiting in memory now (including a batch being sent)
   */
  public record StreamStats(
      long recorded,
      long delivered,
      long rejected,
      Map<UndeliveredReason, Long> undelivered,
      long retries,
      int buffered) {

    /** Copies the map so the snapshot stays immutable. */
    public StreamStats {
      undelivered = Map.copyOf(undelivered);
    }

    /** Events given up for this reason. */
    public long undelivered(UndeliveredReason reason) {
      return undelivered.getOrDefault(reason, 0L);
    }
  }
}
