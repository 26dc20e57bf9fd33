DROP TABLE role_grants;
ALTER TABLE users
    DROP CONSTRAINT users_password_reset_check,
    DROP COLUMN password_reset_by,
    DROP COLUMN password_reset_at,
    DROP COLUMN password_change_required;
ALTER TABLE users DROP CONSTRAINT users_roles_check;
ALTER TABLE users ADD CONSTRAINT users_roles_check CHECK (
    cardinality(roles) >= 1
    AND roles <@ ARRAY['practitioner', 'lcss_worker', 'lcss_manager', 'social_care', 'manager',
                       'admin', 'auditor']::text[]);
