//! The demo families' Teams Around the Family, their meetings and plans, their step-ups to
//! social care, and the LCSS consultations: written through the workflows, as
//! [`super::story`] writes the rest of each family's story.

use super::families::{date, day};
use super::roster::DemoStepUp;
use super::story::Player;
use anyhow::Context;
use earlyhelp_domain::step_up::StepUpDecision;
use earlyhelp_domain::taf::{ActionStatus, NextStep};
use earlyhelp_domain::{EpisodeId, PersonId, Role};
use earlyhelp_persistence::PgConnection;
use earlyhelp_workflows::assessments::IfMatch;
use earlyhelp_workflows::consultation_requests::{self, RequestConsultation};
use earlyhelp_workflows::consultations::{self, RecordNoNames};
use earlyhelp_workflows::meetings::{
    self, Arrangements, ScheduleMeeting, UpdateAction as MeetingAction, UpdateMeeting,
};
use earlyhelp_workflows::step_ups::{self, DecideStepUp, RaiseStepUp};
use earlyhelp_workflows::tafs::{self, AddMember, CloseTaf, Joining};
use serde_json::Value;
use uuid::Uuid;

/// Forms the episode's Team Around the Family: the lead, the `team`'s demo users, the town's
/// school nurse (no account) and the parent who consented.
pub(super) fn form_team(
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
pub(super) fn step_up(
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
pub(super) struct Team {
    taf: Uuid,
    members: Vec<Uuid>,
    parent: PersonId,
}

/// The team's first meeting, three weeks ago, with finalised minutes agreeing two actions (one
/// done since), acknowledged by LCSS with feedback or still waiting; and the next meeting, in
/// three weeks, with its minutes begun.
pub(super) fn hold_meetings(
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

/// Two No Names Consultations, one per locality, recorded by its LCSS worker (the South one
/// answering its professional's request), and a request still waiting for North (once).
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
        let professional = Player::load(conn, consulting)?;
        // The South professional asked for theirs first; LCSS answers the request.
        let request = if lcss == "lcss_worker2" {
            let asked = RequestConsultation {
                locality: None,
                themes: themes.iter().map(|theme| (*theme).to_owned()).collect(),
                threshold_view: Some(2),
                question: "A parent has asked for help with bedtimes and mornings; is this one \
                    for universal services?"
                    .into(),
            };
            let record = consultation_requests::request(
                conn,
                &professional.request(),
                &professional.actor,
                asked,
            )?;
            Some(record.request.id)
        } else {
            None
        };
        let command = RecordNoNames {
            locality: None,
            held_on: date(&day(-10)?)?,
            consulting_user: Some(professional.user.id),
            consulting_name: None,
            consulting_organisation: None,
            themes: themes.into_iter().map(str::to_owned).collect(),
            threshold_view: 2,
            advice: advice.to_owned(),
            outcome: outcome.to_owned(),
            signposted_to: signposted.map(str::to_owned),
            follow_up_on: Some(date(&day(4)?)?),
            request,
        };
        consultations::record(conn, &recorder.request(), &recorder.actor, command)?;
    }
    // And one request still waiting for North's LCSS.
    let asking = Player::load(conn, "practitioner")?;
    let waiting = RequestConsultation {
        locality: None,
        themes: vec!["behaviour".into(), "send".into()],
        threshold_view: None,
        question: "A Year 3 pupil's behaviour has changed since the summer and the family are \
            wary of services: how could we start the conversation?"
            .into(),
    };
    consultation_requests::request(conn, &asking.request(), &asking.actor, waiting)?;
    Ok(())
}
