DROP FUNCTION erase_no_names_consultation(uuid, text, text, date, text, uuid);
DROP FUNCTION erase_family(uuid, text, text, date, text, uuid);
CREATE OR REPLACE FUNCTION taf_meetings_finalised_are_immutable() RETURNS trigger AS $$
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
CREATE OR REPLACE FUNCTION assessment_revisions_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'assessment revisions are immutable: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP FUNCTION erasing(oid);
DROP TABLE erasures;
ALTER TABLE no_names_consultations DROP CONSTRAINT no_names_consultations_legal_hold_check,
    DROP COLUMN legal_hold_reason, DROP COLUMN legal_hold_at;
ALTER TABLE families DROP CONSTRAINT families_legal_hold_check,
    DROP COLUMN legal_hold_reason, DROP COLUMN legal_hold_at;
