package dev.headroom.prompt.context;

import dev.headroom.kit.observe.CheckResult;
import dev.headroom.kit.observe.ReadinessCheck;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The decision's context in memory: the catalog and one entry per account, updated by the upstream
 * feeds after they persisted the change. Not ready (and the service NOT_SERVING) until {@link
 * #markRebuilt()} says the persisted context has been loaded after a start.
 */
public final class ContextStore implements ReadinessCheck {
  private final ConcurrentHashMap<String, AccountContext> accounts;
  private volatile CatalogView catalog;
  private volatile boolean rebuilt;

  public ContextStore(String coreProductKey, int expectedAccounts) {
    this.catalog = CatalogView.empty(coreProductKey);
    this.accounts = new ConcurrentHashMap<>(Math.max(16, expectedAccounts));
  }

  public CatalogView catalog() {
    return catalog;
  }

  public void replaceCatalog(CatalogView catalog) {
    this.catalog = catalog;
  }

  public Optional<AccountContext> account(String accountId) {
    return Optional.ofNullable(accounts.get(accountId));
  }

  public void putUsage(AccountUsage usage) {
    accounts.compute(
        usage.accountId(),
        (id, old) -> new AccountContext(usage, old == null ? Optional.empty() : old.score()));
  }

  public void putScore(String accountId, AccountScore score) {
    accounts.compute(
        accountId,
        (id, old) -> new AccountContext(old == null ? null : old.usage(), Optional.of(score)));
  }

  public int size() {
    return accounts.size();
  }

  public boolean rebuilt() {
    return rebuilt;
  }

  public void markRebuilt() {
    rebuilt = true;
  }

  @Override
  public String name() {
    return "prompt-context";
  }

  @Override
  public CheckResult check() {
    return rebuilt
        ? CheckResult.up(name())
        : CheckResult.down(name(), "rebuilding the account context");
  }
}
