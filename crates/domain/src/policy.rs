//! The one access policy: "may this actor do this action on this resource?"
//!
//! Every decision in earlyhelp comes from here, in two shapes from one table of grants:
//! - [`authorize`] and [`authorize_case`] answer for one action (handlers call them first);
//! - [`case_filter`] turns the same grants into the filter the persistence layer applies in
//!   SQL, so a list can never return a record the point check would refuse.
//!
//! How a refusal is reported is decided here once, too:
//! - no grant for a directory or report action: [`Denial::Forbidden`] (HTTP 403);
//! - a case record outside every scope the actor holds: [`Denial::NotFound`] (HTTP 404), so
//!   the existence of a family is never revealed to someone who may not see it;
//! - a case record the actor may see but not change in this way: [`Denial::Forbidden`];
//! - a locality-wide action by an account with no locality: [`Denial::NoLocality`] (HTTP 409).

use crate::role::{ReportReach, RoleSet};
use crate::{LocalityId, OrganisationId, Role, UserId};

/// The signed-in user as the policy sees them, loaded fresh from the database per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub roles: RoleSet,
    pub organisation_id: OrganisationId,
    pub locality_id: Option<LocalityId>,
    /// How far their reports reach, if they are a manager.
    pub report_reach: ReportReach,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Users, organisations and localities.
    ManageDirectory,
    /// Publish new versions of the Strengths and Needs form template.
    PublishFormTemplates,
    /// Read identifiable case records: families, people, consents, episodes, forms.
    ReadCase,
    /// Create and change case records.
    WriteCase,
    /// Review submitted Strengths and Needs forms and give feedback.
    ReviewAssessments,
    /// Assign reviews to LCSS workers.
    AssignReviews,
    /// Caseload and performance reports: for the county (managers), a locality (LCSS
    /// managers) or one's own caseload (practitioners).
    ReadReports,
    /// Set what performance reports compare against: under-18 populations and SNF targets.
    SetReportTargets,
    /// Edit and submit the Strengths and Needs form: it is completed with the family by their
    /// lead professional, and by nobody else. Holding it at all is what makes a user someone
    /// who can lead early help.
    CompleteAssessment,
    /// Read, and accept, an episode whose lead-professional transfer is proposed to you, or a
    /// step-down allocated to you (accept or decline it).
    TakeOverEpisode,
    /// List the people recorded by professionals who could not see an existing record of
    /// the same person, to bring the two professionals together (LCSS, for its locality).
    FollowUpMatches,
    /// Record and read No Names Consultations, and answer requests for them (LCSS, for its
    /// locality).
    RecordConsultations,
    /// Ask LCSS for a No Names Consultation (a professional who works cases).
    RequestConsultations,
    /// Decide a step-up request: accept the family for statutory assessment or not (social
    /// care, for the families referred to it).
    DecideStepUps,
    /// Step a family down from Children's Social Care to early help (social care).
    RecordStepDowns,
    /// Allocate a receiving lead professional to a step-down (LCSS, for its locality).
    AllocateStepDowns,
    /// Schedule a Team Around the Family's meetings and write their minutes: its members, and
    /// LCSS for its locality.
    RecordMeetings,
    /// Query the audit trail: every entry, and who accessed one person's record (information
    /// governance). Entries hold ids and codes, never case content.
    ReadAuditTrail,
    /// Confirm or decline roles an administrator granted that read case records: LCSS managers
    /// for accounts of their locality, managers for their organisation (or the county).
    DecideRoleGrants,
    /// Export everything held about one person for a subject access request (information
    /// governance).
    ExportSubjectAccess,
    /// Erase a family's record created in error, with a reason (administrators: the content is
    /// erased unseen, and a tombstone stays).
    EraseRecords,
    /// Ask for time-limited read access to one family outside one's scope, giving the reason
    /// (break glass): anyone who works cases.
    RequestAccess,
    /// End someone's access outside their scope early (LCSS managers, for their locality).
    EndAccess,
    /// Search the professional directory (organisations and the professionals in them, with
    /// work contacts) and read a locality's LCSS and MASH contacts: everyone who works cases.
    ReadDirectory,
}

/// How far a grant reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reach {
    /// Records where the actor is the lead professional.
    Own,
    /// Records where the actor is the lead professional or a Team Around the Family member.
    Team,
    /// Records whose lead-professional transfer is proposed to the actor.
    ProposedLead,
    /// Records in the actor's locality.
    Locality,
    /// Records referred to Children's Social Care by a step-up, or stepped down from it.
    Referred,
    /// Everything in the authority.
    County,
    /// As far as the actor's account says ([`ReportReach`]): their organisation, their
    /// locality or the authority. Only report grants reach this way.
    Granted,
    /// The families the actor asked for access to, while that access lasts (break glass).
    Requested,
}

/// A grant resolved for one actor: the reach with the locality filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Own(UserId),
    Team(UserId),
    ProposedLead(UserId),
    /// The families the user holds live access to outside their scope (break glass).
    Requested(UserId),
    Locality(LocalityId),
    /// The records led from one organisation: a report scope only (see [`Reach::Granted`]),
    /// it covers no case record.
    Organisation(OrganisationId),
    Referred,
    County,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denial {
    #[error("the actor's roles do not permit this action")]
    Forbidden,
    #[error("no such record within the actor's scope")]
    NotFound,
    /// The actor's role reaches this by locality, and their account has none.
    #[error("the account has no locality for its role to reach")]
    NoLocality,
}

/// Which grants each role carries. The single table both answers point checks and builds
/// list filters.
const fn grants(role: Role) -> &'static [(Permission, Reach)] {
    use Permission::*;
    use Reach::*;
    match role {
        // TAF members read the family's record; only the lead professional changes it. LCSS
        // and social care members of a team read it too, wherever the family lives.
        Role::Practitioner => &[
            (ReadDirectory, County),
            (RequestConsultations, County),
            (ReadReports, Own),
            (ReadCase, Team),
            (ReadCase, Requested),
            (RequestAccess, County),
            (RecordMeetings, Team),
            (WriteCase, Own),
            (CompleteAssessment, Own),
            (TakeOverEpisode, ProposedLead),
        ],
        Role::LcssWorker => &[
            (ReadDirectory, County),
            (ReadCase, Locality),
            (ReadCase, Team),
            (ReadCase, Requested),
            (RequestAccess, County),
            (RecordMeetings, Locality),
            (RecordMeetings, Team),
            (WriteCase, Locality),
            (CompleteAssessment, Own),
            (TakeOverEpisode, ProposedLead),
            (ReviewAssessments, Locality),
            (FollowUpMatches, Locality),
            (RecordConsultations, Locality),
            (AllocateStepDowns, Locality),
        ],
        Role::LcssManager => &[
            (ReadDirectory, County),
            (ReadCase, Locality),
            (ReadCase, Team),
            (ReadCase, Requested),
            (RequestAccess, County),
            (EndAccess, Locality),
            (RecordMeetings, Locality),
            (RecordMeetings, Team),
            (WriteCase, Locality),
            (CompleteAssessment, Own),
            (TakeOverEpisode, ProposedLead),
            (ReviewAssessments, Locality),
            (AssignReviews, Locality),
            (ReadReports, Locality),
            (FollowUpMatches, Locality),
            (RecordConsultations, Locality),
            (AllocateStepDowns, Locality),
            (DecideRoleGrants, Locality),
        ],
        // Social care sees the cases referred to it by a step-up, and decides those requests;
        // the cases it stepped down to early help; and those whose Team Around the Family a
        // social worker belongs to. It steps down any family of the authority.
        Role::SocialCare => &[
            (ReadDirectory, County),
            (ReadCase, Referred),
            (ReadCase, Team),
            (ReadCase, Requested),
            (RequestAccess, County),
            (RecordMeetings, Team),
            (DecideStepUps, Referred),
            (RecordStepDowns, County),
        ],
        Role::Manager => &[
            (ReadDirectory, County),
            (ReadReports, Granted),
            (SetReportTargets, Granted),
            (DecideRoleGrants, Granted),
        ],
        Role::Admin => &[
            (ManageDirectory, County),
            (PublishFormTemplates, County),
            (EraseRecords, County),
        ],
        Role::Auditor => &[(ReadAuditTrail, County), (ExportSubjectAccess, County)],
    }
}

/// Every scope the actor holds for a permission, across all their roles.
pub fn scopes(actor: &Actor, permission: Permission) -> Vec<Scope> {
    let mut scopes: Vec<Scope> = Vec::new();
    let granted = actor
        .roles
        .iter()
        .flat_map(|role| grants(role).iter())
        .filter(|(granted, _)| *granted == permission)
        .filter_map(|(_, reach)| resolve(actor, *reach));
    for scope in granted {
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    scopes
}

fn resolve(actor: &Actor, reach: Reach) -> Option<Scope> {
    match reach {
        Reach::Own => Some(Scope::Own(actor.user_id)),
        Reach::Team => Some(Scope::Team(actor.user_id)),
        Reach::Requested => Some(Scope::Requested(actor.user_id)),
        Reach::ProposedLead => Some(Scope::ProposedLead(actor.user_id)),
        // A locality grant without a locality reaches nothing, rather than everything.
        Reach::Locality => actor.locality_id.map(Scope::Locality),
        Reach::County => Some(Scope::County),
        Reach::Referred => Some(Scope::Referred),
        Reach::Granted => match actor.report_reach {
            ReportReach::Organisation => Some(Scope::Organisation(actor.organisation_id)),
            ReportReach::Locality => actor.locality_id.map(Scope::Locality),
            ReportReach::County => Some(Scope::County),
        },
    }
}

/// A directory, template or report action: allowed when any role grants the permission.
pub fn authorize(actor: &Actor, permission: Permission) -> Result<Vec<Scope>, Denial> {
    let scopes = scopes(actor, permission);
    if !scopes.is_empty() {
        return Ok(scopes);
    }
    // A role that would reach this by locality, on an account with none: say so, rather than
    // a 403 that reads as a missing role.
    let by_locality = actor.roles.iter().any(|role| {
        grants(role)
            .iter()
            .any(|(granted, reach)| *granted == permission && *reach == Reach::Locality)
    });
    if by_locality && actor.locality_id.is_none() {
        Err(Denial::NoLocality)
    } else {
        Err(Denial::Forbidden)
    }
}

/// What the persistence layer knows about one case record's people and place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub locality_id: LocalityId,
    pub lead_professional: UserId,
    /// Active Team Around the Family members with an account.
    pub team_members: Vec<UserId>,
    /// Who a pending transfer of the episode would make its lead professional.
    pub proposed_lead: Option<UserId>,
    /// Who the LCSS review in question is assigned to.
    pub assigned_reviewer: Option<UserId>,
    /// Early help has referred the family to Children's Social Care (a step-up), or social
    /// care has stepped it down.
    pub referred: bool,
    /// Who holds live access to the family outside their scope (break glass).
    pub requested_access: Vec<UserId>,
}

impl CaseFacts {
    /// A record with its place and lead only (no team, no transfer, no review).
    pub fn led_by(lead_professional: UserId, locality_id: LocalityId) -> Self {
        Self {
            locality_id,
            lead_professional,
            team_members: Vec::new(),
            proposed_lead: None,
            assigned_reviewer: None,
            referred: false,
            requested_access: Vec::new(),
        }
    }
}

impl Scope {
    pub fn covers(&self, case: &CaseFacts) -> bool {
        match self {
            Scope::Own(user) => case.lead_professional == *user,
            Scope::Team(user) => {
                case.lead_professional == *user || case.team_members.contains(user)
            }
            Scope::ProposedLead(user) => case.proposed_lead == Some(*user),
            Scope::Requested(user) => case.requested_access.contains(user),
            Scope::Locality(locality) => case.locality_id == *locality,
            Scope::County => true,
            Scope::Referred => case.referred,
            // A report scope: no case permission reaches by organisation.
            Scope::Organisation(_) => false,
        }
    }
}

/// A case action on one record: 404 when the actor may not even see it, 403 when they may
/// see it but not do this.
pub fn authorize_case(
    actor: &Actor,
    permission: Permission,
    case: &CaseFacts,
) -> Result<(), Denial> {
    if covers(actor, permission, case) {
        return Ok(());
    }
    if covers(actor, Permission::ReadCase, case) {
        Err(Denial::Forbidden)
    } else {
        Err(Denial::NotFound)
    }
}

/// Reading one episode: whoever may read its family's record, and the professional a pending
/// transfer would make its lead (so they can see what they are asked to take on).
pub fn authorize_episode_read(actor: &Actor, case: &CaseFacts) -> Result<(), Denial> {
    match authorize_case(actor, Permission::ReadCase, case) {
        Err(Denial::NotFound) if covers(actor, Permission::TakeOverEpisode, case) => Ok(()),
        decision => decision,
    }
}

/// Accepting a transfer: only the professional it is proposed to. Anyone else who may see
/// the record is told there is no transfer for them (`Ok(false)`); to everyone else it does
/// not exist.
pub fn authorize_transfer_acceptance(actor: &Actor, case: &CaseFacts) -> Result<bool, Denial> {
    if covers(actor, Permission::TakeOverEpisode, case) {
        return Ok(true);
    }
    authorize_case(actor, Permission::ReadCase, case).map(|()| false)
}

/// Deciding an LCSS review: the reviewer it is assigned to (or anyone with review rights while
/// it is unassigned), or someone who may assign reviews there and so could reassign it.
pub fn may_decide_review(actor: &Actor, case: &CaseFacts) -> bool {
    match case.assigned_reviewer {
        None => true,
        Some(reviewer) if reviewer == actor.user_id => true,
        Some(_) => covers(actor, Permission::AssignReviews, case),
    }
}

/// May the actor open an episode of this case for someone else to lead? Only those whose
/// write grant reaches the whole locality (LCSS), not just the cases they lead themselves.
pub fn may_name_another_lead(actor: &Actor, case: &CaseFacts) -> bool {
    scopes(actor, Permission::WriteCase)
        .iter()
        .any(|scope| matches!(scope, Scope::Locality(_) | Scope::County) && scope.covers(case))
}

/// May the actor record a new family in `locality`? LCSS in their own locality; a
/// professional who leads their own cases in the locality they work in (`home`), or anywhere
/// when their organisation serves the whole authority and they have no locality of their own.
pub fn may_record_family_in(actor: &Actor, locality: LocalityId, home: Option<LocalityId>) -> bool {
    scopes(actor, Permission::WriteCase)
        .iter()
        .any(|scope| match scope {
            Scope::Locality(covered) => *covered == locality,
            Scope::County => true,
            Scope::Own(_) => home.is_none_or(|home| home == locality),
            Scope::Team(_)
            | Scope::ProposedLead(_)
            | Scope::Requested(_)
            | Scope::Referred
            | Scope::Organisation(_) => false,
        })
}

/// May this user lead early help (be named lead professional, or take over an episode)?
pub fn may_lead(candidate: &Actor) -> bool {
    !scopes(candidate, Permission::CompleteAssessment).is_empty()
}

/// May this user review the forms of a case (be assigned an LCSS review of it)?
pub fn may_review(candidate: &Actor, case: &CaseFacts) -> bool {
    covers(candidate, Permission::ReviewAssessments, case)
}

fn covers(actor: &Actor, permission: Permission, case: &CaseFacts) -> bool {
    scopes(actor, permission)
        .iter()
        .any(|scope| scope.covers(case))
}

/// The filter a list query applies in SQL: a record is listed when any scope covers it.
/// An empty filter means the actor sees nothing and the query need not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFilter {
    pub scopes: Vec<Scope>,
}

impl CaseFilter {
    pub fn sees_nothing(&self) -> bool {
        self.scopes.is_empty()
    }

    pub fn sees_everything(&self) -> bool {
        self.scopes.contains(&Scope::County)
    }
}

pub fn case_filter(actor: &Actor, permission: Permission) -> CaseFilter {
    CaseFilter {
        scopes: scopes(actor, permission),
    }
}

#[cfg(test)]
mod tests;
