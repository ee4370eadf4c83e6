package dev.headroom.signal.domain;

import java.util.List;

/**
 * Everything a signal evaluation of one account reads: the account (with subscription history), the
 * catalog, and the account's accepted facts in {@link UsageFact#TIMELINE_ORDER}. Facts after the
 * evaluation instant may be present; the engine ignores them (events up to 24 h ahead are stored
 * and count once T reaches them).
 *
 * @param account null for a provisional account (events arrived before the account was created):
 *     nothing is evaluated for it until it exists
 */
public record AccountTimeline(Account account, Catalog catalog, List<UsageFact> facts) {
  public AccountTimeline {
    facts = List.copyOf(facts);
  }
}
