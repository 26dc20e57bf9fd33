-- Session helpers for one synthetic load (each a single expression, so PostgreSQL inlines it): {seed} and {anchor} are replaced by integers and an
-- ISO timestamp before this runs (nothing else is ever formatted in).

-- A uniform draw in [0, 1) for (row, salt): the same for the same seed, whatever the batch.
CREATE OR REPLACE FUNCTION pg_temp.syn_r(i bigint, salt integer) RETURNS double precision
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT ((hashint8extended(i * 1000 + salt, {seed}) >> 11) & 9007199254740991)::double precision
          / 9007199254740992.0 $$;

-- A UUID of version 7's shape (its time is `at`), deterministic for (kind, row).
CREATE OR REPLACE FUNCTION pg_temp.syn_id(kind text, i bigint, at timestamptz) RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT overlay(overlay(overlay(md5('{seed}:' || kind || ':' || i)
           PLACING lpad(to_hex((extract(epoch FROM at) * 1000)::bigint), 12, '0') FROM 1 FOR 12)
           PLACING '7' FROM 13 FOR 1) PLACING '8' FROM 17 FOR 1)::uuid $$;

-- One of `choices`, drawn by `r`.
CREATE OR REPLACE FUNCTION pg_temp.syn_pick(choices text[], r double precision) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT choices[1 + floor(r * cardinality(choices))::integer] $$;

-- The moment the data is as of: every state (open, overdue, scheduled) is judged against it.
CREATE OR REPLACE FUNCTION pg_temp.syn_now() RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT '{anchor}'::timestamptz $$;

-- An LCSS rating of one criterion: mostly met for an accepted form, less so for a returned one.
CREATE OR REPLACE FUNCTION pg_temp.syn_rating(r double precision, accepted boolean) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT jsonb_build_object('rating', CASE
       WHEN accepted AND r < 0.78 THEN 'met' WHEN accepted THEN 'partly_met'
       WHEN r < 0.35 THEN 'met' WHEN r < 0.75 THEN 'partly_met' ELSE 'not_met' END) $$;

CREATE OR REPLACE FUNCTION pg_temp.syn_ratings(i bigint, salt integer, accepted boolean)
    RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT jsonb_build_object(
       'childs_voice_heard', pg_temp.syn_rating(pg_temp.syn_r(i, salt), accepted),
       'parents_views_recorded', pg_temp.syn_rating(pg_temp.syn_r(i, salt + 1), accepted),
       'strengths_evidenced', pg_temp.syn_rating(pg_temp.syn_r(i, salt + 2), accepted),
       'needs_evidenced', pg_temp.syn_rating(pg_temp.syn_r(i, salt + 3), accepted),
       'outcomes_specific_and_measurable', pg_temp.syn_rating(pg_temp.syn_r(i, salt + 4), accepted),
       'threshold_appropriate', pg_temp.syn_rating(pg_temp.syn_r(i, salt + 5), accepted),
       'consent_recorded', pg_temp.syn_rating(pg_temp.syn_r(i, salt + 6), accepted)) $$;

-- The directory the families are spread over, numbered for drawing.
CREATE TEMP TABLE IF NOT EXISTS syn_leads (n integer PRIMARY KEY, user_id uuid NOT NULL,
    organisation_id uuid NOT NULL, organisation text NOT NULL, locality_id uuid NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS syn_lcss (locality_id uuid NOT NULL, n integer NOT NULL,
    user_id uuid NOT NULL, PRIMARY KEY (locality_id, n));
CREATE TEMP TABLE IF NOT EXISTS syn_lcss_count (locality_id uuid PRIMARY KEY, workers integer NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS syn_social (n integer PRIMARY KEY, user_id uuid NOT NULL);
