package dev.headroom.app.loop;

import com.google.protobuf.Duration;
import dev.headroom.api.crm.v1.Connection;
import dev.headroom.api.crm.v1.CreateConnectionRequest;
import dev.headroom.api.crm.v1.Credentials;
import dev.headroom.api.crm.v1.CrmConnectorServiceGrpc.CrmConnectorServiceBlockingStub;
import dev.headroom.api.crm.v1.CrmProvider;
import dev.headroom.api.crm.v1.DeleteConnectionRequest;
import dev.headroom.api.crm.v1.ListConnectionsRequest;
import dev.headroom.crm.standin.SalesforceStandin;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sales team's CRM: crm-connector's Salesforce stand-in, run in the test's JVM so that the test
 * reads its records and closes opportunities as a rep would, and so that its state outlives a
 * platform that is killed and restarted. The platform reaches it only over HTTP, through a
 * connection an admin creates with the gRPC admin API.
 */
public final class TestCrm implements AutoCloseable {
  public static final String ACCOUNT = "Account";
  public static final String OPPORTUNITY = "Opportunity";
  public static final String ACCOUNT_KEY = "Headroom_Account_Id__c";
  public static final String OPPORTUNITY_KEY = "Headroom_Opportunity_Key__c";
  private static final String CLIENT_ID = "headroom-loop";
  private static final String CLIENT_SECRET = "loop-secret";

  private final SalesforceStandin org;

  private TestCrm(SalesforceStandin org) {
    this.org = org;
  }

  /** Starts an org set up for Headroom (the expansion fields and the opportunity key). */
  public static TestCrm start() {
    SalesforceStandin org =
        new SalesforceStandin(Clock.systemUTC(), CLIENT_ID, CLIENT_SECRET, "").withHeadroomFields();
    org.start();
    return new TestCrm(org);
  }

  /**
   * Makes this org the platform's only CRM: removes the connections the platform made for itself
   * (its own in-process stand-in) and connects this one, with a one-second debounce so that a
   * change reaches the CRM within the test's patience. Returns the connection id.
   */
  public String connect(CrmConnectorServiceBlockingStub admin) {
    for (Connection c :
        admin.listConnections(ListConnectionsRequest.getDefaultInstance()).getConnectionsList()) {
      admin.deleteConnection(
          DeleteConnectionRequest.newBuilder()
              .setConnectionId(c.getConnectionId())
              .setActor("loop-test")
              .build());
    }
    return admin
        .createConnection(
            CreateConnectionRequest.newBuilder()
                .setActor("loop-test")
                .setRequestId("loop-connection")
                .setConnection(
                    Connection.newBuilder()
                        .setProvider(CrmProvider.CRM_PROVIDER_SALESFORCE)
                        .setDisplayName("Sales org (test)")
                        .setBaseUrl(org.baseUrl())
                        .setMatchField(ACCOUNT_KEY)
                        .setEnabled(true)
                        .setDebounce(Duration.newBuilder().setSeconds(1))
                        .setCredentials(
                            Credentials.newBuilder()
                                .setClientId(CLIENT_ID)
                                .setClientSecret(CLIENT_SECRET)))
                .build())
        .getConnection()
        .getConnectionId();
  }

  /** The Account record of a Headroom account, field name to value. */
  public Optional<Map<String, Object>> account(String accountId) {
    return org.record(ACCOUNT, ACCOUNT_KEY, accountId);
  }

  public List<Map<String, Object>> accounts() {
    return org.records(ACCOUNT);
  }

  public List<Map<String, Object>> opportunities() {
    return org.records(OPPORTUNITY);
  }

  /** The account's opportunities, in creation order. */
  public List<Map<String, Object>> opportunitiesOf(String accountId) {
    return opportunities().stream()
        .filter(o -> String.valueOf(o.get(OPPORTUNITY_KEY)).startsWith(accountId + ":"))
        .toList();
  }

  /**
   * A rep closes the opportunity won today for {@code amount} (in the account currency).
   *
   * @return the close date the rep entered (a date: the CRM knows no time of day)
   */
  public LocalDate closeWon(String opportunityKey, BigDecimal amount) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    org.edit(
        OPPORTUNITY,
        OPPORTUNITY_KEY,
        opportunityKey,
        Map.of("StageName", "Closed Won", "CloseDate", today.toString(), "Amount", amount));
    return today;
  }

  @Override
  public void close() {
    org.close();
  }
}
