package dev.headroom.prompt.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.headroom.api.prompt.v1.ExperimentStatus;
import dev.headroom.api.prompt.v1.PromptTiming;
import dev.headroom.api.prompt.v1.RandomizationUnit;
import dev.headroom.kit.validation.Limits;
import dev.headroom.kit.validation.Validation;
import dev.headroom.prompt.campaign.DefinitionCodec;
import dev.headroom.prompt.experiment.Assignment;
import dev.headroom.prompt.experiment.Experiment;
import dev.headroom.prompt.experiment.Variant;
import dev.headroom.prompt.results.ExperimentReports;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Experiment proto ⇄ domain, with write-time validation. */
public final class ExperimentProtos {
  private ExperimentProtos() {}

  static final java.time.Duration MAX_WINDOW = java.time.Duration.ofDays(365);

  public static DefinitionCodec<Experiment> codec(java.time.Duration defaultWindow) {
    return new DefinitionCodec<>() {
      @Override
      public byte[] encode(Experiment value) {
        return toProto(value).toByteArray();
      }

      @Override
      public Experiment decode(byte[] bytes) {
        try {
          return fromProto(dev.headroom.api.prompt.v1.Experiment.parseFrom(bytes), defaultWindow);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("a stored experiment is unreadable", e);
        }
      }
    };
  }

  /** Validates an experiment design from a request. */
  public static Experiment fromRequest(
      dev.headroom.api.prompt.v1.Experiment p,
      boolean idRequired,
      java.time.Duration defaultWindow) {
    Validation v = Validation.of();
    String f = "experiment";
    if (idRequired || !p.getExperimentId().isEmpty()) {
      v.identifier(f + ".experiment_id", p.getExperimentId());
    }
    if (!idRequired) {
      v.identifier(f + ".campaign_id", p.getCampaignId());
    }
    v.requiredText(f + ".name", p.getName(), CampaignProtos.MAX_NAME);
    v.optionalEnum(f + ".unit", p.getUnit());
    v.check(
        p.getSalt().length() <= Limits.MAX_IDENTIFIER_CHARS,
        f + ".salt",
        "at most " + Limits.MAX_IDENTIFIER_CHARS + " characters, got " + p.getSalt().length());
    v.check(p.getVariantsCount() >= 1, f + ".variants", "at least one variant");
    Set<String> keys = new HashSet<>();
    int controls = 0;
    for (int i = 0; i < p.getVariantsCount(); i++) {
      var variant = p.getVariants(i);
      String vf = f + ".variants[" + i + "]";
      v.identifier(vf + ".variant_key", variant.getVariantKey());
      v.check(keys.add(variant.getVariantKey()), vf + ".variant_key", "duplicate variant key");
      v.check(
          !variant.getVariantKey().equals(ExperimentReports.HOLDOUT_ARM_KEY),
          vf + ".variant_key",
          "\"" + ExperimentReports.HOLDOUT_ARM_KEY + "\" names the holdout arm in the results");
      v.check(
          variant.getWeight() > 0 && variant.getWeight() <= Assignment.BUCKETS,
          vf + ".weight",
          "1-10000");
      v.check(
          !variant.hasDiscountPercent()
              || (variant.getDiscountPercent() >= 0 && variant.getDiscountPercent() <= 100),
          vf + ".discount_percent",
          "0-100; unset keeps the campaign's");
      v.optionalEnum(vf + ".timing", variant.getTiming());
      CampaignProtos.validateVariantCopies(v, variant.getCopyMap(), vf + ".copy");
      if (variant.getControl()) {
        controls++;
      }
    }
    if (p.getVariantsCount() >= 1 && controls != 1) {
      v.fail(f + ".variants", "exactly one variant must be the control (found " + controls + ")");
    }
    v.check(
        p.getHoldoutBasisPoints() >= 0 && p.getHoldoutBasisPoints() < Assignment.BUCKETS,
        f + ".holdout_basis_points",
        "0-9999");
    if (p.hasAttributionWindow()) {
      long s = p.getAttributionWindow().getSeconds();
      v.check(
          s > 0 && s <= MAX_WINDOW.toSeconds(),
          f + ".attribution_window",
          "more than 0, at most 365 days");
    }
    v.throwIfInvalid();
    // started_at and stopped_at are output only: the use case stamps them, whatever a request says.
    return fromProto(p.toBuilder().clearStartedAt().clearStoppedAt().build(), defaultWindow);
  }

  private static Experiment fromProto(
      dev.headroom.api.prompt.v1.Experiment p, java.time.Duration defaultWindow) {
    List<Variant> variants = new ArrayList<>();
    for (var variant : p.getVariantsList()) {
      variants.add(
          new Variant(
              variant.getVariantKey(),
              variant.getWeight(),
              variant.getControl(),
              CampaignProtos.copies(variant.getCopyMap()),
              variant.getTiming() == PromptTiming.PROMPT_TIMING_AT_LOGIN
                  ? Variant.PromptTiming.AT_LOGIN
                  : Variant.PromptTiming.AT_FEATURE_USE,
              variant.hasDiscountPercent()
                  ? OptionalInt.of(variant.getDiscountPercent())
                  : OptionalInt.empty()));
    }
    return new Experiment(
        p.getExperimentId(),
        p.getCampaignId(),
        p.getName(),
        switch (p.getStatus()) {
          case EXPERIMENT_STATUS_RUNNING -> Experiment.Status.RUNNING;
          case EXPERIMENT_STATUS_STOPPED -> Experiment.Status.STOPPED;
          default -> Experiment.Status.DRAFT;
        },
        p.getUnit() == RandomizationUnit.RANDOMIZATION_UNIT_USER
            ? Experiment.Unit.USER
            : Experiment.Unit.ACCOUNT,
        p.getSalt(),
        List.copyOf(variants),
        p.getHoldoutBasisPoints(),
        p.hasAttributionWindow()
            ? java.time.Duration.ofSeconds(p.getAttributionWindow().getSeconds())
            : defaultWindow,
        p.hasStartedAt() ? Optional.of(CampaignProtos.instant(p.getStartedAt())) : Optional.empty(),
        p.hasStoppedAt() ? Optional.of(CampaignProtos.instant(p.getStoppedAt())) : Optional.empty(),
        Optional.of(p.getServeVariantKey()).filter(k -> !k.isEmpty()),
        p.getVersion());
  }

  public static dev.headroom.api.prompt.v1.Experiment toProto(Experiment e) {
    var b =
        dev.headroom.api.prompt.v1.Experiment.newBuilder()
            .setExperimentId(e.experimentId())
            .setCampaignId(e.campaignId())
            .setName(e.name())
            .setStatus(ExperimentStatus.valueOf("EXPERIMENT_STATUS_" + e.status().name()))
            .setUnit(RandomizationUnit.valueOf("RANDOMIZATION_UNIT_" + e.unit().name()))
            .setSalt(e.salt())
            .setHoldoutBasisPoints(e.holdoutBasisPoints())
            .setAttributionWindow(
                Duration.newBuilder().setSeconds(e.attributionWindow().toSeconds()))
            .setServeVariantKey(e.serveVariantKey().orElse(""))
            .setVersion(e.version());
    e.startedAt().map(CampaignProtos::timestamp).ifPresent(b::setStartedAt);
    e.stoppedAt().map(CampaignProtos::timestamp).ifPresent(b::setStoppedAt);
    for (Variant v : e.variants()) {
      var vb =
          dev.headroom.api.prompt.v1.Variant.newBuilder()
              .setVariantKey(v.variantKey())
              .setWeight(v.weight())
              .setControl(v.control())
              .setTiming(PromptTiming.valueOf("PROMPT_TIMING_" + v.timing().name()));
      v.discountPercent().ifPresent(vb::setDiscountPercent);
      v.copy().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(c -> vb.putCopy(c.getKey(), CampaignProtos.toProto(c.getValue())));
      b.addVariants(vb);
    }
    return b.build();
  }
}
