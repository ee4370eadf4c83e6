package dev.headroom.prompt.bench;

import com.sun.management.ThreadMXBean;
import dev.headroom.api.prompt.v1.Campaign;
import dev.headroom.api.prompt.v1.GetPromptRequest;
import dev.headroom.api.prompt.v1.GetPromptResponse;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.signal.v1.UsageSnapshot;
import dev.headroom.prompt.consume.ContextProtos;
import dev.headroom.prompt.context.ContextStore;
import dev.headroom.prompt.context.OpenOpportunities;
import dev.headroom.prompt.decision.CampaignSet;
import dev.headroom.prompt.decision.CapSettings;
import dev.headroom.prompt.decision.DecisionEngine;
import dev.headroom.prompt.decision.UserLedger;
import dev.headroom.prompt.experiment.Experiment;
import dev.headroom.prompt.grpc.CampaignProtos;
import dev.headroom.prompt.grpc.ExperimentProtos;
import dev.headroom.prompt.grpc.PromptGrpcService;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * GetPrompt's own cost per call, without gRPC, the database or a second process: the {@link
 * PromptGrpcService#getPrompt} handler (validation, decision, rendering, the response and its
 * serialization) on one thread over {@link PromptWorkload}'s world, with exposures accepted and
 * dropped. Prints CPU time and bytes allocated per call, measured by the thread's own counters, so
 * the figure barely moves with the machine's other load (unlike the end-to-end benchmark). Run with
 * {@code java -cp <prompt-service test classpath> dev.headroom.prompt.bench.DecisionCost [ACCOUNTS
 * CALLS]} (defaults 100,000 and 2,000,000; the first half of the calls warm up).
 */
public final class DecisionCost {
  private DecisionCost() {}

  public static void main(String[] args) {
    int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    Instant now = Instant.now();
    ContextStore context = new ContextStore(PromptWorkload.CORE, accounts);
    context.replaceCatalog(ContextProtos.catalog(PromptWorkload.catalog(), PromptWorkload.CORE));
    UserLedger ledger = new UserLedger(CapSettings.defaults());
    List<Campaign> campaigns = PromptWorkload.campaigns();
    for (int i = 0; i < accounts; i++) {
      UsageSnapshot usage = ContextProtos.trim(PromptWorkload.snapshot(i));
      context.putUsage(ContextProtos.usage(usage));
      Optional<Score> score =
          PromptWorkload.score(i, usage.getAccount().getSubscriptions(0).getPlanKey());
      if (score.isPresent()) {
        context.putScore(
            usage.getAccountId(), ContextProtos.score(ContextProtos.trim(score.get())));
      }
      for (int u = 0; u < PromptWorkload.usersOf(i); u++) {
        OptionalLong ago = PromptWorkload.secondsSinceLastPrompt(i, u);
        if (ago.isPresent()) {
          ledger.recordImpression(
              usage.getAccountId(),
              "u-" + u,
              campaigns.get((i + u) % campaigns.size()).getCampaignId(),
              now.minusSeconds(ago.getAsLong()));
        }
      }
    }
    context.markRebuilt();
    List<dev.headroom.prompt.campaign.Campaign> active = new ArrayList<>();
    campaigns.forEach(c -> active.add(CampaignProtos.fromRequest(c, true)));
    Experiment experiment =
        ExperimentProtos.fromRequest(PromptWorkload.experiment(), true, Duration.ofDays(14))
            .withState(
                Experiment.Status.RUNNING, Optional.of(now), Optional.empty(), Optional.empty(), 2);
    CampaignSet set = new CampaignSet(active, Map.of(experiment.campaignId(), experiment));
    DecisionEngine decisions =
        new DecisionEngine(context, () -> set, ledger, OpenOpportunities.NONE_KNOWN, e -> true);
    PromptGrpcService service =
        new PromptGrpcService(
            decisions,
            null,
            null,
            null,
            null,
            null,
            Clock.systemUTC(),
            Duration.ofDays(14),
            null,
            null);

    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    SplittableRandom random = new SplittableRandom(42);
    Serializing observer = new Serializing();
    int warmup = calls / 2;
    for (int i = 0; i < warmup; i++) {
      service.getPrompt(PromptWorkload.request(random, accounts, false), observer);
    }
    int measured = calls - warmup;
    GetPromptRequest[] requests = new GetPromptRequest[measured];
    for (int i = 0; i < measured; i++) {
      requests[i] = PromptWorkload.request(random, accounts, false);
    }
    long cpu0 = threads.getCurrentThreadCpuTime();
    long bytes0 = threads.getCurrentThreadAllocatedBytes();
    for (GetPromptRequest r : requests) {
      service.getPrompt(r, observer);
    }
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    long bytes = threads.getCurrentThreadAllocatedBytes() - bytes0;
    System.out.printf(
        "GetPrompt handler, %,d accounts, %,d calls measured after %,d: %.2f us CPU and %,d bytes"
            + " allocated per call; %.1f %% prompts shown, %,d response bytes in all%n",
        accounts,
        measured,
        warmup,
        cpu / 1e3 / measured,
        bytes / measured,
        100.0 * observer.prompts / calls,
        observer.responseBytes);
  }

  /** Serializes each answer as the transport would; keeps a count so nothing is optimized away. */
  private static final class Serializing implements StreamObserver<GetPromptResponse> {
    long prompts;
    long responseBytes;

    @Override
    public void onNext(GetPromptResponse value) {
      responseBytes += value.toByteArray().length;
      if (value.hasPrompt()) {
        prompts++;
      }
    }

    @Override
    public void onError(Throwable t) {
      throw new IllegalStateException(t);
    }

    @Override
    public void onCompleted() {}
  }
}
