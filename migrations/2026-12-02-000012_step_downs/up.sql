-- Step-downs from Children's Social Care to early help: social care records one, the receiving
-- locality's LCSS allocates a lead professional, who accepts (a new episode opens, with origin
-- step-down) or declines (LCSS allocates again).
ALTER TABLE episodes
    ADD COLUMN origin text NOT NULL DEFAULT 'early_help' CHECK (origin IN ('early_help', 'step_down'));
COMMENT ON COLUMN episodes.origin IS 'How the episode began: early_help (opened by a professional) or step_down (accepted from Children''s Social Care).';

CREATE TABLE step_downs (
    id                         uuid        PRIMARY KEY,
    family_id                  uuid        NOT NULL REFERENCES families (id),
    locality_id                uuid        NOT NULL REFERENCES localities (id),
    source                     text        NOT NULL CHECK (source IN ('case_closure', 'mash_contact')),
    state                      text        NOT NULL DEFAULT 'awaiting_allocation'
                                           CHECK (state IN ('awaiting_allocation', 'allocated', 'accepted')),
    reason                     text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 4000),
    needs_summary              text        NOT NULL CHECK (length(needs_summary) BETWEEN 1 AND 4000),
    threshold_level            smallint    NOT NULL CHECK (threshold_level IN (2, 3)),
    suggested_organisation_id  uuid        REFERENCES organisations (id),
    snf_due_on                 date        NOT NULL,
    consent_given_by           uuid        NOT NULL REFERENCES people (id),
    consent_method             text        NOT NULL CHECK (consent_method IN ('written', 'verbal')),
    consent_given_on           date        NOT NULL,
    recorded_by                uuid        NOT NULL REFERENCES users (id),
    recorded_at                timestamptz NOT NULL DEFAULT now(),
    allocated_to               uuid        REFERENCES users (id),
    episode_id                 uuid        UNIQUE REFERENCES episodes (id),
    accepted_at                timestamptz,
    CHECK ((state = 'awaiting_allocation') = (allocated_to IS NULL)),
    CHECK ((state = 'accepted') = (episode_id IS NOT NULL AND accepted_at IS NOT NULL))
);
CREATE UNIQUE INDEX step_downs_one_pending_idx ON step_downs (family_id) WHERE state <> 'accepted';
CREATE INDEX step_downs_locality_idx ON step_downs (locality_id, state, snf_due_on);
CREATE INDEX step_downs_allocated_idx ON step_downs (allocated_to) WHERE state = 'allocated';
COMMENT ON TABLE step_downs IS 'A family stepped down from Children''s Social Care to early help: after a case closed with reason RC9 (case_closure) or a MASH contact whose outcome was an Early Help Assessment (mash_contact).';
COMMENT ON COLUMN step_downs.locality_id IS 'The receiving locality, whose LCSS allocates a lead professional: the family''s locality.';
COMMENT ON COLUMN step_downs.snf_due_on IS 'By when the Strengths and Needs form should be submitted; after it, a step-down with no accepted lead or no submitted form is overdue.';
COMMENT ON COLUMN step_downs.consent_given_by IS 'The family member who consented to the step-down; on acceptance the consent is recorded on the family''s record, given to the accepting lead.';

CREATE TABLE step_down_allocations (
    id              uuid        PRIMARY KEY,
    step_down_id    uuid        NOT NULL REFERENCES step_downs (id),
    lead_id         uuid        NOT NULL REFERENCES users (id),
    allocated_by    uuid        NOT NULL REFERENCES users (id),
    allocated_at    timestamptz NOT NULL DEFAULT now(),
    answer          text        CHECK (answer IN ('accepted', 'declined', 'withdrawn')),
    answered_at     timestamptz,
    decline_reason  text        CHECK (length(decline_reason) BETWEEN 1 AND 4000),
    CHECK ((answer IS NULL) = (answered_at IS NULL)),
    CHECK ((answer = 'declined') = (decline_reason IS NOT NULL))
);
CREATE UNIQUE INDEX step_down_allocations_open_idx ON step_down_allocations (step_down_id) WHERE answer IS NULL;
CREATE INDEX step_down_allocations_step_down_idx ON step_down_allocations (step_down_id, allocated_at);
COMMENT ON TABLE step_down_allocations IS 'Each allocation of a step-down to a receiving lead professional and their answer: accepted, declined (with the reason) or withdrawn (LCSS allocated someone else).';
