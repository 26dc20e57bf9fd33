-- The assessment loop: families and their members, consent, early-help episodes, Strengths and
-- Needs forms (SNF) with immutable submitted revisions, LCSS reviews, and each family's
-- chronology. Every case table reaches its family, whose locality and lead professional decide
-- who may see it.

CREATE TABLE families (
    id                    uuid        PRIMARY KEY,
    reference             text        NOT NULL UNIQUE CHECK (reference ~ '^FAM-[0-9]{6,}$'),
    locality_id           uuid        NOT NULL REFERENCES localities (id),
    lead_professional_id  uuid        NOT NULL REFERENCES users (id),
    address               text        CHECK (length(address) <= 500),
    postcode              text        CHECK (length(postcode) <= 10),
    created_by            uuid        NOT NULL REFERENCES users (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE family_reference_seq;
CREATE INDEX families_locality_idx ON families (locality_id, id);
CREATE INDEX families_lead_idx ON families (lead_professional_id, id);
COMMENT ON TABLE families IS 'A household receiving early help. Who may see it follows from its locality and its lead professional.';
COMMENT ON COLUMN families.reference IS 'Human-readable reference quoted between professionals instead of names (FAM-000123).';
COMMENT ON COLUMN families.lead_professional_id IS 'The professional leading the family''s early help now: the creator until an episode opens, then the episode''s lead, following transfers.';

CREATE TABLE people (
    id                       uuid        PRIMARY KEY,
    family_id                uuid        NOT NULL REFERENCES families (id),
    kind                     text        NOT NULL CHECK (kind IN ('child', 'adult')),
    given_name               text        NOT NULL CHECK (length(btrim(given_name)) BETWEEN 1 AND 100),
    family_name              text        NOT NULL CHECK (length(btrim(family_name)) BETWEEN 1 AND 100),
    date_of_birth            date,
    expected_date_of_birth   date,
    sex                      text        NOT NULL CHECK (sex IN ('M', 'F', 'U')),
    ethnicity                text        CHECK (ethnicity ~ '^[A-Z]{4}$'),
    disabilities             text[]      NOT NULL DEFAULT '{}',
    address                  text        CHECK (length(address) <= 500),
    postcode                 text        CHECK (length(postcode) <= 10),
    nhs_number               text        CHECK (nhs_number ~ '^[0-9]{10}$'),
    upn                      text        CHECK (upn ~ '^[A-Z][0-9]{11}[0-9A-Z]$'),
    setting_organisation_id  uuid        REFERENCES organisations (id),
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    family_name_key          text        NOT NULL GENERATED ALWAYS AS (lower(regexp_replace(family_name, '[^[:alpha:]]', '', 'g'))) STORED,
    given_name_key           text        NOT NULL GENERATED ALWAYS AS (lower(regexp_replace(given_name, '[^[:alpha:]]', '', 'g'))) STORED,
    CHECK ((date_of_birth IS NULL) <> (expected_date_of_birth IS NULL)),
    CHECK (expected_date_of_birth IS NULL OR (kind = 'child' AND sex = 'U'))
);
CREATE INDEX people_family_idx ON people (family_id);
CREATE INDEX people_nhs_idx ON people (nhs_number) WHERE nhs_number IS NOT NULL;
CREATE INDEX people_dob_idx ON people (date_of_birth);
COMMENT ON TABLE people IS 'A member of a family: a child (born or expected) or an adult. Identifying data; every read is audited.';
COMMENT ON COLUMN people.sex IS 'DfE Children in Need census code: M, F, or U (unknown, and always for an unborn child).';
COMMENT ON COLUMN people.ethnicity IS 'DfE Children in Need census ethnicity code (WBRI ... REFU, NOBT).';
COMMENT ON COLUMN people.disabilities IS 'DfE Children in Need census disability codes (NONE, MOB, HAND, ...).';
COMMENT ON COLUMN people.family_name_key IS 'The family name in lower case, letters only: what the duplicate check compares.';
COMMENT ON COLUMN people.given_name_key IS 'The given name in lower case, letters only: what the duplicate check compares.';
COMMENT ON COLUMN people.setting_organisation_id IS 'The school, nursery or other setting the person attends.';

CREATE TABLE relationships (
    id                 uuid        PRIMARY KEY,
    family_id          uuid        NOT NULL REFERENCES families (id),
    person_id          uuid        NOT NULL REFERENCES people (id),
    related_person_id  uuid        NOT NULL REFERENCES people (id),
    kind               text        NOT NULL CHECK (kind IN ('parent', 'step_parent', 'carer', 'sibling', 'grandparent', 'other')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (person_id <> related_person_id),
    UNIQUE (person_id, related_person_id, kind)
);
CREATE INDEX relationships_family_idx ON relationships (family_id);
COMMENT ON TABLE relationships IS 'person_id is the <kind> of related_person_id (for example: an adult is the parent of a child).';

CREATE TABLE consents (
    id                         uuid        PRIMARY KEY,
    family_id                  uuid        NOT NULL REFERENCES families (id),
    given_by_person_id         uuid        NOT NULL REFERENCES people (id),
    lead_professional_id       uuid        NOT NULL REFERENCES users (id),
    organisation_id            uuid        NOT NULL REFERENCES organisations (id),
    for_assessment             boolean     NOT NULL,
    share_with_organisation_ids uuid[]     NOT NULL DEFAULT '{}',
    excluded_organisation_ids  uuid[]      NOT NULL DEFAULT '{}',
    excluded_note              text        CHECK (length(excluded_note) <= 1000),
    method                     text        NOT NULL CHECK (method IN ('written', 'verbal')),
    given_on                   date        NOT NULL,
    recorded_by                uuid        NOT NULL REFERENCES users (id),
    created_at                 timestamptz NOT NULL DEFAULT now(),
    withdrawn_at               timestamptz,
    withdrawn_by               uuid        REFERENCES users (id),
    withdrawal_reason          text        CHECK (length(withdrawal_reason) <= 2000),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
CREATE INDEX consents_family_idx ON consents (family_id, created_at);
COMMENT ON TABLE consents IS 'A family member''s consent to an early help assessment and to sharing with named agencies; withdrawal ends sharing.';
COMMENT ON COLUMN consents.excluded_organisation_ids IS 'Agencies the family does not want to see the assessment (paper form Part A); access control honours it.';

CREATE TABLE episodes (
    id                      uuid        PRIMARY KEY,
    family_id               uuid        NOT NULL REFERENCES families (id),
    locality_id             uuid        NOT NULL REFERENCES localities (id),
    lead_professional_id    uuid        NOT NULL REFERENCES users (id),
    lead_organisation_id    uuid        NOT NULL REFERENCES organisations (id),
    threshold_level         smallint    NOT NULL CHECK (threshold_level IN (2, 3)),
    reason                  text        NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 4000),
    state                   text        NOT NULL CHECK (state IN ('open', 'closed')),
    opened_at               timestamptz NOT NULL DEFAULT now(),
    opened_by               uuid        NOT NULL REFERENCES users (id),
    closed_at               timestamptz,
    closed_by               uuid        REFERENCES users (id),
    closure_reason          text        CHECK (closure_reason IN (
                                'outcomes_met', 'stepped_up', 'moved_out_of_area', 'consent_withdrawn', 'family_disengaged', 'other')),
    closure_note            text        CHECK (length(closure_note) <= 4000),
    transfer_to             uuid        REFERENCES users (id),
    transfer_proposed_by    uuid        REFERENCES users (id),
    transfer_proposed_at    timestamptz,
    CHECK ((state = 'closed') = (closed_at IS NOT NULL AND closure_reason IS NOT NULL)),
    CHECK (closure_reason <> 'other' OR length(btrim(closure_note)) > 0),
    CHECK ((transfer_to IS NULL) = (transfer_proposed_at IS NULL))
);
CREATE INDEX episodes_family_idx ON episodes (family_id);
CREATE UNIQUE INDEX episodes_one_open_per_family ON episodes (family_id) WHERE state = 'open';
COMMENT ON TABLE episodes IS 'One period of early help for a family, led by one lead professional at a threshold level of 2 or 3.';

CREATE TABLE episode_children (
    episode_id  uuid NOT NULL REFERENCES episodes (id),
    person_id   uuid NOT NULL REFERENCES people (id),
    PRIMARY KEY (episode_id, person_id)
);
COMMENT ON TABLE episode_children IS 'The children an episode concerns; each keeps their own record within the family episode.';

CREATE TABLE threshold_changes (
    id          uuid        PRIMARY KEY,
    episode_id  uuid        NOT NULL REFERENCES episodes (id),
    level       smallint    NOT NULL CHECK (level IN (2, 3)),
    rationale   text        NOT NULL CHECK (length(btrim(rationale)) BETWEEN 1 AND 4000),
    changed_by  uuid        NOT NULL REFERENCES users (id),
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX threshold_changes_episode_idx ON threshold_changes (episode_id, changed_at);
COMMENT ON TABLE threshold_changes IS 'Every threshold level an episode has had, with the rationale; the first row is the level at opening.';

CREATE TABLE lead_transfers (
    id            uuid        PRIMARY KEY,
    episode_id    uuid        NOT NULL REFERENCES episodes (id),
    from_user_id  uuid        NOT NULL REFERENCES users (id),
    to_user_id    uuid        NOT NULL REFERENCES users (id),
    proposed_by   uuid        NOT NULL REFERENCES users (id),
    proposed_at   timestamptz NOT NULL,
    accepted_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE lead_transfers IS 'Completed transfers of lead professional: who proposed, who accepted, when.';

CREATE TABLE form_templates (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,63}$'),
    version       integer     NOT NULL CHECK (version >= 1),
    definition    jsonb       NOT NULL,
    published_by  uuid        REFERENCES users (id),
    published_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, version)
);
COMMENT ON TABLE form_templates IS 'Published, immutable versions of a form definition; a form keeps the version it was started with.';

CREATE TABLE assessments (
    id             uuid        PRIMARY KEY,
    episode_id     uuid        NOT NULL REFERENCES episodes (id),
    template_id    uuid        NOT NULL REFERENCES form_templates (id),
    state          text        NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'accepted')),
    content        jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(content) = 'object'),
    version        integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by     uuid        NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    completed_at   timestamptz,
    CHECK ((state = 'accepted') = (completed_at IS NOT NULL))
);
CREATE INDEX assessments_episode_idx ON assessments (episode_id);
COMMENT ON TABLE assessments IS 'A Strengths and Needs form (formerly Early Help Assessment). The draft content is editable; each submission freezes a revision.';
COMMENT ON COLUMN assessments.version IS 'Bumped on every change; the ETag for optimistic concurrency.';
COMMENT ON COLUMN assessments.completed_at IS 'When LCSS accepted the form: the completion date reports count.';

CREATE TABLE assessment_revisions (
    id             uuid        PRIMARY KEY,
    assessment_id  uuid        NOT NULL REFERENCES assessments (id),
    number         integer     NOT NULL CHECK (number >= 1),
    template_id    uuid        NOT NULL REFERENCES form_templates (id),
    content        jsonb       NOT NULL,
    submitted_by   uuid        NOT NULL REFERENCES users (id),
    submitted_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (assessment_id, number)
);
COMMENT ON TABLE assessment_revisions IS 'Immutable submitted revisions of an assessment.';

CREATE FUNCTION assessment_revisions_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'assessment revisions are immutable: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER assessment_revisions_immutable
    BEFORE UPDATE OR DELETE ON assessment_revisions
    FOR EACH ROW EXECUTE FUNCTION assessment_revisions_reject_change();

CREATE TABLE reviews (
    id              uuid        PRIMARY KEY,
    revision_id     uuid        NOT NULL UNIQUE REFERENCES assessment_revisions (id),
    assessment_id   uuid        NOT NULL REFERENCES assessments (id),
    locality_id     uuid        NOT NULL REFERENCES localities (id),
    state           text        NOT NULL CHECK (state IN ('unassigned', 'assigned', 'decided')),
    reviewer_id     uuid        REFERENCES users (id),
    assigned_by     uuid        REFERENCES users (id),
    assigned_at     timestamptz,
    received_on     date        NOT NULL,
    due_on          date        NOT NULL,
    decision        text        CHECK (decision IN ('accepted', 'returned')),
    ratings         jsonb,
    feedback        text        CHECK (length(feedback) <= 20000),
    decided_at      timestamptz,
    decided_by      uuid        REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((state = 'unassigned') = (reviewer_id IS NULL)),
    CHECK ((state = 'decided') = (decision IS NOT NULL AND decided_at IS NOT NULL AND ratings IS NOT NULL))
);
CREATE INDEX reviews_queue_idx ON reviews (locality_id, state, received_on, id);
CREATE INDEX reviews_reviewer_idx ON reviews (reviewer_id);
COMMENT ON TABLE reviews IS 'The LCSS review of one submitted revision: queue position, reviewer, decision, quality ratings and feedback.';
COMMENT ON COLUMN reviews.due_on IS 'N working days after receipt (weekends and bank holidays excluded).';
COMMENT ON COLUMN reviews.ratings IS 'One rating per quality criterion: met, partly_met or not_met, with an optional comment.';

CREATE TABLE idempotency_keys (
    user_id        uuid        NOT NULL REFERENCES users (id),
    key            text        NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash   bytea       NOT NULL,
    status         smallint    NOT NULL,
    response       jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
COMMENT ON TABLE idempotency_keys IS 'Responses to requests sent with an Idempotency-Key, replayed when the same user retries with the same key.';

CREATE TABLE chronology_entries (
    id           uuid        PRIMARY KEY,
    family_id    uuid        NOT NULL REFERENCES families (id),
    kind         text        NOT NULL CHECK (kind ~ '^[a-z_]+\.[a-z_]+$'),
    occurred_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id     uuid        NOT NULL REFERENCES users (id),
    summary      text        NOT NULL CHECK (length(summary) BETWEEN 1 AND 500),
    entity_type  text        NOT NULL,
    entity_id    uuid        NOT NULL
);
CREATE INDEX chronology_family_idx ON chronology_entries (family_id, occurred_at DESC, id DESC);
COMMENT ON TABLE chronology_entries IS 'What happened in a family''s early help, newest first when read: a short summary, never form content.';
