package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.Campaign;
import dev.headroom.prompt.context.AccountContext;
import dev.headroom.prompt.context.CatalogView;
import dev.headroom.prompt.context.ContextStore;
import dev.headroom.prompt.context.OpenOpportunities;
import dev.headroom.prompt.experiment.Assignment;
import dev.headroom.prompt.experiment.Experiment;
import dev.headroom.prompt.experiment.Variant;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * GetPrompt's decision, from memory only, in DOMAIN.md's order: account known, activated, channel
 * arbitration, campaigns whose trigger holds, caps, cooldown, highest priority, experiment
 * assignment, rendering. The user's ledger is locked from the cap check until the impression is
 * recorded, so concurrent calls for one user serve at most what the caps allow.
 */
public final class DecisionEngine {
  private final ContextStore context;
  private final Supplier<CampaignSet> campaigns;
  private final UserLedger ledger;
  private final OpenOpportunities opportunities;
  private final ExposureSink exposures;
  private final AtomicLong refused = new AtomicLong();

  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  public DecisionEngine(
      ContextStore context,
      Supplier<CampaignSet> campaigns,
      UserLedger ledger,
      OpenOpportunities opportunities,
      ExposureSink exposures) {
    this.context = context;
    this.campaigns = campaigns;
    this.ledger = ledger;
    this.opportunities = opportunities;
    this.exposures = exposures;
  }

  /** Decisions that served nothing because the exposure queue was full. */
  public long refusedForFullQueue() {
    return refused.get();
  }

  public Decision decide(PromptRequest request) {
    String decisionId = newDecisionId(request.at());
    if (!context.rebuilt()) {
      return new Decision.NoPrompt(decisionId, NoPromptReason.NOT_READY);
    }
    Optional<AccountContext> found = context.account(request.accountId());
    if (found.isEmpty() || found.get().usage() == null) {
      return new Decision.NoPrompt(decisionId, NoPromptReason.UNKNOWN_ACCOUNT);
    }
    AccountContext account = found.get();
    if (!account.activated()) {
      return new Decision.NoPrompt(decisionId, NoPromptReason.ACCOUNT_NOT_ACTIVATED);
    }
    if (account.fieldSales() || opportunities.hasOpen(request.accountId())) {
      return new Decision.NoPrompt(decisionId, NoPromptReason.SALES_OWNED);
    }
    CatalogView catalog = context.catalog();
    if (!request.featureKey().isEmpty() && catalog.feature(request.featureKey()).isEmpty()) {
      return new Decision.NoPrompt(decisionId, NoPromptReason.UNKNOWN_FEATURE);
    }
    CampaignSet set = campaigns.get();
    List<Candidate> candidates = new ArrayList<>();
    for (Campaign c : set.byPriority()) {
      if (!c.surfaces().contains(request.surface())) {
        continue;
      }
      Optional<Experiment> experiment = set.experimentOf(c.campaignId());
      if (experiment.isPresent() && servesNothing(experiment.get())) {
        continue;
      }
      Triggers.evaluate(c, account, catalog, request.featureKey())
          .ifPresent(offer -> candidates.add(new Candidate(c, experiment, offer)));
    }
    if (candidates.isEmpty()) {
      return new Decision.NoPrompt(decisionId, NoPromptReason.NO_MATCHING_CAMPAIGN);
    }
    return ledger.withHistory(
        request.accountId(),
        request.userId(),
        history -> decideForUser(decisionId, candidates, account, catalog, request, history));
  }

  /** The steps that read and write the user's ledger; runs under its lock. */
  private Decision decideForUser(
      String decisionId,
      List<Candidate> candidates,
      AccountContext account,
      CatalogView catalog,
      PromptRequest request,
      UserLedger.History history) {
    if (history.globallyCapped(request.at())) {
      return new Decision.NoPrompt(decisionId, NoPromptReason.FREQUENCY_CAPPED);
    }
    Candidate uncapped = null;
    for (Candidate c : candidates) {
      if (!history.campaignCapped(c.campaign().campaignId(), c.campaign().cap(), request.at())) {
        uncapped = c;
        break;
      }
    }
    if (uncapped == null) {
      return new Decision.NoPrompt(decisionId, NoPromptReason.FREQUENCY_CAPPED);
    }
    if (history.coolingDown(request.at())) {
      return new Decision.NoPrompt(decisionId, NoPromptReason.COOLDOWN);
    }
    return serve(decisionId, uncapped, account, catalog, request, history);
  }

  private Decision serve(
      String decisionId,
      Candidate winner,
      AccountContext account,
      CatalogView catalog,
      PromptRequest request,
      UserLedger.History history) {
    Campaign campaign = winner.campaign();
    Optional<Variant> variant = Optional.empty();
    Optional<String> experimentId = Optional.empty();
    Optional<String> unitId = Optional.empty();
    boolean holdout = false;
    if (winner.experiment().isPresent()) {
      Experiment e = winner.experiment().get();
      if (e.status() == Experiment.Status.RUNNING) {
        String unit = e.unitId(request.accountId(), request.userId());
        variant = Assignment.assign(e, unit);
        holdout = variant.isEmpty();
        experimentId = Optional.of(e.experimentId());
        unitId = Optional.of(unit);
      } else {
        variant = e.serveVariantKey().flatMap(e::variant);
      }
    }
    Exposure exposure =
        new Exposure(
            decisionId,
            request.at(),
            request.accountId(),
            request.userId(),
            campaign.campaignId(),
            campaign.version(),
            experimentId,
            unitId,
            variant.map(Variant::variantKey).orElse(""),
            holdout,
            request.surface(),
            request.featureKey());
    RenderedPrompt prompt =
        holdout
            ? null
            : Renderer.render(
                campaign, variant, experimentId, winner.offer(), account.usage(), request, catalog);
    if (!exposures.offer(exposure)) {
      refused.incrementAndGet();
      return new Decision.NoPrompt(decisionId, NoPromptReason.OVERLOADED);
    }
    // A holdout unit uses up its caps like a prompted one, so both arms see the same other prompts.
    history.recordNow(campaign.campaignId(), request.at());
    return holdout
        ? new Decision.NoPrompt(decisionId, NoPromptReason.HOLDOUT)
        : new Decision.Shown(decisionId, prompt);
  }

  private static boolean servesNothing(Experiment e) {
    return e.status() == Experiment.Status.STOPPED && e.serveVariantKey().isEmpty();
  }

  /**
   * "d-" and 32 lower-case hex digits: the decision's time in milliseconds (12 digits), then 80
   * random bits. Ids that grow with time make the stored exposures' primary key take each new one
   * at its end rather than on a random page; the random part keeps them unique and unguessable.
   */
  private static String newDecisionId(Instant at) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    byte[] id = new byte[2 + 32];
    id[0] = 'd';
    id[1] = '-';
    hex(at.toEpochMilli(), id, 2, 12);
    hex(r.nextInt() & 0xffff, id, 14, 4);
    hex(r.nextLong(), id, 18, 16);
    return new String(id, StandardCharsets.US_ASCII);
  }

  /** The lowest {@code digits} hex digits of {@code bits}, most significant first. */
  private static void hex(long bits, byte[] into, int at, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      into[at + i] = HEX_DIGITS[(int) bits & 0xf];
      bits >>>= 4;
    }
  }

  private record Candidate(
      Campaign campaign, Optional<Experiment> experiment, ResolvedOffer offer) {}
}
