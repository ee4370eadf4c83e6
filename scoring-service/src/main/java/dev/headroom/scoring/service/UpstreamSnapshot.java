package dev.headroom.scoring.service;

import dev.headroom.scoring.domain.AccountFacts;
import dev.headroom.scoring.domain.Money;
import dev.headroom.scoring.domain.PlanCatalog;
import dev.headroom.scoring.domain.ScoreResult;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One account's usage snapshot from signal-service, as the use cases see it. The edge implements it
 * around the received message, so a score republishes signal-service's signals exactly as they
 * arrived (including fields this service does not read) while the use cases never see proto types.
 */
public interface UpstreamSnapshot {
  String accountId();

  Instant asOf();

  /** The account's currency; empty while signal-service does not know it. */
  String currencyCode();

  /**
   * The account's ARR in its currency; empty while signal-service does not know the account (no
   * currency yet).
   */
  Optional<Money> arr();

  /** The plan of each product the account has a subscription to at {@code asOf()}. */
  Map<String, String> planByProduct();

  /** The snapshot as received, stored so that a re-score can read it again. */
  byte[] bytes();

  /** The scorer's facts about the account, read against {@code catalog}. */
  AccountFacts facts(PlanCatalog catalog) throws Unscorable;

  /**
   * The encoded score, as stored, served and published, of {@code score} computed from this
   * snapshot at {@code computedAt}.
   */
  byte[] encodeScore(ScoreResult score, Instant computedAt);
}
