-- An experiment's exposures are only looked up by experiment: its results read them all (and then
-- group them by unit in memory), so unit_id and decided_at in the key served no query. Keyed by the
-- experiment alone, the index takes each new exposure at the end of its experiment's entries instead
-- of on a random page: most of what that index cost per exposure written.
DROP INDEX exposure_experiment_unit;
CREATE INDEX exposure_experiment ON exposure (experiment_id) WHERE experiment_id IS NOT NULL;
