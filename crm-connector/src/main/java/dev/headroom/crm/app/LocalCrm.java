package dev.headroom.crm.app;

import dev.headroom.crm.admin.ConnectionAdmin;
import dev.headroom.crm.admin.ConnectionInput;
import dev.headroom.crm.admin.ConnectionView;
import dev.headroom.crm.domain.Credentials;
import dev.headroom.crm.domain.DefaultMappings;
import dev.headroom.crm.domain.Provider;
import dev.headroom.crm.standin.SalesforceStandin;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The connector as {@code ./headroom run} starts it on a laptop: an encryption key for this run
 * when none is configured, and the local Salesforce stand-in as the connected CRM unless a real
 * connection exists.
 */
public final class LocalCrm implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LocalCrm.class.getName());
  static final String STANDIN_NAME = "Local Salesforce stand-in";

  private final SalesforceStandin standin;

  private LocalCrm(SalesforceStandin standin) {
    this.standin = standin;
  }

  /**
   * {@code env} plus a random credentials key when {@code HEADROOM_CRM_SECRETS_KEYS} is not set:
   * credentials stored in one run then do not decrypt in the next, acceptable locally only.
   */
  public static Map<String, String> withLocalDefaults(Map<String, String> env) {
    Map<String, String> out = new HashMap<>(env);
    if (!out.containsKey("HEADROOM_CRM_SECRETS_KEYS")
        && !out.containsKey("HEADROOM_SECRETS_KEYS")) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      out.put("HEADROOM_CRM_SECRETS_KEYS", "local:" + Base64.getEncoder().encodeToString(key));
      out.put("HEADROOM_CRM_SECRETS_ACTIVE_KEY", "local");
      LOG.warning(
          "HEADROOM_CRM_SECRETS_KEYS is not set: CRM credentials use a random key for this run");
    }
    return out;
  }

  /**
   * Starts the Salesforce stand-in and connects to it, unless an enabled connection to a real CRM
   * is configured. Stand-in connections of earlier runs are removed (their port is gone).
   */
  public static LocalCrm connect(CrmApp app) {
    ConnectionAdmin admin = app.admin();
    boolean real = false;
    for (ConnectionView c : admin.list()) {
      if (c.displayName().equals(STANDIN_NAME)) {
        admin.delete(c.settings().connectionId(), "headroom run");
      } else if (c.settings().enabled()) {
        real = true;
      }
    }
    if (real) {
      return new LocalCrm(null);
    }
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    SalesforceStandin sf = new SalesforceStandin(Clock.systemUTC(), "headroom-local", secret, "");
    sf.withHeadroomFields();
    sf.addCampaign("Self-serve expansion");
    sf.start();
    admin.create(
        new ConnectionInput(
            Provider.SALESFORCE,
            STANDIN_NAME,
            sf.baseUrl(),
            "",
            DefaultMappings.matchField(Provider.SALESFORCE),
            true,
            false,
            Duration.ofSeconds(5),
            null,
            new Credentials("headroom-local", secret, "", "")),
        "headroom run",
        "");
    LOG.info("CRM connector: connected to the local Salesforce stand-in at " + sf.baseUrl());
    return new LocalCrm(sf);
  }

  @Override
  public void close() {
    if (standin != null) {
      standin.close();
    }
  }
}
