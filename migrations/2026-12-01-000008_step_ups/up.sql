-- Step-up requests from early help to Children's Social Care, and the families social care
-- has taken on.
CREATE TABLE step_ups (
    id               uuid        PRIMARY KEY,
    episode_id       uuid        NOT NULL REFERENCES episodes (id),
    family_id        uuid        NOT NULL REFERENCES families (id),
    locality_id      uuid        NOT NULL REFERENCES localities (id),
    referral_source  text        NOT NULL DEFAULT '5D' CHECK (referral_source = '5D'),
    state            text        NOT NULL DEFAULT 'requested'
                                 CHECK (state IN ('requested', 'accepted', 'not_accepted')),
    reason           text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 4000),
    threshold_level  smallint    NOT NULL CHECK (threshold_level IN (3, 4)),
    tried            text        NOT NULL CHECK (length(tried) BETWEEN 1 AND 4000),
    risks            text        NOT NULL CHECK (length(risks) BETWEEN 1 AND 4000),
    immediate        boolean     NOT NULL,
    revision_id      uuid        REFERENCES assessment_revisions (id),
    raised_by        uuid        NOT NULL REFERENCES users (id),
    raised_at        timestamptz NOT NULL DEFAULT now(),
    decided_by       uuid        REFERENCES users (id),
    decided_at       timestamptz,
    advice           text        CHECK (length(advice) BETWEEN 1 AND 4000),
    CHECK ((state = 'requested') = (decided_at IS NULL)),
    CHECK ((decided_at IS NULL) = (decided_by IS NULL)),
    CHECK (state <> 'not_accepted' OR advice IS NOT NULL)
);
CREATE UNIQUE INDEX step_ups_one_pending_idx ON step_ups (episode_id) WHERE state = 'requested';
CREATE INDEX step_ups_family_idx ON step_ups (family_id);
CREATE INDEX step_ups_state_idx ON step_ups (state, raised_at);
COMMENT ON TABLE step_ups IS 'A request to Children''s Social Care (referral source 5D) from an open early help episode, and social care''s decision: accepted for statutory assessment (the episode closes as stepped up) or not accepted (early help continues, with advice).';
COMMENT ON COLUMN step_ups.tried IS 'What early help has tried.';
COMMENT ON COLUMN step_ups.immediate IS 'The concern is immediate: the referrer was told to phone the MASH now.';
COMMENT ON COLUMN step_ups.revision_id IS 'The Strengths and Needs form revision the request was pre-filled from.';

ALTER TABLE families ADD COLUMN known_to_social_care_on date;
COMMENT ON COLUMN families.known_to_social_care_on IS 'When Children''s Social Care accepted the family for statutory assessment (a step-up accepted).';
