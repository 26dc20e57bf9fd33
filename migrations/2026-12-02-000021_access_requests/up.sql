-- Access outside the normal scope ("break glass"): a professional with a legitimate need to
-- read a family their roles do not reach (an LCSS worker covering another locality, a social
-- worker checking a family) records why, and reads that family's record until the grant
-- expires (EARLYHELP_ACCESS_REQUEST_HOURS, 24 by default) or an LCSS manager of the family's
-- locality ends it. Read only; the family's lead professional and LCSS manager see it.
CREATE TABLE access_requests (
    id          uuid        PRIMARY KEY,
    family_id   uuid        NOT NULL REFERENCES families (id),
    user_id     uuid        NOT NULL REFERENCES users (id),
    reason      text        NOT NULL CHECK (length(reason) BETWEEN 10 AND 2000),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    ended_by    uuid        REFERENCES users (id),
    CHECK (expires_at > granted_at),
    CHECK ((ended_at IS NULL) = (ended_by IS NULL))
);
CREATE INDEX access_requests_family_idx ON access_requests (family_id, granted_at);
CREATE INDEX access_requests_live_idx ON access_requests (user_id, family_id)
    WHERE ended_at IS NULL;
COMMENT ON TABLE access_requests IS 'Time-limited read access to one family outside the reader''s scope, with the reason they gave. Kept: ended, never deleted.';
COMMENT ON COLUMN access_requests.reason IS 'Why the professional needs the record, as they wrote it for the audit (no names).';

-- Kept as the record of who read what, and why: the serving role may end one, never remove it.
REVOKE DELETE ON access_requests FROM earlyhelp_app;
