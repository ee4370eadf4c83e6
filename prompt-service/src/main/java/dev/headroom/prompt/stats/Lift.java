package dev.headroom.prompt.stats;

import java.util.Optional;

/**
 * One way of measuring the treatment against the control: relative ((treatment - control) /
 * control) or absolute (treatment - control) difference of the per-unit means.
 *
 * @param estimate the point estimate
 * @param standardError its standard error (delta method for the relative lift)
 * @param fixedHorizon Welch t-test interval and p-value
 * @param sequential always-valid interval and p-value, present when sequential inference is on
 * @param bayesian chance to beat control, credible interval and expected loss
 */
public record Lift(
    double estimate,
    double standardError,
    Inference fixedHorizon,
    Optional<Inference> sequential,
    BayesianResult bayesian) {

  /** The inference to act on: the sequential one when present (peeking is safe), else fixed. */
  public Inference reported() {
    return sequential.orElse(fixedHorizon);
  }

  Lift withFixedHorizon(Inference inference) {
    return new Lift(estimate, standardError, inference, sequential, bayesian);
  }

  Lift withSequential(Inference inference) {
    return new Lift(estimate, standardError, fixedHorizon, Optional.of(inference), bayesian);
  }
}
