package dev.headroom.prompt.context;

import dev.headroom.kit.observe.CheckResult;
import dev.headroom.kit.observe.ReadinessCheck;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The decision's context in memory: the catalog and one entry per account, updated by the upstream
 * feeds after they persisted the change. Not ready (and the service NOT_SERVING) until {@link
 * #markRebuilt()} says the persisted context has been loaded after a start.
 */
public final class ContextStore implements ReadinessCheck {
  private final ConcurrentHashMap<String, AccountContext> accounts;
  private volatile CatalogView catalog;
  private volatile boolean rebuilt;
  private final AtomicInteger resyncing = new AtomicInteger();
  private volatile Runnable readinessChanged = () -> {};

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
    accounts.compute(usage.accountId(), (id, old) -> AccountContext.withUsage(old, usage));
  }

  public void putScore(String accountId, AccountScore score) {
    accounts.compute(accountId, (id, old) -> AccountContext.withScore(old, score));
  }

  public int size() {
    return accounts.size();
  }

  /** The context is complete: loaded after the start and not being resynchronized. */
  public boolean rebuilt() {
    return rebuilt && resyncing.get() == 0;
  }

  public void markRebuilt() {
    rebuilt = true;
    readinessChanged.run();
  }

  /** A feed rebuilds its part from a full snapshot: decisions wait until {@link #endResync()}. */
  public void beginResync() {
    resyncing.incrementAndGet();
    readinessChanged.run();
  }

  public void endResync() {
    resyncing.decrementAndGet();
    readinessChanged.run();
  }

  /** Called whenever readiness may have changed, so health follows at once. */
  public void onReadinessChange(Runnable listener) {
    readinessChanged = listener;
  }

  @Override
  public String name() {
    return "prompt-context";
  }

  @Override
  public CheckResult check() {
    if (!rebuilt) {
      return CheckResult.down(name(), "rebuilding the account context");
    }
    return resyncing.get() == 0
        ? CheckResult.up(name())
        : CheckResult.down(name(), "resynchronizing the account context from a full snapshot");
  }
}
