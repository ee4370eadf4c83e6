package dev.headroom.prompt.app;

import dev.headroom.kit.RunUntilStopped;
import java.time.Clock;

/**
 * Runs the prompt service standalone: configuration from {@code prompt.yaml} and the environment.
 */
public final class PromptServiceMain {
  private PromptServiceMain() {}

  public static void main(String[] args) throws InterruptedException {
    PromptApp app =
        PromptApp.start(PromptConfig.load(System.getenv()), Clock.systemUTC(), null, true);
    RunUntilStopped.await("prompt service", app);
  }
}
