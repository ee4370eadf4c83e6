package dev.headroom.prompt.context;

import java.util.Optional;

/**
 * Everything the decision knows about one account: usage (null until signal-service told us) and
 * score (absent until scoring-service did). Immutable; a change replaces the entry.
 *
 * <p>The first eligibility steps read only this object: whether the account is activated and
 * whether its motion is field sales are copied out of the usage and the score, so a call that ends
 * there does not follow two more references into a context of up to a million accounts, each a
 * likely cache miss. The score is kept as a plain reference for the same reason.
 */
public final class AccountContext {
  private final AccountUsage usage;
  private final AccountScore score;
  private final boolean activated;
  private final boolean fieldSales;

  private AccountContext(AccountUsage usage, AccountScore score) {
    this.usage = usage;
    this.score = score;
    this.activated = usage != null && usage.activated();
    this.fieldSales = score != null && score.motion() == AccountScore.Motion.FIELD_SALES;
  }

  /** The account as signal-service describes it, keeping what scoring-service said before. */
  static AccountContext withUsage(AccountContext old, AccountUsage usage) {
    return new AccountContext(usage, old == null ? null : old.score);
  }

  /** The account as scoring-service scores it, keeping what signal-service said before. */
  static AccountContext withScore(AccountContext old, AccountScore score) {
    return new AccountContext(old == null ? null : old.usage, score);
  }

  /** Null until signal-service described the account. */
  public AccountUsage usage() {
    return usage;
  }

  public Optional<AccountScore> score() {
    return Optional.ofNullable(score);
  }

  /** Known to signal-service and activated. */
  public boolean activated() {
    return activated;
  }

  /** Scored with the field-sales motion: a sales rep owns the expansion, not a prompt. */
  public boolean fieldSales() {
    return fieldSales;
  }
}
