package dev.headroom.app;

import dev.headroom.crm.app.CrmApp;
import dev.headroom.crm.app.CrmConfig;
import dev.headroom.crm.app.LocalCrm;
import dev.headroom.kit.outbox.Outbox;
import dev.headroom.prompt.app.PromptApp;
import dev.headroom.prompt.app.PromptConfig;
import dev.headroom.scoring.app.ScoringApp;
import dev.headroom.scoring.app.ScoringConfig;
import dev.headroom.signal.app.SignalApp;
import dev.headroom.signal.app.SignalConfig;
import dev.headroom.signal.evaluation.AccountChange;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every Headroom service in one JVM on one PostgreSQL, each on its own ports and schema, calling
 * each other through in-process channels (the same client code as between separate deployments, see
 * {@code PeerChannels}). This is what `./headroom run` starts.
 */
public final class Platform implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Platform.class.getName());

  /**
   * The services of the platform. Their ports are the defaults in each service's YAML; here each is
   * also served in-process under its name, and its peers are reached that way.
   */
  static final List<String> SERVICES = List.of("signal", "scoring", "prompt", "crm");

  /**
   * The embedded PostgreSQL's {@code synchronous_commit}, {@code on} unless set: see {@link
   * EmbeddedDatabase#start(Path, int, String)}.
   */
  public static final String EMBEDDED_SYNCHRONOUS_COMMIT =
      "HEADROOM_EMBEDDED_DATABASE_SYNCHRONOUS_COMMIT";

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final Map<String, Endpoints> endpoints = new LinkedHashMap<>();
  private Outbox signalChanges;
  private ScoringApp scoring;

  /** Where one running service listens. */
  public record Endpoints(int grpcPort, int httpPort) {}

  private Platform() {}

  /**
   * Starts the platform. Without {@code HEADROOM_DATABASE_URL} in {@code env} an embedded
   * PostgreSQL is started (data kept in {@code HEADROOM_DATA_DIR} when set).
   */
  public static Platform start(Map<String, String> env) {
    return start(env, Clock.systemUTC());
  }

  /**
   * Starts the platform with every service reading time from {@code clock}: a simulation (the demo)
   * moves it so that windows, sustain periods and cooldowns elapse in minutes.
   */
  public static Platform start(Map<String, String> env, Clock clock) {
    return start(env, clock, true);
  }

  /**
   * @param connectLocalCrm whether to connect crm-connector to a fresh local Salesforce stand-in
   *     (replacing the stand-in connection a previous run left, with the opportunities it opened);
   *     a demo that resumes keeps its connection and points it at its own stand-in again
   */
  public static Platform start(Map<String, String> env, Clock clock, boolean connectLocalCrm) {
    Platform platform = new Platform();
    try {
      platform.startAll(env, clock, connectLocalCrm);
      return platform;
    } catch (RuntimeException e) {
      platform.close();
      throw e;
    }
  }

  private void startAll(Map<String, String> callerEnv, Clock clock, boolean connectLocalCrm) {
    Map<String, String> env = new HashMap<>(callerEnv);
    if (!env.containsKey("HEADROOM_DATABASE_URL")) {
      String dataDir = env.get("HEADROOM_DATA_DIR");
      EmbeddedDatabase db =
          EmbeddedDatabase.start(
              dataDir == null ? null : Path.of(dataDir),
              0,
              env.getOrDefault(EMBEDDED_SYNCHRONOUS_COMMIT, "on"));
      resources.push(db);
      env.put("HEADROOM_DATABASE_URL", db.jdbcUrl());
      env.put("HEADROOM_DATABASE_USER", db.user());
      env.put("HEADROOM_DATABASE_PASSWORD", "");
    }
    if (!env.containsKey("HEADROOM_PAGING_SECRET")) {
      // Page tokens then stop working across restarts, which is acceptable for a local platform
      // only.
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      env.put("HEADROOM_PAGING_SECRET", Base64.getEncoder().encodeToString(secret));
      LOG.warning("HEADROOM_PAGING_SECRET is not set: using a random one for this run");
    }
    for (String service : SERVICES) {
      String upper = service.toUpperCase(Locale.ROOT);
      putDefault(env, upper, "GRPC_IN_PROCESS_ALIAS", service);
      env.putIfAbsent("HEADROOM_PEERS_" + upper, "in-process:" + service);
    }

    // Upstream first: scoring's watch of signal-service connects in-process as soon as it starts.
    SignalApp signal = SignalApp.start(SignalConfig.load(env), clock, null, true);
    resources.push(signal);
    endpoints.put("signal", new Endpoints(signal.grpcPort(), signal.httpPort()));
    signalChanges = new Outbox(signal.database().schema(), signal.database().jdbi());
    scoring = ScoringApp.start(ScoringConfig.load(env), clock, null, true);
    resources.push(scoring);
    endpoints.put("scoring", new Endpoints(scoring.grpcPort(), scoring.httpPort()));
    CrmApp crm = CrmApp.start(CrmConfig.load(LocalCrm.withLocalDefaults(env)), clock, null, true);
    resources.push(crm);
    endpoints.put("crm", new Endpoints(crm.grpcPort(), crm.httpPort()));
    if (connectLocalCrm) {
      resources.push(LocalCrm.connect(crm));
    }
    PromptApp prompt = PromptApp.start(PromptConfig.load(env), clock, null, true);
    resources.push(prompt);
    endpoints.put("prompt", new Endpoints(prompt.grpcPort(), prompt.httpPort()));
    LOG.info(() -> "Headroom is up: " + endpoints);
  }

  /**
   * Sets {@code HEADROOM_<SERVICE>_<KEY>} unless the caller set it or its shared {@code
   * HEADROOM_<KEY>}.
   */
  private static void putDefault(
      Map<String, String> env, String service, String key, String value) {
    if (!env.containsKey("HEADROOM_" + key)) {
      env.putIfAbsent("HEADROOM_" + service + "_" + key, value);
    }
  }

  /**
   * The account changes signal-service has published that scoring-service has not applied yet: the
   * head of signal-service's change feed less the cursor scoring-service stored with the scores it
   * computed. Zero means every score reflects every change published so far.
   */
  public long scoringBacklog() {
    return Math.max(0, signalChanges.lastSeq(AccountChange.STREAM) - scoring.consumerPosition());
  }

  /** The services that run, in start order, with their ports. */
  public Map<String, Endpoints> endpoints() {
    return Map.copyOf(endpoints);
  }

  /** Stops the services in reverse start order, then the embedded database. */
  @Override
  public void close() {
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "stopping " + r.getClass().getSimpleName() + " failed", e);
      }
    }
  }
}
