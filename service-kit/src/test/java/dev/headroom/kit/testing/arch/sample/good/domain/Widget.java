package dev.headroom.kit.testing.arch.sample.good.domain;

import java.time.Instant;

/** A domain record: plain Java only. */
public record Widget(String id, Instant createdAt) {}
