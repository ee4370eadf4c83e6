package dev.headroom.signal.catalog;

import dev.headroom.signal.domain.Role;
import java.time.Instant;

/**
 * A user's membership as replayed from its USER_* facts. {@code removedTime} is null while a
 * member.
 */
public record UserView(
    String userId,
    String accountId,
    Role role,
    String team,
    Instant addedTime,
    Instant removedTime) {}
