//! One demo family's story written through the workflows, as the people in it would have
//! taken each step: the family and its consent, the episode, the form and its reviews. The
//! decisions LCSS gives are here too.

use super::families::{check_content, date, day, demo_user};
use super::roster::{Birth, DemoFamily, Stage};
use super::snf::{self, Story, Version};
use super::teams::{form_team, hold_meetings, step_up};
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
use earlyhelp_domain::{AssessmentId, FamilyId, OrganisationId, PersonId, ReviewId};
use earlyhelp_persistence::audit::AuditContext;
use earlyhelp_persistence::families::NewPerson;
use earlyhelp_persistence::templates::FormTemplate;
use earlyhelp_persistence::users::User;
use earlyhelp_persistence::{localities, organisations, PgConnection};
use earlyhelp_workflows::assessments::{
    self as forms, IfMatch, ReviewDeadline, StartAssessment, SubmitAssessment, UpdateAssessment,
};
use earlyhelp_workflows::consents::{self, RecordConsent};
use earlyhelp_workflows::episodes::{self, OpenEpisode};
use earlyhelp_workflows::families::{self as family_steps, CreateFamily};
use earlyhelp_workflows::reviews::{self, AssignReview, DecideReview};
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
pub(super) struct Player {
    pub(super) user: User,
    pub(super) actor: Actor,
}

impl Player {
    pub(super) fn load(conn: &mut PgConnection, local_part: &str) -> anyhow::Result<Self> {
        let user = demo_user(conn, local_part)?;
        let actor = access::actor_of(&user)
            .ok_or_else(|| anyhow!("the demo user {local_part}@{DEMO_DOMAIN} has no role"))?;
        Ok(Self { user, actor })
    }

    /// A request by this user, as the audit trail records it; `seed-demo-` marks where it came
    /// from.
    pub(super) fn request(&self) -> AuditContext {
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
