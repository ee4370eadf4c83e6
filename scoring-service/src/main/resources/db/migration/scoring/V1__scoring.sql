-- scoring-service schema. Enumerations are stored by their domain names (readable in psql); expansion types of a
-- score are a bitmask over ExpansionType's canonical order (bit 0 = SEAT_ADD) so "has any of these types" is one AND.

-- Scoring models as versioned data. Exactly one is ACTIVE; version 1 is the seeds' model.
CREATE TABLE model (
    version                           bigint      PRIMARY KEY,
    status                            text        NOT NULL CHECK (status IN ('PROPOSED', 'ACTIVE', 'RETIRED')),
    source                            text        NOT NULL CHECK (source IN ('SEED', 'FIT', 'MANUAL')),
    capacity_points                   int         NOT NULL CHECK (capacity_points >= 0),
    feature_points                    int         NOT NULL CHECK (feature_points >= 0),
    engagement_points                 int         NOT NULL CHECK (engagement_points >= 0),
    growth_points                     int         NOT NULL CHECK (growth_points >= 0),
    value_points                      int         NOT NULL CHECK (value_points >= 0),
    premium_attempts_for_full_points  int         NOT NULL CHECK (premium_attempts_for_full_points > 0),
    growth_points_per_new_user        int         NOT NULL CHECK (growth_points_per_new_user > 0),
    expected_workflows_per_seat       int         NOT NULL CHECK (expected_workflows_per_seat > 0),
    field_sales_threshold_minor       bigint      NOT NULL CHECK (field_sales_threshold_minor > 0),
    -- The threshold applies in each account's own currency; this is only what the admin wrote.
    field_sales_threshold_currency    text        NOT NULL DEFAULT '',
    description                       text        NOT NULL DEFAULT '',
    -- Fit quality on the held-out outcomes (FIT proposals only), and the active model's on the same split.
    quality_auc                       double precision,
    quality_log_loss                  double precision,
    quality_holdout_size              int,
    quality_holdout_positives         int,
    active_quality_auc                double precision,
    active_quality_log_loss           double precision,
    active_quality_holdout_size       int,
    active_quality_holdout_positives  int,
    coefficient_names                 text[]      NOT NULL DEFAULT '{}',
    coefficient_values                double precision[] NOT NULL DEFAULT '{}',
    warning_fields                    text[]      NOT NULL DEFAULT '{}',
    warning_descriptions              text[]      NOT NULL DEFAULT '{}',
    -- AIP-155: a retried CreateModel/FitModel with the same request_id returns the same model.
    request_id                        text        UNIQUE,
    request_fingerprint               text,
    created_at                        timestamptz NOT NULL DEFAULT now(),
    activated_at                      timestamptz,
    activated_by                      text,
    rescore_total                     bigint,
    rescore_done                      bigint,
    rescore_started_at                timestamptz,
    rescore_finished_at               timestamptz,
    CHECK (capacity_points + feature_points + engagement_points + growth_points + value_points = 100)
);

CREATE UNIQUE INDEX model_one_active ON model (status) WHERE status = 'ACTIVE';
CREATE SEQUENCE model_version_seq START WITH 2;

INSERT INTO model (version, status, source, capacity_points, feature_points, engagement_points, growth_points,
                   value_points, premium_attempts_for_full_points, growth_points_per_new_user,
                   expected_workflows_per_seat, field_sales_threshold_minor, description, activated_at,
                   activated_by)
VALUES (1, 'ACTIVE', 'SEED', 25, 25, 20, 15, 15, 10, 3, 2, 5000000,
        'The seeds'' expansion scoring model', now(), 'migration');

-- The latest usage snapshot signal-service sent per account: the input of every (re-)score.
CREATE TABLE account_state (
    account_id      text        PRIMARY KEY,
    -- signal-service's WatchAccountChanges cursor of the change that carried this snapshot
    upstream_cursor bigint      NOT NULL,
    as_of           timestamptz NOT NULL,
    currency        text        NOT NULL,
    -- headroom.signal.v1.UsageSnapshot, encoded
    snapshot        bytea       NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- The current score per account, with the columns the pipeline query filters and sorts on.
CREATE TABLE score_current (
    account_id    text             PRIMARY KEY,
    -- bumped on every write; the re-score writes only where the row is still the one it read
    revision      bigint           NOT NULL,
    score         int              NOT NULL CHECK (score BETWEEN 0 AND 100),
    band          text             NOT NULL,
    motion        text             NOT NULL,
    types_mask    int              NOT NULL,
    model_version bigint           NOT NULL,
    as_of         timestamptz      NOT NULL,
    computed_at   timestamptz      NOT NULL,
    -- the five category fractions (0-1): the features a fit learns from
    f_capacity    double precision NOT NULL,
    f_feature     double precision NOT NULL,
    f_engagement  double precision NOT NULL,
    f_growth      double precision NOT NULL,
    f_value       double precision NOT NULL,
    -- headroom.scoring.v1.Score, encoded: the explained score as served
    score_pb      bytea            NOT NULL
);

CREATE INDEX score_current_rank_idx ON score_current (score DESC, account_id);

-- A row only where the score changed materially (ScoreResult.materiallyDiffersFrom).
CREATE TABLE score_history (
    id            bigserial        PRIMARY KEY,
    account_id    text             NOT NULL,
    score         int              NOT NULL,
    band          text             NOT NULL,
    motion        text             NOT NULL,
    model_version bigint           NOT NULL,
    as_of         timestamptz      NOT NULL,
    computed_at   timestamptz      NOT NULL,
    f_capacity    double precision NOT NULL,
    f_feature     double precision NOT NULL,
    f_engagement  double precision NOT NULL,
    f_growth      double precision NOT NULL,
    f_value       double precision NOT NULL,
    score_pb      bytea            NOT NULL
);

CREATE INDEX score_history_account_idx ON score_history (account_id, id DESC);

-- Each signal occurrence the first time it was seen ACTIVE, with the band and motion of the score it produced.
CREATE TABLE fired_signal (
    account_id    text        NOT NULL,
    signal_type   text        NOT NULL,
    since         timestamptz NOT NULL,
    band          text,
    motion        text,
    first_seen_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, signal_type, since)
);

CREATE INDEX fired_signal_since_idx ON fired_signal (since);

-- Expansions won or lost, with the score in force just before them.
CREATE TABLE outcome (
    outcome_id      text             PRIMARY KEY,
    account_id      text             NOT NULL,
    result          text             NOT NULL CHECK (result IN ('WON', 'LOST')),
    expansion_type  text             NOT NULL,
    arr_currency    text             NOT NULL,
    arr_minor       bigint           NOT NULL CHECK (arr_minor >= 0),
    occurred_at     timestamptz      NOT NULL,
    source          text             NOT NULL,
    external_ref    text             NOT NULL,
    preceding_score int,
    preceding_band  text,
    f_capacity      double precision,
    f_feature       double precision,
    f_engagement    double precision,
    f_growth        double precision,
    f_value         double precision,
    recorded_at     timestamptz      NOT NULL
);

CREATE INDEX outcome_time_idx ON outcome (occurred_at DESC, outcome_id DESC);
CREATE INDEX outcome_account_idx ON outcome (account_id, occurred_at DESC, outcome_id DESC);
