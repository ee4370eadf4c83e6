package dev.headroom.crm.sync;

import dev.headroom.crm.client.AlertWebhook;
import dev.headroom.crm.client.Contact;
import dev.headroom.crm.client.CrmCallException;
import dev.headroom.crm.client.TaskWrite;
import dev.headroom.crm.db.ActionDao;
import dev.headroom.crm.db.SyncDao;
import dev.headroom.crm.domain.AccountValues;
import dev.headroom.crm.domain.UsageNarrative;
import dev.headroom.crm.rules.ActionType;
import dev.headroom.crm.rules.AlertMessage;
import dev.headroom.crm.rules.Buyers;
import dev.headroom.crm.rules.WorkflowRule;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import org.jdbi.v3.core.Jdbi;

/**
 * Carries out the queued rule actions of a connection: alerts to its webhook, campaign enrolments
 * and tasks. Each action is settled on its own, after the field sync of its account: one that fails
 * never holds up a record. An outage is retried with the outage backoff without charging an
 * attempt; a refusal is retried with the record backoff and dead-lettered after the records' {@code
 * maxAttempts}, its error kept.
 */
final class ActionRunner {
  private static final Logger LOG = Logger.getLogger(ActionRunner.class.getName());

  /** Actions carried out per connection and tick. */
  private static final int BATCH = 50;

  /** A usage review call is due this many days after its rule fired. */
  private static final int TASK_DUE_IN_DAYS = 3;

  private final Jdbi jdbi;
  private final SyncEngine.Settings settings;
  private final SyncMetrics metrics;
  private final Clock clock;
  private final RandomGenerator random = RandomGenerator.getDefault();

  /** What an action did: its CRM id (task, campaign) and a line for the admin. */
  private record Done(String status, String crmId, String detail) {}

  ActionRunner(Jdbi jdbi, SyncEngine.Settings settings, SyncMetrics metrics, Clock clock) {
    this.jdbi = jdbi;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
  }

  void run(Connections.Live live, List<WorkflowRule> rules) {
    String cid = live.settings().connectionId();
    String provider = Connections.provider(live.settings().provider());
    ActionDao dao = jdbi.onDemand(ActionDao.class);
    Instant now = clock.instant();
    List<ActionDao.ActionRow> due =
        dao.claim(cid, SyncEngine.utc(now), SyncEngine.utc(now.plus(settings.lease())), BATCH);
    if (due.isEmpty()) {
      return;
    }
    SyncDao sync = jdbi.onDemand(SyncDao.class);
    List<String> accountIds = due.stream().map(ActionDao.ActionRow::accountId).distinct().toList();
    Map<String, AccountValues> values = new HashMap<>();
    sync.accounts(accountIds)
        .forEach(a -> values.put(a.accountId(), AccountValuesJson.read(a.accountVals())));
    Map<String, String> crmIds = new HashMap<>();
    sync.synced(cid, accountIds).forEach(s -> crmIds.put(s.accountId(), s.crmRecordId()));
    Map<String, String> ruleNames = new HashMap<>();
    rules.forEach(r -> ruleNames.put(r.ruleId(), r.name()));
    for (ActionDao.ActionRow a : due) {
      Instant at = clock.instant();
      try {
        Done done =
            carryOut(
                live,
                a,
                values.get(a.accountId()),
                crmIds.getOrDefault(a.accountId(), ""),
                ruleNames.getOrDefault(a.ruleId(), a.ruleId()));
        dao.settle(settled(a, done.status(), a.attempts() + 1, at, done.crmId(), done.detail()));
        metrics.action(provider, a.actionType(), done.status().toLowerCase(java.util.Locale.ROOT));
      } catch (CrmCallException e) {
        boolean outage = e.kind() == CrmCallException.Kind.TRANSIENT;
        int attempts = outage ? a.attempts() : a.attempts() + 1;
        boolean dead = attempts >= settings.maxAttempts();
        Instant retryAt =
            at.plus(
                (outage ? settings.outageBackoff() : settings.recordBackoff())
                    .delay(Math.max(0, attempts - 1), random));
        dao.settle(
            settled(a, dead ? "DEAD_LETTERED" : "PENDING", attempts, retryAt, "", e.getMessage()));
        metrics.action(provider, a.actionType(), dead ? "dead_lettered" : "retrying");
        if (dead) {
          LOG.warning(
              () ->
                  "connection "
                      + cid
                      + ": "
                      + a.actionType()
                      + " for account "
                      + a.accountId()
                      + " gave up after "
                      + attempts
                      + " attempts: "
                      + e.getMessage());
        }
      }
    }
  }

  private Done carryOut(
      Connections.Live live,
      ActionDao.ActionRow a,
      AccountValues v,
      String accountCrmId,
      String ruleName)
      throws CrmCallException {
    if (v == null || accountCrmId.isEmpty()) {
      return new Done("SKIPPED", "", "the account is not in the CRM");
    }
    String cid = live.settings().connectionId();
    return switch (ActionType.valueOf(a.actionType())) {
      case SEND_ALERT -> {
        Optional<AlertWebhook> webhook = live.alerts();
        if (webhook.isEmpty()) {
          yield new Done("SKIPPED", "", "the connection has no alert webhook");
        }
        String url = live.client().recordUrl(accountCrmId);
        jdbi.onDemand(ActionDao.class).markSent(cid, a.actionKey());
        webhook.get().post(a.actionKey(), AlertMessage.of(v, ruleName, url).toString());
        yield new Done("DONE", "", "alert posted");
      }
      case ENROLL_CAMPAIGN -> {
        List<Contact> contacts = live.client().contacts(accountCrmId);
        List<String> buyers =
            contacts.stream().filter(c -> Buyers.isBuyer(c.title())).map(Contact::crmId).toList();
        if (buyers.isEmpty()) {
          yield new Done(
              "SKIPPED", "", "none of the account's " + contacts.size() + " contacts is a buyer");
        }
        String campaign = live.client().enroll(a.target(), buyers);
        yield new Done("DONE", campaign, buyers.size() + " buyers enrolled");
      }
      case CREATE_TASK -> {
        boolean mayExist = a.sent();
        jdbi.onDemand(ActionDao.class).markSent(cid, a.actionKey());
        String task =
            live.client()
                .createTask(
                    new TaskWrite(
                        a.actionKey(),
                        a.accountId(),
                        accountCrmId,
                        a.target(),
                        UsageNarrative.of(v),
                        LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                            .plusDays(TASK_DUE_IN_DAYS)),
                    mayExist);
        yield new Done("DONE", task, "task created");
      }
      case CREATE_OPPORTUNITY, ASSIGN_TO_OWNER, FLAG_REVIEW ->
          new Done("SKIPPED", "", "carried out by the field sync");
    };
  }

  private ActionDao.ActionRow settled(
      ActionDao.ActionRow a,
      String status,
      int attempts,
      Instant dueAt,
      String crmId,
      String detail) {
    return new ActionDao.ActionRow(
        a.connectionId(),
        a.actionKey(),
        a.ruleId(),
        a.accountId(),
        a.actionType(),
        a.target(),
        status,
        attempts,
        a.sent(),
        SyncEngine.utc(dueAt),
        crmId,
        detail,
        a.createdAt(),
        SyncEngine.utc(clock.instant()));
  }
}
