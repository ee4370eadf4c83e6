package dev.headroom.prompt.context;

import java.util.Optional;

/**
 * Everything the decision knows about one account: usage (null until signal-service told us) and
 * score (empty until scoring-service did).
 */
public record AccountContext(AccountUsage usage, Optional<AccountScore> score) {}
