-- What the report queries range over, so a period reads its own rows rather than the whole
-- table (bench/report_plans shows each plan; every period predicate is a plain range on the
-- timestamp, `x >= from AND x < to + 1`, so these serve it).
CREATE INDEX episodes_opened_idx ON episodes (opened_at);
CREATE INDEX episodes_closed_idx ON episodes (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX episodes_open_idx ON episodes (locality_id, lead_organisation_id) WHERE state = 'open';
CREATE INDEX assessments_completed_idx ON assessments (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX reviews_decided_idx ON reviews (decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX taf_meetings_held_idx ON taf_meetings (starts_at) WHERE finalised_at IS NOT NULL;
CREATE INDEX tafs_created_idx ON tafs (created_at);
CREATE INDEX tafs_closed_idx ON tafs (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX step_downs_recorded_idx ON step_downs (recorded_at);
CREATE INDEX advice_consultations_held_idx ON advice_consultations (held_on);
