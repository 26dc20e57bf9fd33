-- Hardening (issue 9): name keys computed in Rust, cross-scope matches, sign-in failures per
-- client, the client address in the audit trail.

-- The duplicate check's name keys were computed by PostgreSQL with the database's ctype, so
-- under C ctype "Zoë" lost its ë and the Rust side disagreed. They are now computed by the
-- application (earlyhelp_domain::text::name_key) and stored. The backfill below is the old
-- approximation; `earlyhelp migrate` recomputes every key in Rust right after this migration.
ALTER TABLE people DROP COLUMN family_name_key, DROP COLUMN given_name_key;
ALTER TABLE people ADD COLUMN family_name_key text, ADD COLUMN given_name_key text;
UPDATE people SET
    family_name_key = lower(regexp_replace(family_name, '[^[:alpha:]]', '', 'g')),
    given_name_key = lower(regexp_replace(given_name, '[^[:alpha:]]', '', 'g'));
ALTER TABLE people ALTER COLUMN family_name_key SET NOT NULL, ALTER COLUMN given_name_key SET NOT NULL;
CREATE INDEX people_family_name_key_idx ON people (family_name_key);
COMMENT ON COLUMN people.family_name_key IS 'The family name as the duplicate check compares it: letters only, case-folded, accents and look-alike scripts folded (computed by the application, the same in every locale).';
COMMENT ON COLUMN people.given_name_key IS 'The given name as the duplicate check compares it: letters only, case-folded, accents and look-alike scripts folded (computed by the application, the same in every locale).';

-- A new family or member matching a person the recording professional cannot see: the
-- professional is told only to contact the LCSS of the existing record, and that LCSS lists
-- the match here to bring the two professionals together.
CREATE TABLE known_elsewhere_matches (
    id                 uuid        PRIMARY KEY,
    existing_person_id uuid        NOT NULL REFERENCES people (id),
    existing_family_id uuid        NOT NULL REFERENCES families (id),
    locality_id        uuid        NOT NULL REFERENCES localities (id),
    new_person_id      uuid        NOT NULL REFERENCES people (id),
    new_family_id      uuid        NOT NULL REFERENCES families (id),
    matched_on         text        NOT NULL CHECK (matched_on IN ('nhs_number', 'date_of_birth_and_name')),
    recorded_by        uuid        NOT NULL REFERENCES users (id),
    recorded_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (existing_person_id, new_person_id)
);
CREATE INDEX known_elsewhere_matches_locality_idx ON known_elsewhere_matches (locality_id, id DESC);
COMMENT ON TABLE known_elsewhere_matches IS 'A person recorded by someone who could not see an existing record of the same person (same NHS number, or same date of birth and name key). locality_id is the existing record''s locality, whose LCSS follows it up.';

-- Failed sign-ins per account and client address: a client that keeps guessing is slowed
-- and then held off, the account itself is never locked for everyone.
CREATE TABLE sign_in_failures (
    user_id        uuid        NOT NULL REFERENCES users (id),
    client_address text        NOT NULL CHECK (length(client_address) BETWEEN 1 AND 64),
    failures       integer     NOT NULL CHECK (failures > 0),
    last_failed_at timestamptz NOT NULL DEFAULT now(),
    locked_until   timestamptz,
    PRIMARY KEY (user_id, client_address)
);
COMMENT ON TABLE sign_in_failures IS 'Consecutive failed sign-ins of one account from one client address; cleared by a successful sign-in from that address or a password reset.';

ALTER TABLE audit_events ADD COLUMN client_address text CHECK (length(client_address) <= 64);
COMMENT ON COLUMN audit_events.client_address IS 'The client''s address: the TCP peer, or the address a trusted proxy forwarded (EARLYHELP_TRUSTED_PROXIES).';
