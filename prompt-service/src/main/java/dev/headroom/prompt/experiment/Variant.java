package dev.headroom.prompt.experiment;

import dev.headroom.prompt.campaign.Copy;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One arm of an experiment.
 *
 * @param copy overrides of the campaign's copy per canonical locale tag
 * @param discountPercent overrides the campaign's discount when present
 */
public record Variant(
    String variantKey,
    int weight,
    boolean control,
    Map<String, Copy> copy,
    PromptTiming timing,
    OptionalInt discountPercent) {

  /** When a variant's prompt is meant to be shown. */
  public enum PromptTiming {
    AT_FEATURE_USE,
    AT_LOGIN
  }
}
