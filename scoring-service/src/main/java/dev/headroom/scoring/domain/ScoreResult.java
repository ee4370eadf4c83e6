package dev.headroom.scoring.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An account's expansion readiness at one instant, explained.
 *
 * @param total the exact, unrounded sum of the category points
 * @param score floor(total + 1/2) clamped to 0-100
 * @param categories the five categories in canonical order
 * @param types the types of the active signals in canonical order, each valued; empty for
 *     not-activated accounts
 * @param primaryType the type with the largest ARR potential (ties: canonical order); empty without
 *     types
 * @param arrPotential the primary type's ARR potential (types are alternatives, not a sum); zero
 *     without types
 * @param owner who owns the motion; empty for NONE
 * @param recommendedSeats extra seats to recommend, for every account (the self-serve prompt's
 *     pre-fill)
 * @param signals the signals holding at {@code asOf} that were scored
 * @param immediateReview an ACTIVE MULTI_SIGNAL holds: two base signals became active within 7 days
 */
public record ScoreResult(
    String accountId,
    Instant asOf,
    long modelVersion,
    Rational total,
    int score,
    ReadinessBand band,
    List<CategoryScore> categories,
    List<TypePotential> types,
    Optional<ExpansionType> primaryType,
    Money arrPotential,
    RecommendedMotion motion,
    String owner,
    int recommendedSeats,
    List<HeldSignal> signals,
    boolean immediateReview,
    boolean activated) {

  public ScoreResult {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(band, "band");
    Objects.requireNonNull(primaryType, "primaryType");
    Objects.requireNonNull(arrPotential, "arrPotential");
    Objects.requireNonNull(motion, "motion");
    Objects.requireNonNull(owner, "owner");
    categories = List.copyOf(categories);
    types = List.copyOf(types);
    signals = List.copyOf(signals);
  }

  public CategoryScore category(ScoreCategory category) {
    return categories.stream().filter(c -> c.category() == category).findFirst().orElseThrow();
  }

  public Optional<TypePotential> type(ExpansionType type) {
    return types.stream().filter(t -> t.type() == type).findFirst();
  }

  /**
   * Whether this score says something different from {@code previous} to anyone downstream: score,
   * band, types (with their value, motion and target), primary type, motion, ARR potential,
   * recommended seats, the set of signals (type, status, since), the review flag, activation, or
   * the model version. Unrounded category points and evidence values move with every event without
   * changing any of these, so they alone never write a history row. A {@code null} previous (first
   * score) always counts as a change.
   */
  public boolean materiallyDiffersFrom(ScoreResult previous) {
    if (previous == null) {
      return true;
    }
    return score != previous.score
        || band != previous.band
        || !types.equals(previous.types)
        || !primaryType.equals(previous.primaryType)
        || motion != previous.motion
        || !arrPotential.equals(previous.arrPotential)
        || recommendedSeats != previous.recommendedSeats
        || !signalKeys().equals(previous.signalKeys())
        || immediateReview != previous.immediateReview
        || activated != previous.activated
        || modelVersion != previous.modelVersion;
  }

  private Set<HeldSignal.SignalKey> signalKeys() {
    return signals.stream().map(HeldSignal::key).collect(Collectors.toSet());
  }
}
