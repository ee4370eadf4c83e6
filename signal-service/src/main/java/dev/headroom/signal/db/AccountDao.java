package dev.headroom.signal.db;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/**
 * Accounts, their subscription history, and the registry of every account id seen (created or
 * provisional).
 */
public interface AccountDao {

  /** A listed account id; the account columns are null for a provisional account (events only). */
  record AccountRow(
      String accountId,
      boolean created,
      String name,
      Long arrMinor,
      String currencyCode,
      String locale,
      String region,
      String crmOwner,
      OffsetDateTime signupTime,
      OffsetDateTime activatedAt) {}

  record SubscriptionRow(
      String accountId,
      String productKey,
      String planKey,
      int seatsPurchased,
      OffsetDateTime since) {}

  record AccountWrite(
      String accountId,
      String name,
      long arrMinor,
      String currencyCode,
      String locale,
      String region,
      String crmOwner,
      OffsetDateTime signupTime) {}

  String SELECT_ACCOUNT =
      """
      SELECT s.account_id, a.account_id IS NOT NULL AS created, a.name, a.arr_minor, a.currency_code, a.locale,
             a.region, a.crm_owner, a.signup_time, a.activated_at
      FROM account_seen s LEFT JOIN account a ON a.account_id = s.account_id\
      """;

  @SqlQuery(SELECT_ACCOUNT + " WHERE s.account_id = :id")
  @RegisterConstructorMapper(AccountRow.class)
  Optional<AccountRow> find(@Bind("id") String accountId);

  @SqlQuery(SELECT_ACCOUNT + " WHERE s.account_id > :after ORDER BY s.account_id LIMIT :limit")
  @RegisterConstructorMapper(AccountRow.class)
  List<AccountRow> page(@Bind("after") String after, @Bind("limit") int limit);

  @SqlQuery(
      """
      SELECT account_id, product_key, plan_key, seats_purchased, since FROM subscription
      WHERE account_id IN (<ids>) ORDER BY account_id, since, product_key\
      """)
  @RegisterConstructorMapper(SubscriptionRow.class)
  List<SubscriptionRow> subscriptions(@BindList("ids") Collection<String> accountIds);

  @SqlQuery(
      "SELECT account_id FROM account WHERE account_id > :after ORDER BY account_id LIMIT :limit")
  List<String> createdIds(@Bind("after") String after, @Bind("limit") int limit);

  @SqlUpdate(
      """
      INSERT INTO account (account_id, name, arr_minor, currency_code, locale, region, crm_owner, signup_time)
      VALUES (:accountId, :name, :arrMinor, :currencyCode, :locale, :region, :crmOwner, :signupTime)
      ON CONFLICT (account_id) DO UPDATE SET name = EXCLUDED.name, arr_minor = EXCLUDED.arr_minor,
        currency_code = EXCLUDED.currency_code, locale = EXCLUDED.locale, region = EXCLUDED.region,
        crm_owner = EXCLUDED.crm_owner, signup_time = EXCLUDED.signup_time, updated_at = now()\
      """)
  void upsert(@BindMethods AccountWrite row);

  @SqlUpdate(
      """
      INSERT INTO subscription (account_id, product_key, since, plan_key, seats_purchased)
      VALUES (:accountId, :productKey, :since, :planKey, :seatsPurchased)
      ON CONFLICT (account_id, product_key, since) DO UPDATE SET plan_key = EXCLUDED.plan_key,
        seats_purchased = EXCLUDED.seats_purchased, recorded_at = now()\
      """)
  void appendSubscription(@BindMethods SubscriptionRow row);

  @SqlUpdate("INSERT INTO account_seen (account_id) VALUES (:id) ON CONFLICT DO NOTHING")
  void registerId(@Bind("id") String accountId);

  @SqlUpdate(
      """
      INSERT INTO account_state (account_id, account_dirty) VALUES (:id, true)
      ON CONFLICT (account_id) DO UPDATE SET account_dirty = true\
      """)
  void markAccountChanged(@Bind("id") String accountId);

  @SqlUpdate(
      "UPDATE account SET activated_at = :at WHERE account_id = :id AND activated_at IS DISTINCT"
          + " FROM :at")
  int setActivatedAt(@Bind("id") String accountId, @Bind("at") OffsetDateTime activatedAt);

  /** Writes the account, appends its subscriptions and flags the ACCOUNT change, atomically. */
  @Transaction
  default void put(AccountWrite account, List<SubscriptionRow> newSubscriptions) {
    upsert(account);
    registerId(account.accountId());
    for (SubscriptionRow s : newSubscriptions) {
      appendSubscription(s);
    }
    markAccountChanged(account.accountId());
  }
}
