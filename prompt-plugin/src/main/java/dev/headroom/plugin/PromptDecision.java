package dev.headroom.plugin;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer of {@link PromptClient#get}: either an offer to render, or no prompt with the reason.
 * Never null.
 *
 * <pre>{@code
 * PromptDecision d = client.prompts().get(account, user, "sso", Surface.FEATURE_USE, "en-US");
 * d.offer().ifPresent(offer -> page.render(offer.toJson()));
 * }</pre>
 */
public final class PromptDecision {
  private final PromptOffer offer;
  private final NoPromptReason reason;

  private PromptDecision(PromptOffer offer, NoPromptReason reason) {
    this.offer = offer;
    this.reason = reason;
  }

  /** A decision with an offer. */
  public static PromptDecision of(PromptOffer offer) {
    return new PromptDecision(Objects.requireNonNull(offer, "offer"), null);
  }

  /** No prompt, for this reason. */
  public static PromptDecision none(NoPromptReason reason) {
    return new PromptDecision(null, Objects.requireNonNull(reason, "reason"));
  }

  /** True when there is an offer to render. */
  public boolean hasPrompt() {
    return offer != null;
  }

  /** The offer, or empty when there is none. */
  public Optional<PromptOffer> offer() {
    return Optional.ofNullable(offer);
  }

  /** Why there is no prompt, or empty when there is one. */
  public Optional<NoPromptReason> noPromptReason() {
    return Optional.ofNullable(reason);
  }

  @Override
  public String toString() {
    return offer != null
        ? "PromptDecision[" + offer.decisionId() + "]"
        : "PromptDecision[none: " + reason + "]";
  }
}
