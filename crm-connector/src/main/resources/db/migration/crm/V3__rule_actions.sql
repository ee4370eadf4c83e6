-- Whether each rule held for each account when last evaluated, and how many times it began to hold.
-- Alerts, campaign enrolments and tasks are carried out once per firing (the condition turning true),
-- never again while it keeps holding.
CREATE TABLE rule_firing (
  connection_id  text NOT NULL,
  rule_id        text NOT NULL,
  account_id     text NOT NULL,
  firing         int NOT NULL,
  holding        boolean NOT NULL,
  changed_at     timestamptz NOT NULL,
  PRIMARY KEY (connection_id, rule_id, account_id)
);

-- Rule actions to carry out, one row per rule, account, firing and action: the key is also the
-- idempotency key sent with alerts and stored on tasks, so a retry or a restart never does one twice.
CREATE TABLE rule_action (
  connection_id  text NOT NULL,
  action_key     text NOT NULL,
  rule_id        text NOT NULL,
  account_id     text NOT NULL,
  action_type    text NOT NULL,
  target         text NOT NULL,
  status         text NOT NULL,     -- PENDING, DONE, SKIPPED, DEAD_LETTERED
  attempts       int NOT NULL DEFAULT 0,
  -- True once a request may have reached the CRM: a task is then looked up before it is created.
  sent           boolean NOT NULL DEFAULT false,
  due_at         timestamptz NOT NULL,
  crm_id         text NOT NULL DEFAULT '',
  detail         text NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  PRIMARY KEY (connection_id, action_key)
);
CREATE INDEX rule_action_due ON rule_action (connection_id, due_at) WHERE status = 'PENDING';
CREATE INDEX rule_action_recent ON rule_action (connection_id, rule_id, account_id, action_type, created_at);
