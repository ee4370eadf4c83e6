package dev.headroom.app.demo;

import com.google.protobuf.FieldMask;
import dev.headroom.api.common.v1.ExpansionType;
import dev.headroom.api.common.v1.ReadinessBand;
import dev.headroom.api.common.v1.RecommendedMotion;
import dev.headroom.api.scoring.v1.GetScoreRequest;
import dev.headroom.api.scoring.v1.ListScoresRequest;
import dev.headroom.api.scoring.v1.Outcome;
import dev.headroom.api.scoring.v1.OutcomeResult;
import dev.headroom.api.scoring.v1.OutcomeSource;
import dev.headroom.api.scoring.v1.RecordOutcomeRequest;
import dev.headroom.api.scoring.v1.Score;
import dev.headroom.api.scoring.v1.ScoringServiceGrpc.ScoringServiceBlockingStub;
import dev.headroom.api.scoring.v1.TypePotential;
import dev.headroom.api.signal.v1.Account;
import dev.headroom.api.signal.v1.PutAccountRequest;
import dev.headroom.api.signal.v1.SignalServiceGrpc.SignalServiceBlockingStub;
import dev.headroom.api.signal.v1.Subscription;
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

  private final long seed;
  private final Map<String, SimulatedAccount> accounts;
  private final ScoringServiceBlockingStub scoring;
  private final SignalServiceBlockingStub signal;
  private final Map<String, Deal> open = new LinkedHashMap<>();
  private final Map<String, Integer> coolOffUntil = new HashMap<>();
  private int opened;
  private int won;
  private int lost;
  private int selfServe;

  SalesDesk(
      long seed,
      List<SimulatedAccount> accounts,
      ScoringServiceBlockingStub scoring,
      SignalServiceBlockingStub signal) {
    this.seed = seed;
    this.accounts = new HashMap<>();
    accounts.forEach(a -> this.accounts.put(a.accountId, a));
    this.scoring = scoring;
    this.signal = signal;
  }

  /** One working day: close the deals that are due, take on new ones, let self-serve buyers buy. */
  void workDay(int day, Instant now) {
    closeDueDeals(day, now);
    if (day % 7 == 6) {
      reviewPipeline(day);
    }
    selfServePurchases(day, now);
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
          SplittableRandom r = Randoms.of(seed, account.index, day, 1);
          boolean field = score.getMotion() == RecommendedMotion.RECOMMENDED_MOTION_FIELD_SALES;
          int cycle = field ? 21 + r.nextInt(21) : 10 + r.nextInt(11);
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
      // A customer whose usage still says "ready" is likelier to sign than one that cooled off.
      double odds =
          d.account().persona.salesWinRate() * Math.min(1.0, 0.4 + score.getScore() / 100.0);
      boolean isWon = Randoms.of(seed, d.account().index, day, 2).nextDouble() < odds;
      record(
          d.dealId(),
          d.account(),
          isWon,
          d.type(),
          isWon ? d.arrCents() : 0,
          OutcomeSource.OUTCOME_SOURCE_CRM,
          now);
      if (isWon) {
        won++;
        buy(d.account(), d.type(), d.targetPlan(), d.recommendedSeats(), score, now);
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
          record(
              "billing-" + account.accountId + "-" + day,
              account,
              true,
              primary.getType(),
              primary.getArrPotential().getMinorUnits(),
              OutcomeSource.OUTCOME_SOURCE_BILLING,
              now);
          buy(
              account,
              primary.getType(),
              primary.getTargetPlanKey(),
              score.getRecommendedSeats(),
              score,
              now);
        });
  }

  private void record(
      String outcomeId,
      SimulatedAccount account,
      boolean isWon,
      ExpansionType type,
      long arrCents,
      OutcomeSource source,
      Instant now) {
    scoring.recordOutcome(
        RecordOutcomeRequest.newBuilder()
            .setOutcome(
                Outcome.newBuilder()
                    .setOutcomeId(outcomeId)
                    .setAccountId(account.accountId)
                    .setResult(
                        isWon
                            ? OutcomeResult.OUTCOME_RESULT_WON
                            : OutcomeResult.OUTCOME_RESULT_LOST)
                    .setExpansionType(type)
                    .setArrDelta(DemoCatalog.usd(arrCents))
                    .setOccurredAt(SimulatedAccount.ts(now))
                    .setSource(source)
                    .setExternalRef(outcomeId))
            .build());
  }

  /** The host's billing applies the purchase: a new subscription and the account's new ARR. */
  private void buy(
      SimulatedAccount account,
      ExpansionType type,
      String targetPlan,
      int extraSeats,
      Score score,
      Instant now) {
    int seatsUsed = seatsUsed(score);
    Subscription sub = account.expand(type, targetPlan, extraSeats, seatsUsed, now);
    signal.putAccount(
        PutAccountRequest.newBuilder()
            .setAccount(
                Account.newBuilder()
                    .setAccountId(account.accountId)
                    .addSubscriptions(sub)
                    .setArr(account.arr()))
            .setUpdateMask(FieldMask.newBuilder().addPaths("subscriptions").addPaths("arr"))
            .build());
  }

  private static int seatsUsed(Score score) {
    for (var c : score.getCategoriesList()) {
      String used = c.getInputsMap().get("seats_used");
      if (used != null) {
        return Integer.parseInt(used);
      }
    }
    return 0;
  }

  private static TypePotential primary(Score score) {
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
