package dev.headroom.scoring.mapping;

import com.google.protobuf.Timestamp;
import dev.headroom.api.scoring.v1.CategoryPoints;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.signal.v1.Signal;
import dev.headroom.scoring.domain.CategoryScore;
import dev.headroom.scoring.domain.Evidence;
import dev.headroom.scoring.domain.ExpansionType;
import dev.headroom.scoring.domain.HeldSignal;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.Rational;
import dev.headroom.scoring.domain.ReadinessBand;
import dev.headroom.scoring.domain.RecommendedMotion;
import dev.headroom.scoring.domain.ScoreCategory;
import dev.headroom.scoring.domain.ScoreResult;
import dev.headroom.scoring.domain.SignalStatus;
import dev.headroom.scoring.domain.SignalType;
import dev.headroom.scoring.domain.TypePotential;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Domain ⇄ proto for scores and the enums they share. Enum values map by name: the proto constants
 * are the domain names with the enum's prefix ({@code READINESS_BAND_URGENT} ⇄ {@code URGENT}).
 */
public final class ScoreProtos {
  private ScoreProtos() {}

  /**
   * The explained score as served and published. {@code heldSignals} are signal-service's own
   * messages for the signals the score read (the domain keeps only what scoring needs; the wire
   * keeps everything, e.g. rule version).
   */
  public static Score score(ScoreResult r, List<Signal> heldSignals, Instant computedAt) {
    Score.Builder b =
        Score.newBuilder()
            .setAccountId(r.accountId())
            .setScore(r.score())
            .setBand(band(r.band()))
            .setPrimaryType(
                r.primaryType()
                    .map(ScoreProtos::type)
                    .orElse(dev.headroom.api.common.v1.ExpansionType.EXPANSION_TYPE_UNSPECIFIED))
            .setArrPotential(money(r.arrPotential()))
            .setMotion(motion(r.motion()))
            .setOwner(r.owner())
            .setRecommendedSeats(r.recommendedSeats())
            .addAllSignals(heldSignals)
            .setImmediateReview(r.immediateReview())
            .setActivated(r.activated())
            .setModelVersion(r.modelVersion())
            .setAsOf(ts(r.asOf()))
            .setComputedAt(ts(computedAt));
    for (CategoryScore c : r.categories()) {
      b.addCategories(
          CategoryPoints.newBuilder()
              .setCategory(category(c.category()))
              .setPoints(c.pointsDecimal().toPlainString())
              .setMaxPoints(c.maxPoints())
              .putAllInputs(c.inputs())
              .setExplanation(c.explanation()));
    }
    for (TypePotential t : r.types()) {
      b.addTypes(
          dev.headroom.api.scoring.v1.TypePotential.newBuilder()
              .setType(type(t.type()))
              .setArrPotential(money(t.arrPotential()))
              .setMotion(motion(t.motion()))
              .setTargetPlanKey(t.targetPlanKey().orElse("")));
    }
    return b.build();
  }

  /**
   * Enough of a stored score to decide {@link ScoreResult#materiallyDiffersFrom}: everything that
   * method compares (categories are left out; unrounded points never make a difference on their
   * own).
   */
  public static ScoreResult forComparison(Score s) {
    List<TypePotential> types = new ArrayList<>();
    for (dev.headroom.api.scoring.v1.TypePotential t : s.getTypesList()) {
      types.add(
          new TypePotential(
              type(t.getType()),
              money(t.getArrPotential()),
              motion(t.getMotion()),
              Optional.of(t.getTargetPlanKey()).filter(k -> !k.isEmpty())));
    }
    List<HeldSignal> signals = new ArrayList<>();
    for (Signal sig : s.getSignalsList()) {
      held(sig).ifPresent(signals::add);
    }
    Optional<ExpansionType> primary =
        s.getPrimaryType() == dev.headroom.api.common.v1.ExpansionType.EXPANSION_TYPE_UNSPECIFIED
            ? Optional.empty()
            : Optional.of(type(s.getPrimaryType()));
    return new ScoreResult(
        s.getAccountId(),
        instant(s.getAsOf()),
        s.getModelVersion(),
        Rational.ZERO,
        s.getScore(),
        band(s.getBand()),
        List.of(),
        types,
        primary,
        money(s.getArrPotential()),
        motion(s.getMotion()),
        s.getOwner(),
        s.getRecommendedSeats(),
        signals,
        s.getImmediateReview(),
        s.getActivated());
  }

  /**
   * A signal as the scorer sees it; empty for statuses that do not hold (resolved) or unknown
   * types.
   */
  public static Optional<HeldSignal> held(Signal s) {
    SignalStatus status =
        switch (s.getStatus()) {
          case SIGNAL_STATUS_ACTIVE -> SignalStatus.ACTIVE;
          case SIGNAL_STATUS_SUPPRESSED -> SignalStatus.SUPPRESSED;
          case SIGNAL_STATUS_PENDING -> SignalStatus.PENDING;
          default -> null;
        };
    if (status == null
        || s.getType() == dev.headroom.api.common.v1.SignalType.SIGNAL_TYPE_UNSPECIFIED
        || s.getType() == dev.headroom.api.common.v1.SignalType.UNRECOGNIZED) {
      return Optional.empty();
    }
    List<Evidence> evidence =
        s.getEvidenceList().stream()
            .map(
                e ->
                    new Evidence(e.getMetric(), e.getValue(), e.getThreshold(), e.getDescription()))
            .toList();
    return Optional.of(
        new HeldSignal(
            s.getSignalId(), signalType(s.getType()), status, instant(s.getSince()), evidence));
  }

  // ---- enums
  // ----------------------------------------------------------------------------------------------
  // Proto enum values are the domain names behind the enum's prefix (READINESS_BAND_READY <->
  // READY). Callers
  // reject UNSPECIFIED and UNRECOGNIZED before mapping: they have no domain value.

  private static <P extends Enum<P>> P toProto(Class<P> protoType, String prefix, Enum<?> value) {
    return Enum.valueOf(protoType, prefix + value.name());
  }

  private static <D extends Enum<D>> D fromProto(
      Class<D> domainType, String prefix, Enum<?> value) {
    return Enum.valueOf(domainType, value.name().substring(prefix.length()));
  }

  public static dev.headroom.api.common.v1.ReadinessBand band(ReadinessBand b) {
    return toProto(dev.headroom.api.common.v1.ReadinessBand.class, "READINESS_BAND_", b);
  }

  public static ReadinessBand band(dev.headroom.api.common.v1.ReadinessBand b) {
    return fromProto(ReadinessBand.class, "READINESS_BAND_", b);
  }

  public static dev.headroom.api.common.v1.RecommendedMotion motion(RecommendedMotion m) {
    return toProto(dev.headroom.api.common.v1.RecommendedMotion.class, "RECOMMENDED_MOTION_", m);
  }

  public static RecommendedMotion motion(dev.headroom.api.common.v1.RecommendedMotion m) {
    return fromProto(RecommendedMotion.class, "RECOMMENDED_MOTION_", m);
  }

  public static dev.headroom.api.common.v1.ExpansionType type(ExpansionType t) {
    return toProto(dev.headroom.api.common.v1.ExpansionType.class, "EXPANSION_TYPE_", t);
  }

  public static ExpansionType type(dev.headroom.api.common.v1.ExpansionType t) {
    return fromProto(ExpansionType.class, "EXPANSION_TYPE_", t);
  }

  public static dev.headroom.api.common.v1.SignalType signalType(SignalType t) {
    return toProto(dev.headroom.api.common.v1.SignalType.class, "SIGNAL_TYPE_", t);
  }

  public static SignalType signalType(dev.headroom.api.common.v1.SignalType t) {
    return fromProto(SignalType.class, "SIGNAL_TYPE_", t);
  }

  public static dev.headroom.api.scoring.v1.ScoreCategory category(ScoreCategory c) {
    return toProto(dev.headroom.api.scoring.v1.ScoreCategory.class, "SCORE_CATEGORY_", c);
  }

  public static ScoreCategory category(dev.headroom.api.scoring.v1.ScoreCategory c) {
    return fromProto(ScoreCategory.class, "SCORE_CATEGORY_", c);
  }

  // ---- values
  // ---------------------------------------------------------------------------------------------

  public static dev.headroom.api.common.v1.Money money(Money m) {
    return dev.headroom.api.common.v1.Money.newBuilder()
        .setCurrencyCode(m.currency())
        .setMinorUnits(m.minorUnits())
        .build();
  }

  public static Money money(dev.headroom.api.common.v1.Money m) {
    return new Money(m.getCurrencyCode(), m.getMinorUnits());
  }

  public static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
