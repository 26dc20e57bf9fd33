//! One demo family's story written through the workflows, as the people in it would have
//! taken each step: the family and its consent, the episode, the form and its reviews. The
//! decisions LCSS gives are here too.

use super::families::{check_content, date, day, demo_user};
use super::roster::{Birth, DemoFamily, DemoStepUp, Stage};
use super::snf::{self, Story, Version};
use super::DEMO_DOMAIN;
use anyhow::{anyhow, bail, Context};
use earlyhelp_domain::calendar::WorkingCalendar;
use earlyhelp_domain::directory::optional_text;
use earlyhelp_domain::episode::ThresholdLevel;
use earlyhelp_domain::forms::{Strictness, TemplateDefinition};
use earlyhelp_domain::person::{MemberKind, Postcode, RelationshipKind};
use earlyhelp_domain::policy::Actor;
use earlyhelp_domain::review::{
    check_decision, Criterion, CriterionRating, Decision, Rating, ReviewDecision,
};
use earlyhelp_domain::step_up::StepUpDecision;
use earlyhelp_domain::taf::{ActionStatus, NextStep};
use earlyhelp_domain::{
    AssessmentId, EpisodeId, FamilyId, OrganisationId, PersonId, ReviewId, Role,
};
use earlyhelp_persistence::audit::AuditContext;
use earlyhelp_persistence::families::NewPerson;
use earlyhelp_persistence::templates::FormTemplate;
use earlyhelp_persistence::users::User;
use earlyhelp_persistence::{localities, organisations, PgConnection};
use earlyhelp_workflows::assessments::{
    self as forms, IfMatch, ReviewDeadline, StartAssessment, SubmitAssessment, UpdateAssessment,
};
use earlyhelp_workflows::consents::{self, RecordConsent};
use earlyhelp_workflows::consultations::{self, RecordNoNames};
use earlyhelp_workflows::episodes::{self, OpenEpisode};
use earlyhelp_workflows::families::{self as family_steps, CreateFamily};
use earlyhelp_workflows::meetings::{
    self, Arrangements, ScheduleMeeting, UpdateAction as MeetingAction, UpdateMeeting,
};
use earlyhelp_workflows::reviews::{self, AssignReview, DecideReview};
use earlyhelp_workflows::step_ups::{self, DecideStepUp, RaiseStepUp};
use earlyhelp_workflows::tafs::{self, AddMember, CloseTaf, Joining};
use earlyhelp_workflows::{access, step};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

fn rating(rating: Rating, comment: Option<&str>) -> CriterionRating {
    CriterionRating {
        rating,
        comment: comment.map(str::to_owned),
    }
}

/// The first review's decision: returned, with what to amend.
fn return_decision(story: &Story) -> anyhow::Result<ReviewDecision> {
    let child = story.children.first().copied().unwrap_or("the child");
    let ratings = BTreeMap::from([
        (
            Criterion::ChildsVoiceHeard,
            rating(
                Rating::PartlyMet,
                Some("The child's views are summarised by adults; record what they said or showed, in their own words."),
            ),
        ),
        (Criterion::ParentsViewsRecorded, rating(Rating::Met, None)),
        (Criterion::StrengthsEvidenced, rating(Rating::Met, None)),
        (
            Criterion::NeedsEvidenced,
            rating(Rating::PartlyMet, Some("Link each need to the evidence for it.")),
        ),
        (
            Criterion::OutcomesSpecificAndMeasurable,
            rating(
                Rating::NotMet,
                Some("\"Things get better\" cannot be measured: say what will be different, how we will know and by when."),
            ),
        ),
        (Criterion::ThresholdAppropriate, rating(Rating::Met, None)),
        (Criterion::ConsentRecorded, rating(Rating::Met, None)),
    ]);
    let feedback = format!(
        "Thank you: this is a clear picture of the family's strengths and the reason for the assessment. \
         Before we can accept it, please (1) add {child}'s own views, in their words or from your observation, \
         and say how you gathered them; and (2) rewrite the desired outcomes so each is specific and measurable, \
         with how you will know and a date. Happy to talk it through: call your LCSS link worker."
    );
    check_decision(Decision::Return, ratings, &feedback)
        .map_err(|problems| anyhow!("demo review decision: {problems:?}"))
}

/// The second review's decision: accepted.
fn accept_decision() -> anyhow::Result<ReviewDecision> {
    let mut ratings: BTreeMap<Criterion, CriterionRating> = Criterion::ALL
        .into_iter()
        .map(|criterion| (criterion, rating(Rating::Met, None)))
        .collect();
    ratings.insert(
        Criterion::StrengthsEvidenced,
        rating(
            Rating::PartlyMet,
            Some("Strengths are there; more evidence of what the family already does well would help the TAF build on it."),
        ),
    );
    let feedback = "Accepted. The child's voice now comes through clearly and the outcomes are \
                    measurable. A good basis for the first Team Around the Family meeting.";
    check_decision(Decision::Accept, ratings, feedback)
        .map_err(|problems| anyhow!("demo review decision: {problems:?}"))
}

// ---------------------------------------------------------------------------------------------
// Writing one family

/// One demo user as the workflows see them: the actor, and their user row.
struct Player {
    user: User,
    actor: Actor,
}

impl Player {
    fn load(conn: &mut PgConnection, local_part: &str) -> anyhow::Result<Self> {
        let user = demo_user(conn, local_part)?;
        let actor = access::actor_of(&user)
            .ok_or_else(|| anyhow!("the demo user {local_part}@{DEMO_DOMAIN} has no role"))?;
        Ok(Self { user, actor })
    }

    /// A request by this user, as the audit trail records it; `seed-demo-` marks where it came
    /// from.
    fn request(&self) -> AuditContext {
        AuditContext {
            actor: Some(self.actor.user_id),
            request_id: format!("seed-demo-{}", Uuid::now_v7()),
            client_address: None,
        }
    }
}

/// The people who play a part in one family's story.
struct Cast {
    lead: Player,
    reviewer: Player,
    assigned_by: Option<Player>,
    /// Who joins the lead in the Team Around the Family.
    team: Vec<Player>,
}

/// What the family's story needs written, prepared and checked in advance.
struct Plan {
    family: CreateFamily,
    consent: RecordConsent,
    consent_given_by: PersonId,
    episode: OpenEpisode,
    draft: Value,
    first_submission: Value,
    amended: Value,
    returned: ReviewDecision,
    accepted: ReviewDecision,
}

fn plan(
    conn: &mut PgConnection,
    spec: &DemoFamily,
    mut people: Vec<NewPerson>,
    cast: &Cast,
    definition: &TemplateDefinition,
) -> anyhow::Result<Plan> {
    let locality = localities::find_by_name(conn, spec.locality)?
        .ok_or_else(|| anyhow!("the {} locality is missing", spec.locality))?
        .id;
    if spec.stage == Stage::Returned || spec.stage == Stage::Accepted {
        let reviewers = std::iter::once(&cast.reviewer).chain(cast.assigned_by.as_ref());
        for player in reviewers {
            if player.user.locality_id != Some(locality) {
                bail!("a demo reviewer works outside the family's locality");
            }
        }
    }
    let address = optional_text(Some(spec.address), 500)
        .map_err(|e| anyhow!("demo address {e}"))?
        .context("a demo family needs an address")?;
    let postcode = Postcode::parse(spec.postcode)
        .map_err(|e| anyhow!("demo postcode {e}"))?
        .as_str()
        .to_owned();
    let family = FamilyId::generate();
    for person in &mut people {
        person.family_id = family;
    }
    let indices = |kind: MemberKind| -> Vec<usize> {
        people
            .iter()
            .enumerate()
            .filter(|(_, p)| p.kind == kind)
            .map(|(index, _)| index)
            .collect()
    };
    let (adults, children) = (indices(MemberKind::Adult), indices(MemberKind::Child));
    let Some(&parent) = adults.first() else {
        bail!("every demo family needs an adult to give consent");
    };
    // Each adult is a parent of each child; the children are siblings.
    let mut relationships = Vec::new();
    for &adult in &adults {
        for &child in &children {
            relationships.push((adult, child, RelationshipKind::Parent));
        }
    }
    for (i, &older) in children.iter().enumerate() {
        for &younger in children.iter().skip(i + 1) {
            relationships.push((older, younger, RelationshipKind::Sibling));
        }
    }
    let parent = people[parent].id;
    let child_ids: Vec<PersonId> = children.iter().map(|&index| people[index].id).collect();

    let town_organisation = |conn: &mut PgConnection, kind: &str| {
        organisations::find_by_name(conn, &format!("{} {kind}", spec.town))
            .map(|found| found.map(|organisation| organisation.id))
    };
    let share_with: Vec<OrganisationId> = [
        town_organisation(conn, "Medical Practice")?,
        town_organisation(conn, "Health Visiting Team")?,
    ]
    .into_iter()
    .flatten()
    .collect();
    let consent = RecordConsent {
        family,
        given_by: parent,
        lead_professional: Some(cast.lead.actor.user_id),
        organisation: Some(cast.lead.actor.organisation_id),
        for_assessment: true,
        share_with_organisation_ids: share_with,
        excluded_organisation_ids: Vec::new(),
        excluded_note: None,
        method: spec.consent_method.to_owned(),
        given_on: date(&day(-spec.consent_days_ago)?)?,
        idempotency: None,
    };

    let story = Story {
        concern: spec.concern,
        children: spec
            .members
            .iter()
            .filter(|m| m.kind == MemberKind::Child && matches!(m.birth, Birth::Age { .. }))
            .map(|m| m.given_name)
            .collect(),
        parents: spec
            .members
            .iter()
            .filter(|m| m.kind == MemberKind::Adult)
            .map(|m| m.given_name)
            .collect(),
        town: spec.town,
        started_on: day(1 - spec.consent_days_ago)?,
        soon: day(14)?,
        later: day(42)?,
        outcomes_by: day(91)?,
    };
    let threshold = ThresholdLevel::from_level(spec.concern.threshold())
        .map_err(|e| anyhow!("demo threshold: {e}"))?;
    let (reason, threshold_rationale) = snf::episode_reason(&story);
    let episode = OpenEpisode {
        family,
        lead_professional: Some(cast.lead.actor.user_id),
        locality: Some(locality),
        children: child_ids,
        threshold,
        threshold_rationale,
        reason,
        idempotency: None,
    };

    let draft = snf::content(&story, Version::Draft);
    check_content(definition, &draft, Strictness::Draft)?;
    let amended = snf::content(&story, Version::Final);
    check_content(definition, &amended, Strictness::Submit)?;
    // A form waiting in the queue is the good one; a returned one was the weaker first try.
    let first_submission = match spec.stage {
        Stage::Returned | Stage::Accepted => snf::content(&story, Version::FirstAttempt),
        Stage::ConsentOnly | Stage::Draft | Stage::Submitted => amended.clone(),
    };
    check_content(definition, &first_submission, Strictness::Submit)?;

    Ok(Plan {
        family: CreateFamily {
            id: family,
            locality: Some(locality),
            address: Some(address),
            postcode: Some(postcode),
            members: people,
            relationships,
            confirm_new: false,
            idempotency: None,
        },
        consent_given_by: consent.given_by,
        consent,
        episode,
        draft,
        first_submission,
        amended,
        returned: return_decision(&story)?,
        accepted: accept_decision()?,
    })
}

/// Writes the whole story, each step through its workflow, as one transaction.
pub(super) fn write_family(
    conn: &mut PgConnection,
    spec: &DemoFamily,
    people: Vec<NewPerson>,
    template: &FormTemplate,
) -> anyhow::Result<()> {
    let definition: TemplateDefinition = serde_json::from_value(template.definition.clone())
        .context("the stored Strengths and Needs template is unreadable")?;
    let cast = Cast {
        lead: Player::load(conn, spec.lead)?,
        reviewer: Player::load(conn, spec.reviewer)?,
        assigned_by: spec
            .assigned_by
            .map(|local_part| Player::load(conn, local_part))
            .transpose()?,
        team: spec
            .team
            .iter()
            .map(|local_part| Player::load(conn, local_part))
            .collect::<anyhow::Result<_>>()?,
    };
    let plan = plan(conn, spec, people, &cast, &definition)?;
    let deadline = ReviewDeadline {
        calendar: WorkingCalendar::england_and_wales(2000..=2100),
        working_days: REVIEW_WORKING_DAYS,
    };
    step::all_or_nothing(conn, |conn| {
        let lead = &cast.lead;
        family_steps::create(conn, &lead.request(), &lead.actor, plan.family)?;
        consents::record(conn, &lead.request(), &lead.actor, plan.consent)?;
        if spec.stage == Stage::ConsentOnly {
            return Ok(());
        }

        let episode = episodes::open(conn, &lead.request(), &lead.actor, plan.episode)?;
        let start = StartAssessment {
            episode: episode.episode.id,
            content: plan.draft,
        };
        let form = forms::start(conn, &lead.request(), &lead.actor, start)?;
        let form = form.assessment.id;
        if spec.stage == Stage::Draft {
            return Ok(());
        }

        replace_content(conn, lead, form, plan.first_submission)?;
        let first = submit(conn, lead, form, &deadline)?;
        if let Some(outcome) = spec.step_up {
            step_up(conn, lead, episode.episode.id, outcome)?;
        }
        if spec.stage == Stage::Submitted {
            return Ok(());
        }
        assign(conn, first, &cast.reviewer, cast.assigned_by.as_ref())?;
        decide(conn, &cast.reviewer, first, plan.returned)?;
        if spec.stage == Stage::Returned {
            return Ok(());
        }

        replace_content(conn, lead, form, plan.amended)?;
        let second = submit(conn, lead, form, &deadline)?;
        assign(conn, second, &cast.reviewer, None)?;
        decide(conn, &cast.reviewer, second, plan.accepted)?;
        if !cast.team.is_empty() {
            let parent = plan.consent_given_by;
            let team = form_team(
                conn,
                lead,
                episode.episode.id,
                &cast.team,
                spec.town,
                parent,
            )?;
            hold_meetings(conn, lead, &cast.reviewer, &team, spec.minutes_acknowledged)?;
        }
        Ok(())
    })
}

/// Forms the episode's Team Around the Family: the lead, the `team`'s demo users, the town's
/// school nurse (no account) and the parent who consented.
fn form_team(
    conn: &mut PgConnection,
    lead: &Player,
    episode: EpisodeId,
    team: &[Player],
    town: &str,
    parent: PersonId,
) -> anyhow::Result<Team> {
    let taf = tafs::form(
        conn,
        &lead.request(),
        &lead.actor,
        episode,
        tafs::ReviewCadence::default(),
    )?;
    let mut members = vec![taf.members[0].member.id];
    let mut joining: Vec<(Joining, &str)> = team
        .iter()
        .map(|player| {
            let role = if player.actor.roles.contains(Role::SocialCare) {
                "Social work advice"
            } else {
                "School attendance support"
            };
            (
                Joining::Professional {
                    user: player.user.id,
                },
                role,
            )
        })
        .collect();
    joining.push((
        Joining::External {
            name: "Sam Demo-Nurse".into(),
            organisation: format!("{town} School Nursing (demo)"),
            contact: Some("school.nursing@demo.earlyhelp.test".into()),
        },
        "Health and wellbeing",
    ));
    joining.push((Joining::Family { person: parent }, "Parent"));
    for (joining, role) in joining {
        let member = AddMember {
            taf: taf.taf.id,
            joining,
            role_in_plan: Some(role.into()),
            idempotency: None,
        };
        members.push(
            tafs::add_member(conn, &lead.request(), &lead.actor, member)?
                .member
                .id,
        );
    }
    Ok(Team {
        taf: taf.taf.id,
        members,
        parent,
    })
}

/// Steps the episode up to Children's Social Care at level 3, pre-filled from its form, and
/// has the demo social worker decide it as `outcome` says.
fn step_up(
    conn: &mut PgConnection,
    lead: &Player,
    episode: EpisodeId,
    outcome: DemoStepUp,
) -> anyhow::Result<()> {
    let request = RaiseStepUp {
        episode,
        reason: None,
        threshold_level: Some(3),
        tried: None,
        risks: None,
        immediate: false,
    };
    // A family stepped up had a team, which closes with its outcomes once social care takes over.
    let team = if outcome == DemoStepUp::Accepted {
        let cadence = tafs::ReviewCadence::default();
        Some(
            tafs::form(conn, &lead.request(), &lead.actor, episode, cadence)?
                .taf
                .id,
        )
    } else {
        None
    };
    let raised = step_ups::raise(conn, &lead.request(), &lead.actor, request)?;
    let decision = match outcome {
        DemoStepUp::Requested => return Ok(()),
        DemoStepUp::Accepted => StepUpDecision::Accept,
        DemoStepUp::NotAccepted => StepUpDecision::NotAccept,
    };
    let social = Player::load(conn, "social_care")?;
    let advice = (decision == StepUpDecision::NotAccept).then(|| {
        "Below the threshold for statutory assessment: continue the TAF and add a parenting \
         course."
            .to_owned()
    });
    let decide = DecideStepUp {
        step_up: raised.step_up.id,
        decision,
        advice,
    };
    step_ups::decide(conn, &social.request(), &social.actor, decide)?;
    if let Some(taf) = team {
        let close = CloseTaf {
            taf,
            // Its form was returned, never accepted: there are no planned outcomes to rate.
            outcomes: Vec::new(),
            family_feedback: Some("We were listened to, but things got worse at home.".into()),
            child_feedback: None,
            next_step: NextStep::StepUp,
            next_step_detail: Some("Accepted by Children's Social Care for assessment".into()),
        };
        tafs::close(conn, &lead.request(), &lead.actor, close)?;
    }
    Ok(())
}

/// A demo team: its id, its memberships in the order they joined (the lead first, the parent
/// last), and the parent.
struct Team {
    taf: Uuid,
    members: Vec<Uuid>,
    parent: PersonId,
}

/// The team's first meeting, three weeks ago, with finalised minutes agreeing two actions (one
/// done since), acknowledged by LCSS with feedback or still waiting; and the next meeting, in
/// three weeks, with its minutes begun.
fn hold_meetings(
    conn: &mut PgConnection,
    lead: &Player,
    reviewer: &Player,
    team: &Team,
    acknowledged: bool,
) -> anyhow::Result<()> {
    let at = |days: i32| -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
        let day: chrono::NaiveDate = date(&day(days)?)?;
        Ok(day
            .and_hms_opt(10, 0, 0)
            .context("a demo meeting time")?
            .and_utc())
    };
    let schedule = |conn: &mut PgConnection, starts_at| {
        meetings::schedule(
            conn,
            &lead.request(),
            &lead.actor,
            ScheduleMeeting {
                taf: team.taf,
                arrangements: Arrangements {
                    starts_at,
                    venue: Some("Family hub meeting room (demo)".into()),
                    is_virtual: false,
                    invitees: team.members[..team.members.len() - 1].to_vec(),
                },
            },
        )
    };
    let save = |conn: &mut PgConnection, meeting: Uuid, minutes: Value| {
        meetings::update(
            conn,
            &lead.request(),
            &lead.actor,
            UpdateMeeting {
                meeting,
                expected_version: Ok(IfMatch::Any),
                starts_at: None,
                venue: None,
                is_virtual: None,
                invitees: None,
                minutes: Some(minutes),
            },
        )
    };
    let (lead_member, partner) = (team.members[0], team.members[1]);
    let nurse = team.members[team.members.len() - 2];
    let first = schedule(conn, at(-21)?)?;
    let minutes = serde_json::json!({
        "attendees": [{ "member_id": lead_member }, { "member_id": partner }, { "member_id": team.members[team.members.len() - 1] }],
        "apologies": [{ "member_id": nurse }],
        "family_present": [team.parent],
        "child_views": "Said mornings feel rushed and likes the breakfast club.",
        "family_views": "Wants a calmer start to the day and help with sleep.",
        "working_well": "Attendance has risen since the plan began.",
        "worries": "Late nights and missed breakfasts.",
        "decisions": "Keep the morning plan; school nurse to offer sleep advice.",
        "actions": [
            { "description": "Morning check-in at the gate", "owner_member_id": partner, "due_on": day(-7)? },
            { "description": "Sleep routine advice at a home visit", "owner_member_id": nurse, "due_on": day(14)? }
        ],
        "next_review_on": day(21)?
    });
    save(conn, first.id, minutes)?;
    meetings::finalise(conn, &lead.request(), &lead.actor, first.id)?;
    let plan = meetings::actions(conn, &lead.request(), &lead.actor, team.taf)?;
    if let Some(done) = plan.first() {
        let update = MeetingAction {
            action: done.id,
            progress_note: Some("Checked in every school morning for two weeks.".into()),
            status: Some(ActionStatus::Done),
            completion_note: Some("Arrives on time most days now.".into()),
        };
        meetings::update_action(conn, &lead.request(), &lead.actor, update)?;
    }
    if acknowledged {
        let feedback = "Clear actions with owners and dates. Next time record the child's views \
            in their own words.";
        meetings::acknowledge(
            conn,
            &reviewer.request(),
            &reviewer.actor,
            first.id,
            Some(feedback.into()),
        )?;
    }
    let next = schedule(conn, at(21)?)?;
    let started = serde_json::json!({ "attendees": [{ "member_id": lead_member }] });
    save(conn, next.id, started)?;
    Ok(())
}

/// Working days LCSS has to review a form: the server's default (`--review-working-days`).
const REVIEW_WORKING_DAYS: u32 = 10;

/// Saves `content` in place of the form's, as a PATCH sending the current ETag does: every
/// section of the stored content not in `content` is removed, the rest replaced.
fn replace_content(
    conn: &mut PgConnection,
    lead: &Player,
    form: AssessmentId,
    content: Value,
) -> anyhow::Result<()> {
    let current = forms::get(conn, &lead.request(), &lead.actor, form)?;
    let mut patch = content;
    if let (Some(patch), Some(stored)) = (
        patch.as_object_mut(),
        current.assessment.content.as_object(),
    ) {
        for section in stored.keys() {
            patch.entry(section.clone()).or_insert(Value::Null);
        }
    }
    let update = UpdateAssessment {
        assessment: form,
        expected_version: Ok(IfMatch::Versions(vec![current.assessment.version])),
        patch,
    };
    forms::update(conn, &lead.request(), &lead.actor, update)?;
    Ok(())
}

/// Submits the form to the locality's LCSS queue; the review it went to.
fn submit(
    conn: &mut PgConnection,
    lead: &Player,
    form: AssessmentId,
    deadline: &ReviewDeadline,
) -> anyhow::Result<ReviewId> {
    let command = SubmitAssessment {
        assessment: form,
        idempotency: None,
    };
    let answer = forms::submit(
        conn,
        &lead.request(),
        &lead.actor,
        command,
        deadline,
        |submission| submission.review.id,
    )?;
    let review: ReviewId =
        serde_json::from_value(answer.body).context("the submitted review id")?;
    Ok(review)
}

/// The reviewer claims the review, or `by` (an LCSS manager) assigns it to them.
fn assign(
    conn: &mut PgConnection,
    review: ReviewId,
    reviewer: &Player,
    by: Option<&Player>,
) -> anyhow::Result<()> {
    let acting = by.unwrap_or(reviewer);
    let command = AssignReview {
        review,
        reviewer: by.map(|_| reviewer.user.id),
    };
    reviews::assign(conn, &acting.request(), &acting.actor, command)?;
    Ok(())
}

fn decide(
    conn: &mut PgConnection,
    reviewer: &Player,
    review: ReviewId,
    decision: ReviewDecision,
) -> anyhow::Result<()> {
    let command = DecideReview { review, decision };
    reviews::decide(conn, &reviewer.request(), &reviewer.actor, command)?;
    Ok(())
}

/// Two No Names Consultations, one per locality, recorded by its LCSS worker (once).
pub(super) fn write_consultations(conn: &mut PgConnection) -> anyhow::Result<()> {
    if earlyhelp_persistence::consultations::count(conn)? > 0 {
        return Ok(());
    }
    for (lcss, consulting, themes, outcome, signposted, advice) in [
        (
            "lcss_worker",
            "practitioner",
            vec!["attendance", "emotional_wellbeing"],
            "seek_consent",
            None,
            "Low mood and falling attendance after a house move: talk to the family about an Early \
             Help Assessment; a TAF with school and the school nurse could meet these needs.",
        ),
        (
            "lcss_worker2",
            "practitioner2",
            vec!["parenting"],
            "signpost",
            Some("Family hub parenting course (demo)"),
            "Parent asking for help with routines: universal parenting support first; come back if \
             things do not improve within a term.",
        ),
    ] {
        let recorder = Player::load(conn, lcss)?;
        let professional = demo_user(conn, consulting)?;
        let command = RecordNoNames {
            locality: None,
            held_on: date(&day(-10)?)?,
            consulting_user: Some(professional.id),
            consulting_name: None,
            consulting_organisation: None,
            themes: themes.into_iter().map(str::to_owned).collect(),
            threshold_view: 2,
            advice: advice.to_owned(),
            outcome: outcome.to_owned(),
            signposted_to: signposted.map(str::to_owned),
            follow_up_on: Some(date(&day(4)?)?),
        };
        consultations::record(conn, &recorder.request(), &recorder.actor, command)?;
    }
    Ok(())
}
