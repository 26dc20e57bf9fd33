-- When each Team Around the Family next reviews its plan, and how it closed.
ALTER TABLE tafs
    ADD COLUMN review_due_on    date,
    ADD COLUMN closed_at        timestamptz,
    ADD COLUMN closed_by        uuid REFERENCES users (id),
    ADD COLUMN outcomes         jsonb CHECK (jsonb_typeof(outcomes) = 'array'),
    ADD COLUMN family_feedback  text CHECK (length(family_feedback) BETWEEN 1 AND 4000),
    ADD COLUMN child_feedback   text CHECK (length(child_feedback) BETWEEN 1 AND 4000),
    ADD COLUMN next_step        text CHECK (next_step IN ('universal_services', 'another_service', 'step_up')),
    ADD COLUMN next_step_detail text CHECK (length(next_step_detail) BETWEEN 1 AND 1000);
UPDATE tafs SET review_due_on = (created_at AT TIME ZONE 'UTC')::date + 42;
ALTER TABLE tafs
    ALTER COLUMN review_due_on SET NOT NULL,
    ADD CONSTRAINT tafs_closure_whole CHECK (
        (closed_at IS NULL) = (closed_by IS NULL)
        AND (closed_at IS NULL) = (outcomes IS NULL)
        AND (closed_at IS NULL) = (next_step IS NULL));
CREATE INDEX tafs_review_due_idx ON tafs (review_due_on) WHERE closed_at IS NULL;
COMMENT ON COLUMN tafs.review_due_on IS 'When the team next reviews its plan: the formation date plus the review cadence, then the next review date of its latest finalised minutes. Past it with the team open, the review is overdue.';
COMMENT ON COLUMN tafs.outcomes IS 'At closure, each planned outcome of the latest accepted Strengths and Needs form and whether it was achieved: [{"outcome", "measure", "achievement": "achieved"|"partly_achieved"|"not_achieved", "note"}].';
COMMENT ON COLUMN tafs.next_step IS 'What follows the team: universal services, another service, or step-up to social care.';
