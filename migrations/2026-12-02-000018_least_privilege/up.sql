-- Least privilege. Migrations run as the owner of the tables; the server connects as a login
-- role that owns nothing and is a member of `earlyhelp_app`, which holds only the table
-- privileges serving needs. Not being an owner, the server cannot disable a trigger, alter or
-- drop a table, or truncate; the grants below take away what the triggers also refuse, so the
-- append-only records are append-only twice over:
--   * audit_events and assessment_revisions: INSERT and SELECT only;
--   * taf_meetings: no DELETE (minutes are kept; the finalised ones are also immutable by
--     trigger, which only the owner could disable);
--   * the migration history: SELECT only (the server checks it is current at start).
-- Tables made by later migrations get the ordinary grants by default; a later append-only
-- table must revoke UPDATE and DELETE itself.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'earlyhelp_app') THEN
        BEGIN
            CREATE ROLE earlyhelp_app NOLOGIN;
        EXCEPTION
            -- Another database's migration made it a moment ago.
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'the role earlyhelp_app does not exist and % may not create it', current_user
                    USING HINT = 'As a superuser run CREATE ROLE earlyhelp_app NOLOGIN, then migrate again.';
        END;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO earlyhelp_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO earlyhelp_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO earlyhelp_app;
REVOKE UPDATE, DELETE ON audit_events, assessment_revisions FROM earlyhelp_app;
REVOKE DELETE ON taf_meetings FROM earlyhelp_app;
REVOKE INSERT, UPDATE, DELETE ON __diesel_schema_migrations FROM earlyhelp_app;

ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO earlyhelp_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO earlyhelp_app;
