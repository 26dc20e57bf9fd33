-- One batch of synthetic families, numbers {from} to {to} (exclusive), and everything that
-- happened to them, as of syn_now(). Each family's draws depend only on its number and the
-- seed, so any batching gives the same data; a family already loaded is skipped, so a load cut
-- off part way (each batch is one transaction) resumes with any batch size.
CREATE TEMP TABLE syn_f ON COMMIT DROP AS
WITH drawn AS (
    SELECT i, lead.*, c.workers,
           date_trunc('day', pg_temp.syn_now() - make_interval(days => floor(pg_temp.syn_r(i, 1) * {days})::integer))
             + make_interval(hours => 8, mins => floor(pg_temp.syn_r(i, 3) * 540)::integer) AS created_at,
           1 + (pg_temp.syn_r(i, 4) > 0.45)::integer + (pg_temp.syn_r(i, 4) > 0.80)::integer
             + (pg_temp.syn_r(i, 4) > 0.95)::integer AS children,
           1 + (pg_temp.syn_r(i, 5) > 0.4)::integer AS adults,
           pg_temp.syn_r(i, 6) < 0.02 AS stepped_down,
           CASE WHEN pg_temp.syn_r(i, 7) < 0.8 THEN 2 ELSE 3 END::smallint AS threshold,
           pg_temp.syn_r(i, 11) < 0.25 AS returned,
           CASE WHEN pg_temp.syn_r(i, 16) < 0.05 THEN 'stepped_up'
                WHEN pg_temp.syn_r(i, 16) < 0.60 THEN 'outcomes_met'
                WHEN pg_temp.syn_r(i, 16) < 0.72 THEN 'family_disengaged'
                WHEN pg_temp.syn_r(i, 16) < 0.82 THEN 'moved_out_of_area'
                WHEN pg_temp.syn_r(i, 16) < 0.90 THEN 'consent_withdrawn'
                WHEN pg_temp.syn_r(i, 16) < 0.92 THEN 'other'
                ELSE 'outcomes_met' END AS closure_reason,
           (SELECT user_id FROM syn_lcss s WHERE s.locality_id = lead.locality_id
              AND s.n = floor(pg_temp.syn_r(i, 17) * c.workers)::integer) AS reviewer,
           (SELECT user_id FROM syn_leads p
              WHERE p.n = floor(pg_temp.syn_r(i, 19) * (SELECT count(*) FROM syn_leads))::integer)
             AS partner,
           (SELECT user_id FROM syn_social s
              WHERE s.n = floor(pg_temp.syn_r(i, 20) * (SELECT count(*) FROM syn_social))::integer)
             AS social_worker
    FROM generate_series({from}::bigint, {to}::bigint - 1) AS i
    CROSS JOIN LATERAL (SELECT n, user_id AS lead_id, organisation_id, organisation, locality_id
                        FROM syn_leads
                        WHERE n = floor(pg_temp.syn_r(i, 2) * (SELECT count(*) FROM syn_leads))::integer
                       ) AS lead
    JOIN syn_lcss_count c ON c.locality_id = lead.locality_id
    WHERE NOT EXISTS (SELECT 1 FROM families WHERE reference = 'FAM-' || (10000000 + i))
), timed AS (
    SELECT d.*,
           d.created_at + make_interval(hours => floor(pg_temp.syn_r(i, 8) * 72)::integer) AS opened_at
    FROM drawn d
), assessed AS (
    SELECT t.*,
           t.opened_at + make_interval(days => 1 + floor(pg_temp.syn_r(i, 9) * 13)::integer) AS started_at
    FROM timed t
), submitted AS (
    SELECT a.*,
           a.started_at + make_interval(days => 3 + floor(pg_temp.syn_r(i, 10) * 25)::integer) AS submit1
    FROM assessed a
), decided AS (
    SELECT s.*,
           s.submit1 + make_interval(days => 1 + floor(pg_temp.syn_r(i, 12) * 15)::integer) AS decide1
    FROM submitted s
), resubmitted AS (
    SELECT d.*,
           d.decide1 + make_interval(days => 2 + floor(pg_temp.syn_r(i, 13) * 8)::integer) AS submit2
    FROM decided d
), completed AS (
    SELECT r.*,
           r.submit2 + make_interval(days => 1 + floor(pg_temp.syn_r(i, 14) * 12)::integer) AS decide2,
           CASE WHEN r.returned
                THEN r.submit2 + make_interval(days => 1 + floor(pg_temp.syn_r(i, 14) * 12)::integer)
                ELSE r.decide1 END AS completed_at
    FROM resubmitted r
), closing AS (
    SELECT c.*,
           greatest(c.opened_at + make_interval(days => 60 + floor(pg_temp.syn_r(i, 15) * 420)::integer),
                    c.completed_at + interval '21 days') AS closes_at
    FROM completed c
)
SELECT c.*,
       pg_temp.syn_id('family', i, created_at) AS family_id,
       pg_temp.syn_id('episode', i, opened_at) AS episode_id,
       pg_temp.syn_id('assessment', i, started_at) AS assessment_id,
       pg_temp.syn_id('person', i * 10 + 1, created_at) AS adult_id,
       closes_at < pg_temp.syn_now() AS closed,
       CASE WHEN started_at > pg_temp.syn_now() THEN 'none'
            WHEN submit1 > pg_temp.syn_now() THEN 'draft'
            WHEN decide1 > pg_temp.syn_now() THEN 'submitted'
            WHEN returned AND submit2 > pg_temp.syn_now() THEN 'returned'
            WHEN returned AND decide2 > pg_temp.syn_now() THEN 'submitted'
            ELSE 'accepted' END AS snf_state,
       pg_temp.syn_pick(ARRAY['Attendance has fallen since a family separation',
            'Speech and language delay and an overcrowded home',
            'Anxiety, poor sleep and arguments at home', 'Behaviour at school and at home',
            'Parenting support after a new baby', 'Money and housing worries affecting the children'],
            pg_temp.syn_r(i, 21)) AS reason
FROM closing c;

INSERT INTO families (id, reference, locality_id, lead_professional_id, address, postcode,
                      created_by, created_at, updated_at, known_to_social_care_on)
SELECT family_id, 'FAM-' || (10000000 + i), locality_id, lead_id,
       (1 + floor(pg_temp.syn_r(i, 30) * 200)::integer) || ' Synthetic Road',
       'ZZ' || (1 + floor(pg_temp.syn_r(i, 31) * 98)::integer) || ' ' || floor(pg_temp.syn_r(i, 32) * 10)::integer || 'SY',
       lead_id, created_at, created_at,
       CASE WHEN closed AND closure_reason = 'stepped_up' THEN closes_at::date END
FROM syn_f;

INSERT INTO people (id, family_id, kind, given_name, family_name, date_of_birth, sex, ethnicity,
                    created_at, updated_at, family_name_key, given_name_key)
SELECT id, family_id, kind, given, surname, born, sex, ethnicity, created_at, created_at,
       lower(regexp_replace(surname, '[^A-Za-z]', '', 'g')),
       lower(regexp_replace(given, '[^A-Za-z]', '', 'g'))
FROM (
    SELECT pg_temp.syn_id('person', i * 10 + k, f.created_at) AS id, f.family_id, f.created_at,
           CASE WHEN k <= f.adults THEN 'adult' ELSE 'child' END AS kind,
           pg_temp.syn_pick(ARRAY['Alex', 'Sam', 'Robin', 'Jordan', 'Casey', 'Morgan', 'Riley',
                'Jamie', 'Taylor', 'Charlie', 'Frankie', 'Harper', 'Rowan', 'Sasha', 'Quinn',
                'Remy', 'Ellis', 'Kit', 'Jude', 'Noor', 'Avery', 'Bailey', 'Devon', 'Emery'],
                pg_temp.syn_r(i * 10 + k, 40)) AS given,
           'Synthetic-' || pg_temp.syn_pick(ARRAY['Ashdown', 'Brackley', 'Cranmore', 'Dunmere',
                'Elmstead', 'Fernhill', 'Greywell', 'Hollins', 'Ivybridge', 'Kestle', 'Larkham',
                'Millbrook', 'Northend', 'Oakridge', 'Pennard', 'Redwick'], pg_temp.syn_r(i, 41))
             AS surname,
           CASE WHEN k <= f.adults
                THEN (f.created_at - make_interval(days => 7300 + floor(pg_temp.syn_r(i * 10 + k, 42) * 9000)::integer))::date
                ELSE (f.created_at - make_interval(days => 30 + floor(pg_temp.syn_r(i * 10 + k, 42) * 6200)::integer))::date
           END AS born,
           CASE WHEN pg_temp.syn_r(i * 10 + k, 43) < 0.49 THEN 'M'
                WHEN pg_temp.syn_r(i * 10 + k, 43) < 0.98 THEN 'F' ELSE 'U' END AS sex,
           CASE WHEN k <= f.adults OR pg_temp.syn_r(i * 10 + k, 44) < 0.08 THEN NULL
                ELSE pg_temp.syn_pick(ARRAY['WBRI', 'WBRI', 'WBRI', 'WBRI', 'WBRI', 'WBRI',
                     'WBRI', 'WBRI', 'WBRI', 'WOTH', 'WIRT', 'MWBC', 'MWBA', 'MWAS', 'AIND',
                     'APKN', 'ABAN', 'BCRB', 'BAFR', 'CHNE', 'OOTH'], pg_temp.syn_r(i * 10 + k, 45))
           END AS ethnicity
    FROM syn_f f
    CROSS JOIN LATERAL (SELECT generate_series(1, f.adults) AS k
                        UNION ALL SELECT generate_series(5, 4 + f.children)) AS members
) AS person;

INSERT INTO consents (id, family_id, given_by_person_id, lead_professional_id, organisation_id,
                      for_assessment, method, given_on, recorded_by, created_at)
SELECT pg_temp.syn_id('consent', i, created_at), family_id, adult_id, lead_id, organisation_id,
       true, CASE WHEN pg_temp.syn_r(i, 50) < 0.7 THEN 'written' ELSE 'verbal' END,
       created_at::date, lead_id, created_at
FROM syn_f;

INSERT INTO episodes (id, family_id, locality_id, lead_professional_id, lead_organisation_id,
                      threshold_level, reason, state, opened_at, opened_by, closed_at, closed_by,
                      closure_reason, closure_note, origin)
SELECT episode_id, family_id, locality_id, lead_id, organisation_id, threshold, reason,
       CASE WHEN closed THEN 'closed' ELSE 'open' END, opened_at, lead_id,
       CASE WHEN closed THEN closes_at END,
       CASE WHEN closed AND closure_reason = 'stepped_up' THEN social_worker
            WHEN closed THEN lead_id END,
       CASE WHEN closed THEN closure_reason END,
       CASE WHEN closed AND closure_reason = 'other' THEN 'The family moved to a private school' END,
       CASE WHEN stepped_down THEN 'step_down' ELSE 'early_help' END
FROM syn_f;

INSERT INTO episode_children (episode_id, person_id)
SELECT episode_id, pg_temp.syn_id('person', i * 10 + k, created_at)
FROM syn_f CROSS JOIN LATERAL generate_series(5, 4 + children) AS k;
