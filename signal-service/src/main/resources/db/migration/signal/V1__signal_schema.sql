-- Signal service schema. The kit's outbox tables (outbox, outbox_stream, consumer_cursor) live in this schema too,
-- applied by the kit with their own history table.

-- ---------------------------------------------------------------------------------------------------------------
-- Catalog
CREATE TABLE product (
    product_key   text PRIMARY KEY,
    display_name  text NOT NULL,
    catalog_order int  NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE meter (
    meter_key    text PRIMARY KEY,
    unit         text NOT NULL,
    aggregation  text NOT NULL CHECK (aggregation IN ('SUM', 'LAST')),
    display_name text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feature (
    feature_key  text PRIMARY KEY,
    product_key  text NOT NULL REFERENCES product (product_key),
    display_name text NOT NULL,
    advanced     boolean NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan (
    plan_key              text PRIMARY KEY,
    product_key           text   NOT NULL REFERENCES product (product_key),
    tier_rank             int    NOT NULL CHECK (tier_rank >= 0),
    display_name          text   NOT NULL,
    currency              text   NOT NULL,
    seat_price_minor      bigint NOT NULL CHECK (seat_price_minor >= 0),
    base_price_minor      bigint NOT NULL CHECK (base_price_minor >= 0),
    included_seats        int    NOT NULL CHECK (included_seats >= 0),
    meter_limits          jsonb  NOT NULL DEFAULT '{}',
    entitled_feature_keys text[] NOT NULL DEFAULT '{}',
    next_plan_key         text,
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------------------------------------------
-- Accounts. A row exists once the account was created through PutAccount; an id that only has events is
-- "provisional" and lives in account_seen alone.
CREATE TABLE account (
    account_id    text PRIMARY KEY,
    name          text   NOT NULL,
    arr_minor     bigint NOT NULL DEFAULT 0,
    currency_code text   NOT NULL,
    locale        text   NOT NULL DEFAULT '',
    region        text   NOT NULL DEFAULT '',
    crm_owner     text   NOT NULL DEFAULT '',
    signup_time   timestamptz,
    activated_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Subscription history: appended, never updated. A second row for the same product and instant replaces the
-- first (the latest write wins for that instant).
CREATE TABLE subscription (
    account_id      text NOT NULL REFERENCES account (account_id),
    product_key     text NOT NULL,
    since           timestamptz NOT NULL,
    plan_key        text NOT NULL,
    seats_purchased int  NOT NULL CHECK (seats_purchased >= 0),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, product_key, since)
);

-- Every account id that has events (created or not): lists provisional accounts and feeds the hourly sweep.
CREATE TABLE account_seen (
    account_id     text PRIMARY KEY,
    first_event_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------------------------------------------
-- Events.
-- Idempotency: one row per accepted event_id (tenant-wide), with a hash of its content (account, user, kind,
-- payload, instant) to tell an identical resend (DUPLICATE) from a conflicting one (ALREADY_EXISTS).
CREATE TABLE event_dedupe (
    event_id     text PRIMARY KEY,
    content_hash bytea NOT NULL,
    accepted_at  timestamptz NOT NULL DEFAULT now()
);

-- Raw events as received, for replays. Range-partitioned by UTC day of occurred_at; partitions are created on
-- demand by the ingest path and dropped by retention (PartitionMaintenance).
CREATE TABLE event_raw (
    event_id    text        NOT NULL,
    account_id  text        NOT NULL,
    user_id     text,
    occurred_at timestamptz NOT NULL,
    kind        text        NOT NULL,
    payload     jsonb       NOT NULL,
    received_at timestamptz NOT NULL
) PARTITION BY RANGE (occurred_at);

-- Typed facts: what the engine reads. One row per accepted event (plus the facts PutUser implies), ordered per
-- account on the timeline (occurred_at, event_id), so loading an account's timeline is one index range scan.
CREATE TABLE usage_fact (
    account_id  text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    event_id    text        NOT NULL,
    user_id     text,
    kind        text        NOT NULL,
    role        text,
    team        text,
    key         text,
    quantity    numeric,
    PRIMARY KEY (account_id, occurred_at, event_id)
);

-- Per-account daily rollups pre-aggregated at ingest: events per kind and key, METER quantities summed per
-- meter. Monthly meter totals and activity dashboards read these instead of the facts.
CREATE TABLE daily_rollup (
    account_id text    NOT NULL,
    day        date    NOT NULL,
    metric     text    NOT NULL,
    key        text    NOT NULL,
    value      numeric NOT NULL,
    PRIMARY KEY (account_id, day, metric, key)
);

-- ---------------------------------------------------------------------------------------------------------------
-- Rules and signals.
CREATE TABLE signal_rule (
    signal_type text PRIMARY KEY,
    enabled     boolean NOT NULL,
    thresholds  jsonb   NOT NULL,
    windows     jsonb   NOT NULL,  -- name -> ISO-8601 duration
    version     bigint  NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  text    NOT NULL
);

-- Every version of every rule, for the audit trail and for "which rule version produced this signal".
CREATE TABLE signal_rule_version (
    signal_type text   NOT NULL,
    version     bigint NOT NULL,
    enabled     boolean NOT NULL,
    thresholds  jsonb  NOT NULL,
    windows     jsonb  NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  text   NOT NULL,
    PRIMARY KEY (signal_type, version)
);

-- One row per occurrence of a signal: open while resolved_at is null (at most one open per account and type).
CREATE TABLE signal_occurrence (
    signal_id    bigserial PRIMARY KEY,
    account_id   text   NOT NULL,
    signal_type  text   NOT NULL,
    status       text   NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'SUPPRESSED', 'RESOLVED')),
    since        timestamptz NOT NULL,
    resolved_at  timestamptz,
    evidence     jsonb  NOT NULL,
    constituents text[] NOT NULL DEFAULT '{}',
    rule_version bigint NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX signal_occurrence_open_idx ON signal_occurrence (account_id, signal_type) WHERE resolved_at IS NULL;
CREATE INDEX signal_occurrence_history_idx ON signal_occurrence (account_id, signal_id DESC);

-- The last evaluation's metrics per account: the evaluator compares against it to tell a metrics-only change.
-- account_dirty is set in the same transaction as a PutAccount so the ACCOUNT change is announced even if the
-- process dies before the evaluator runs.
CREATE TABLE account_state (
    account_id     text PRIMARY KEY,
    metrics_hash   bytea,
    evaluated_at   timestamptz,
    account_dirty  boolean NOT NULL DEFAULT false
);
