package dev.headroom.prompt.bench;

import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.prompt.consume.ContextProtos;
import dev.headroom.prompt.context.ContextStore;
import dev.headroom.prompt.decision.CapSettings;
import dev.headroom.prompt.decision.UserLedger;
import dev.headroom.prompt.testing.PromptFixtures;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Instant;

/**
 * Heap taken by the decision context: fills a {@link ContextStore} with N accounts through the same
 * mapping the feeds use (usage snapshot and score per account, distinct account ids, one to three
 * attempted features, two metered limits) and prints the heap used after a full GC, before and
 * after; then the caps' ledger with one user per account. Run: {@code java -Xmx4g -cp <test
 * classpath> dev.headroom.prompt.bench.ContextMemory 1000000}.
 */
public final class ContextMemory {
  private ContextMemory() {}

  public static void main(String[] args) throws InterruptedException {
    int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);
    ContextStore store = new ContextStore("core", accounts);
    UsageSnapshot template = PromptFixtures.snapshot("template");
    String[] features = {"audit_log", "sso", "reports"};
    for (int i = 0; i < accounts; i++) {
      String id = "account-" + i;
      UsageSnapshot.Builder s =
          template.toBuilder()
              .setAccountId(id)
              .setAccount(template.getAccount().toBuilder().setAccountId(id))
              .setSeatsUsed(5 + i % 50)
              .setUsersAddedQuarter(i % 13)
              .clearAttemptedFeatureKeys30D();
      for (int f = 0; f <= i % 3; f++) {
        s.addAttemptedFeatureKeys30D(features[f]);
      }
      s.addMeters(
          s.getMeters(0).toBuilder().setMeterKey("storage_gb").setValue(Integer.toString(i % 97)));
      store.putUsage(ContextProtos.usage(s.build()));
      store.putScore(
          id,
          ContextProtos.score(
              PromptFixtures.score(id, RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE)));
    }
    long after = usedAfterGc(memory);
    System.out.printf(
        "accounts=%d heap_used_before=%d MiB heap_used_after=%d MiB context=%d MiB"
            + " bytes_per_account=%d%n",
        store.size(),
        before >> 20,
        after >> 20,
        (after - before) >> 20,
        (after - before) / accounts);

    // The store stays alive while the ledger is measured.
    try {
      // The caps' ledger: one user per account with three impressions in the last week.
      UserLedger ledger = new UserLedger(CapSettings.defaults());
      Instant now = Instant.parse("2026-11-30T12:00:00Z");
      for (int i = 0; i < accounts; i++) {
        for (int k = 0; k < 3; k++) {
          ledger.recordImpression(
              "account-" + i, "user-" + i, "campaign-" + (k % 2), now.minusSeconds(86_400L * k));
        }
      }
      long withLedger = usedAfterGc(memory);
      System.out.printf(
          "ledger_users=%d ledger=%d MiB bytes_per_user_with_3_impressions=%d%n",
          ledger.size(), (withLedger - after) >> 20, (withLedger - after) / accounts);
    } finally {
      Reference.reachabilityFence(store);
    }
  }

  /** Heap used after two full GCs: what live objects take. */
  static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    System.gc();
    Thread.sleep(200);
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
