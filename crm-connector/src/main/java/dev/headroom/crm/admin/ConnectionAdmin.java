package dev.headroom.crm.admin;

import dev.headroom.crm.db.ConnectionDao;
import dev.headroom.crm.db.SyncDao;
import dev.headroom.crm.domain.ConnectionCheck;
import dev.headroom.crm.domain.Credentials;
import dev.headroom.crm.domain.DefaultMappings;
import dev.headroom.crm.domain.FieldKind;
import dev.headroom.crm.domain.FieldMapping;
import dev.headroom.crm.domain.Provider;
import dev.headroom.crm.rules.Rules;
import dev.headroom.crm.rules.WorkflowRule;
import dev.headroom.crm.secrets.CredentialVault;
import dev.headroom.crm.sync.Connections;
import dev.headroom.crm.sync.Ids;
import dev.headroom.kit.error.DomainException;
import dev.headroom.kit.error.Reason;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * Admin use cases on connections and field mappings: validation with every bad field named,
 * credentials sealed before they touch the database, optimistic versions, and an audit entry per
 * change.
 */
public final class ConnectionAdmin {
  /**
   * API names of CRM fields: Salesforce {@code Expansion_Type__c}, HubSpot {@code expansion_type}.
   */
  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");

  private static final Pattern API_VERSION = Pattern.compile("v\\d{2,3}\\.\\d");

  /** The settable paths of UpdateConnection's update_mask. */
  public static final Set<String> MASK_PATHS =
      Set.of(
          "display_name",
          "base_url",
          "api_version",
          "match_field",
          "enabled",
          "dry_run",
          "debounce",
          "reconcile_interval",
          "credentials");

  /**
   * @param defaultApiVersion the Salesforce API version of connections that do not set one
   */
  public record Defaults(String defaultApiVersion, Duration debounce, Duration reconcileInterval) {}

  private final Jdbi jdbi;
  private final CredentialVault vault;
  private final Connections connections;
  private final Audit audit;
  private final Rules rules;
  private final Defaults defaults;
  private final Clock clock;
  private final Ids ids;

  public ConnectionAdmin(
      Jdbi jdbi,
      CredentialVault vault,
      Connections connections,
      Audit audit,
      Rules rules,
      Defaults defaults,
      Clock clock,
      Ids ids) {
    this.jdbi = jdbi;
    this.vault = vault;
    this.connections = connections;
    this.audit = audit;
    this.rules = rules;
    this.defaults = defaults;
    this.clock = clock;
    this.ids = ids;
  }

  public ConnectionView create(ConnectionInput in, String actor, String requestId) {
    DomainException.Violations v = new DomainException.Violations();
    validate(in, v, "connection.", true);
    v.check(requestId.length() <= 128, "request_id", "at most 128 characters");
    v.throwIfAny();
    ConnectionDao dao = jdbi.onDemand(ConnectionDao.class);
    if (!requestId.isEmpty()) {
      Optional<ConnectionDao.ConnectionRow> earlier = dao.findByRequestId(requestId);
      if (earlier.isPresent()) {
        return replayOfCreate(earlier.get(), in, requestId);
      }
    }
    String id = ids.next("con-");
    OffsetDateTime now = now();
    ConnectionDao.ConnectionRow row =
        new ConnectionDao.ConnectionRow(
            id,
            in.provider().name(),
            in.displayName().strip(),
            trimSlash(in.baseUrl()),
            apiVersion(in.apiVersion()),
            in.matchField(),
            in.enabled(),
            in.dryRun(),
            orDefault(in.debounce(), defaults.debounce()).toMillis(),
            orDefault(in.reconcileInterval(), defaults.reconcileInterval()).toMillis(),
            vault.seal(id, in.credentials()),
            1,
            requestId.isEmpty() ? null : requestId,
            now,
            now,
            null,
            null);
    boolean inserted =
        jdbi.inTransaction(
            h -> {
              ConnectionDao tx = h.attach(ConnectionDao.class);
              if (tx.insert(row) == 0) {
                return false;
              }
              List<FieldMapping> mappings = DefaultMappings.of(in.provider());
              List<ConnectionDao.MappingRow> rows = new ArrayList<>();
              for (int i = 0; i < mappings.size(); i++) {
                rows.add(Connections.row(id, i, mappings.get(i)));
              }
              tx.insertMappings(rows);
              rules.createDefaults(h, id);
              audit.record(
                  h,
                  actor,
                  "connection.create",
                  id,
                  List.of("provider", "display_name", "base_url", "match_field", "credentials"));
              return true;
            });
    if (!inserted) {
      // A concurrent retry with the same request_id won the insert.
      return replayOfCreate(dao.findByRequestId(requestId).orElseThrow(), in, requestId);
    }
    return get(id);
  }

  private ConnectionView replayOfCreate(
      ConnectionDao.ConnectionRow earlier, ConnectionInput in, String requestId) {
    boolean same =
        earlier.provider().equals(in.provider().name())
            && earlier.displayName().equals(in.displayName().strip())
            && earlier.baseUrl().equals(trimSlash(in.baseUrl()))
            && earlier.matchField().equals(in.matchField());
    if (!same || earlier.deletedAt() != null) {
      throw new DomainException.AlreadyExists("request_id", requestId);
    }
    return view(earlier);
  }

  public ConnectionView update(
      String connectionId,
      ConnectionInput in,
      Set<String> mask,
      long expectedVersion,
      String actor) {
    ConnectionDao dao = jdbi.onDemand(ConnectionDao.class);
    ConnectionDao.ConnectionRow current = find(dao, connectionId);
    DomainException.Violations v = new DomainException.Violations();
    Set<String> paths = mask.isEmpty() ? new HashSet<>(MASK_PATHS) : mask;
    for (String p : paths) {
      v.check(
          MASK_PATHS.contains(p), "update_mask", "unknown path " + p + "; settable: " + MASK_PATHS);
    }
    if (mask.isEmpty() && isBlank(in.credentials())) {
      paths.remove("credentials");
    }
    Provider provider = Provider.valueOf(current.provider());
    ConnectionInput merged =
        new ConnectionInput(
            provider,
            paths.contains("display_name") ? in.displayName() : current.displayName(),
            paths.contains("base_url") ? in.baseUrl() : current.baseUrl(),
            paths.contains("api_version") ? in.apiVersion() : current.apiVersion(),
            paths.contains("match_field") ? in.matchField() : current.matchField(),
            paths.contains("enabled") ? in.enabled() : current.enabled(),
            paths.contains("dry_run") ? in.dryRun() : current.dryRun(),
            paths.contains("debounce")
                ? orDefault(in.debounce(), defaults.debounce())
                : Duration.ofMillis(current.debounceMs()),
            paths.contains("reconcile_interval")
                ? orDefault(in.reconcileInterval(), defaults.reconcileInterval())
                : Duration.ofMillis(current.reconcileIntervalMs()),
            paths.contains("credentials") ? in.credentials() : null);
    validate(merged, v, "connection.", paths.contains("credentials"));
    v.throwIfAny();
    if (current.version() != expectedVersion && expectedVersion != 0) {
      throw new DomainException.FailedPrecondition(
          Reason.FAILED_PRECONDITION,
          "connection "
              + connectionId
              + " is at version "
              + current.version()
              + ", not "
              + expectedVersion);
    }
    ConnectionDao.ConnectionRow row =
        new ConnectionDao.ConnectionRow(
            connectionId,
            current.provider(),
            merged.displayName().strip(),
            trimSlash(merged.baseUrl()),
            apiVersion(merged.apiVersion()),
            merged.matchField(),
            merged.enabled(),
            merged.dryRun(),
            merged.debounce().toMillis(),
            merged.reconcileInterval().toMillis(),
            paths.contains("credentials")
                ? vault.seal(connectionId, merged.credentials())
                : current.credentialsSealed(),
            current.version(),
            current.requestId(),
            current.createdAt(),
            now(),
            null,
            current.lastReconcileAt());
    jdbi.useTransaction(
        h -> {
          if (h.attach(ConnectionDao.class).update(row) == 0) {
            throw new DomainException.FailedPrecondition(
                Reason.FAILED_PRECONDITION,
                "connection " + connectionId + " changed meanwhile; read it again");
          }
          audit.record(h, actor, "connection.update", connectionId, new java.util.TreeSet<>(paths));
        });
    return get(connectionId);
  }

  public ConnectionView get(String connectionId) {
    return view(find(jdbi.onDemand(ConnectionDao.class), connectionId));
  }

  public List<ConnectionView> list() {
    return jdbi.onDemand(ConnectionDao.class).list().stream().map(this::view).toList();
  }

  public void delete(String connectionId, String actor) {
    jdbi.useTransaction(
        h -> {
          if (h.attach(ConnectionDao.class).markDeleted(connectionId, now()) == 0) {
            throw new DomainException.NotFound("connection", connectionId);
          }
          h.createUpdate("DELETE FROM pending_sync WHERE connection_id = :id")
              .bind("id", connectionId)
              .execute();
          audit.record(
              h, actor, "connection.delete", connectionId, List.of("enabled", "credentials"));
        });
  }

  public List<ConnectionCheck> test(String connectionId) {
    ConnectionDao dao = jdbi.onDemand(ConnectionDao.class);
    find(dao, connectionId);
    return connections
        .live(connectionId)
        .map(
            live -> {
              List<ConnectionCheck> checks = new ArrayList<>(live.client().test(live.mappings()));
              boolean signedIn =
                  checks.stream().noneMatch(c -> c.name().equals("authentication") && !c.passed());
              if (signedIn) {
                checks.addAll(ruleChecks(live));
              }
              return List.copyOf(checks);
            })
        .orElse(
            List.of(
                new ConnectionCheck(
                    "credentials",
                    false,
                    "No credentials are stored: set them with UpdateConnection")));
  }

  /**
   * What the connection's enabled rules need: the task key field for CREATE_TASK, each
   * ENROLL_CAMPAIGN's campaign or list, and the alert webhook for SEND_ALERT (which is not called:
   * a test must not post to the team's channel).
   */
  private List<ConnectionCheck> ruleChecks(Connections.Live live) {
    boolean createsTasks = false;
    Set<String> campaigns = new LinkedHashSet<>();
    List<String> alerting = new ArrayList<>();
    for (WorkflowRule rule : rules.forConnection(live.settings().connectionId())) {
      if (!rule.enabled()) {
        continue;
      }
      for (WorkflowRule.Action action : rule.actions()) {
        switch (action.type()) {
          case CREATE_TASK -> createsTasks = true;
          case ENROLL_CAMPAIGN -> campaigns.add(action.target());
          case SEND_ALERT -> alerting.add("'" + rule.name() + "'");
          case CREATE_OPPORTUNITY, ASSIGN_TO_OWNER, FLAG_REVIEW -> {}
        }
      }
    }
    List<ConnectionCheck> checks =
        new ArrayList<>(live.client().testRuleTargets(createsTasks, campaigns));
    if (!alerting.isEmpty()) {
      boolean one = alerting.size() == 1;
      String rulesNamed = (one ? "Rule " : "Rules ") + String.join(", ", alerting);
      checks.add(
          live.alerts().isPresent()
              ? new ConnectionCheck(
                  "alert webhook",
                  true,
                  "Set: "
                      + rulesNamed
                      + (one ? " posts" : " post")
                      + " alerts there (not called by this test)")
              : new ConnectionCheck(
                  "alert webhook",
                  false,
                  rulesNamed
                      + (one ? " sends" : " send")
                      + " alerts, but the connection has no alert_webhook_url: add it to the"
                      + " credentials (UpdateConnection with update_mask credentials), or remove"
                      + " SEND_ALERT from the rules"));
    }
    return checks;
  }

  public List<FieldMapping> mappings(String connectionId) {
    ConnectionDao dao = jdbi.onDemand(ConnectionDao.class);
    find(dao, connectionId);
    return Connections.mappings(dao, connectionId);
  }

  /** Replaces the mappings; the next sync sends what the new mapping changes. */
  public List<FieldMapping> updateMappings(
      String connectionId, List<FieldMapping> mappings, String actor) {
    ConnectionDao dao = jdbi.onDemand(ConnectionDao.class);
    ConnectionDao.ConnectionRow current = find(dao, connectionId);
    validateMappings(mappings, current.matchField());
    jdbi.useTransaction(
        h -> {
          ConnectionDao tx = h.attach(ConnectionDao.class);
          tx.deleteMappings(connectionId);
          List<ConnectionDao.MappingRow> rows = new ArrayList<>();
          for (int i = 0; i < mappings.size(); i++) {
            rows.add(Connections.row(connectionId, i, mappings.get(i)));
          }
          tx.insertMappings(rows);
          h.createUpdate(
                  "UPDATE connection SET version = version + 1, updated_at = :at WHERE"
                      + " connection_id = :id")
              .bind("id", connectionId)
              .bind("at", now())
              .execute();
          h.attach(SyncDao.class).enqueueAll(connectionId, "CHANGE", null, now());
          audit.record(
              h,
              actor,
              "mappings.update",
              connectionId,
              mappings.stream().map(m -> m.source().name()).toList());
        });
    return mappings(connectionId);
  }

  static void validateMappings(List<FieldMapping> mappings, String matchField) {
    DomainException.Violations v = new DomainException.Violations();
    Set<String> sources = new HashSet<>();
    Set<String> fields = new HashSet<>();
    for (int i = 0; i < mappings.size(); i++) {
      FieldMapping m = mappings.get(i);
      String at = "mappings[" + i + "].";
      if (m.source() == null) {
        v.add(at + "source", "required: one of the SourceField values");
        continue;
      }
      v.check(sources.add(m.source().name()), at + "source", m.source() + " is mapped twice");
      if (!FIELD_NAME.matcher(m.crmField()).matches()) {
        v.add(
            at + "crm_field",
            "an API field name: a letter, then letters, digits and _ (at most 80)");
      } else {
        v.check(
            fields.add(m.crmField().toLowerCase(java.util.Locale.ROOT)),
            at + "crm_field",
            m.crmField() + " is the target of two mappings");
        v.check(
            !m.crmField().equalsIgnoreCase(matchField),
            at + "crm_field",
            m.crmField() + " is the match field and holds the account id");
      }
      boolean picklist =
          m.source().kind() == FieldKind.PICKLIST || !m.source().defaultLabels().isEmpty();
      for (var e : m.valueMap().entrySet()) {
        if (!picklist) {
          v.add(at + "value_map", m.source() + " has no values to map");
          break;
        }
        v.check(
            m.source().defaultLabels().containsKey(e.getKey()),
            at + "value_map",
            e.getKey()
                + " is not a value of "
                + m.source()
                + "; values: "
                + new java.util.TreeSet<>(m.source().defaultLabels().keySet()));
        v.check(
            !e.getValue().isBlank(),
            at + "value_map",
            "the CRM value for " + e.getKey() + " is empty");
      }
    }
    v.throwIfAny();
  }

  private void validate(
      ConnectionInput in, DomainException.Violations v, String p, boolean credentials) {
    v.check(in.provider() != null, p + "provider", "required: SALESFORCE or HUBSPOT");
    v.check(
        in.displayName() != null && !in.displayName().isBlank() && in.displayName().length() <= 200,
        p + "display_name",
        "required, at most 200 characters");
    baseUrlProblem(in.baseUrl()).ifPresent(problem -> v.add(p + "base_url", problem));
    v.check(
        in.apiVersion() == null
            || in.apiVersion().isEmpty()
            || API_VERSION.matcher(in.apiVersion()).matches(),
        p + "api_version",
        "like v62.0");
    v.check(
        in.matchField() != null && FIELD_NAME.matcher(in.matchField()).matches(),
        p + "match_field",
        "required: the external id field (Salesforce) or unique property (HubSpot) holding the"
            + " account id");
    checkDuration(v, p + "debounce", in.debounce(), Duration.ZERO, Duration.ofHours(1));
    checkDuration(
        v,
        p + "reconcile_interval",
        in.reconcileInterval(),
        Duration.ofMinutes(1),
        Duration.ofDays(30));
    if (credentials && in.provider() != null) {
      Credentials c = in.credentials() == null ? new Credentials("", "", "", "") : in.credentials();
      if (in.provider() == Provider.SALESFORCE) {
        v.check(
            !c.clientId().isBlank(),
            p + "credentials.client_id",
            "required for Salesforce (the connected app's consumer key)");
        v.check(
            !c.clientSecret().isBlank(),
            p + "credentials.client_secret",
            "required for Salesforce (the connected app's consumer secret)");
      } else {
        v.check(
            !c.accessToken().isBlank(),
            p + "credentials.access_token",
            "required for HubSpot (the private app's access token)");
      }
      if (!c.alertWebhookUrl().isEmpty()) {
        baseUrlProblem(c.alertWebhookUrl())
            .ifPresent(problem -> v.add(p + "credentials.alert_webhook_url", problem));
      }
    }
  }

  private static void checkDuration(
      DomainException.Violations v, String field, Duration d, Duration min, Duration max) {
    if (d != null) {
      v.check(
          d.compareTo(min) >= 0 && d.compareTo(max) <= 0, field, "between " + min + " and " + max);
    }
  }

  static Optional<String> baseUrlProblem(String url) {
    if (url == null || url.isBlank()) {
      return Optional.of("required: https://...");
    }
    try {
      URI uri = new URI(url);
      String host = uri.getHost();
      if (host == null || uri.getQuery() != null || uri.getFragment() != null) {
        return Optional.of("an absolute URL without query or fragment");
      }
      boolean loopback =
          host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]");
      if ("https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && loopback)) {
        return Optional.empty();
      }
      return Optional.of("must be https (http only to a loopback address)");
    } catch (URISyntaxException e) {
      return Optional.of("not a URL");
    }
  }

  private ConnectionView view(ConnectionDao.ConnectionRow r) {
    return new ConnectionView(
        Connections.settings(r),
        r.displayName(),
        r.credentialsSealed() != null,
        r.createdAt().toInstant(),
        r.updatedAt().toInstant());
  }

  private static ConnectionDao.ConnectionRow find(ConnectionDao dao, String connectionId) {
    return dao.find(Objects.requireNonNullElse(connectionId, ""))
        .orElseThrow(() -> new DomainException.NotFound("connection", connectionId));
  }

  private String apiVersion(String v) {
    return v == null || v.isEmpty() ? defaults.defaultApiVersion() : v;
  }

  private static Duration orDefault(Duration d, Duration fallback) {
    return d == null ? fallback : d;
  }

  private static boolean isBlank(Credentials c) {
    return c == null
        || (c.clientId().isEmpty()
            && c.clientSecret().isEmpty()
            && c.refreshToken().isEmpty()
            && c.accessToken().isEmpty()
            && c.alertWebhookUrl().isEmpty());
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private OffsetDateTime now() {
    Instant now = clock.instant();
    return now.atOffset(ZoneOffset.UTC);
  }
}
