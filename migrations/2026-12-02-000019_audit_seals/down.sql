DROP TABLE audit_seals;
DROP FUNCTION audit_seals_reject_change();
ALTER TABLE audit_events DROP COLUMN seq;
