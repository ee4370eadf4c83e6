-- The engine claims due rows in (due_at, key) order, a batch at a time: with the key in the index a
-- claim reads the batch's rows instead of sorting every due row of the connection (a first sync
-- queues all accounts due at the same instant, and their rule actions within moments).
DROP INDEX pending_sync_due;
CREATE INDEX pending_sync_due ON pending_sync (connection_id, due_at, account_id);
DROP INDEX rule_action_due;
CREATE INDEX rule_action_due ON rule_action (connection_id, due_at, action_key) WHERE status = 'PENDING';
