-- What the report queries range over, so a period reads its own rows rather than the whole
-- table (bench/report_plans shows each plan; every period predicate is a plain range on the
-- timestamp, `x >= from AND x < to + 1`, so these serve it).
CREATE INDEX episodes_opened_idx ON episodes (opened_at);
CREATE INDEX episodes_closed_idx ON episodes (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX episodes_open_idx ON episodes (locality_id, lead_organisation_id) WHERE state = 'open';
CREATE INDEX assessments_completed_idx ON assessments (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX reviews_decided_idx ON reviews (decided_at) WHERE decided_at IS NOT NULL;
-- Covering: the TAF report counts meetings held and LCSS's attendance from the index alone
-- (the meeting rows, minutes and all, are wide).
CREATE INDEX taf_meetings_held_idx ON taf_meetings (starts_at) INCLUDE (taf_id, lcss_attended)
    WHERE finalised_at IS NOT NULL;
-- Open actions by team and due date: a lead's overdue actions, read from the index alone.
CREATE INDEX taf_actions_open_idx ON taf_actions (taf_id, due_on) WHERE status = 'open';
CREATE INDEX tafs_created_idx ON tafs (created_at);
CREATE INDEX tafs_closed_idx ON tafs (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX step_downs_recorded_idx ON step_downs (recorded_at);
CREATE INDEX step_ups_raised_idx ON step_ups (raised_at);
-- A child's episodes: whether a child stepped up had a completed form before.
CREATE INDEX episode_children_person_idx ON episode_children (person_id);
CREATE INDEX advice_consultations_held_idx ON advice_consultations (held_on);
