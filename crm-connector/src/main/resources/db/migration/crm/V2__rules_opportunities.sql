-- Admin-editable workflow rules per connection (the seeds' four are created with a connection).
CREATE TABLE workflow_rule (
  rule_id            text PRIMARY KEY,
  connection_id      text NOT NULL REFERENCES connection (connection_id),
  name               text NOT NULL,
  enabled            boolean NOT NULL,
  score_above        int NOT NULL,
  primary_types      text NOT NULL,     -- comma-separated type names; empty for any
  min_signals        int NOT NULL,
  signals_within_ms  bigint NOT NULL,
  actions            jsonb NOT NULL,    -- [{"type": "CREATE_OPPORTUNITY", "target": ""}, ...]
  version            bigint NOT NULL,
  request_id         text UNIQUE,
  created_at         timestamptz NOT NULL
);
CREATE INDEX workflow_rule_connection ON workflow_rule (connection_id, created_at, rule_id);

-- Expansion opportunities Headroom created, one open per connection, account and type. The
-- external key is also the CRM record's external id, so a resend after a crash upserts the same one.
CREATE TABLE opportunity (
  connection_id   text NOT NULL,
  external_key    text NOT NULL,
  account_id      text NOT NULL,
  expansion_type  text NOT NULL,
  crm_id          text NOT NULL,
  state           text NOT NULL,
  currency        text NOT NULL,
  amount_minor    bigint NOT NULL,
  created_at      timestamptz NOT NULL,
  closed_at       timestamptz,
  PRIMARY KEY (connection_id, external_key)
);
CREATE UNIQUE INDEX opportunity_open ON opportunity (connection_id, account_id, expansion_type)
  WHERE state = 'OPEN';
