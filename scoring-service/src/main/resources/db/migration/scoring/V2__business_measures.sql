-- Inputs of the business measures (docs/scoring.md "Business measures").

-- An account's ARR and subscriptions over time. signal-service keeps only the current ARR, so every snapshot
-- of WatchAccountChanges whose ARR, currency or subscriptions differ from the account's latest row here adds
-- a row, effective at the snapshot's as_of. The first row of an account is its baseline.
CREATE TABLE account_revenue (
    account_id      text        NOT NULL,
    -- signal-service's WatchAccountChanges cursor of the change that carried it
    upstream_cursor bigint      NOT NULL,
    effective_at    timestamptz NOT NULL,
    currency        text        NOT NULL,
    arr_minor       bigint      NOT NULL CHECK (arr_minor >= 0),
    -- the effective subscriptions: product_keys[i] is on plan_keys[i], sorted by product
    product_keys    text[]      NOT NULL,
    plan_keys       text[]      NOT NULL,
    PRIMARY KEY (account_id, upstream_cursor),
    CHECK (cardinality(product_keys) = cardinality(plan_keys))
);

CREATE INDEX account_revenue_time_idx ON account_revenue (effective_at, account_id);

-- The integer score a signal produced when it fired, for conversion by score bucket.
ALTER TABLE fired_signal ADD COLUMN score int;

-- A signal is recorded in the transaction that scores the change where it is first seen ACTIVE; a new
-- ACTIVE signal is a material change, so that score is the history row written at the same instant.
UPDATE fired_signal f
SET score = (SELECT h.score FROM score_history h
             WHERE h.account_id = f.account_id AND h.computed_at <= f.first_seen_at
             ORDER BY h.computed_at DESC, h.id DESC LIMIT 1);
