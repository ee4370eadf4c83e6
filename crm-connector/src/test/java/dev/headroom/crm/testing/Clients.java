package dev.headroom.crm.testing;

import dev.headroom.crm.client.HttpCaller;
import dev.headroom.crm.client.HubSpotClient;
import dev.headroom.crm.client.SalesforceClient;
import dev.headroom.crm.client.TaskWrite;
import dev.headroom.crm.client.TokenBucket;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.domain.ConnectionSettings;
import dev.headroom.crm.domain.Credentials;
import dev.headroom.crm.domain.DefaultMappings;
import dev.headroom.crm.domain.Provider;
import dev.headroom.crm.domain.SignalLine;
import dev.headroom.kit.outbox.Backoff;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Clients and values for tests against the stand-ins, with short backoffs. */
public final class Clients {
  private Clients() {}

  public static HttpCaller caller(double ratePerSecond) {
    return new HttpCaller(
        HttpClient.newHttpClient(),
        new TokenBucket(ratePerSecond, 50, Clock.systemUTC()),
        new HttpCaller.Settings(
            4,
            new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), 2.0, 0.5),
            Duration.ofSeconds(10),
            Duration.ofSeconds(5)),
        Clock.systemUTC(),
        "the CRM",
        HttpCaller.Observer.NONE);
  }

  /** A client of the HubSpot stand-in at {@code baseUrl} with a private-app token. */
  public static HubSpotClient hubSpot(String baseUrl, String token) {
    return new HubSpotClient(
        settings(Provider.HUBSPOT, baseUrl), new Credentials("", "", "", token), caller(1000));
  }

  /** A client of the Salesforce stand-in at {@code baseUrl} with client credentials. */
  public static SalesforceClient salesforce(String baseUrl, String clientId, String secret) {
    return new SalesforceClient(
        settings(Provider.SALESFORCE, baseUrl),
        new Credentials(clientId, secret, "", ""),
        caller(1000));
  }

  public static ConnectionSettings settings(Provider provider, String baseUrl) {
    return new ConnectionSettings(
        "con-test",
        provider,
        baseUrl,
        "v62.0",
        DefaultMappings.matchField(provider),
        true,
        false,
        Duration.ZERO,
        Duration.ofHours(24),
        1);
  }

  /** An URGENT seat-add account with one active signal. */
  public static AccountValues account(String accountId, int score, String primaryType) {
    Instant since = Instant.parse("2026-11-02T10:15:30Z");
    return new AccountValues(
        accountId,
        score,
        score > 75 ? "URGENT" : score > 60 ? "READY" : score > 40 ? "EMERGING" : "NOT_READY",
        primaryType,
        primaryType.isEmpty() ? List.of() : List.of(primaryType),
        List.of(new SignalLine("SEAT_UTILIZATION_HIGH", since, "17 of 20 seats used (85%) >= 80%")),
        "SELF_SERVE",
        "Product+CS",
        "USD",
        1_234_550,
        5,
        since,
        false);
  }

  /**
   * Usage review tasks on accounts {@code acc-0} to {@code acc-<n-1>}, keyed {@code
   * <keyPrefix>:acc-<i>:1:CREATE_TASK}, the task of account i on the CRM record {@code crmIdOf(i)}.
   */
  public static List<TaskWrite> tasks(
      int n, String keyPrefix, IntFunction<String> crmIdOf, boolean mayExist) {
    List<TaskWrite> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(
          new TaskWrite(
              keyPrefix + ":acc-" + i + ":1:CREATE_TASK",
              "acc-" + i,
              crmIdOf.apply(i),
              "Usage review call",
              "Current state: readiness score 60",
              LocalDate.parse("2026-12-04"),
              mayExist));
    }
    return tasks;
  }
}
