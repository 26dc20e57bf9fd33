-- Teams Around the Family: one per episode, and its members. A member with an account gets
-- the Team reach (read the family's record) while the membership is active and the episode
-- open; ending the membership or closing the episode ends it at once.
CREATE TABLE tafs (
    id          uuid        PRIMARY KEY,
    episode_id  uuid        NOT NULL UNIQUE REFERENCES episodes (id),
    family_id   uuid        NOT NULL REFERENCES families (id),
    created_by  uuid        NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tafs_family_idx ON tafs (family_id);
COMMENT ON TABLE tafs IS 'A Team Around the Family: the agencies and family members working to one episode''s plan.';

CREATE TABLE taf_members (
    id                 uuid        PRIMARY KEY,
    taf_id             uuid        NOT NULL REFERENCES tafs (id),
    kind               text        NOT NULL CHECK (kind IN ('professional', 'external', 'family')),
    user_id            uuid        REFERENCES users (id),
    person_id          uuid        REFERENCES people (id),
    name               text        CHECK (length(name) BETWEEN 1 AND 100),
    organisation_name  text        CHECK (length(organisation_name) BETWEEN 1 AND 200),
    contact            text        CHECK (length(contact) <= 200),
    role_in_plan       text        CHECK (length(role_in_plan) <= 200),
    added_by           uuid        NOT NULL REFERENCES users (id),
    added_at           timestamptz NOT NULL DEFAULT now(),
    ended_at           timestamptz,
    ended_by           uuid        REFERENCES users (id),
    CHECK ((kind = 'professional') = (user_id IS NOT NULL)),
    CHECK ((kind = 'family') = (person_id IS NOT NULL)),
    CHECK ((kind = 'external') = (name IS NOT NULL AND organisation_name IS NOT NULL)),
    CHECK ((ended_at IS NULL) = (ended_by IS NULL))
);
CREATE UNIQUE INDEX taf_members_active_user_idx ON taf_members (taf_id, user_id) WHERE ended_at IS NULL AND user_id IS NOT NULL;
CREATE UNIQUE INDEX taf_members_active_person_idx ON taf_members (taf_id, person_id) WHERE ended_at IS NULL AND person_id IS NOT NULL;
CREATE INDEX taf_members_user_idx ON taf_members (user_id) WHERE ended_at IS NULL;
COMMENT ON TABLE taf_members IS 'A member of a Team Around the Family: a professional with an account (user_id; gets the Team reach while active), a professional without one (name, organisation, work contact), or a family member (person_id).';
COMMENT ON COLUMN taf_members.contact IS 'A work phone or email of a professional without an account.';
COMMENT ON COLUMN taf_members.ended_at IS 'When the membership ended; from then the member reaches nothing of the case.';
