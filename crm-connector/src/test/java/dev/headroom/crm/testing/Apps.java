package dev.headroom.crm.testing;

import dev.headroom.crm.app.CrmConfig;
import dev.headroom.kit.config.KitConfig;
import dev.headroom.kit.testing.TestDatabase;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Configuration of a connector under test: short delays so retries and outages play out fast. */
public final class Apps {
  private Apps() {}

  public static CrmConfig config(TestDatabase db, String scoringPeer) {
    return config(db, scoringPeer, Map.of());
  }

  /** As {@link #config(TestDatabase, String)}, with {@code overrides} applied last. */
  public static CrmConfig config(
      TestDatabase db, String scoringPeer, Map<String, String> overrides) {
    Map<String, String> env = required(db, scoringPeer);
    env.put("HEADROOM_CRM_SYNC_POLL_INTERVAL", "50ms");
    env.put("HEADROOM_CRM_SYNC_MAX_ATTEMPTS", "3");
    env.put("HEADROOM_CRM_SYNC_OUTCOME_POLL_INTERVAL", "100ms");
    env.put("HEADROOM_CRM_SYNC_RETRY_INITIAL", "50ms");
    env.put("HEADROOM_CRM_SYNC_RETRY_MAX", "100ms");
    env.put("HEADROOM_CRM_SYNC_OUTAGE_RETRY_INITIAL", "50ms");
    env.put("HEADROOM_CRM_SYNC_OUTAGE_RETRY_MAX", "200ms");
    env.put("HEADROOM_CRM_CRM_HTTP_MAX_ATTEMPTS", "3");
    env.put("HEADROOM_CRM_CRM_HTTP_RETRY_INITIAL", "20ms");
    env.put("HEADROOM_CRM_CRM_HTTP_RETRY_MAX", "100ms");
    env.put("HEADROOM_CRM_SALESFORCE_REQUESTS_PER_SECOND", "1000");
    env.put("HEADROOM_CRM_HUBSPOT_REQUESTS_PER_SECOND", "1000");
    env.putAll(overrides);
    return config(env);
  }

  public static CrmConfig config(Map<String, String> env) {
    return CrmConfig.from(KitConfig.load("crm", "crm.yaml", Apps.class.getClassLoader(), env));
  }

  /** The settings crm.yaml leaves to the environment, for a connector on {@code db}. */
  public static Map<String, String> required(TestDatabase db, String scoringPeer) {
    Map<String, String> env = new HashMap<>();
    env.put("HEADROOM_CRM_DATABASE_URL", db.url());
    env.put("HEADROOM_CRM_DATABASE_USER", db.user());
    env.put("HEADROOM_CRM_DATABASE_PASSWORD", db.password());
    env.put("HEADROOM_CRM_DATABASE_POOL_SIZE", "4");
    env.put("HEADROOM_CRM_PAGING_SECRET", "crm-test-paging-secret-0123456789");
    env.put("HEADROOM_CRM_GRPC_PORT", "0");
    env.put("HEADROOM_CRM_HTTP_PORT", "0");
    env.put("HEADROOM_CRM_HTTP_HOST", "127.0.0.1");
    env.put("HEADROOM_CRM_PEERS_SCORING", scoringPeer);
    env.put("HEADROOM_CRM_SECRETS_KEYS", "k1:" + Base64.getEncoder().encodeToString(new byte[32]));
    env.put("HEADROOM_CRM_SECRETS_ACTIVE_KEY", "k1");
    return env;
  }

  /** Everything logged while installed, messages and stack traces as text. */
  public static final class CapturedLogs extends Handler {
    private final StringBuilder text = new StringBuilder();

    public static CapturedLogs install() {
      CapturedLogs logs = new CapturedLogs();
      Logger.getLogger("").addHandler(logs);
      return logs;
    }

    @Override
    public synchronized void publish(LogRecord r) {
      text.append(r.getLoggerName()).append(' ').append(r.getMessage());
      if (r.getParameters() != null) {
        for (Object p : r.getParameters()) {
          text.append(' ').append(p);
        }
      }
      if (r.getThrown() != null) {
        java.io.StringWriter w = new java.io.StringWriter();
        r.getThrown().printStackTrace(new java.io.PrintWriter(w));
        text.append(' ').append(w);
      }
      text.append('\n');
    }

    public synchronized String text() {
      return text.toString();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      Logger.getLogger("").removeHandler(this);
    }
  }
}
