-- The funnel now attributes a conversion without a decision id by joining the period's exposures
-- (read by decision time), so no index by account is kept up to date on every exposure written.
DROP INDEX exposure_account_decided_at;
