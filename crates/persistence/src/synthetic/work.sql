-- The batch's work on its families: forms, their revisions and LCSS reviews, teams with their
-- meetings and actions, step-ups and step-downs, consultations, and the chronology. Reads syn_f.
INSERT INTO assessments (id, episode_id, template_id, state, content, version, created_by,
                         created_at, updated_at, completed_at)
SELECT assessment_id, episode_id, (SELECT template_id FROM syn_content LIMIT 1), snf_state,
       (SELECT content FROM syn_content
        WHERE version = CASE WHEN snf_state = 'draft' THEN 'draft'
                             WHEN snf_state IN ('accepted') OR NOT returned THEN 'final'
                             WHEN snf_state = 'submitted' AND decide1 < pg_temp.syn_now() THEN 'final'
                             ELSE 'first_attempt' END),
       2 + floor(pg_temp.syn_r(i, 60) * 6)::integer + returned::integer, lead_id, started_at,
       CASE snf_state WHEN 'draft' THEN started_at WHEN 'accepted' THEN completed_at
                      WHEN 'returned' THEN decide1 ELSE submit1 END,
       CASE WHEN snf_state = 'accepted' THEN completed_at END
FROM syn_f WHERE snf_state <> 'none';

-- Revisions: the first submission, and the amended one of a returned form.
CREATE TEMP TABLE syn_revisions ON COMMIT DROP AS
SELECT f.*, r.number, r.submitted_at, r.decided_at, r.outcome,
       pg_temp.syn_id('revision', i * 10 + r.number, r.submitted_at) AS revision_id
FROM syn_f f
CROSS JOIN LATERAL (VALUES
    (1, f.submit1, f.decide1, CASE WHEN f.returned THEN 'returned' ELSE 'accepted' END),
    (2, f.submit2, f.decide2, 'accepted')) AS r (number, submitted_at, decided_at, outcome)
WHERE f.snf_state NOT IN ('none', 'draft') AND r.submitted_at <= pg_temp.syn_now()
  AND (r.number = 1 OR f.returned);

INSERT INTO assessment_revisions (id, assessment_id, number, template_id, content, submitted_by,
                                  submitted_at)
SELECT revision_id, assessment_id, number, (SELECT template_id FROM syn_content LIMIT 1),
       (SELECT content FROM syn_content
        WHERE version = CASE WHEN outcome = 'returned' THEN 'first_attempt' ELSE 'final' END),
       lead_id, submitted_at
FROM syn_revisions;

INSERT INTO reviews (id, revision_id, assessment_id, locality_id, state, reviewer_id, assigned_by,
                     assigned_at, received_on, due_on, decision, ratings, feedback, decided_at,
                     decided_by, created_at)
SELECT pg_temp.syn_id('review', i * 10 + number, submitted_at), revision_id, assessment_id,
       locality_id,
       CASE WHEN decided THEN 'decided' WHEN assigned THEN 'assigned' ELSE 'unassigned' END,
       CASE WHEN decided OR assigned THEN reviewer END,
       CASE WHEN decided OR assigned THEN reviewer END,
       CASE WHEN decided OR assigned THEN submitted_at + interval '1 day' END,
       submitted_at::date, submitted_at::date + 14,
       CASE WHEN decided THEN outcome END,
       CASE WHEN decided THEN pg_temp.syn_ratings(i * 10 + number, 70, outcome = 'accepted') END,
       CASE WHEN decided AND outcome = 'returned'
            THEN 'Please add the child''s own words and make the outcomes measurable.' END,
       CASE WHEN decided THEN decided_at END, CASE WHEN decided THEN reviewer END, submitted_at
FROM (SELECT *, decided_at <= pg_temp.syn_now() AS decided,
             pg_temp.syn_r(i * 10 + number, 61) < 0.5 AS assigned
      FROM syn_revisions) AS r;

-- Teams Around the Family: formed once the form is accepted, meeting every four to eight weeks.
CREATE TEMP TABLE syn_tafs ON COMMIT DROP AS
SELECT f.*, pg_temp.syn_id('taf', i, completed_at) AS taf_id,
       pg_temp.syn_id('member', i * 10 + 1, completed_at) AS lead_member,
       pg_temp.syn_id('member', i * 10 + 2, completed_at) AS family_member,
       CASE WHEN pg_temp.syn_r(i, 80) < 0.6 AND partner <> lead_id
            THEN pg_temp.syn_id('member', i * 10 + 3, completed_at) END AS partner_member,
       completed_at + make_interval(days => 7 + floor(pg_temp.syn_r(i, 81) * 14)::integer) AS first_meeting,
       make_interval(days => 28 + floor(pg_temp.syn_r(i, 82) * 28)::integer) AS cadence
FROM syn_f f WHERE snf_state = 'accepted';

CREATE TEMP TABLE syn_meetings ON COMMIT DROP AS
SELECT t.i, t.taf_id, t.family_id, t.locality_id, t.lead_id, t.reviewer, t.lead_member,
       t.family_member, t.partner_member, t.closed, t.closes_at, k,
       t.first_meeting + t.cadence * k AS starts_at,
       pg_temp.syn_id('meeting', t.i * 100 + k, t.first_meeting + t.cadence * k) AS meeting_id,
       t.first_meeting + t.cadence * k < pg_temp.syn_now() - interval '2 days' AS held
FROM syn_tafs t
CROSS JOIN LATERAL generate_series(0, 11) AS k
WHERE t.first_meeting + t.cadence * k < least(t.closes_at, pg_temp.syn_now() + t.cadence)
  AND (t.first_meeting + t.cadence * k < pg_temp.syn_now() - interval '2 days'
       OR NOT t.closed);

INSERT INTO tafs (id, episode_id, family_id, created_by, created_at, review_due_on, closed_at,
                  closed_by, outcomes, family_feedback, child_feedback, next_step, next_step_detail)
SELECT t.taf_id, t.episode_id, t.family_id, t.lead_id, t.completed_at,
       coalesce(last.held_at, t.completed_at)::date + 42,
       CASE WHEN t.closed THEN t.closes_at END, CASE WHEN t.closed THEN t.lead_id END,
       CASE WHEN t.closed THEN jsonb_build_array(
           jsonb_build_object('outcome', 'Attends school every day', 'measure', 'Attendance above 95%',
               'achievement', pg_temp.syn_pick(ARRAY['achieved', 'achieved', 'achieved', 'partly_achieved',
                   'partly_achieved', 'not_achieved'], pg_temp.syn_r(t.i, 83))),
           jsonb_build_object('outcome', 'Calmer mornings at home', 'measure', 'Parent reports fewer rows',
               'achievement', pg_temp.syn_pick(ARRAY['achieved', 'achieved', 'partly_achieved',
                   'not_achieved'], pg_temp.syn_r(t.i, 84)))) END,
       CASE WHEN t.closed THEN 'Things feel calmer at home.' END,
       CASE WHEN t.closed AND pg_temp.syn_r(t.i, 85) < 0.7 THEN 'I like going to school now.' END,
       CASE WHEN NOT t.closed THEN NULL WHEN t.closure_reason = 'stepped_up' THEN 'step_up'
            WHEN pg_temp.syn_r(t.i, 86) < 0.7 THEN 'universal_services' ELSE 'another_service' END,
       CASE WHEN t.closed AND t.closure_reason <> 'stepped_up' AND pg_temp.syn_r(t.i, 86) >= 0.7
            THEN 'Synthetic Family Support Service' END
FROM syn_tafs t
LEFT JOIN (SELECT taf_id, max(starts_at) AS held_at FROM syn_meetings WHERE held GROUP BY taf_id)
    AS last ON last.taf_id = t.taf_id;

INSERT INTO taf_members (id, taf_id, kind, user_id, person_id, role_in_plan, added_by, added_at)
SELECT lead_member, taf_id, 'professional', lead_id, NULL, 'Lead professional', lead_id, completed_at
FROM syn_tafs
UNION ALL
SELECT family_member, taf_id, 'family', NULL, adult_id, 'Parent', lead_id, completed_at FROM syn_tafs
UNION ALL
SELECT partner_member, taf_id, 'professional', partner, NULL, 'Partner agency', lead_id, completed_at
FROM syn_tafs WHERE partner_member IS NOT NULL;

INSERT INTO taf_meetings (id, taf_id, family_id, state, starts_at, venue, is_virtual,
                          invitee_member_ids, minutes, version, next_review_on, scheduled_by,
                          created_at, updated_at, locality_id, lcss_attended, finalised_at,
                          finalised_by, acknowledged_at, acknowledged_by, feedback)
SELECT meeting_id, taf_id, family_id,
       CASE WHEN NOT held THEN 'scheduled' WHEN acknowledged THEN 'acknowledged' ELSE 'finalised' END,
       starts_at, 'Synthetic Family Centre', false,
       array_remove(ARRAY[lead_member, family_member, partner_member], NULL),
       CASE WHEN held THEN jsonb_build_object(
           'attendees', jsonb_build_array(jsonb_build_object('member_id', lead_member)),
           'family_present', jsonb_build_array(family_member),
           'child_views', 'Said mornings feel rushed.', 'family_views', 'Wants calmer mornings.',
           'working_well', 'Attendance has risen.', 'worries', 'Late nights.',
           'decisions', 'Keep the morning plan.',
           'actions', jsonb_build_array(
               jsonb_build_object('description', 'Morning check-in at the gate', 'owner_member_id', lead_member,
                                  'due_on', (starts_at + interval '21 days')::date),
               jsonb_build_object('description', 'Sleep routine advice', 'owner_member_id', lead_member,
                                  'due_on', (starts_at + interval '35 days')::date)),
           'next_review_on', (starts_at + interval '42 days')::date)
       ELSE '{}'::jsonb END,
       CASE WHEN held THEN 3 ELSE 1 END,
       CASE WHEN held THEN (starts_at + interval '42 days')::date END, lead_id,
       starts_at - interval '14 days', starts_at + interval '1 day',
       CASE WHEN held THEN locality_id END,
       CASE WHEN held THEN pg_temp.syn_r(i * 100 + k, 90) < 0.3 END,
       CASE WHEN held THEN starts_at + interval '1 day' END, CASE WHEN held THEN lead_id END,
       CASE WHEN acknowledged THEN starts_at + interval '6 days' END,
       CASE WHEN acknowledged THEN reviewer END,
       CASE WHEN acknowledged AND pg_temp.syn_r(i * 100 + k, 92) < 0.4
            THEN 'Clear minutes; the actions have owners and dates.' END
FROM (SELECT *, held AND starts_at + interval '6 days' < pg_temp.syn_now()
                AND pg_temp.syn_r(i * 100 + k, 91) < 0.75 AS acknowledged
      FROM syn_meetings) AS m;

INSERT INTO taf_actions (id, taf_id, meeting_id, description, owner_member_id, due_on, status,
                         completion_note, closed_at, closed_by, created_at, updated_at)
SELECT pg_temp.syn_id('action', i * 1000 + k * 10 + a, starts_at), taf_id, meeting_id,
       CASE a WHEN 1 THEN 'Morning check-in at the gate' ELSE 'Sleep routine advice' END,
       lead_member, due_on, status,
       CASE WHEN status = 'done' THEN 'Done as agreed.' END,
       CASE WHEN status <> 'open' THEN least(due_on::timestamptz, pg_temp.syn_now()) END,
       CASE WHEN status <> 'open' THEN lead_id END,
       starts_at + interval '1 day', starts_at + interval '1 day'
FROM (SELECT m.*, a, (m.starts_at + make_interval(days => 7 + a * 14))::date AS due_on,
             CASE WHEN (m.starts_at + make_interval(days => 7 + a * 14)) > pg_temp.syn_now() THEN 'open'
                  WHEN pg_temp.syn_r(m.i * 1000 + m.k * 10 + a, 93) < 0.72 THEN 'done'
                  WHEN pg_temp.syn_r(m.i * 1000 + m.k * 10 + a, 93) < 0.77 THEN 'dropped'
                  ELSE 'open' END AS status
      FROM syn_meetings m CROSS JOIN generate_series(1, 2) AS a WHERE m.held) AS x;

-- Step-ups: the accepted ones that closed their episodes, and a few waiting or not accepted.
INSERT INTO step_ups (id, episode_id, family_id, locality_id, state, reason, threshold_level,
                      tried, risks, immediate, revision_id, raised_by, raised_at, decided_by,
                      decided_at, advice)
SELECT pg_temp.syn_id('step_up', i, raised_at), episode_id, family_id, locality_id, state,
       'Needs have escalated despite the plan', CASE WHEN pg_temp.syn_r(i, 101) < 0.7 THEN 3 ELSE 4 END,
       'A Team Around the Family plan for several months', 'Risk of significant harm is rising', false,
       (SELECT revision_id FROM syn_revisions r WHERE r.i = s.i ORDER BY number DESC LIMIT 1),
       lead_id, raised_at, CASE WHEN state <> 'requested' THEN social_worker END,
       CASE WHEN state <> 'requested' THEN decided_at END,
       CASE WHEN state = 'not_accepted' THEN 'Continue the early help plan; seek a consultation.' END
FROM (SELECT f.*,
             CASE WHEN closed AND closure_reason = 'stepped_up' THEN 'accepted'
                  WHEN pg_temp.syn_r(i, 100) < 0.01 THEN 'requested' ELSE 'not_accepted' END AS state,
             CASE WHEN closed AND closure_reason = 'stepped_up' THEN closes_at - interval '10 days'
                  ELSE greatest(completed_at, pg_temp.syn_now() - make_interval(days => 1 + floor(pg_temp.syn_r(i, 102) * 20)::integer))
             END AS raised_at,
             CASE WHEN closed AND closure_reason = 'stepped_up' THEN closes_at
                  ELSE least(pg_temp.syn_now(), greatest(completed_at, pg_temp.syn_now() - make_interval(days => 1 + floor(pg_temp.syn_r(i, 102) * 20)::integer)) + interval '2 days')
             END AS decided_at
      FROM syn_f f
      WHERE snf_state = 'accepted'
        AND ((closed AND closure_reason = 'stepped_up') OR (NOT closed AND pg_temp.syn_r(i, 100) < 0.02))
     ) AS s;

-- Step-downs from social care, each accepted by the family's lead, who opened the episode.
INSERT INTO step_downs (id, family_id, locality_id, source, state, reason, needs_summary,
                        threshold_level, suggested_organisation_id, snf_due_on, consent_given_by,
                        consent_method, consent_given_on, recorded_by, recorded_at, allocated_to,
                        episode_id, accepted_at)
SELECT pg_temp.syn_id('step_down', i, opened_at - interval '7 days'), family_id, locality_id,
       CASE WHEN pg_temp.syn_r(i, 110) < 0.6 THEN 'case_closure' ELSE 'mash_contact' END, 'accepted',
       'Statutory plan ended; needs remain', 'Support with routines and school attendance', threshold,
       organisation_id, (opened_at + interval '20 days')::date, adult_id, 'written',
       (opened_at - interval '8 days')::date, social_worker, opened_at - interval '7 days', lead_id,
       episode_id, opened_at
FROM syn_f WHERE stepped_down;

INSERT INTO step_down_allocations (id, step_down_id, lead_id, allocated_by, allocated_at, answer,
                                   answered_at)
SELECT pg_temp.syn_id('allocation', i, opened_at - interval '3 days'),
       pg_temp.syn_id('step_down', i, opened_at - interval '7 days'), lead_id, reviewer,
       opened_at - interval '3 days', 'accepted', opened_at
FROM syn_f WHERE stepped_down;

-- Consultations: advice about one in twenty families before consent, and No Names ones.
INSERT INTO advice_consultations (id, family_id, locality_id, held_on, consulting_user_id,
                                  consulting_organisation, themes, threshold_view, advice, outcome,
                                  signposted_to, recorded_by, recorded_at)
SELECT pg_temp.syn_id('advice', i, created_at - interval '10 days'), family_id, locality_id,
       (created_at - interval '10 days')::date, lead_id, organisation, themes, 2,
       'Talk with the family about an early help assessment.', outcome,
       CASE WHEN outcome = 'signpost' THEN 'Synthetic Parenting Group' END, reviewer,
       created_at - interval '10 days'
FROM (SELECT f.*, pg_temp.syn_pick(ARRAY['seek_consent', 'seek_consent', 'seek_consent', 'signpost',
             'universal_services'], pg_temp.syn_r(i, 120)) AS outcome,
             ARRAY[pg_temp.syn_pick(ARRAY['emotional_wellbeing', 'attendance', 'behaviour', 'parenting',
             'domestic_abuse', 'neglect', 'housing', 'finances', 'send'], pg_temp.syn_r(i, 121))] AS themes
      FROM syn_f f WHERE pg_temp.syn_r(i, 122) < 0.05) AS a;

INSERT INTO no_names_consultations (id, locality_id, held_on, consulting_user_id,
                                    consulting_organisation, themes, threshold_view, advice,
                                    outcome, signposted_to, recorded_by, recorded_at)
SELECT pg_temp.syn_id('no_names', i, held_at), locality_id, held_at::date, lead_id, organisation,
       themes, CASE WHEN pg_temp.syn_r(i, 131) < 0.7 THEN 2 ELSE 1 END,
       'Advice given without names; seek consent for an assessment if the worries persist.', outcome,
       CASE WHEN outcome = 'signpost' THEN 'Synthetic Young Carers Service' END, reviewer, held_at
FROM (SELECT f.*,
             pg_temp.syn_now() - make_interval(days => 1 + floor(pg_temp.syn_r(i, 130) * {days})::integer) AS held_at,
             pg_temp.syn_pick(ARRAY['seek_consent', 'seek_consent', 'signpost', 'universal_services',
             'no_further_action', 'refer_to_mash'], pg_temp.syn_r(i, 132)) AS outcome,
             ARRAY[pg_temp.syn_pick(ARRAY['emotional_wellbeing', 'attendance', 'behaviour', 'parenting',
             'domestic_abuse', 'neglect', 'substance_misuse', 'housing', 'finances', 'send',
             'exploitation', 'other'], pg_temp.syn_r(i, 133))] AS themes
      FROM syn_f f WHERE pg_temp.syn_r(i, 134) < 0.1) AS n;

-- The chronology of what happened, as each step would have written it.
INSERT INTO chronology_entries (id, family_id, kind, occurred_at, actor_id, summary, entity_type,
                                entity_id)
SELECT pg_temp.syn_id('chronology', i * 100 + n, at), family_id, kind, at, actor, summary, entity,
       entity_id
FROM (
    SELECT i, 1 AS n, family_id, 'family.created' AS kind, created_at AS at, lead_id AS actor,
           'Family recorded' AS summary, 'family' AS entity, family_id AS entity_id FROM syn_f
    UNION ALL
    SELECT i, 2, family_id, 'consent.given', created_at, lead_id, 'Consent given for an assessment',
           'consent', pg_temp.syn_id('consent', i, created_at) FROM syn_f
    UNION ALL
    SELECT i, 3, family_id, 'episode.opened', opened_at, lead_id, 'Early help episode opened',
           'episode', episode_id FROM syn_f
    UNION ALL
    SELECT i, 10 + number, family_id, 'assessment.submitted', submitted_at, lead_id,
           'Strengths and Needs form submitted to LCSS', 'assessment', assessment_id FROM syn_revisions
    UNION ALL
    SELECT i, 20 + number, family_id, 'assessment.' || outcome, decided_at, reviewer,
           'LCSS ' || outcome || ' the Strengths and Needs form', 'assessment', assessment_id
    FROM syn_revisions WHERE decided_at <= pg_temp.syn_now()
    UNION ALL
    SELECT i, 30, family_id, 'taf.formed', completed_at, lead_id, 'Team Around the Family formed',
           'taf', taf_id FROM syn_tafs
    UNION ALL
    SELECT i, 40 + k, family_id, 'taf.minutes_finalised', starts_at + interval '1 day', lead_id,
           'Meeting minutes finalised', 'meeting', meeting_id FROM syn_meetings WHERE held
    UNION ALL
    SELECT i, 90, family_id, 'episode.closed', closes_at, lead_id, 'Early help episode closed',
           'episode', episode_id FROM syn_f WHERE closed
) AS entries;
