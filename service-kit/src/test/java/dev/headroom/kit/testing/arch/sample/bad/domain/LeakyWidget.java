package dev.headroom.kit.testing.arch.sample.bad.domain;

import com.google.protobuf.Timestamp;

/** Breaks the core rule: a domain record holding a proto type. */
public record LeakyWidget(String id, Timestamp createdAt) {}
