package dev.headroom.prompt.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.prompt.v1.CampaignStatus;
import dev.headroom.kit.validation.Validation;
import dev.headroom.prompt.campaign.Campaign;
import dev.headroom.prompt.campaign.Copy;
import dev.headroom.prompt.campaign.DefinitionCodec;
import dev.headroom.prompt.campaign.FrequencyCap;
import dev.headroom.prompt.campaign.Locales;
import dev.headroom.prompt.campaign.Offer;
import dev.headroom.prompt.campaign.Surface;
import dev.headroom.prompt.campaign.Templates;
import dev.headroom.prompt.campaign.Trigger;
import dev.headroom.prompt.campaign.TriggerType;
import dev.headroom.prompt.context.AccountScore;
import dev.headroom.prompt.decision.UserLedger;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Campaign proto ⇄ domain, with the write-time validation that names every bad field. */
public final class CampaignProtos {
  private CampaignProtos() {}

  /** Copy and URL templates: longer than a short text, far shorter than the kit's long text. */
  static final int MAX_TEXT = 2000;

  /** Campaign and experiment names. */
  static final int MAX_NAME = 200;

  public static final DefinitionCodec<Campaign> CODEC =
      new DefinitionCodec<>() {
        @Override
        public byte[] encode(Campaign value) {
          return toProto(value).toByteArray();
        }

        @Override
        public Campaign decode(byte[] bytes) {
          try {
            dev.headroom.api.prompt.v1.Campaign p =
                dev.headroom.api.prompt.v1.Campaign.parseFrom(bytes);
            return fromProto(
                p, p.getVersion(), instant(p.getCreatedAt()), instant(p.getUpdatedAt()));
          } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored campaign is unreadable", e);
          }
        }
      };

  /** Validates a campaign from a request; every violation is reported under {@code prefix}. */
  public static Campaign fromRequest(dev.headroom.api.prompt.v1.Campaign p, boolean idRequired) {
    Validation v = Validation.of();
    String prefix = "campaign";
    if (idRequired || !p.getCampaignId().isEmpty()) {
      v.identifier(prefix + ".campaign_id", p.getCampaignId());
    }
    v.requiredText(prefix + ".name", p.getName(), MAX_NAME);
    v.check(
        p.getStatus() != CampaignStatus.CAMPAIGN_STATUS_UNSPECIFIED
            && p.getStatus() != CampaignStatus.UNRECOGNIZED,
        prefix + ".status",
        "required: DRAFT, ACTIVE, PAUSED or ARCHIVED");
    validateTrigger(v, p.getTrigger(), prefix + ".trigger");
    v.check(p.getSurfacesCount() > 0, prefix + ".surfaces", "at least one surface");
    for (int i = 0; i < p.getSurfacesCount(); i++) {
      v.check(
          surface(p.getSurfaces(i)).isPresent(),
          prefix + ".surfaces[" + i + "]",
          "FEATURE_USE, HOME or BILLING");
    }
    Optional<String> defaultLocale = Locales.canonical(p.getDefaultLocale());
    v.check(
        defaultLocale.isPresent(), prefix + ".default_locale", "a BCP 47 language tag, e.g. en");
    Map<String, Copy> copy = validateCopies(v, p.getCopyMap(), prefix + ".copy");
    if (defaultLocale.isPresent() && !copy.containsKey(defaultLocale.get())) {
      // Either side may be the mistake: both fields are named.
      v.fail(prefix + ".default_locale", defaultLocale.get() + " has no entry in campaign.copy");
      v.fail(prefix + ".copy", "needs an entry for the default locale " + defaultLocale.get());
    }
    validateOffer(v, p.getOffer(), prefix + ".offer");
    if (p.hasFrequencyCap()) {
      validateCap(v, p.getFrequencyCap(), prefix + ".frequency_cap");
    }
    v.throwIfInvalid();
    return fromProto(p, 0, Instant.EPOCH, Instant.EPOCH);
  }

  private static void validateTrigger(
      Validation v, dev.headroom.api.prompt.v1.Trigger t, String field) {
    Optional<TriggerType> type = triggerType(t.getType());
    if (type.isEmpty()) {
      v.fail(
          field + ".type",
          "required: FEATURE_GATE, SEAT_LIMIT, USAGE_LIMIT, SCORE_BAND or CROSS_SELL");
      return;
    }
    for (int i = 0; i < t.getFeatureKeysCount(); i++) {
      v.identifier(field + ".feature_keys[" + i + "]", t.getFeatureKeys(i));
    }
    v.optionalIdentifier(field + ".meter_key", t.getMeterKey());
    v.optionalIdentifier(field + ".product_key", t.getProductKey());
    if (type.get() == TriggerType.SEAT_LIMIT || type.get() == TriggerType.USAGE_LIMIT) {
      if (t.getThreshold().isBlank()) {
        v.fail(
            field + ".threshold", "required: an exact decimal above 0, at most 10, e.g. \"0.90\"");
      } else {
        BigDecimal threshold = v.decimal(field + ".threshold", t.getThreshold());
        v.check(
            threshold == null
                || (threshold.signum() > 0 && threshold.compareTo(BigDecimal.TEN) <= 0),
            field + ".threshold",
            "must be above 0 and at most 10, e.g. \"0.90\"; got " + t.getThreshold());
      }
    } else {
      v.check(
          t.getThreshold().isEmpty(), field + ".threshold", "only for SEAT_LIMIT and USAGE_LIMIT");
    }
    if (t.getMinBand() != ReadinessBand.READINESS_BAND_UNSPECIFIED) {
      v.check(band(t.getMinBand()).isPresent(), field + ".min_band", "not a readiness band");
    }
  }

  private static Map<String, Copy> validateCopies(
      Validation v, Map<String, dev.headroom.api.prompt.v1.Copy> copies, String field) {
    Map<String, Copy> out = new LinkedHashMap<>();
    for (var e : copies.entrySet()) {
      Optional<String> tag = Locales.canonical(e.getKey());
      String f = field + "[" + e.getKey() + "]";
      if (tag.isEmpty()) {
        v.fail(f, "the key must be a BCP 47 language tag");
        continue;
      }
      dev.headroom.api.prompt.v1.Copy c = e.getValue();
      text(v, c.getTitle(), f + ".title", true);
      text(v, c.getBody(), f + ".body", true);
      text(v, c.getCtaLabel(), f + ".cta_label", true);
      text(v, c.getMemberBody(), f + ".member_body", true);
      text(v, c.getMemberCtaLabel(), f + ".member_cta_label", true);
      out.put(tag.get(), copy(c));
    }
    return out;
  }

  static void validateVariantCopies(
      Validation v, Map<String, dev.headroom.api.prompt.v1.Copy> copies, String field) {
    validateCopies(v, copies, field);
  }

  private static void text(Validation v, String value, String field, boolean required) {
    int before = v.violations().size();
    if (required) {
      v.requiredText(field, value, MAX_TEXT);
    } else {
      v.text(field, value, MAX_TEXT);
    }
    if (v.violations().size() > before) {
      return;
    }
    var unknown = Templates.unknownVariables(value, Templates.COPY_VARIABLES);
    if (!unknown.isEmpty()) {
      v.fail(
          field,
          "unknown variable {" + unknown.get(0) + "}; known: " + sorted(Templates.COPY_VARIABLES));
    }
  }

  private static void validateOffer(
      Validation v, dev.headroom.api.prompt.v1.Offer o, String field) {
    v.optionalIdentifier(field + ".target_plan_key", o.getTargetPlanKey());
    v.check(
        o.getDiscountPercent() >= 0 && o.getDiscountPercent() <= 100,
        field + ".discount_percent",
        "0-100");
    String url = o.getCtaUrlTemplate();
    if (url.isBlank()
        || !(url.startsWith("https://") || url.startsWith("http://") || url.startsWith("/"))
        || url.length() > MAX_TEXT) {
      v.fail(
          field + ".cta_url_template",
          "required: an http(s) URL or a path starting with /, at most "
              + MAX_TEXT
              + " characters");
    } else {
      var unknown = Templates.unknownVariables(url, Templates.URL_VARIABLES);
      if (!unknown.isEmpty()) {
        v.fail(
            field + ".cta_url_template",
            "unknown variable {" + unknown.get(0) + "}; known: " + sorted(Templates.URL_VARIABLES));
      }
    }
  }

  private static void validateCap(
      Validation v, dev.headroom.api.prompt.v1.FrequencyCap c, String field) {
    v.check(c.getMaxImpressions() >= 0, field + ".max_impressions", "must be >= 0");
    if (c.getMaxImpressions() > 0) {
      boolean ok =
          c.hasPer()
              && c.getPer().getSeconds() > 0
              && c.getPer().getSeconds() <= UserLedger.RETENTION.toSeconds();
      v.check(ok, field + ".per", "required with max_impressions: more than 0 and at most 30 days");
    }
  }

  private static String sorted(Set<String> names) {
    return names.stream().sorted().map(n -> "{" + n + "}").toList().toString();
  }

  static Optional<BigDecimal> decimal(String s) {
    if (s.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BigDecimal(s.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static Copy copy(dev.headroom.api.prompt.v1.Copy c) {
    return new Copy(
        c.getTitle(), c.getBody(), c.getCtaLabel(), c.getMemberBody(), c.getMemberCtaLabel());
  }

  static dev.headroom.api.prompt.v1.Copy toProto(Copy c) {
    return dev.headroom.api.prompt.v1.Copy.newBuilder()
        .setTitle(c.title())
        .setBody(c.body())
        .setCtaLabel(c.ctaLabel())
        .setMemberBody(c.memberBody())
        .setMemberCtaLabel(c.memberCtaLabel())
        .build();
  }

  static Map<String, Copy> copies(Map<String, dev.headroom.api.prompt.v1.Copy> in) {
    Map<String, Copy> out = new LinkedHashMap<>();
    in.forEach((k, c) -> Locales.canonical(k).ifPresent(tag -> out.put(tag, copy(c))));
    return Map.copyOf(out);
  }

  private static Campaign fromProto(
      dev.headroom.api.prompt.v1.Campaign p, long version, Instant created, Instant updated) {
    dev.headroom.api.prompt.v1.Trigger t = p.getTrigger();
    Set<Surface> surfaces = EnumSet.noneOf(Surface.class);
    p.getSurfacesList().forEach(s -> surface(s).ifPresent(surfaces::add));
    dev.headroom.api.prompt.v1.Offer o = p.getOffer();
    return new Campaign(
        p.getCampaignId(),
        p.getName(),
        CampaignStatus.CAMPAIGN_STATUS_UNSPECIFIED == p.getStatus()
            ? dev.headroom.prompt.campaign.CampaignStatus.DRAFT
            : dev.headroom.prompt.campaign.CampaignStatus.valueOf(
                p.getStatus().name().substring("CAMPAIGN_STATUS_".length())),
        new Trigger(
            triggerType(t.getType()).orElse(TriggerType.FEATURE_GATE),
            Set.copyOf(t.getFeatureKeysList()),
            decimal(t.getThreshold()),
            Optional.of(t.getMeterKey()).filter(k -> !k.isEmpty()),
            band(t.getMinBand()),
            Optional.of(t.getProductKey()).filter(k -> !k.isEmpty())),
        Set.copyOf(surfaces),
        p.getPriority(),
        copies(p.getCopyMap()),
        Locales.canonical(p.getDefaultLocale()).orElse(p.getDefaultLocale()),
        new Offer(
            Optional.of(o.getTargetPlanKey()).filter(k -> !k.isEmpty()),
            o.getDiscountPercent(),
            o.getAnnualBilling(),
            o.getCtaUrlTemplate()),
        p.hasFrequencyCap() && p.getFrequencyCap().getMaxImpressions() > 0
            ? Optional.of(
                new FrequencyCap(
                    p.getFrequencyCap().getMaxImpressions(),
                    java.time.Duration.ofSeconds(p.getFrequencyCap().getPer().getSeconds())))
            : Optional.empty(),
        version,
        created,
        updated);
  }

  public static dev.headroom.api.prompt.v1.Campaign toProto(Campaign c) {
    var t = c.trigger();
    var trigger =
        dev.headroom.api.prompt.v1.Trigger.newBuilder()
            .setType(
                dev.headroom.api.prompt.v1.TriggerType.valueOf("TRIGGER_TYPE_" + t.type().name()))
            .addAllFeatureKeys(t.featureKeys().stream().sorted().toList())
            .setThreshold(t.threshold().map(BigDecimal::toPlainString).orElse(""))
            .setMeterKey(t.meterKey().orElse(""))
            .setProductKey(t.productKey().orElse(""));
    t.minBand()
        .ifPresent(b -> trigger.setMinBand(ReadinessBand.valueOf("READINESS_BAND_" + b.name())));
    var b =
        dev.headroom.api.prompt.v1.Campaign.newBuilder()
            .setCampaignId(c.campaignId())
            .setName(c.name())
            .setStatus(CampaignStatus.valueOf("CAMPAIGN_STATUS_" + c.status().name()))
            .setTrigger(trigger)
            .setPriority(c.priority())
            .setDefaultLocale(c.defaultLocale())
            .setOffer(
                dev.headroom.api.prompt.v1.Offer.newBuilder()
                    .setTargetPlanKey(c.offer().targetPlanKey().orElse(""))
                    .setDiscountPercent(c.offer().discountPercent())
                    .setAnnualBilling(c.offer().annualBilling())
                    .setCtaUrlTemplate(c.offer().ctaUrlTemplate()))
            .setVersion(c.version())
            .setCreatedAt(timestamp(c.createdAt()))
            .setUpdatedAt(timestamp(c.updatedAt()));
    c.surfaces().stream()
        .sorted()
        .forEach(
            s -> b.addSurfaces(dev.headroom.api.prompt.v1.Surface.valueOf("SURFACE_" + s.name())));
    c.copy().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> b.putCopy(e.getKey(), toProto(e.getValue())));
    c.cap()
        .ifPresent(
            cap ->
                b.setFrequencyCap(
                    dev.headroom.api.prompt.v1.FrequencyCap.newBuilder()
                        .setMaxImpressions(cap.maxImpressions())
                        .setPer(Duration.newBuilder().setSeconds(cap.per().toSeconds()))));
    return b.build();
  }

  static Optional<Surface> surface(dev.headroom.api.prompt.v1.Surface s) {
    return switch (s) {
      case SURFACE_FEATURE_USE -> Optional.of(Surface.FEATURE_USE);
      case SURFACE_HOME -> Optional.of(Surface.HOME);
      case SURFACE_BILLING -> Optional.of(Surface.BILLING);
      default -> Optional.empty();
    };
  }

  static Optional<TriggerType> triggerType(dev.headroom.api.prompt.v1.TriggerType t) {
    return switch (t) {
      case TRIGGER_TYPE_FEATURE_GATE -> Optional.of(TriggerType.FEATURE_GATE);
      case TRIGGER_TYPE_SEAT_LIMIT -> Optional.of(TriggerType.SEAT_LIMIT);
      case TRIGGER_TYPE_USAGE_LIMIT -> Optional.of(TriggerType.USAGE_LIMIT);
      case TRIGGER_TYPE_SCORE_BAND -> Optional.of(TriggerType.SCORE_BAND);
      case TRIGGER_TYPE_CROSS_SELL -> Optional.of(TriggerType.CROSS_SELL);
      default -> Optional.empty();
    };
  }

  static Optional<AccountScore.ReadinessBand> band(ReadinessBand b) {
    return switch (b) {
      case READINESS_BAND_NOT_READY -> Optional.of(AccountScore.ReadinessBand.NOT_READY);
      case READINESS_BAND_EMERGING -> Optional.of(AccountScore.ReadinessBand.EMERGING);
      case READINESS_BAND_READY -> Optional.of(AccountScore.ReadinessBand.READY);
      case READINESS_BAND_URGENT -> Optional.of(AccountScore.ReadinessBand.URGENT);
      default -> Optional.empty();
    };
  }

  static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
