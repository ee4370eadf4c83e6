/**
 * The prompt service (contract: {@code headroom.prompt.v1.PromptService}): decides at feature-use
 * time whether a user sees an upgrade offer, from memory only; runs campaigns and A/B experiments
 * and reports their results.
 *
 * <p>Layout, as in every service: {@code grpc} (thin adapters, proto mapping), a plain domain core
 * ({@code decision}, {@code experiment}), {@code db} (DAOs; migrations in {@code
 * db/migration/prompt}) and {@code app} (wiring). Filled by its own issue; until then this module
 * only builds.
 */
package dev.headroom.prompt;
