/**
 * The pure signal-evaluation engine: {@link dev.headroom.signal.engine.SignalEngine#evaluate} turns
 * one account's timeline, the rules and an instant T into metrics and the signals holding at T
 * (docs/signals.md is the spec). No clock, no I/O, no framework.
 *
 * <h2>Shape</h2>
 *
 * <ul>
 *   <li>{@code FactIndex}: the facts with occurred_at ≤ T, sorted (occurred_at, event_id) and
 *       de-duplicated by event_id, indexed as sorted instant arrays, prefix sums, per-user
 *       membership snapshots, subscription segments and step functions; any metric can then be
 *       asked at any t ≤ T in O(log n) (per-user metrics in O(users · log n)). Sorting here is what
 *       makes arrival order irrelevant.
 *   <li>One {@code Condition} per base signal: C(t), its breakpoint sources, its evidence;
 *       thresholds and windows are read from the rule only ({@link
 *       dev.headroom.signal.engine.DefaultRules} names them).
 *   <li>{@code RunFinder}: the start s of the current run; {@code MultiSignalComposer}:
 *       MULTI_SIGNAL; {@code MetricsCalculator}: the {@link
 *       dev.headroom.signal.domain.AccountMetrics} snapshot.
 * </ul>
 *
 * <h2>Since search</h2>
 *
 * Every condition is right-continuous and piecewise constant, changing only at instants it can
 * enumerate (fact times, fact times + each window it uses, UTC midnights, month starts,
 * subscription changes, signup + window). The candidates in a window ending at T are collected and
 * sorted (O(b log b)), then walked backward from T evaluating C once per candidate until it is
 * false; s is the candidate after the first false one. While C still holds at the window's start
 * the window doubles backward, down to the account's first record: there is no horizon, and since
 * does not move while C keeps holding. The walk stops at the first false instant, so an evaluation
 * costs a few binary searches per candidate actually walked. A long run is searched once: the
 * evaluation hands back a {@link dev.headroom.signal.domain.RunMemory}, and the next evaluation of
 * the account walks back only to that instant when the history before it is unchanged (a late fact
 * before it rewrites what followed, so the memory is then ignored). Randomized tests check the
 * result against an hour-by-hour walk, and evaluations with memory against evaluations without.
 *
 * <h2>Readings of the spec</h2>
 *
 * <ul>
 *   <li>API_CONSUMPTION_GROWTH sums the quantities of the {@code api_meter_keys} meters over the
 *       two rolling windows, whatever the meters' aggregation.
 *   <li>WORKFLOW_BOTTLENECK with windows w and p: the prior average per window is prior × w / p,
 *       compared as cur · p ≥ growth_factor · prior · w (3·cur ≥ 2·prior by default).
 *   <li>TEAM_GROWTH uses its one window for new admins, new teams, the seat baseline and signup
 *       age.
 *   <li>A USER_ROLE_CHANGED team counts as the team's first appearance even for a non-member (the
 *       spec lists the event without that condition); removed users keep their team for
 *       ADVANCED_FEATURE_ADOPTION.
 *   <li>A re-added OWNER/ADMIN becomes an admin again at the re-add (the spec: "from non-member").
 *   <li>Two subscriptions of one product with the same since: the larger (plan key, seats) wins, so
 *       stored order never matters.
 *   <li>A provisional account (null) gets no signals and all-zero, not-activated metrics.
 * </ul>
 */
package dev.headroom.signal.engine;
