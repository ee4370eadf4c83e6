package dev.headroom.signal.catalog;

import dev.headroom.signal.domain.Account;
import java.time.Instant;
import java.util.List;

/**
 * An account as the API shows it. A provisional account (events arrived before PutAccount) has only
 * its id: no name, no subscriptions, and nothing is evaluated for it until it is created.
 *
 * @param activatedAt null while not activated
 * @param subscriptionHistory oldest first
 */
public record AccountView(
    String accountId,
    boolean provisional,
    String name,
    long arrMinor,
    String currencyCode,
    String locale,
    String region,
    String crmOwner,
    Instant signupTime,
    Instant activatedAt,
    List<Account.Subscription> subscriptionHistory) {

  public AccountView {
    subscriptionHistory = List.copyOf(subscriptionHistory);
  }

  public static AccountView provisional(String accountId) {
    return new AccountView(accountId, true, "", 0, "", "", "", "", null, null, List.of());
  }

  /** The engine's account, or null for a provisional one. */
  public Account toDomain() {
    return provisional
        ? null
        : new Account(
            accountId,
            name,
            currencyCode,
            locale,
            region,
            crmOwner,
            signupTime,
            subscriptionHistory);
  }

  public List<Account.Subscription> effectiveSubscriptions(Instant t) {
    return provisional ? List.of() : toDomain().effectiveSubscriptions(t);
  }
}
