/**
 * The prompt service (contract: {@code headroom.prompt.v1.PromptService}): decides at feature-use
 * time whether a user sees an upgrade offer, from memory only; runs campaigns and A/B experiments
 * and reports their results.
 *
 * <p>Layout, as in every service: {@code grpc} (thin adapters, proto mapping, validation), the
 * domain core ({@code context}, {@code campaign}, {@code experiment}, {@code decision}), the use
 * cases around it ({@code consume}: the upstream feeds; {@code exposure}: the write-behind log;
 * {@code events}: prompt events and per-arm aggregates), {@code db} (DAOs; migrations in {@code
 * db/migration/prompt}) and {@code app} (wiring).
 */
package dev.headroom.prompt;
