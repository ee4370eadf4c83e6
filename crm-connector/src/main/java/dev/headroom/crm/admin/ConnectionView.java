package dev.headroom.crm.admin;

import dev.headroom.crm.domain.ConnectionSettings;
import java.time.Instant;

/** A connection as the API shows it: never its credentials, only whether they are set. */
public record ConnectionView(
    ConnectionSettings settings,
    String displayName,
    boolean credentialsSet,
    Instant createdAt,
    Instant updatedAt) {}
