-- Scratch data for pool-bench: shaped like the app's users/sessions
-- (migrations/2026-11-23-000001_foundation/up.sql) without the FKs to other tables.
CREATE TABLE users (
    id                  uuid        PRIMARY KEY,
    email               text        NOT NULL UNIQUE,
    display_name        text        NOT NULL,
    password_hash       text        NOT NULL,
    roles               text[]      NOT NULL,
    organisation_id     uuid        NOT NULL,
    locality_id         uuid,
    active              boolean     NOT NULL DEFAULT true,
    failed_login_count  integer     NOT NULL DEFAULT 0,
    locked_until        timestamptz,
    last_login_at       timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
    id          uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- 10,000 users, 10,000 live sessions (one each), all valid for the next 30 days.
INSERT INTO users (id, email, display_name, password_hash, roles, organisation_id,
                   locality_id, last_login_at, created_at, updated_at)
SELECT gen_random_uuid(),
       'user' || g || '@example.test',
       'Bench User ' || g,
       '$argon2id$v=19$m=19456,t=2,p=1$' || md5(g::text) || '$' || md5('h' || g) || md5('x' || g),
       CASE WHEN g % 10 = 0 THEN ARRAY['manager', 'practitioner'] ELSE ARRAY['practitioner'] END,
       '00000000-0000-7000-8000-000000000001'::uuid,
       NULL,
       now() - (g || ' minutes')::interval,
       now() - (g || ' hours')::interval,
       now() - (g || ' minutes')::interval
FROM generate_series(1, 10000) AS g;

INSERT INTO sessions (id, user_id, created_at, expires_at)
SELECT gen_random_uuid(), id, now() - interval '5 minutes', now() + interval '30 days'
FROM users;

VACUUM ANALYZE users;
VACUUM ANALYZE sessions;
