DROP TABLE audit_events;
DROP FUNCTION audit_events_reject_change();
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organisations;
DROP TABLE localities;
