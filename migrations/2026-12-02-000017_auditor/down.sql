DROP INDEX audit_events_time_idx;
ALTER TABLE users DROP CONSTRAINT users_roles_check;
ALTER TABLE users ADD CONSTRAINT users_roles_check CHECK (
    cardinality(roles) >= 1
    AND roles <@ ARRAY['practitioner', 'lcss_worker', 'lcss_manager', 'social_care', 'manager',
                       'admin']::text[]);
