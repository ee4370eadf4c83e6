package dev.headroom.app.demo;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The in-product prompt step of the loop. When prompt-service is part of the platform, an
 * implementation asks {@code GetPrompt} at the simulated users' feature-use moments (through the
 * Java prompt plugin), lets the users see, click, dismiss or buy at rates that differ by variant,
 * reports those prompt events, and reads the funnel and {@code GetExperimentResults} for the
 * report.
 *
 * <p>This build has no prompt-service: {@link #NOT_RUNNING} requests no prompt and the report says
 * so in place of the funnel and the experiment table.
 */
interface PromptStep {
  /** The users of {@code accounts} met feature gates during simulated day {@code day}. */
  void dayPassed(int day, Instant now, List<SimulatedAccount> accounts);

  /** The prompt funnel and experiment sections of the report, or empty when there are none. */
  Optional<List<DemoReport.Section>> sections();

  /** Why the report has no prompt sections; read only when {@link #sections()} is empty. */
  String notRunningReason();

  PromptStep NOT_RUNNING =
      new PromptStep() {
        @Override
        public void dayPassed(int day, Instant now, List<SimulatedAccount> accounts) {}

        @Override
        public Optional<List<DemoReport.Section>> sections() {
          return Optional.empty();
        }

        @Override
        public String notRunningReason() {
          return "prompt-service not running in this build: no prompt was requested, so there is"
              + " no funnel (exposed, shown, clicked, converted) and no experiment to report";
        }
      };
}
