//! The access policy's list filter, in SQL.
//!
//! Every case record hangs off a family, so one subquery decides visibility for all of them:
//! the ids of the families the actor's scopes cover. Lists filter with
//! `family_id IN (visible families)`, which PostgreSQL plans as a semi-join, so no list can
//! return a row the point check would refuse.

use crate::schema::families;
use crate::Result;
use diesel::dsl::sql;
use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Uuid as SqlUuid};
use earlyhelp_domain::policy::{CaseFacts, CaseFilter, Scope};
use earlyhelp_domain::{FamilyId, LocalityId, UserId};

pub type VisibleFamilies = families::BoxedQuery<'static, Pg, diesel::sql_types::Uuid>;

/// The ids of the families `filter` lets the actor see.
pub fn visible_family_ids(filter: &CaseFilter) -> VisibleFamilies {
    let mut query = families::table.select(families::id).into_boxed();
    if filter.sees_everything() {
        return query;
    }
    if filter.sees_nothing() {
        return query.filter(sql::<Bool>("FALSE"));
    }
    let mut condition: Box<dyn BoxableExpression<families::table, Pg, SqlType = Bool>> =
        Box::new(sql::<Bool>("FALSE"));
    for scope in &filter.scopes {
        condition = match *scope {
            Scope::Own(user) => Box::new(condition.or(families::lead_professional_id.eq(user))),
            // The families they lead, and those whose open episode's Team Around the Family
            // they are an active member of.
            Scope::Team(user) => Box::new(
                condition
                    .or(families::lead_professional_id.eq(user))
                    .or(sql::<Bool>(TEAM_FAMILIES).bind::<SqlUuid, _>(user).sql(")")),
            ),
            // The families early help has referred to social care, and those social care
            // has stepped down to early help.
            Scope::Referred => Box::new(condition.or(sql::<Bool>(
                "families.id IN (SELECT family_id FROM step_ups \
                 UNION ALL SELECT family_id FROM step_downs)",
            ))),
            // The families the user holds live access to outside their scope (break glass).
            Scope::Requested(user) => Box::new(
                condition.or(sql::<Bool>(REQUESTED_FAMILIES)
                    .bind::<SqlUuid, _>(user)
                    .sql(")")),
            ),
            // A proposal lets its proposed lead read and accept that one episode; it does not
            // list the family. An organisation scope is a report scope: it lists no family.
            Scope::ProposedLead(_) | Scope::Organisation(_) => condition,
            Scope::Locality(locality) => Box::new(condition.or(families::locality_id.eq(locality))),
            Scope::County => Box::new(sql::<Bool>("TRUE")),
        };
    }
    query = query.filter(condition);
    query
}

/// `families.id` is one whose open episode has an open Team Around the Family with the bound
/// user as an active member (the caller binds the user and closes the parenthesis).
const TEAM_FAMILIES: &str = "families.id IN (SELECT t.family_id FROM tafs t \
     JOIN episodes e ON e.id = t.episode_id JOIN taf_members m ON m.taf_id = t.id \
     WHERE e.state = 'open' AND t.closed_at IS NULL AND m.ended_at IS NULL AND m.user_id = ";

/// `families.id` is one the bound user holds live access to outside their scope (the caller
/// binds the user and closes the parenthesis).
const REQUESTED_FAMILIES: &str = "families.id IN (SELECT a.family_id FROM access_requests a \
     WHERE a.ended_at IS NULL AND a.expires_at > now() AND a.user_id = ";

/// What the policy needs to know about one family: its place, its lead, the active members
/// with an account of its open episode's Team Around the Family, and whether early help has
/// referred it to social care or social care stepped it down, and who holds live access to it
/// outside their scope.
pub fn case_facts(conn: &mut PgConnection, family: FamilyId) -> Result<CaseFacts> {
    let (locality, lead): (LocalityId, UserId) = families::table
        .find(family)
        .select((families::locality_id, families::lead_professional_id))
        .first(conn)?;
    let mut facts = CaseFacts::led_by(lead, locality);
    facts.team_members = crate::tafs::active_users(conn, family)?;
    let relations = relations(conn, family)?;
    facts.referred = relations.referred;
    facts.requested_access = relations.requested.into_iter().map(UserId::from).collect();
    Ok(facts)
}

#[derive(QueryableByName)]
struct Relations {
    #[diesel(sql_type = Bool)]
    referred: bool,
    #[diesel(sql_type = diesel::sql_types::Array<SqlUuid>)]
    requested: Vec<uuid::Uuid>,
}

/// In one statement, on the path of every case check: has early help referred the family to
/// social care, or social care stepped it down (as the list filter's `Referred` scope asks),
/// and who holds live access to it outside their scope (as its `Requested` scope asks)?
fn relations(conn: &mut PgConnection, family: FamilyId) -> Result<Relations> {
    Ok(diesel::sql_query(
        "SELECT (EXISTS (SELECT 1 FROM step_ups WHERE family_id = $1) \
                 OR EXISTS (SELECT 1 FROM step_downs WHERE family_id = $1)) AS referred, \
                ARRAY(SELECT user_id FROM access_requests WHERE family_id = $1 \
                      AND ended_at IS NULL AND expires_at > now()) AS requested",
    )
    .bind::<SqlUuid, _>(family)
    .get_result(conn)?)
}
