-- The role itself stays: it is shared by every database of the cluster.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    REVOKE USAGE, SELECT ON SEQUENCES FROM earlyhelp_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM earlyhelp_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM earlyhelp_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM earlyhelp_app;
REVOKE USAGE ON SCHEMA public FROM earlyhelp_app;
