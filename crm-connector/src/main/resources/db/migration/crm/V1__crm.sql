-- CRM connections. Credentials only as AES-GCM ciphertext (<key id>:<base64>), never in clear.
CREATE TABLE connection (
  connection_id          text PRIMARY KEY,
  provider               text NOT NULL,
  display_name           text NOT NULL,
  base_url               text NOT NULL,
  api_version            text NOT NULL,
  match_field            text NOT NULL,
  enabled                boolean NOT NULL,
  dry_run                boolean NOT NULL,
  debounce_ms            bigint NOT NULL,
  reconcile_interval_ms  bigint NOT NULL,
  credentials_sealed     text,
  version                bigint NOT NULL,
  request_id             text UNIQUE,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  deleted_at             timestamptz,
  last_reconcile_at      timestamptz
);

-- Headroom value -> CRM field, per connection, in the admin's order.
CREATE TABLE field_mapping (
  connection_id  text NOT NULL REFERENCES connection (connection_id),
  position       int NOT NULL,
  source         text NOT NULL,
  crm_field      text NOT NULL,
  enabled        boolean NOT NULL,
  value_map      jsonb NOT NULL,
  PRIMARY KEY (connection_id, source)
);

-- The latest score of each account as the CRM sees it (AccountValues as JSON), from WatchScores.
CREATE TABLE account_state (
  account_id    text PRIMARY KEY,
  account_vals  jsonb NOT NULL,
  score_cursor  bigint NOT NULL,
  updated_at    timestamptz NOT NULL
);

-- Accounts waiting to be sent to a connection: debounced changes, reconciles, retries, replays.
CREATE TABLE pending_sync (
  connection_id  text NOT NULL,
  account_id     text NOT NULL,
  due_at         timestamptz NOT NULL,
  queued_at      timestamptz NOT NULL,
  trig           text NOT NULL,
  run_id         text,
  attempts       int NOT NULL DEFAULT 0,
  replay_of      text,
  -- Bumped by every enqueue: a finished send deletes the row only if nothing came in meanwhile.
  change_seq     bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (connection_id, account_id)
);
CREATE INDEX pending_sync_due ON pending_sync (connection_id, due_at);

-- What the CRM holds after the last successful write: CRM field -> canonical value.
CREATE TABLE synced_record (
  connection_id  text NOT NULL,
  account_id     text NOT NULL,
  crm_record_id  text NOT NULL,
  fields         jsonb NOT NULL,
  synced_at      timestamptz NOT NULL,
  PRIMARY KEY (connection_id, account_id)
);

CREATE TABLE sync_run (
  run_id             text PRIMARY KEY,
  connection_id      text NOT NULL,
  trig               text NOT NULL,
  status             text NOT NULL,
  started_at         timestamptz NOT NULL,
  finished_at        timestamptz,
  records_total      bigint NOT NULL DEFAULT 0,
  records_succeeded  bigint NOT NULL DEFAULT 0,
  records_failed     bigint NOT NULL DEFAULT 0,
  records_skipped    bigint NOT NULL DEFAULT 0,
  api_calls          bigint NOT NULL DEFAULT 0,
  rate_limited       bigint NOT NULL DEFAULT 0,
  request_id         text UNIQUE
);
CREATE INDEX sync_run_connection ON sync_run (connection_id, started_at DESC, run_id DESC);

-- Per-record results. DEAD_LETTERED rows are the replayable failures.
CREATE TABLE sync_record (
  record_id      text PRIMARY KEY,
  run_id         text NOT NULL,
  connection_id  text NOT NULL,
  account_id     text NOT NULL,
  status         text NOT NULL,
  attempts       int NOT NULL,
  http_status    int NOT NULL,
  error_code     text NOT NULL,
  error_message  text NOT NULL,
  field_changes  jsonb NOT NULL,
  crm_record_id  text NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX sync_record_run ON sync_record (run_id, record_id);
CREATE INDEX sync_record_dead ON sync_record (connection_id, record_id) WHERE status = 'DEAD_LETTERED';
CREATE INDEX sync_record_age ON sync_record (updated_at);

CREATE TABLE audit_entry (
  seq             bigserial PRIMARY KEY,
  audit_id        text NOT NULL UNIQUE,
  actor           text NOT NULL,
  action          text NOT NULL,
  target_id       text NOT NULL,
  changed_fields  text NOT NULL,
  occurred_at     timestamptz NOT NULL
);
CREATE INDEX audit_entry_target ON audit_entry (target_id, seq DESC);
