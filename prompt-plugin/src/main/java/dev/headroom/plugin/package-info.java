/**
 * What the host product embeds: {@link dev.headroom.plugin.HeadroomClient}, a Java client that asks
 * prompt-service for upgrade offers with a short deadline, a circuit breaker and a cache (no answer
 * in time means no prompt, never an error in the host), and records usage and prompt events
 * asynchronously in bounded, retried batches. Only {@code PromptWire} and {@code UsageWire} see the
 * protobuf contracts.
 */
package dev.headroom.plugin;
