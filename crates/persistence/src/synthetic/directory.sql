-- The synthetic directory: three localities, {orgs} partner organisations in each with two to
-- four practitioners apiece, an LCSS team of {lcss} workers and a manager per locality, and a
-- county social care team of {social}. Ids hang on fixed moments, so a second run (any day)
-- finds the same rows: every insert skips what exists. The password hash is in syn_secret.
INSERT INTO localities (id, name, phone, email, address, opening_hours, mash_phone)
SELECT pg_temp.syn_id('locality', l, '2020-01-01'), name, '01632 96000' || l,
       'lcss.' || lower(name) || '@synthetic.earlyhelp.test', 'Synthetic House ' || l,
       'Monday to Friday, 9am to 5pm', '01632 96010' || l
FROM unnest(ARRAY['North', 'Central', 'South']) WITH ORDINALITY AS t (name, l)
ON CONFLICT DO NOTHING;

CREATE TEMP TABLE syn_localities ON COMMIT DROP AS
SELECT l, id FROM unnest(ARRAY['North', 'Central', 'South']) WITH ORDINALITY AS t (name, l)
JOIN localities ON lower(localities.name) = lower(t.name);

INSERT INTO organisations (id, name, kind, locality_id)
SELECT pg_temp.syn_id('organisation', l * 1000000 + j, '2020-01-01'),
       'Synthetic ' || initcap(replace(kind, '_', ' ')) || ' ' || l || '-' || j, kind, loc.id
FROM syn_localities loc
CROSS JOIN generate_series(1, {orgs}) AS j
CROSS JOIN LATERAL (SELECT pg_temp.syn_pick(ARRAY[
    'school', 'school', 'school', 'school', 'school', 'school', 'school', 'school', 'school',
    'school', 'early_years_setting', 'early_years_setting', 'gp_practice', 'gp_practice',
    'health_visiting', 'school_health_nursing', 'police', 'camhs', 'voluntary_community',
    'targeted_early_help'], pg_temp.syn_r(l * 1000000 + j, 1)) AS kind) AS k
UNION ALL
SELECT pg_temp.syn_id('organisation', l * 1000000, '2020-01-01'), 'Synthetic LCSS ' || l, 'lcss', id
FROM syn_localities
UNION ALL
SELECT pg_temp.syn_id('organisation', 0, '2020-01-01'), 'Synthetic Children''s Social Care',
       'children_social_care', NULL
UNION ALL
SELECT pg_temp.syn_id('organisation', 1, '2020-01-01'), 'Synthetic Early Help Service', 'other', NULL
ON CONFLICT DO NOTHING;

INSERT INTO users (id, email, display_name, password_hash, roles, organisation_id, locality_id,
                   report_reach)
SELECT pg_temp.syn_id('lead', l * 1000000 + j * 10 + p, '2020-01-01'),
       'lead-' || l || '-' || j || '-' || p || '@synthetic.earlyhelp.test',
       'Synthetic Lead ' || l || '-' || j || '-' || p, (SELECT hash FROM syn_secret),
       ARRAY['practitioner'], pg_temp.syn_id('organisation', l * 1000000 + j, '2020-01-01'), loc.id,
       'organisation'
FROM syn_localities loc
CROSS JOIN generate_series(1, {orgs}) AS j
CROSS JOIN LATERAL generate_series(1, 2 + floor(pg_temp.syn_r(l * 1000000 + j, 2) * 3)::integer) AS p
UNION ALL
SELECT pg_temp.syn_id('lcss', l * 1000000 + k, '2020-01-01'),
       'lcss-' || l || '-' || k || '@synthetic.earlyhelp.test', 'Synthetic LCSS Worker ' || l || '-' || k,
       (SELECT hash FROM syn_secret), ARRAY['lcss_worker'],
       pg_temp.syn_id('organisation', l * 1000000, '2020-01-01'), loc.id, 'organisation'
FROM syn_localities loc CROSS JOIN generate_series(1, {lcss}) AS k
UNION ALL
SELECT pg_temp.syn_id('lcss', l * 1000000, '2020-01-01'),
       'lcss-manager-' || l || '@synthetic.earlyhelp.test', 'Synthetic LCSS Manager ' || l,
       (SELECT hash FROM syn_secret), ARRAY['lcss_manager'],
       pg_temp.syn_id('organisation', l * 1000000, '2020-01-01'), loc.id, 'locality'
FROM syn_localities loc
UNION ALL
SELECT pg_temp.syn_id('social', k, '2020-01-01'), 'social-care-' || k || '@synthetic.earlyhelp.test',
       'Synthetic Social Worker ' || k, (SELECT hash FROM syn_secret), ARRAY['social_care'],
       pg_temp.syn_id('organisation', 0, '2020-01-01'), NULL, 'organisation'
FROM generate_series(1, {social}) AS k
UNION ALL
SELECT pg_temp.syn_id('manager', 0, '2020-01-01'), 'manager@synthetic.earlyhelp.test',
       'Synthetic Service Manager', (SELECT hash FROM syn_secret), ARRAY['manager'],
       pg_temp.syn_id('organisation', 1, '2020-01-01'), NULL, 'county'
UNION ALL
SELECT pg_temp.syn_id('admin', 0, '2020-01-01'), 'admin@synthetic.earlyhelp.test',
       'Synthetic Administrator', (SELECT hash FROM syn_secret), ARRAY['admin'],
       pg_temp.syn_id('organisation', 1, '2020-01-01'), NULL, 'organisation'
ON CONFLICT DO NOTHING;
