package dev.headroom.crm.standin;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A data request a stand-in received, as a test asserts on it.
 *
 * @param records the fields each record of the batch carried (empty for non-batch requests)
 * @param status the HTTP status the stand-in answered with
 */
public record RecordedRequest(
    String method, String path, Instant receivedAt, List<Set<String>> records, int status) {}
