-- Tables every Headroom service gets in its own schema (applied by dev.headroom.kit.db.Database#migrate with its
-- own history table, kit_schema_history, so these versions never collide with the service's migrations).

-- One row per stream: the last sequence number handed out. Appenders update this row inside their transaction,
-- so the row lock serializes appends per stream until commit (see Outbox#append for why that matters). It also
-- keeps the counter when pruning removes every row of a stream.
CREATE TABLE outbox_stream (
    stream   text   PRIMARY KEY,
    last_seq bigint NOT NULL CHECK (last_seq >= 0)
);

CREATE TABLE outbox (
    stream     text        NOT NULL,
    seq        bigint      NOT NULL,
    entry_key  text        NOT NULL,
    payload    bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, seq)
);

-- Retention deletes by age.
CREATE INDEX outbox_created_at_idx ON outbox (created_at);

-- Consumer side: how far each named consumer has processed an upstream stream.
CREATE TABLE consumer_cursor (
    consumer   text        PRIMARY KEY,
    position   bigint      NOT NULL CHECK (position >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);
