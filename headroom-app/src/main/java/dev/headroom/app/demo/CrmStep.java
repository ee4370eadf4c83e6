package dev.headroom.app.demo;

import java.time.Instant;
import java.util.Optional;

/**
 * The CRM step of the loop. When crm-connector is part of the platform, an implementation lets the
 * simulated sales reps work the opportunities the connector creates in the stand-in CRM, closes
 * them won or lost there, and reads the sync summary (records written, opportunities, tasks,
 * retries, dead letters) for the report; the outcomes then flow back through the connector.
 *
 * <p>This build has no crm-connector: {@link #NOT_RUNNING} leaves the reps to work
 * scoring-service's pipeline directly ({@link SalesDesk} records their decisions with {@code
 * RecordOutcome}), and the report says so in place of the CRM summary.
 */
interface CrmStep {
  /** Simulated day {@code day} has passed in the stand-in CRM. */
  void dayPassed(int day, Instant now);

  /** The CRM sync summary of the report, or empty when there is none. */
  Optional<DemoReport.Section> section();

  /** Why the report has no CRM summary; read only when {@link #section()} is empty. */
  String notRunningReason();

  CrmStep NOT_RUNNING =
      new CrmStep() {
        @Override
        public void dayPassed(int day, Instant now) {}

        @Override
        public Optional<DemoReport.Section> section() {
          return Optional.empty();
        }

        @Override
        public String notRunningReason() {
          return "crm-connector not running in this build: nothing was synced to a CRM; sales reps"
              + " worked scoring-service's pipeline directly and their won/lost decisions went to"
              + " RecordOutcome";
        }
      };
}
