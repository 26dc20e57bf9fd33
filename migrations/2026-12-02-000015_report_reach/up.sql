-- How far a manager's reports reach: their organisation (the default, the least), their
-- locality, or the whole authority. Managers before this migration read the whole authority,
-- and keep doing so.
ALTER TABLE users
    ADD COLUMN report_reach text NOT NULL DEFAULT 'organisation'
        CHECK (report_reach IN ('organisation', 'locality', 'county'));
UPDATE users SET report_reach = 'county' WHERE 'manager' = ANY (roles);
COMMENT ON COLUMN users.report_reach IS 'How far a manager''s reports reach: organisation, locality (the user''s locality_id) or county.';
