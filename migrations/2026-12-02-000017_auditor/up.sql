-- The auditor role (information governance, the data protection officer): queries the audit
-- trail, never case content.
ALTER TABLE users DROP CONSTRAINT users_roles_check;
ALTER TABLE users ADD CONSTRAINT users_roles_check CHECK (
    cardinality(roles) >= 1
    AND roles <@ ARRAY['practitioner', 'lcss_worker', 'lcss_manager', 'social_care', 'manager',
                       'admin', 'auditor']::text[]);
-- The audit trail newest first, for a period with no other filter.
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at, id);
