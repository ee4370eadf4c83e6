package dev.headroom.crm.sync;

import dev.headroom.crm.client.HttpCaller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The connector's counters on the service's Micrometer registry (scraped at {@code
 * /observe/metrics}): records written, failed and dead-lettered, requests by provider and HTTP
 * status, retries, the pauses CRMs asked for, and rule actions by type and outcome.
 */
public final class SyncMetrics {
  private final MeterRegistry registry;

  public SyncMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** What the HTTP client of one provider ("salesforce", "hubspot", "alert_webhook") reports. */
  public HttpCaller.Observer http(String provider) {
    Counter retries = counter("crm.request.retries", "provider", provider);
    Counter pauses = counter("crm.rate.limit.waits", "provider", provider);
    return new HttpCaller.Observer() {
      @Override
      public void answered(int status) {
        registry
            .counter(
                "crm.requests", "provider", provider, "status", status == 0 ? "none" : "" + status)
            .increment();
      }

      @Override
      public void retried() {
        retries.increment();
      }

      @Override
      public void paused() {
        pauses.increment();
      }
    };
  }

  /**
   * @param outcome {@code written}, {@code failed} (will be retried) or {@code dead_lettered}
   */
  void records(String provider, String outcome, long count) {
    if (count > 0) {
      counter("crm.records", "provider", provider, "outcome", outcome).increment((double) count);
    }
  }

  /**
   * @param outcome {@code done}, {@code skipped}, {@code retrying} or {@code dead_lettered}
   */
  void action(String provider, String type, String outcome) {
    counter("crm.rule.actions", "provider", provider, "type", type, "outcome", outcome).increment();
  }

  private Counter counter(String name, String... tags) {
    return registry.counter(name, tags);
  }
}
