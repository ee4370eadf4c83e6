-- The prompt funnel attributes a conversion reported without a decision id to the latest exposure of
-- its account (and user) before it.
CREATE INDEX exposure_account_decided_at ON exposure (account_id, decided_at);
