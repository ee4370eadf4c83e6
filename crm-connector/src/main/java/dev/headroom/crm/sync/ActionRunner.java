package dev.headroom.crm.sync;

import dev.headroom.crm.client.AlertWebhook;
import dev.headroom.crm.client.Contact;
import dev.headroom.crm.client.CrmCallException;
import dev.headroom.crm.client.RecordResult;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import org.jdbi.v3.core.Jdbi;

/**
 * Carries out the queued rule actions of a connection in batches: the tasks of a batch through one
 * batch create, the enrolments of a batch through one contact lookup and one batch enrolment per
 * campaign, alerts one by one to the webhook. Each action is settled on its own, from the CRM's
 * per-record answer: one that fails never holds up the others or a record. An outage is retried
 * with the outage backoff without charging an attempt; a refusal is retried with the record backoff
 * and dead-lettered after the records' {@code maxAttempts}, the CRM's message kept.
 */
final class ActionRunner {
  private static final Logger LOG = Logger.getLogger(ActionRunner.class.getName());

  /** A usage review call is due this many days after its rule fired. */
  private static final int TASK_DUE_IN_DAYS = 3;

  private final Jdbi jdbi;
  private final SyncEngine.Settings settings;
  private final SyncMetrics metrics;
  private final Clock clock;
  private final RandomGenerator random = RandomGenerator.getDefault();

  /** What the CRM (or the webhook) made of one action. */
  private sealed interface Outcome {}

  /** Carried out or skipped: its CRM id (task, campaign) and a line for the admin. */
  private record Done(String status, String crmId, String detail) implements Outcome {}

  /**
   * Not carried out.
   *
   * @param outage the CRM was unavailable or throttled: retried without charging an attempt
   */
  private record Failed(boolean outage, String message) implements Outcome {
    static Failed of(CrmCallException e) {
      return new Failed(e.kind() == CrmCallException.Kind.TRANSIENT, e.getMessage());
    }

    static Failed of(RecordResult refused) {
      return new Failed(false, refused.errorMessage());
    }
  }

  /** The account facts a batch of actions needs. */
  private record Batch(
      Connections.Live live,
      Map<String, AccountValues> values,
      Map<String, String> crmIds,
      Map<String, String> ruleNames) {}

  ActionRunner(Jdbi jdbi, SyncEngine.Settings settings, SyncMetrics metrics, Clock clock) {
    this.jdbi = jdbi;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Carries out at most {@code batches} batches of the connection's due actions, each of at most
   * the client's action batch size.
   *
   * @return true when a batch was full (more may be due)
   */
  boolean run(Connections.Live live, List<WorkflowRule> rules, int batches) {
    String cid = live.settings().connectionId();
    int limit = live.client().actionBatchLimit();
    ActionDao dao = jdbi.onDemand(ActionDao.class);
    for (int b = 0; b < batches; b++) {
      Instant now = clock.instant();
      List<ActionDao.ActionRow> due =
          dao.claim(cid, SyncEngine.utc(now), SyncEngine.utc(now.plus(settings.lease())), limit);
      if (due.isEmpty()) {
        return false;
      }
      carryOut(batch(live, rules, due), due);
      if (due.size() < limit) {
        return false;
      }
    }
    return true;
  }

  private Batch batch(
      Connections.Live live, List<WorkflowRule> rules, List<ActionDao.ActionRow> due) {
    SyncDao sync = jdbi.onDemand(SyncDao.class);
    List<String> accountIds = due.stream().map(ActionDao.ActionRow::accountId).distinct().toList();
    Map<String, AccountValues> values = new HashMap<>();
    sync.accounts(accountIds)
        .forEach(a -> values.put(a.accountId(), AccountValuesJson.read(a.accountVals())));
    Map<String, String> crmIds = new HashMap<>();
    sync.synced(live.settings().connectionId(), accountIds.toArray(String[]::new))
        .forEach(s -> crmIds.put(s.accountId(), s.crmRecordId()));
    Map<String, String> ruleNames = new HashMap<>();
    rules.forEach(r -> ruleNames.put(r.ruleId(), r.name()));
    return new Batch(live, values, crmIds, ruleNames);
  }

  private void carryOut(Batch batch, List<ActionDao.ActionRow> due) {
    Map<ActionDao.ActionRow, Outcome> outcomes = new LinkedHashMap<>();
    List<ActionDao.ActionRow> alerts = new ArrayList<>();
    List<ActionDao.ActionRow> enrolments = new ArrayList<>();
    List<ActionDao.ActionRow> tasks = new ArrayList<>();
    for (ActionDao.ActionRow a : due) {
      ActionType type = ActionType.valueOf(a.actionType());
      if (!batch.values().containsKey(a.accountId())
          || batch.crmIds().getOrDefault(a.accountId(), "").isEmpty()) {
        outcomes.put(a, new Done("SKIPPED", "", "the account is not in the CRM"));
        continue;
      }
      switch (type) {
        case SEND_ALERT -> alerts.add(a);
        case ENROLL_CAMPAIGN -> enrolments.add(a);
        case CREATE_TASK -> tasks.add(a);
        case CREATE_OPPORTUNITY, ASSIGN_TO_OWNER, FLAG_REVIEW ->
            outcomes.put(a, new Done("SKIPPED", "", "carried out by the field sync"));
      }
    }
    alerts.forEach(a -> outcomes.put(a, alert(batch, a)));
    outcomes.putAll(enrol(batch, enrolments));
    outcomes.putAll(createTasks(batch, tasks));
    settle(batch.live(), outcomes);
  }

  private Outcome alert(Batch batch, ActionDao.ActionRow a) {
    Optional<AlertWebhook> webhook = batch.live().alerts();
    if (webhook.isEmpty()) {
      return new Done("SKIPPED", "", "the connection has no alert webhook");
    }
    try {
      String url = batch.live().client().recordUrl(batch.crmIds().get(a.accountId()));
      jdbi.onDemand(ActionDao.class).markSent(a.connectionId(), List.of(a.actionKey()));
      webhook
          .get()
          .post(
              a.actionKey(),
              AlertMessage.of(
                      batch.values().get(a.accountId()),
                      batch.ruleNames().getOrDefault(a.ruleId(), a.ruleId()),
                      url)
                  .toString());
      return new Done("DONE", "", "alert posted");
    } catch (CrmCallException e) {
      return Failed.of(e);
    }
  }

  /**
   * One contact lookup for all the accounts, then one batch enrolment per campaign with every
   * buyer; an enrolment is done when all its buyers are, and fails with the CRM's message for the
   * first buyer it refused.
   */
  private Map<ActionDao.ActionRow, Outcome> enrol(Batch batch, List<ActionDao.ActionRow> due) {
    Map<ActionDao.ActionRow, Outcome> outcomes = new HashMap<>();
    if (due.isEmpty()) {
      return outcomes;
    }
    Map<String, List<Contact>> contacts;
    try {
      contacts =
          batch
              .live()
              .client()
              .contacts(
                  due.stream().map(a -> batch.crmIds().get(a.accountId())).distinct().toList());
    } catch (CrmCallException e) {
      due.forEach(a -> outcomes.put(a, Failed.of(e)));
      return outcomes;
    }
    Map<String, List<ActionDao.ActionRow>> byCampaign = new LinkedHashMap<>();
    Map<ActionDao.ActionRow, List<String>> buyers = new HashMap<>();
    for (ActionDao.ActionRow a : due) {
      List<Contact> of = contacts.getOrDefault(batch.crmIds().get(a.accountId()), List.of());
      List<String> ids =
          of.stream().filter(c -> Buyers.isBuyer(c.title())).map(Contact::crmId).toList();
      if (ids.isEmpty()) {
        outcomes.put(
            a,
            new Done("SKIPPED", "", "none of the account's " + of.size() + " contacts is a buyer"));
      } else {
        buyers.put(a, ids);
        byCampaign.computeIfAbsent(a.target(), k -> new ArrayList<>()).add(a);
      }
    }
    byCampaign.forEach(
        (campaign, actions) -> {
          List<String> all =
              actions.stream().flatMap(a -> buyers.get(a).stream()).distinct().toList();
          try {
            Map<String, RecordResult> results = new HashMap<>();
            batch.live().client().enroll(campaign, all).forEach(r -> results.put(r.accountId(), r));
            for (ActionDao.ActionRow a : actions) {
              List<String> mine = buyers.get(a);
              outcomes.put(
                  a,
                  mine.stream()
                      .map(results::get)
                      .filter(r -> !r.success())
                      .findFirst()
                      .<Outcome>map(Failed::of)
                      .orElseGet(
                          () ->
                              new Done(
                                  "DONE",
                                  results.get(mine.get(0)).crmId(),
                                  mine.size() + " buyers enrolled")));
            }
          } catch (CrmCallException e) {
            actions.forEach(a -> outcomes.put(a, Failed.of(e)));
          }
        });
    return outcomes;
  }

  /**
   * One batch create for the tasks; each is marked sent first, so that after a lost answer the next
   * attempt looks it up by its key instead of creating a second.
   */
  private Map<ActionDao.ActionRow, Outcome> createTasks(
      Batch batch, List<ActionDao.ActionRow> due) {
    Map<ActionDao.ActionRow, Outcome> outcomes = new HashMap<>();
    if (due.isEmpty()) {
      return outcomes;
    }
    LocalDate dueDate =
        LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(TASK_DUE_IN_DAYS);
    List<TaskWrite> writes =
        due.stream()
            .map(
                a ->
                    new TaskWrite(
                        a.actionKey(),
                        a.accountId(),
                        batch.crmIds().get(a.accountId()),
                        a.target(),
                        UsageNarrative.of(batch.values().get(a.accountId())),
                        dueDate,
                        a.sent()))
            .toList();
    jdbi.onDemand(ActionDao.class)
        .markSent(
            batch.live().settings().connectionId(),
            due.stream().map(ActionDao.ActionRow::actionKey).toList());
    try {
      List<RecordResult> results = batch.live().client().createTasks(writes);
      for (int i = 0; i < due.size(); i++) {
        RecordResult r = results.get(i);
        outcomes.put(
            due.get(i), r.success() ? new Done("DONE", r.crmId(), "task created") : Failed.of(r));
      }
    } catch (CrmCallException e) {
      due.forEach(a -> outcomes.put(a, Failed.of(e)));
    }
    return outcomes;
  }

  private void settle(Connections.Live live, Map<ActionDao.ActionRow, Outcome> outcomes) {
    String provider = Connections.provider(live.settings().provider());
    Instant at = clock.instant();
    List<ActionDao.ActionRow> settled = new ArrayList<>();
    outcomes.forEach(
        (a, outcome) -> {
          switch (outcome) {
            case Done done -> {
              settled.add(
                  settled(a, done.status(), a.attempts() + 1, at, done.crmId(), done.detail()));
              metrics.action(provider, a.actionType(), done.status().toLowerCase(Locale.ROOT));
            }
            case Failed failed -> {
              int attempts = failed.outage() ? a.attempts() : a.attempts() + 1;
              boolean dead = attempts >= settings.maxAttempts();
              Instant retryAt =
                  at.plus(
                      (failed.outage() ? settings.outageBackoff() : settings.recordBackoff())
                          .delay(Math.max(0, attempts - 1), random));
              settled.add(
                  settled(
                      a,
                      dead ? "DEAD_LETTERED" : "PENDING",
                      attempts,
                      retryAt,
                      "",
                      failed.message()));
              metrics.action(provider, a.actionType(), dead ? "dead_lettered" : "retrying");
              if (dead) {
                LOG.warning(
                    () ->
                        "connection "
                            + a.connectionId()
                            + ": "
                            + a.actionType()
                            + " for account "
                            + a.accountId()
                            + " gave up after "
                            + attempts
                            + " attempts: "
                            + failed.message());
              }
            }
          }
        });
    jdbi.onDemand(ActionDao.class).settle(settled);
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
