-- prompt-service schema. Definitions of campaigns and experiments are stored as the encoded contract
-- message (bytea) next to the columns queries filter on; every write keeps the previous versions.

-- The decision context, persisted so that a restart rebuilds it without replaying upstream history:
-- the latest usage snapshot (signal-service) and score (scoring-service) per account, each with the
-- upstream cursor that produced it.
CREATE TABLE account_context (
    account_id      text        PRIMARY KEY,
    usage_cursor    bigint      NOT NULL DEFAULT 0,
    usage           bytea,
    score_cursor    bigint      NOT NULL DEFAULT 0,
    score           bytea,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The last catalog read from signal-service (one row).
CREATE TABLE catalog_snapshot (
    id          smallint    PRIMARY KEY CHECK (id = 1),
    catalog     bytea       NOT NULL,
    read_at     timestamptz NOT NULL
);

CREATE TABLE campaign (
    campaign_id     text        PRIMARY KEY,
    version         bigint      NOT NULL,
    status          text        NOT NULL,
    definition      bytea       NOT NULL,
    request_id      text        UNIQUE,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE campaign_version (
    campaign_id     text        NOT NULL REFERENCES campaign (campaign_id),
    version         bigint      NOT NULL,
    definition      bytea       NOT NULL,
    written_at      timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, version)
);

CREATE TABLE experiment (
    experiment_id   text        PRIMARY KEY,
    campaign_id     text        NOT NULL REFERENCES campaign (campaign_id),
    version         bigint      NOT NULL,
    status          text        NOT NULL CHECK (status IN ('DRAFT', 'RUNNING', 'STOPPED')),
    definition      bytea       NOT NULL,
    request_id      text        UNIQUE,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- At most one running experiment per campaign.
CREATE UNIQUE INDEX experiment_one_running ON experiment (campaign_id) WHERE status = 'RUNNING';

-- One row per prompt returned and per holdout unit that would have been prompted (written behind in
-- batches). Also what the frequency caps are rebuilt from after a restart.
CREATE TABLE exposure (
    decision_id      text        PRIMARY KEY,
    decided_at       timestamptz NOT NULL,
    account_id       text        NOT NULL,
    user_id          text        NOT NULL,
    campaign_id      text        NOT NULL,
    campaign_version bigint      NOT NULL,
    experiment_id    text,
    unit_id          text,
    variant_key      text        NOT NULL DEFAULT '',
    holdout          boolean     NOT NULL DEFAULT false,
    surface          text        NOT NULL,
    feature_key      text        NOT NULL DEFAULT ''
);

CREATE INDEX exposure_experiment_unit ON exposure (experiment_id, unit_id, decided_at)
    WHERE experiment_id IS NOT NULL;
CREATE INDEX exposure_decided_at ON exposure (decided_at);

-- What users did with prompts, idempotent by event_id (content_hash tells a resend from a conflict).
CREATE TABLE prompt_event (
    event_id        text        PRIMARY KEY,
    kind            text        NOT NULL CHECK (kind IN ('SHOWN', 'CLICKED', 'DISMISSED', 'CONVERTED')),
    decision_id     text        NOT NULL DEFAULT '',
    occurred_at     timestamptz NOT NULL,
    account_id      text        NOT NULL DEFAULT '',
    user_id         text        NOT NULL DEFAULT '',
    revenue_minor   bigint      NOT NULL DEFAULT 0,
    currency_code   text        NOT NULL DEFAULT '',
    content_hash    bytea       NOT NULL,
    received_at     timestamptz NOT NULL
);

CREATE INDEX prompt_event_decision ON prompt_event (decision_id) WHERE decision_id <> '';
CREATE INDEX prompt_event_kind_time ON prompt_event (kind, occurred_at);
