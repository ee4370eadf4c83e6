package dev.headroom.signal.ingest;

import dev.headroom.signal.db.EventStore;
import dev.headroom.signal.domain.UsageFact;

/**
 * An event that passed validation: its typed fact, its canonical payload JSON (stored raw for
 * replays) and the hash of its identity-relevant content (account, user, kind, payload, instant)
 * used for idempotency.
 */
public record ValidatedEvent(int index, UsageFact fact, String payloadJson, byte[] contentHash)
    implements EventStore.StorableEvent {}
