-- Numbers the synthetic directory for drawing: leads, LCSS workers per locality, social workers.
TRUNCATE syn_leads, syn_lcss, syn_lcss_count, syn_social;
INSERT INTO syn_leads
SELECT (row_number() OVER (ORDER BY u.email) - 1)::integer, u.id, o.id, o.name, u.locality_id
FROM users u JOIN organisations o ON o.id = u.organisation_id
WHERE u.email LIKE 'lead-%@synthetic.earlyhelp.test';
INSERT INTO syn_lcss
SELECT locality_id, (row_number() OVER (PARTITION BY locality_id ORDER BY email) - 1)::integer, id
FROM users WHERE email LIKE 'lcss-%@synthetic.earlyhelp.test' AND email NOT LIKE 'lcss-manager-%';
INSERT INTO syn_lcss_count SELECT locality_id, count(*) FROM syn_lcss GROUP BY locality_id;
INSERT INTO syn_social
SELECT (row_number() OVER (ORDER BY email) - 1)::integer, id
FROM users WHERE email LIKE 'social-care-%@synthetic.earlyhelp.test';
