package dev.headroom.signal.app;

import dev.headroom.kit.RunUntilStopped;
import java.time.Clock;

/**
 * Runs the signal service until the process is asked to stop. Configuration: {@code signal.yaml} +
 * environment.
 */
public final class SignalServiceMain {
  private SignalServiceMain() {}

  public static void main(String[] args) throws InterruptedException {
    SignalApp app =
        SignalApp.start(SignalConfig.load(System.getenv()), Clock.systemUTC(), null, true);
    RunUntilStopped.await("signal service", app);
  }
}
