package dev.headroom.prompt.decision;

import dev.headroom.prompt.campaign.Surface;
import java.time.Instant;
import java.util.Optional;

/**
 * "User U of account A touches feature F on surface S": the question GetPrompt answers.
 *
 * @param featureKey empty on HOME and BILLING
 * @param locale the host's locale for the user; empty uses the account's
 * @param at the decision instant
 */
public record PromptRequest(
    String accountId,
    String userId,
    String featureKey,
    Surface surface,
    Optional<String> locale,
    UserRole role,
    Instant at) {}
