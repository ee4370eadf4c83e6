package dev.headroom.signal.engine;

/**
 * One problem with a rule, addressed like a protobuf field path ({@code thresholds.utilization},
 * {@code windows.sustain}) so the gRPC layer can turn it into a {@code BadRequest.FieldViolation}.
 */
public record RuleViolation(String field, String message) {}
