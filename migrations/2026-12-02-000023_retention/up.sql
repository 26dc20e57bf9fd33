-- Retention and erasure. Records past their retention date (by default: a family's until its
-- youngest child turns 25; a No Names Consultation for 6 years) and records created in error
-- have their personal content erased in place: names, dates of birth, identifiers, addresses
-- and every free text become '[erased]', empty or NULL, while ids, dates, states and levels
-- stay, so counts and the audit trail still add up. A tombstone records each erasure (what,
-- when, why, by which rule); a record under a legal hold is never touched.

ALTER TABLE families
    ADD COLUMN legal_hold_at     timestamptz,
    ADD COLUMN legal_hold_reason text CHECK (length(legal_hold_reason) BETWEEN 1 AND 500),
    ADD CONSTRAINT families_legal_hold_check
        CHECK ((legal_hold_at IS NULL) = (legal_hold_reason IS NULL));
ALTER TABLE no_names_consultations
    ADD COLUMN legal_hold_at     timestamptz,
    ADD COLUMN legal_hold_reason text CHECK (length(legal_hold_reason) BETWEEN 1 AND 500),
    ADD CONSTRAINT no_names_consultations_legal_hold_check
        CHECK ((legal_hold_at IS NULL) = (legal_hold_reason IS NULL));
COMMENT ON COLUMN families.legal_hold_at IS 'Under a legal hold since then: retention and erasure never touch the family.';

CREATE TABLE erasures (
    id           uuid        PRIMARY KEY,
    record_type  text        NOT NULL CHECK (record_type IN ('family', 'no_names_consultation')),
    record_id    uuid        NOT NULL,
    -- The family's reference (FAM-...), not personal data, so the tombstone can be found.
    reference    text,
    reason       text        NOT NULL CHECK (reason IN ('retention', 'created_in_error')),
    -- The retention rule applied, and the day the record fell due under it.
    rule         text,
    due_on       date,
    -- Why an administrator erased a record created in error.
    note         text        CHECK (length(note) BETWEEN 10 AND 2000),
    erased_at    timestamptz NOT NULL DEFAULT now(),
    erased_by    uuid        REFERENCES users (id),
    UNIQUE (record_type, record_id),
    CHECK ((reason = 'retention') = (rule IS NOT NULL AND due_on IS NOT NULL)),
    CHECK ((reason = 'created_in_error') = (note IS NOT NULL))
);
COMMENT ON TABLE erasures IS 'Tombstones: one per erased record (ids, dates, reason). A record is erased once; a re-run finds its tombstone and skips it.';
REVOKE UPDATE, DELETE ON erasures FROM earlyhelp_app;

-- The append-only guards let an erasure through, and nothing else: only inside the erasure
-- functions below, which run as the tables' owner (SECURITY DEFINER) with a transaction-local
-- flag set. The serving role can set the flag but is not the owner, so the guards still hold
-- against it.
CREATE FUNCTION erasing(relation oid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT current_setting('earlyhelp.erasing', true) = 'on'
       AND (SELECT relowner FROM pg_class WHERE oid = relation)
           = (SELECT oid FROM pg_roles WHERE rolname = current_user)
$$;

CREATE OR REPLACE FUNCTION assessment_revisions_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND erasing(TG_RELID) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'assessment revisions are immutable: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE OR REPLACE FUNCTION taf_meetings_finalised_are_immutable() RETURNS trigger AS $$
BEGIN
    IF erasing(TG_RELID) THEN
        RETURN NEW;
    END IF;
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

-- Erases one family's personal content and leaves its tombstone; false when it has one
-- already (erased before: nothing is done twice). Refuses a family under a legal hold.
CREATE FUNCTION erase_family(
    p_family uuid, p_reason text, p_rule text, p_due date, p_note text, p_by uuid
) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    held timestamptz;
    ref  text;
BEGIN
    SELECT legal_hold_at, reference INTO held, ref FROM families WHERE id = p_family FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no family %', p_family USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT 1 FROM erasures WHERE record_type = 'family' AND record_id = p_family) THEN
        RETURN false;
    END IF;
    IF held IS NOT NULL THEN
        RAISE EXCEPTION 'family % is under a legal hold', p_family USING ERRCODE = 'check_violation';
    END IF;
    PERFORM set_config('earlyhelp.erasing', 'on', true);

    UPDATE people SET given_name = '[erased]', family_name = '[erased]',
        given_name_key = '', family_name_key = '',
        date_of_birth = make_date(extract(year FROM date_of_birth)::int, 1, 1),
        expected_date_of_birth = make_date(extract(year FROM expected_date_of_birth)::int, 1, 1),
        ethnicity = NULL, disabilities = '{}', address = NULL, postcode = NULL,
        nhs_number = NULL, upn = NULL, updated_at = now()
    WHERE family_id = p_family;
    DELETE FROM person_history WHERE person_id IN (SELECT id FROM people WHERE family_id = p_family);
    UPDATE families SET address = NULL, postcode = NULL WHERE id = p_family;
    UPDATE consents SET excluded_note = NULL,
        withdrawal_reason = CASE WHEN withdrawal_reason IS NULL THEN NULL ELSE '[erased]' END
    WHERE family_id = p_family;
    UPDATE episodes SET reason = '[erased]',
        closure_note = CASE WHEN closure_note IS NULL THEN NULL ELSE '[erased]' END
    WHERE family_id = p_family;
    UPDATE threshold_changes SET rationale = '[erased]'
    WHERE episode_id IN (SELECT id FROM episodes WHERE family_id = p_family);
    UPDATE assessments SET content = '{}'
    WHERE episode_id IN (SELECT id FROM episodes WHERE family_id = p_family);
    UPDATE assessment_revisions SET content = '{}'
    WHERE assessment_id IN (SELECT a.id FROM assessments a JOIN episodes e ON e.id = a.episode_id
                            WHERE e.family_id = p_family);
    UPDATE reviews SET feedback = CASE WHEN feedback IS NULL THEN NULL ELSE '[erased]' END
    WHERE assessment_id IN (SELECT a.id FROM assessments a JOIN episodes e ON e.id = a.episode_id
                            WHERE e.family_id = p_family);
    UPDATE tafs SET
        family_feedback = CASE WHEN family_feedback IS NULL THEN NULL ELSE '[erased]' END,
        child_feedback = CASE WHEN child_feedback IS NULL THEN NULL ELSE '[erased]' END,
        next_step_detail = CASE WHEN next_step_detail IS NULL THEN NULL ELSE '[erased]' END
    WHERE family_id = p_family;
    UPDATE taf_members SET name = CASE WHEN name IS NULL THEN NULL ELSE '[erased]' END,
        contact = NULL, role_in_plan = NULL
    WHERE taf_id IN (SELECT id FROM tafs WHERE family_id = p_family);
    UPDATE taf_meetings SET minutes = '{}',
        venue = CASE WHEN venue IS NULL THEN NULL ELSE '[erased]' END,
        feedback = CASE WHEN feedback IS NULL THEN NULL ELSE '[erased]' END
    WHERE family_id = p_family;
    UPDATE taf_actions SET description = '[erased]', progress = '[]',
        completion_note = CASE WHEN completion_note IS NULL THEN NULL ELSE '[erased]' END
    WHERE taf_id IN (SELECT id FROM tafs WHERE family_id = p_family);
    UPDATE chronology_entries SET summary = '[erased]' WHERE family_id = p_family;
    UPDATE step_ups SET reason = '[erased]', tried = '[erased]', risks = '[erased]',
        advice = CASE WHEN advice IS NULL THEN NULL ELSE '[erased]' END
    WHERE family_id = p_family;
    UPDATE step_down_allocations SET
        decline_reason = CASE WHEN decline_reason IS NULL THEN NULL ELSE '[erased]' END
    WHERE step_down_id IN (SELECT id FROM step_downs WHERE family_id = p_family);
    UPDATE step_downs SET reason = '[erased]', needs_summary = '[erased]'
    WHERE family_id = p_family;
    UPDATE advice_consultations SET advice = '[erased]' WHERE family_id = p_family;

    INSERT INTO erasures (id, record_type, record_id, reference, reason, rule, due_on, note, erased_by)
    VALUES (gen_random_uuid(), 'family', p_family, ref, p_reason, p_rule, p_due, p_note, p_by);
    PERFORM set_config('earlyhelp.erasing', 'off', true);
    RETURN true;
END;
$$;

-- The same for a No Names Consultation (it names no one, but its advice may describe one).
CREATE FUNCTION erase_no_names_consultation(
    p_consultation uuid, p_reason text, p_rule text, p_due date, p_note text, p_by uuid
) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    held timestamptz;
BEGIN
    SELECT legal_hold_at INTO held FROM no_names_consultations WHERE id = p_consultation FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no consultation %', p_consultation USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT 1 FROM erasures WHERE record_type = 'no_names_consultation'
               AND record_id = p_consultation) THEN
        RETURN false;
    END IF;
    IF held IS NOT NULL THEN
        RAISE EXCEPTION 'consultation % is under a legal hold', p_consultation
            USING ERRCODE = 'check_violation';
    END IF;
    UPDATE no_names_consultations SET advice = '[erased]',
        follow_up_note = CASE WHEN follow_up_note IS NULL THEN NULL ELSE '[erased]' END
    WHERE id = p_consultation;
    UPDATE consultation_requests SET question = '[erased]' WHERE consultation_id = p_consultation;
    INSERT INTO erasures (id, record_type, record_id, reason, rule, due_on, note, erased_by)
    VALUES (gen_random_uuid(), 'no_names_consultation', p_consultation, p_reason, p_rule, p_due,
            p_note, p_by);
    RETURN true;
END;
$$;

REVOKE EXECUTE ON FUNCTION erase_family(uuid, text, text, date, text, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION erase_no_names_consultation(uuid, text, text, date, text, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION erase_family(uuid, text, text, date, text, uuid) TO earlyhelp_app;
GRANT EXECUTE ON FUNCTION erase_no_names_consultation(uuid, text, text, date, text, uuid) TO earlyhelp_app;
