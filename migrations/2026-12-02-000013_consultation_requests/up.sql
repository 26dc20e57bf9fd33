-- A professional asks LCSS for a No Names Consultation; LCSS completes the request by recording
-- the consultation. And LCSS records when it followed a consultation up.
CREATE TABLE consultation_requests (
    id               uuid        PRIMARY KEY,
    locality_id      uuid        NOT NULL REFERENCES localities (id),
    requested_by     uuid        NOT NULL REFERENCES users (id),
    requested_at     timestamptz NOT NULL DEFAULT now(),
    themes           text[]      NOT NULL CHECK (cardinality(themes) BETWEEN 1 AND 12),
    threshold_view   smallint    CHECK (threshold_view BETWEEN 1 AND 4),
    question         text        NOT NULL CHECK (length(question) BETWEEN 1 AND 4000),
    consultation_id  uuid        UNIQUE REFERENCES no_names_consultations (id),
    completed_at     timestamptz,
    CHECK ((consultation_id IS NULL) = (completed_at IS NULL))
);
CREATE INDEX consultation_requests_open_idx ON consultation_requests (locality_id, requested_at)
    WHERE consultation_id IS NULL;
CREATE INDEX consultation_requests_requester_idx ON consultation_requests (requested_by, requested_at);
COMMENT ON TABLE consultation_requests IS 'A professional''s request to LCSS for a No Names Consultation, with no identifying details (the question is checked for identifiers before it is stored); completed when LCSS records the consultation.';

ALTER TABLE no_names_consultations
    ADD COLUMN followed_up_at   timestamptz,
    ADD COLUMN followed_up_by   uuid REFERENCES users (id),
    ADD COLUMN follow_up_note   text CHECK (length(follow_up_note) BETWEEN 1 AND 4000),
    ADD CHECK ((followed_up_at IS NULL) = (followed_up_by IS NULL)),
    ADD CHECK (follow_up_note IS NULL OR followed_up_at IS NOT NULL);
CREATE INDEX no_names_consultations_follow_up_idx ON no_names_consultations (recorded_by, follow_up_on)
    WHERE follow_up_on IS NOT NULL AND followed_up_at IS NULL;
COMMENT ON COLUMN no_names_consultations.followed_up_at IS 'When LCSS followed the consultation up (called the professional back), clearing it from the work list.';
