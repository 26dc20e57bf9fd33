-- Rectification: correcting a person's details keeps what they were. Each correction stores the
-- whole record as it stood before it, with who corrected it and when. Kept: the serving role
-- may add history, never change or remove it.
CREATE TABLE person_history (
    id           uuid        PRIMARY KEY,
    person_id    uuid        NOT NULL REFERENCES people (id),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    recorded_by  uuid        REFERENCES users (id),
    previous     jsonb       NOT NULL CHECK (jsonb_typeof(previous) = 'object')
);
CREATE INDEX person_history_person_idx ON person_history (person_id, recorded_at);
COMMENT ON TABLE person_history IS 'A person''s record as it stood before each correction (rectification), with who corrected it.';
REVOKE UPDATE, DELETE ON person_history FROM earlyhelp_app;
