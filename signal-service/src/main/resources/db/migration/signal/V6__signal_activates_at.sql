-- When a PENDING signal becomes active if its condition keeps holding (the start of its run + the sustain
-- window), so clients can show "active in 3 days". Null for every other status. Open pending signals get it at
-- their next evaluation (the first sweep after the upgrade).
ALTER TABLE signal_occurrence ADD COLUMN activates_at timestamptz;
