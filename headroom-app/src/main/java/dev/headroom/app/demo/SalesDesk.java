package dev.headroom.app.demo;

import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.scoring.v1.TypePotential;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The host's revenue team, working from Headroom's pipeline the way people would: sales reps pick
 * up the accounts scoring-service routes to inside or field sales, talk to them for a sales cycle
 * and close the opportunity won or lost; accounts routed to self-serve sometimes buy on their own
 * in the billing page. Every decision is recorded with scoring-service's {@code RecordOutcome}, and
 * every purchase changes the account's subscription in signal-service, as a host's billing system
 * would.
 *
 * <p>Whether a deal is won depends on the account's state when it closes (its score) and on how
 * ready to buy its kind of customer really is; nothing here reads the simulation's personas to pick
 * accounts, only to decide how a customer answers.
 */
final class SalesDesk {
  /** An opportunity a rep works on. */
  record Deal(
      String dealId,
      SimulatedAccount account,
      ExpansionType type,
      String targetPlan,
      int recommendedSeats,
      long arrCents,
      int closeDay) {}

  /** What the revenue team did, counted as it happened. */
  record Tally(int dealsOpened, int dealsWon, int dealsLost, int selfServePurchases, int open) {}

  private static final int LOST_DEAL_COOL_OFF_DAYS = 30;

  /** A deal as the desk's state keeps it: its account by id. */
  record OpenDeal(
      String dealId,
      String accountId,
      ExpansionType type,
      String targetPlan,
      int recommendedSeats,
      long arrCents,
      int closeDay) {}

  /** The desk's pipeline and counts, to carry on from after a restart. */
  record State(
      List<OpenDeal> open,
      Map<String, Integer> coolOffUntil,
      int opened,
      int won,
      int lost,
      int selfServe) {}

  private final long seed;
  private final Map<String, SimulatedAccount> accounts;
  private final ScoringServiceBlockingStub scoring;
  private final HostBilling billing;
  private final boolean dealsInCrm;
  private final Map<String, Deal> open = new LinkedHashMap<>();
  private final Map<String, Integer> coolOffUntil = new HashMap<>();
  private int opened;
  private int won;
  private int lost;
  private int selfServe;

  /**
   * @param dealsInCrm the reps work in the CRM (see {@link CrmStep}): the desk then leaves the
   *     sales pipeline to them and only lets self-serve buyers buy in the billing page
   */
  SalesDesk(
      long seed,
      List<SimulatedAccount> accounts,
      ScoringServiceBlockingStub scoring,
      HostBilling billing,
      boolean dealsInCrm) {
    this.seed = seed;
    this.accounts = new HashMap<>();
    accounts.forEach(a -> this.accounts.put(a.accountId, a));
    this.scoring = scoring;
    this.billing = billing;
    this.dealsInCrm = dealsInCrm;
  }

  /** One working day: close the deals that are due, take on new ones, let self-serve buyers buy. */
  void workDay(int day, Instant now) {
    if (!dealsInCrm) {
      closeDueDeals(day, now);
      if (day % 7 == 6) {
        reviewPipeline(day);
      }
    }
    selfServePurchases(day, now);
  }

  /**
   * Whether a sales conversation closes won: a customer whose usage still says "ready" (its score
   * at closing) is likelier to sign than one that cooled off, and some kinds of customer are
   * readier to buy than others.
   */
  static boolean closesWon(long seed, SimulatedAccount account, Score score, int day) {
    double odds = account.persona.salesWinRate() * Math.min(1.0, 0.4 + score.getScore() / 100.0);
    return Randoms.of(seed, account.index, day, 2).nextDouble() < odds;
  }

  /** Days a rep works an opportunity before it closes: longer for field sales. */
  static int salesCycleDays(long seed, SimulatedAccount account, int day, boolean field) {
    SplittableRandom r = Randoms.of(seed, account.index, day, 1);
    return field ? 21 + r.nextInt(21) : 10 + r.nextInt(11);
  }

  State state() {
    List<OpenDeal> deals = new ArrayList<>();
    for (Deal d : open.values()) {
      deals.add(
          new OpenDeal(
              d.dealId(),
              d.account().accountId,
              d.type(),
              d.targetPlan(),
              d.recommendedSeats(),
              d.arrCents(),
              d.closeDay()));
    }
    return new State(deals, Map.copyOf(coolOffUntil), opened, won, lost, selfServe);
  }

  void restore(State state) {
    open.clear();
    for (OpenDeal d : state.open()) {
      open.put(
          d.accountId(),
          new Deal(
              d.dealId(),
              accounts.get(d.accountId()),
              d.type(),
              d.targetPlan(),
              d.recommendedSeats(),
              d.arrCents(),
              d.closeDay()));
    }
    coolOffUntil.clear();
    coolOffUntil.putAll(state.coolOffUntil());
    opened = state.opened();
    won = state.won();
    lost = state.lost();
    selfServe = state.selfServe();
  }

  Tally tally() {
    return new Tally(opened, won, lost, selfServe, open.size());
  }

  private void reviewPipeline(int day) {
    forEachScore(
        emergingOrBetter()
            .addMotions(RecommendedMotion.RECOMMENDED_MOTION_INSIDE_SALES)
            .addMotions(RecommendedMotion.RECOMMENDED_MOTION_FIELD_SALES),
        score -> {
          SimulatedAccount account = accounts.get(score.getAccountId());
          if (account == null
              || open.containsKey(account.accountId)
              || coolOffUntil.getOrDefault(account.accountId, -1) > day) {
            return;
          }
          // Reps chase ready accounts; an account's own rep also follows up on emerging ones.
          boolean worthACall =
              score.getBand() != ReadinessBand.READINESS_BAND_EMERGING
                  || !account.crmOwner.isEmpty();
          TypePotential primary = primary(score);
          if (!worthACall || primary == null || primary.getArrPotential().getMinorUnits() <= 0) {
            return;
          }
          boolean field = score.getMotion() == RecommendedMotion.RECOMMENDED_MOTION_FIELD_SALES;
          int cycle = salesCycleDays(seed, account, day, field);
          opened++;
          open.put(
              account.accountId,
              new Deal(
                  "opp-" + account.accountId + "-" + day,
                  account,
                  primary.getType(),
                  primary.getTargetPlanKey(),
                  score.getRecommendedSeats(),
                  primary.getArrPotential().getMinorUnits(),
                  day + cycle));
        });
  }

  private void closeDueDeals(int day, Instant now) {
    List<Deal> due = new ArrayList<>();
    for (Deal d : open.values()) {
      if (d.closeDay() <= day) {
        due.add(d);
      }
    }
    for (Deal d : due) {
      open.remove(d.account().accountId);
      Score score =
          scoring
              .getScore(GetScoreRequest.newBuilder().setAccountId(d.account().accountId).build())
              .getScore();
      boolean isWon = closesWon(seed, d.account(), score, day);
      billing.outcome(
          d.dealId(),
          d.account(),
          isWon,
          d.type(),
          isWon ? d.arrCents() : 0,
          OutcomeSource.OUTCOME_SOURCE_CRM,
          now);
      if (isWon) {
        won++;
        billing.purchase(d.account(), d.type(), d.targetPlan(), d.recommendedSeats(), now);
      } else {
        lost++;
        coolOffUntil.put(d.account().accountId, day + LOST_DEAL_COOL_OFF_DAYS);
      }
    }
  }

  private void selfServePurchases(int day, Instant now) {
    forEachScore(
        emergingOrBetter().addMotions(RecommendedMotion.RECOMMENDED_MOTION_SELF_SERVE),
        score -> {
          SimulatedAccount account = accounts.get(score.getAccountId());
          TypePotential primary = primary(score);
          if (account == null
              || open.containsKey(account.accountId)
              || primary == null
              || primary.getArrPotential().getMinorUnits() <= 0
              || Randoms.of(seed, account.index, day, 3).nextDouble()
                  >= account.persona.selfServeDailyRate()) {
            return;
          }
          selfServe++;
          billing.outcome(
              "billing-" + account.accountId + "-" + day,
              account,
              true,
              primary.getType(),
              primary.getArrPotential().getMinorUnits(),
              OutcomeSource.OUTCOME_SOURCE_BILLING,
              now);
          billing.purchase(
              account,
              primary.getType(),
              primary.getTargetPlanKey(),
              score.getRecommendedSeats(),
              now);
        });
  }

  static TypePotential primary(Score score) {
    for (TypePotential t : score.getTypesList()) {
      if (t.getType() == score.getPrimaryType()) {
        return t;
      }
    }
    return null;
  }

  private static ListScoresRequest.Builder emergingOrBetter() {
    return ListScoresRequest.newBuilder()
        .addBands(ReadinessBand.READINESS_BAND_EMERGING)
        .addBands(ReadinessBand.READINESS_BAND_READY)
        .addBands(ReadinessBand.READINESS_BAND_URGENT);
  }

  private void forEachScore(ListScoresRequest.Builder filter, Consumer<Score> each) {
    ScorePages.all(scoring, filter).forEach(each);
  }
}
