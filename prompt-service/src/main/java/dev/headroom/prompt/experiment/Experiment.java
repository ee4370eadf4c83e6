package dev.headroom.prompt.experiment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An A/B test of a campaign's prompt.
 *
 * @param holdoutBasisPoints share of units that get no prompt (logged as control exposures)
 * @param serveVariantKey STOPPED: the variant everyone gets from now on; empty serves nothing
 */
public record Experiment(
    String experimentId,
    String campaignId,
    String name,
    Status status,
    Unit unit,
    String salt,
    List<Variant> variants,
    int holdoutBasisPoints,
    Duration attributionWindow,
    Optional<Instant> startedAt,
    Optional<Instant> stoppedAt,
    Optional<String> serveVariantKey,
    long version) {

  /** The lifecycle: only a DRAFT's design can change. */
  public enum Status {
    DRAFT,
    RUNNING,
    STOPPED
  }

  /** What is randomized. */
  public enum Unit {
    ACCOUNT,
    USER
  }

  public Optional<Variant> variant(String key) {
    return variants.stream().filter(v -> v.variantKey().equals(key)).findFirst();
  }

  public Variant control() {
    return variants.stream().filter(Variant::control).findFirst().orElseThrow();
  }

  /** The unit id that is hashed: the account, or the account-scoped user. */
  public String unitId(String accountId, String userId) {
    return unit == Unit.ACCOUNT ? accountId : accountId + "/" + userId;
  }

  public Experiment withState(
      Status newStatus,
      Optional<Instant> started,
      Optional<Instant> stopped,
      Optional<String> serve,
      long newVersion) {
    return new Experiment(
        experimentId,
        campaignId,
        name,
        newStatus,
        unit,
        salt,
        variants,
        holdoutBasisPoints,
        attributionWindow,
        started,
        stopped,
        serve,
        newVersion);
  }
}
