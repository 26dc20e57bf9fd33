-- Tamper evidence. Every audit entry gets a sequence number when it is written; a background
-- sealer (never the request path) seals the committed entries in that order into a hash chain,
-- one seal per entry: SHA-256 of the seal before it and of the entry's canonical bytes.
-- `earlyhelp audit verify` recomputes the chain and names the first entry where it breaks.
ALTER TABLE audit_events ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_seq_key UNIQUE (seq);
COMMENT ON COLUMN audit_events.seq IS 'Order of writing, the order of the seal chain. A rolled-back write leaves a gap, which the sealer steps over once no transaction can still fill it.';

CREATE TABLE audit_seals (
    seq        bigint      PRIMARY KEY,
    event_id   uuid        NOT NULL UNIQUE REFERENCES audit_events (id),
    previous   bigint      UNIQUE,
    seal       bytea       NOT NULL CHECK (length(seal) = 32),
    sealed_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (previous < seq)
);
COMMENT ON TABLE audit_seals IS 'The hash chain over audit_events: one link per entry, in seq order. Append-only.';
COMMENT ON COLUMN audit_seals.previous IS 'The seq of the sealed entry before this one; NULL for the first link.';
COMMENT ON COLUMN audit_seals.seal IS 'SHA-256 of the previous link''s seal and the entry''s canonical bytes (earlyhelp_domain::audit_seal).';

CREATE FUNCTION audit_seals_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_seals is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_seals_append_only
    BEFORE UPDATE OR DELETE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION audit_seals_reject_change();
CREATE TRIGGER audit_seals_no_truncate
    BEFORE TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION audit_seals_reject_change();

-- The default privileges of 000018 granted the serving role all four; the chain is append-only.
REVOKE UPDATE, DELETE ON audit_seals FROM earlyhelp_app;
