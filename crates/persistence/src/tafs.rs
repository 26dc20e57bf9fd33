//! Teams Around the Family and their members.

use crate::pagination::{Cursor, Page, PageRequest};
use crate::schema::{episodes, families, organisations, people, taf_members, tafs, users};
use crate::scope::VisibleFamilies;
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use earlyhelp_domain::episode::EpisodeState;
use earlyhelp_domain::taf::TafState;
use earlyhelp_domain::{EpisodeId, FamilyId, OrganisationId, PersonId, UserId};
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tafs)]
pub struct Taf {
    pub id: Uuid,
    pub episode_id: EpisodeId,
    pub family_id: FamilyId,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub review_due_on: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<UserId>,
    pub outcomes: Option<Value>,
    pub family_feedback: Option<String>,
    pub child_feedback: Option<String>,
    pub next_step: Option<String>,
    pub next_step_detail: Option<String>,
}

impl Taf {
    pub fn state(&self) -> TafState {
        if self.closed_at.is_some() {
            TafState::Closed
        } else {
            TafState::Open
        }
    }
}

/// How a team closed.
#[derive(Debug, Clone)]
pub struct Closure {
    pub outcomes: Value,
    pub family_feedback: Option<String>,
    pub child_feedback: Option<String>,
    pub next_step: &'static str,
    pub next_step_detail: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = taf_members)]
pub struct Member {
    pub id: Uuid,
    pub taf_id: Uuid,
    /// `professional`, `external` or `family`.
    pub kind: String,
    pub user_id: Option<UserId>,
    pub person_id: Option<PersonId>,
    pub name: Option<String>,
    pub organisation_name: Option<String>,
    pub contact: Option<String>,
    pub role_in_plan: Option<String>,
    pub added_by: UserId,
    pub added_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<UserId>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = taf_members)]
pub struct NewMember {
    pub id: Uuid,
    pub taf_id: Uuid,
    pub kind: &'static str,
    pub user_id: Option<UserId>,
    pub person_id: Option<PersonId>,
    pub name: Option<String>,
    pub organisation_name: Option<String>,
    pub contact: Option<String>,
    pub role_in_plan: Option<String>,
    pub added_by: UserId,
}

pub fn create(
    conn: &mut PgConnection,
    episode: EpisodeId,
    family: FamilyId,
    by: UserId,
    review_due_on: NaiveDate,
) -> Result<Taf> {
    Ok(diesel::insert_into(tafs::table)
        .values((
            tafs::id.eq(Uuid::now_v7()),
            tafs::episode_id.eq(episode),
            tafs::family_id.eq(family),
            tafs::created_by.eq(by),
            tafs::review_due_on.eq(review_due_on),
        ))
        .returning(Taf::as_returning())
        .get_result(conn)?)
}

pub fn find(conn: &mut PgConnection, id: Uuid) -> Result<Taf> {
    Ok(tafs::table.find(id).select(Taf::as_select()).first(conn)?)
}

pub fn find_for_update(conn: &mut PgConnection, id: Uuid) -> Result<Taf> {
    Ok(tafs::table
        .find(id)
        .select(Taf::as_select())
        .for_update()
        .first(conn)?)
}

/// Closes an open team; `None` when it was closed already.
pub fn close(
    conn: &mut PgConnection,
    id: Uuid,
    by: UserId,
    closure: &Closure,
) -> Result<Option<Taf>> {
    Ok(
        diesel::update(tafs::table.find(id).filter(tafs::closed_at.is_null()))
            .set((
                tafs::closed_at.eq(diesel::dsl::now),
                tafs::closed_by.eq(by),
                tafs::outcomes.eq(&closure.outcomes),
                tafs::family_feedback.eq(&closure.family_feedback),
                tafs::child_feedback.eq(&closure.child_feedback),
                tafs::next_step.eq(closure.next_step),
                tafs::next_step_detail.eq(&closure.next_step_detail),
            ))
            .returning(Taf::as_returning())
            .get_result(conn)
            .optional()?,
    )
}

/// Moves the team's next review to `on` (the next review date finalised minutes set).
pub fn set_review_due(conn: &mut PgConnection, id: Uuid, on: NaiveDate) -> Result<()> {
    diesel::update(tafs::table.find(id))
        .set(tafs::review_due_on.eq(on))
        .execute(conn)?;
    Ok(())
}

/// A team as lists show it: with its family's reference and lead professional.
#[derive(Debug, Clone, Queryable)]
pub struct TafSummary {
    pub id: Uuid,
    pub episode_id: EpisodeId,
    pub family_id: FamilyId,
    pub family_reference: String,
    pub lead_professional_id: UserId,
    pub review_due_on: NaiveDate,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The teams of the families `visible` reaches, oldest first; `overdue_on`: only the open teams
/// of open episodes whose review was due before that day.
pub fn list(
    conn: &mut PgConnection,
    visible: VisibleFamilies,
    overdue_on: Option<NaiveDate>,
    page: &PageRequest,
) -> Result<Page<TafSummary>> {
    let mut query = tafs::table
        .inner_join(families::table)
        .inner_join(episodes::table)
        .filter(tafs::family_id.eq_any(visible))
        .select((
            tafs::id,
            tafs::episode_id,
            tafs::family_id,
            families::reference,
            episodes::lead_professional_id,
            tafs::review_due_on,
            tafs::closed_at,
            tafs::created_at,
        ))
        .into_boxed();
    if let Some(today) = overdue_on {
        query = query
            .filter(tafs::closed_at.is_null())
            .filter(episodes::state.eq(EpisodeState::Open))
            .filter(tafs::review_due_on.lt(today));
    }
    if let Some(after) = &page.after {
        query = query.filter(tafs::id.gt(after.id));
    }
    let rows: Vec<TafSummary> = query.order(tafs::id).limit(page.fetch_limit()).load(conn)?;
    Ok(Page::from_rows(rows, page, |row| Cursor {
        key: String::new(),
        id: row.id,
    }))
}

pub fn for_episode(conn: &mut PgConnection, episode: EpisodeId) -> Result<Option<Taf>> {
    Ok(tafs::table
        .filter(tafs::episode_id.eq(episode))
        .select(Taf::as_select())
        .first(conn)
        .optional()?)
}

/// The team's members, active first, each group in the order they joined.
pub fn members(conn: &mut PgConnection, taf: Uuid) -> Result<Vec<Member>> {
    Ok(taf_members::table
        .filter(taf_members::taf_id.eq(taf))
        .order((taf_members::ended_at.is_not_null(), taf_members::id))
        .select(Member::as_select())
        .load(conn)?)
}

pub fn find_member(conn: &mut PgConnection, id: Uuid) -> Result<Member> {
    Ok(taf_members::table
        .find(id)
        .select(Member::as_select())
        .first(conn)?)
}

pub fn add_member(conn: &mut PgConnection, new: &NewMember) -> Result<Member> {
    Ok(diesel::insert_into(taf_members::table)
        .values(new)
        .returning(Member::as_returning())
        .get_result(conn)?)
}

/// Ends an active membership; `false` when it had already ended.
pub fn end_member(conn: &mut PgConnection, id: Uuid, by: UserId) -> Result<bool> {
    let ended = diesel::update(
        taf_members::table
            .find(id)
            .filter(taf_members::ended_at.is_null()),
    )
    .set((
        taf_members::ended_at.eq(diesel::dsl::now),
        taf_members::ended_by.eq(by),
    ))
    .execute(conn)?;
    Ok(ended == 1)
}

/// The users who are active members of the Team Around the Family of the family's open
/// episode: who the Team reach lets read the family's record.
pub fn active_users(conn: &mut PgConnection, family: FamilyId) -> Result<Vec<UserId>> {
    let users: Vec<Option<UserId>> = taf_members::table
        .inner_join(tafs::table.inner_join(episodes::table))
        .filter(tafs::family_id.eq(family))
        .filter(episodes::state.eq(EpisodeState::Open))
        .filter(tafs::closed_at.is_null())
        .filter(taf_members::ended_at.is_null())
        .filter(taf_members::user_id.is_not_null())
        .select(taf_members::user_id)
        .load(conn)?;
    Ok(users.into_iter().flatten().collect())
}

/// A member with the name and organisation to show: a professional's from their account, a
/// family member's from the family's record, an external professional's as recorded.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub member: Member,
    pub name: String,
    pub organisation: Option<String>,
}

/// The team's members as [`members`] lists them, with names (three queries, whatever the size).
pub fn member_views(conn: &mut PgConnection, taf: Uuid) -> Result<Vec<MemberView>> {
    let members = members(conn, taf)?;
    let user_ids: Vec<UserId> = members.iter().filter_map(|m| m.user_id).collect();
    let person_ids: Vec<PersonId> = members.iter().filter_map(|m| m.person_id).collect();
    let professionals: Vec<(UserId, String, String)> = users::table
        .inner_join(organisations::table)
        .filter(users::id.eq_any(&user_ids))
        .select((users::id, users::display_name, organisations::name))
        .load(conn)?;
    let relatives: Vec<(PersonId, String, String)> = people::table
        .filter(people::id.eq_any(&person_ids))
        .select((people::id, people::given_name, people::family_name))
        .load(conn)?;
    Ok(members
        .into_iter()
        .map(|member| {
            let professional = member
                .user_id
                .and_then(|id| professionals.iter().find(|(user, _, _)| *user == id));
            let relative = member
                .person_id
                .and_then(|id| relatives.iter().find(|(person, _, _)| *person == id));
            let (name, organisation) = match (professional, relative) {
                (Some((_, name, organisation)), _) => (name.clone(), Some(organisation.clone())),
                (None, Some((_, given, family))) => (format!("{given} {family}"), None),
                (None, None) => (
                    member.name.clone().unwrap_or_default(),
                    member.organisation_name.clone(),
                ),
            };
            MemberView {
                member,
                name,
                organisation,
            }
        })
        .collect())
}

/// Ends every active membership, in the family's teams, of a user of one of `organisations`
/// (but `keep`, the lead professional); returns the memberships ended.
pub fn end_members_of(
    conn: &mut PgConnection,
    family: FamilyId,
    organisations: &[OrganisationId],
    keep: UserId,
    by: UserId,
) -> Result<Vec<Member>> {
    if organisations.is_empty() {
        return Ok(Vec::new());
    }
    let teams = tafs::table
        .filter(tafs::family_id.eq(family))
        .select(tafs::id);
    let staff = users::table
        .filter(users::organisation_id.eq_any(organisations))
        .filter(users::id.ne(keep))
        .select(users::id.nullable());
    Ok(diesel::update(
        taf_members::table
            .filter(taf_members::ended_at.is_null())
            .filter(taf_members::taf_id.eq_any(teams))
            .filter(taf_members::user_id.eq_any(staff)),
    )
    .set((
        taf_members::ended_at.eq(diesel::dsl::now),
        taf_members::ended_by.eq(by),
    ))
    .returning(Member::as_returning())
    .get_results(conn)?)
}
