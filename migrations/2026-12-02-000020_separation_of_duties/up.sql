-- Separation of duties: an administrator manages accounts but never reaches case content.
-- A role that reads case records (practitioner, lcss_worker, lcss_manager, social_care) granted
-- by an administrator waits for a second person to confirm it; a password an administrator
-- sets is one-time, and the account's case roles wait for confirmation again.

-- An account may hold no role while its only roles await confirmation.
ALTER TABLE users DROP CONSTRAINT users_roles_check;
ALTER TABLE users ADD CONSTRAINT users_roles_check CHECK (
    roles <@ ARRAY['practitioner', 'lcss_worker', 'lcss_manager', 'social_care', 'manager',
                   'admin', 'auditor']::text[]);

ALTER TABLE users
    ADD COLUMN password_change_required boolean     NOT NULL DEFAULT false,
    ADD COLUMN password_reset_at        timestamptz,
    ADD COLUMN password_reset_by        uuid        REFERENCES users (id),
    ADD CONSTRAINT users_password_reset_check
        CHECK ((password_reset_at IS NULL) = (password_reset_by IS NULL));
COMMENT ON COLUMN users.password_change_required IS 'The password was set by an administrator: it only lets its holder set a new one.';
COMMENT ON COLUMN users.password_reset_at IS 'When an administrator last set this account''s password (shown to the user in /me).';
COMMENT ON COLUMN users.password_reset_by IS 'The administrator who last set this account''s password.';

CREATE TABLE role_grants (
    id            uuid        PRIMARY KEY,
    user_id       uuid        NOT NULL REFERENCES users (id),
    roles         text[]      NOT NULL CHECK (
        cardinality(roles) >= 1
        AND roles <@ ARRAY['practitioner', 'lcss_worker', 'lcss_manager', 'social_care', 'manager',
                           'admin', 'auditor']::text[]),
    report_reach  text        NOT NULL CHECK (report_reach IN ('organisation', 'locality', 'county')),
    reason        text        NOT NULL CHECK (reason IN ('created', 'roles_changed', 'password_reset')),
    requested_by  uuid        NOT NULL REFERENCES users (id),
    requested_at  timestamptz NOT NULL DEFAULT now(),
    state         text        NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'confirmed', 'declined', 'withdrawn')),
    decided_by    uuid        REFERENCES users (id),
    decided_at    timestamptz,
    CHECK ((state = 'pending') = (decided_at IS NULL)),
    CHECK (state IN ('pending', 'withdrawn') OR decided_by IS NOT NULL),
    -- Nobody confirms their own request or their own roles.
    CHECK (decided_by IS NULL OR (decided_by <> requested_by AND decided_by <> user_id))
);
CREATE UNIQUE INDEX role_grants_one_pending ON role_grants (user_id) WHERE state = 'pending';
CREATE INDEX role_grants_pending_idx ON role_grants (requested_at) WHERE state = 'pending';
COMMENT ON TABLE role_grants IS 'Roles an administrator granted that read case records, waiting for a second person (an LCSS manager of the user''s locality, or a manager of their organisation or of the county) to confirm them. The whole role set takes effect on confirmation.';
COMMENT ON COLUMN role_grants.roles IS 'The account''s whole role set once confirmed.';
