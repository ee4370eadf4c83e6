package dev.headroom.crm.testing;

import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc;
import dev.headroom.crm.app.CrmApp;
import dev.headroom.kit.testing.TestDatabase;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;

/**
 * A running connector for a test: a scripted scoring-service it follows, the app on a real
 * database, and a gRPC stub of its admin API over an in-process channel.
 */
public final class Connector implements AutoCloseable {
  public final FakeScoring scoring = new FakeScoring();
  public final CrmApp app;
  public final CrmConnectorServiceGrpc.CrmConnectorServiceBlockingStub stub;
  private final Server scoringServer;
  private final ManagedChannel channel;
  private final Jdbi jdbi;

  public Connector(TestDatabase db) throws IOException {
    this(db, Map.of());
  }

  /** A connector whose settings are the tests' short delays with {@code overrides} applied. */
  public Connector(TestDatabase db, Map<String, String> overrides) throws IOException {
    jdbi = Jdbi.create(db.url(), db.user(), db.password());
    String scoringName = "fake-scoring-" + UUID.randomUUID();
    scoringServer = InProcessServerBuilder.forName(scoringName).addService(scoring).build().start();
    String crmName = "crm-" + UUID.randomUUID();
    app =
        CrmApp.start(
            Apps.config(db, "in-process:" + scoringName, overrides),
            Clock.systemUTC(),
            crmName,
            true);
    channel = InProcessChannelBuilder.forName(crmName).build();
    stub = CrmConnectorServiceGrpc.newBlockingStub(channel);
  }

  /**
   * The rule actions queued for an account, as "TYPE STATUS" lines in the order they were queued.
   */
  public java.util.List<String> ruleActions(String accountId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT action_type || ' ' || status FROM crm.rule_action"
                        + " WHERE account_id = :a ORDER BY created_at, action_key")
                .bind("a", accountId)
                .mapTo(String.class)
                .list());
  }

  /**
   * An enabled Salesforce connection to a stand-in at {@code baseUrl} as the tests create it: the
   * stand-in's Headroom match field, no debounce, client credentials.
   */
  public static dev.headroom.api.crm.v1.Connection.Builder salesforce(
      String baseUrl, String clientId, String clientSecret) {
    return enabled(
            dev.headroom.api.crm.v1.CrmProvider.CRM_PROVIDER_SALESFORCE,
            "Production org",
            baseUrl,
            "Headroom_Account_Id__c")
        .setCredentials(
            dev.headroom.api.crm.v1.Credentials.newBuilder()
                .setClientId(clientId)
                .setClientSecret(clientSecret));
  }

  /**
   * An enabled HubSpot connection to a stand-in at {@code baseUrl} as the tests create it: the
   * stand-in's Headroom match property, no debounce, a private-app token.
   */
  public static dev.headroom.api.crm.v1.Connection.Builder hubSpot(String baseUrl, String token) {
    return enabled(
            dev.headroom.api.crm.v1.CrmProvider.CRM_PROVIDER_HUBSPOT,
            "HubSpot portal",
            baseUrl,
            "headroom_account_id")
        .setCredentials(dev.headroom.api.crm.v1.Credentials.newBuilder().setAccessToken(token));
  }

  private static dev.headroom.api.crm.v1.Connection.Builder enabled(
      dev.headroom.api.crm.v1.CrmProvider provider,
      String displayName,
      String baseUrl,
      String matchField) {
    return dev.headroom.api.crm.v1.Connection.newBuilder()
        .setProvider(provider)
        .setDisplayName(displayName)
        .setBaseUrl(baseUrl)
        .setMatchField(matchField)
        .setEnabled(true)
        .setDebounce(com.google.protobuf.Duration.newBuilder().setSeconds(0));
  }

  /** When the account's queued change is next due to be sent; empty when none is queued. */
  public java.util.Optional<java.time.Instant> dueAt(String accountId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT due_at FROM crm.pending_sync WHERE account_id = :a")
                .bind("a", accountId)
                .mapTo(java.time.OffsetDateTime.class)
                .findOne()
                .map(java.time.OffsetDateTime::toInstant));
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    app.close();
    scoringServer.shutdownNow();
  }
}
