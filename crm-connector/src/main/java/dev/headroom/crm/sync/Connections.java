package dev.headroom.crm.sync;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.headroom.crm.client.AlertWebhook;
import dev.headroom.crm.client.CrmClient;
import dev.headroom.crm.client.CrmClients;
import dev.headroom.crm.client.HttpCaller;
import dev.headroom.crm.client.TokenBucket;
import dev.headroom.crm.db.ConnectionDao;
import dev.headroom.crm.domain.ConnectionSettings;
import dev.headroom.crm.domain.Credentials;
import dev.headroom.crm.domain.FieldMapping;
import dev.headroom.crm.domain.Provider;
import dev.headroom.crm.domain.SourceField;
import dev.headroom.crm.secrets.CredentialVault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.jdbi.v3.core.Jdbi;

/**
 * Connections as the engine uses them: settings and mappings from the database, a CRM client per
 * connection version (credentials decrypted only here, in memory), and each connection's own rate
 * limit and retry budget.
 */
public final class Connections {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = Logger.getLogger(Connections.class.getName());

  /**
   * @param requestsPerSecond per provider: the connection's own token bucket
   */
  public record Settings(
      Map<Provider, Double> requestsPerSecond,
      Map<Provider, Integer> burst,
      HttpCaller.Settings http) {}

  /**
   * A connection ready to sync.
   *
   * @param alerts where SEND_ALERT posts; empty when the connection has no alert webhook
   */
  public record Live(
      ConnectionSettings settings,
      List<FieldMapping> mappings,
      CrmClient client,
      HttpCaller http,
      Optional<AlertWebhook> alerts) {}

  private record Cached(
      long version, CrmClient client, HttpCaller http, Optional<AlertWebhook> alerts) {}

  private final Jdbi jdbi;
  private final CredentialVault vault;
  private final HttpClient httpClient;
  private final Settings settings;
  private final Clock clock;
  private final SyncMetrics metrics;
  private final Map<String, Cached> clients = new ConcurrentHashMap<>();

  public Connections(
      Jdbi jdbi,
      CredentialVault vault,
      HttpClient httpClient,
      Settings settings,
      Clock clock,
      SyncMetrics metrics) {
    this.metrics = metrics;
    this.jdbi = jdbi;
    this.vault = vault;
    this.httpClient = httpClient;
    this.settings = settings;
    this.clock = clock;
  }

  public List<ConnectionSettings> enabled() {
    return jdbi.onDemand(ConnectionDao.class).list().stream()
        .filter(ConnectionDao.ConnectionRow::enabled)
        .map(Connections::settings)
        .toList();
  }

  /**
   * The connection with a client, or empty when it is gone, has no credentials, or they do not
   * decrypt with the configured keys (logged; an admin sets them again).
   */
  public Optional<Live> live(String connectionId) {
    try {
      return tryLive(connectionId);
    } catch (IllegalStateException e) {
      LOG.warning("connection " + connectionId + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<Live> tryLive(String connectionId) {
    ConnectionDao dao = jdbi.onDemand(ConnectionDao.class);
    Optional<ConnectionDao.ConnectionRow> row = dao.find(connectionId);
    if (row.isEmpty() || row.get().credentialsSealed() == null) {
      return Optional.empty();
    }
    ConnectionSettings s = settings(row.get());
    Cached cached =
        clients.compute(
            connectionId,
            (id, old) -> {
              if (old != null && old.version() == s.version()) {
                return old;
              }
              HttpCaller http =
                  new HttpCaller(
                      httpClient,
                      new TokenBucket(
                          settings.requestsPerSecond().get(s.provider()),
                          settings.burst().get(s.provider()),
                          clock),
                      settings.http(),
                      clock,
                      s.provider() == Provider.SALESFORCE ? "Salesforce" : "HubSpot",
                      metrics.http(provider(s.provider())));
              Credentials credentials = vault.open(id, row.get().credentialsSealed());
              Optional<AlertWebhook> alerts =
                  credentials.alertWebhookUrl().isEmpty()
                      ? Optional.empty()
                      : Optional.of(
                          new AlertWebhook(
                              credentials.alertWebhookUrl(),
                              new HttpCaller(
                                  httpClient,
                                  new TokenBucket(1, 5, clock),
                                  settings.http(),
                                  clock,
                                  "the alert webhook",
                                  metrics.http("alert_webhook"))));
              return new Cached(s.version(), CrmClients.create(s, credentials, http), http, alerts);
            });
    return Optional.of(
        new Live(s, mappings(dao, connectionId), cached.client(), cached.http(), cached.alerts()));
  }

  /** The provider as metrics name it. */
  static String provider(Provider p) {
    return p.name().toLowerCase(java.util.Locale.ROOT);
  }

  public static ConnectionSettings settings(ConnectionDao.ConnectionRow r) {
    return new ConnectionSettings(
        r.connectionId(),
        Provider.valueOf(r.provider()),
        r.baseUrl(),
        r.apiVersion(),
        r.matchField(),
        r.enabled(),
        r.dryRun(),
        Duration.ofMillis(r.debounceMs()),
        Duration.ofMillis(r.reconcileIntervalMs()),
        r.version());
  }

  public static List<FieldMapping> mappings(ConnectionDao dao, String connectionId) {
    return dao.mappings(connectionId).stream().map(Connections::mapping).toList();
  }

  static FieldMapping mapping(ConnectionDao.MappingRow r) {
    try {
      Map<String, String> valueMap =
          JSON.readValue(r.valueMap(), new TypeReference<Map<String, String>>() {});
      return new FieldMapping(SourceField.valueOf(r.source()), r.crmField(), r.enabled(), valueMap);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ConnectionDao.MappingRow row(String connectionId, int position, FieldMapping m) {
    try {
      return new ConnectionDao.MappingRow(
          connectionId,
          position,
          m.source().name(),
          m.crmField(),
          m.enabled(),
          JSON.writeValueAsString(m.valueMap()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
