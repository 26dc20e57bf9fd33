-- Run once by the postgres image when its data directory is new
-- (/docker-entrypoint-initdb.d). The image's POSTGRES_USER owns the tables and
-- migrates; the app serves as earlyhelp_server, which owns nothing and holds
-- only what the migrations grant earlyhelp_app.
CREATE ROLE earlyhelp_app NOLOGIN;
CREATE ROLE earlyhelp_server LOGIN PASSWORD 'earlyhelp_server' IN ROLE earlyhelp_app;
