package dev.headroom.scoring.app;

import dev.headroom.kit.RunUntilStopped;
import java.time.Clock;

/**
 * Runs the scoring service standalone: configuration from {@code scoring.yaml} and the environment.
 */
public final class ScoringServiceMain {
  private ScoringServiceMain() {}

  public static void main(String[] args) throws InterruptedException {
    ScoringApp app =
        ScoringApp.start(ScoringConfig.load(System.getenv()), Clock.systemUTC(), null, true);
    RunUntilStopped.await("scoring service", app);
  }
}
