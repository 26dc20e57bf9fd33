-- Team Around the Family meetings, their minutes, and the action plan they agree.
CREATE TABLE taf_meetings (
    id                uuid        PRIMARY KEY,
    taf_id            uuid        NOT NULL REFERENCES tafs (id),
    family_id         uuid        NOT NULL REFERENCES families (id),
    state             text        NOT NULL DEFAULT 'scheduled'
                                  CHECK (state IN ('scheduled', 'finalised', 'acknowledged')),
    starts_at         timestamptz NOT NULL,
    venue             text        CHECK (length(venue) BETWEEN 1 AND 200),
    is_virtual        boolean     NOT NULL DEFAULT false,
    invitee_member_ids uuid[]     NOT NULL DEFAULT '{}',
    minutes           jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(minutes) = 'object'),
    version           integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    next_review_on    date,
    scheduled_by      uuid        NOT NULL REFERENCES users (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- Set when the minutes are finalised: the locality LCSS that receives them, and whether
    -- an LCSS professional attended.
    locality_id       uuid        REFERENCES localities (id),
    lcss_attended     boolean,
    finalised_at      timestamptz,
    finalised_by      uuid        REFERENCES users (id),
    acknowledged_at   timestamptz,
    acknowledged_by   uuid        REFERENCES users (id),
    feedback          text        CHECK (length(feedback) BETWEEN 1 AND 4000),
    CHECK (venue IS NOT NULL OR is_virtual),
    CHECK ((state = 'scheduled') = (finalised_at IS NULL)),
    CHECK ((finalised_at IS NULL) = (finalised_by IS NULL)),
    CHECK ((finalised_at IS NULL) = (locality_id IS NULL)),
    CHECK ((state = 'acknowledged') = (acknowledged_at IS NOT NULL)),
    CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL)),
    CHECK (feedback IS NULL OR acknowledged_at IS NOT NULL)
);
CREATE INDEX taf_meetings_taf_idx ON taf_meetings (taf_id, starts_at);
CREATE INDEX taf_meetings_received_idx ON taf_meetings (locality_id, finalised_at) WHERE finalised_at IS NOT NULL;
COMMENT ON TABLE taf_meetings IS 'A Team Around the Family meeting: when and where, who was invited, and its minutes (a JSON object saved by merge patch while scheduled; immutable once finalised and sent to the locality LCSS).';
COMMENT ON COLUMN taf_meetings.version IS 'The minutes'' version, the ETag a save must send in If-Match.';
COMMENT ON COLUMN taf_meetings.feedback IS 'LCSS feedback to the lead professional on acknowledging the minutes.';

-- Finalised minutes are a record: nothing changes them but LCSS acknowledging them.
CREATE FUNCTION taf_meetings_finalised_are_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.state <> 'scheduled' AND (
        NEW.minutes IS DISTINCT FROM OLD.minutes OR NEW.starts_at IS DISTINCT FROM OLD.starts_at
        OR NEW.venue IS DISTINCT FROM OLD.venue OR NEW.is_virtual IS DISTINCT FROM OLD.is_virtual
        OR NEW.invitee_member_ids IS DISTINCT FROM OLD.invitee_member_ids
        OR NEW.finalised_at IS DISTINCT FROM OLD.finalised_at
        OR NEW.next_review_on IS DISTINCT FROM OLD.next_review_on
        OR NEW.version IS DISTINCT FROM OLD.version) THEN
        RAISE EXCEPTION 'finalised minutes cannot change' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER taf_meetings_finalised_are_immutable BEFORE UPDATE ON taf_meetings
    FOR EACH ROW EXECUTE FUNCTION taf_meetings_finalised_are_immutable();
CREATE FUNCTION taf_meetings_are_kept() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'meetings are kept' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER taf_meetings_are_kept BEFORE DELETE ON taf_meetings
    FOR EACH ROW EXECUTE FUNCTION taf_meetings_are_kept();

CREATE TABLE taf_actions (
    id               uuid        PRIMARY KEY,
    taf_id           uuid        NOT NULL REFERENCES tafs (id),
    meeting_id       uuid        NOT NULL REFERENCES taf_meetings (id),
    description      text        NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
    owner_member_id  uuid        NOT NULL REFERENCES taf_members (id),
    due_on           date        NOT NULL,
    status           text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    progress         jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(progress) = 'array'),
    completion_note  text        CHECK (length(completion_note) BETWEEN 1 AND 4000),
    closed_at        timestamptz,
    closed_by        uuid        REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'open') = (closed_at IS NULL)),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);
CREATE INDEX taf_actions_taf_idx ON taf_actions (taf_id, due_on);
CREATE INDEX taf_actions_owner_idx ON taf_actions (owner_member_id) WHERE status = 'open';
COMMENT ON TABLE taf_actions IS 'The Team Around the Family''s action plan: each action agreed in finalised minutes, its owner (a member), due date, progress notes and outcome.';
COMMENT ON COLUMN taf_actions.progress IS 'Progress notes, oldest first: [{"at", "by", "note"}].';
