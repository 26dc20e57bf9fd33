//! Wire types: what the API returns, converted from rows with `From` so a new column never
//! reaches a response by accident. JSON conventions: snake_case fields, RFC 3339 UTC times,
//! ids as UUID strings, absent optional values as `null`, lists as `{items, next_cursor}`.

use chrono::{DateTime, Utc};
use earlyhelp_persistence::localities::Locality;
use earlyhelp_persistence::organisations::Organisation;
use earlyhelp_persistence::pagination::{Cursor, Page, PageRequest};
use earlyhelp_persistence::role_grants::RoleGrant;
use earlyhelp_workflows::directory::users::Account;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::ApiError;
use crate::openapi::values;

// Its schema is named after the item's (`LocalityList`): see `crate::openapi::document`.
/// A page of a list, with the cursor for the next.
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T> {
    /// This page's items.
    pub items: Vec<T>,
    /// The `cursor` for the next page; `null` on the last page.
    #[schema(required = true, value_type = Option<values::Cursor>)]
    pub next_cursor: Option<String>,
}

impl<T> List<T> {
    pub fn from_page<R>(page: Page<R>, convert: impl FnMut(R) -> T) -> Self {
        let next_cursor = page.next.as_ref().map(Cursor::encode);
        Self {
            items: page.items.into_iter().map(convert).collect(),
            next_cursor,
        }
    }
}

/// The query of a list with no filters: `?cursor=...&limit=...`. A list with filters has its
/// own query struct whose `cursor` and `limit` carry the same `#[param(...)]` as these.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page; omit it for the first page. A cursor the
    /// server did not issue is a 422.
    #[param(value_type = Option<crate::openapi::values::Cursor>)]
    pub cursor: Option<String>,
    /// Items per page.
    #[param(minimum = 1, maximum = 100, default = 50)]
    pub limit: Option<i64>,
}

impl PageQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        page_request(self.cursor.as_deref(), self.limit)
    }
}

/// The `{id}` of a record's path, for `params(IdPath)`: the handlers take `Path<Uuid>`.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // A schema only.
pub struct IdPath {
    /// The record's id. A value that is not a UUID is not found (404).
    id: Uuid,
}

/// `cursor` and `limit`, shared by every list endpoint.
pub fn page_request(cursor: Option<&str>, limit: Option<i64>) -> Result<PageRequest, ApiError> {
    let after = cursor
        .map(Cursor::decode)
        .transpose()
        .map_err(|error| ApiError::validation("cursor", error))?;
    PageRequest::new(after, limit).map_err(|error| ApiError::validation("limit", error))
}

/// An area of the authority served by one LCSS team, with the team's public contact details.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Locality)]
pub struct LocalityResponse {
    pub id: Uuid,
    #[schema(examples("North"))]
    pub name: String,
    #[schema(required = true)]
    pub phone: Option<String>,
    /// The LCSS team's contact mailbox, as written.
    #[schema(required = true)]
    pub email: Option<String>,
    #[schema(required = true)]
    pub address: Option<String>,
    /// When the LCSS team answers, as written.
    #[schema(required = true)]
    pub opening_hours: Option<String>,
    /// The number of the MASH serving the locality, for immediate safeguarding concerns.
    #[schema(required = true)]
    pub mash_phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Locality> for LocalityResponse {
    fn from(row: Locality) -> Self {
        Self {
            id: row.id.into(),
            name: row.name,
            phone: row.phone,
            email: row.email,
            address: row.address,
            opening_hours: row.opening_hours,
            mash_phone: row.mash_phone,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// An agency whose staff take part in early help.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Organisation)]
pub struct OrganisationResponse {
    pub id: Uuid,
    #[schema(examples("Cherwell Primary School"))]
    pub name: String,
    #[schema(value_type = values::OrganisationKind)]
    pub kind: String,
    /// The locality the organisation serves; `null` for an authority-wide service.
    #[schema(required = true)]
    pub locality_id: Option<Uuid>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Organisation> for OrganisationResponse {
    fn from(row: Organisation) -> Self {
        Self {
            id: row.id.into(),
            name: row.name,
            kind: row.kind.to_string(),
            locality_id: row.locality_id.map(Uuid::from),
            active: row.active,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// An account. Never carries the password hash.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = User)]
pub struct UserResponse {
    pub id: Uuid,
    /// The sign-in email, lower-case.
    pub email: String,
    pub display_name: String,
    /// The roles held now: none while every role of a new account awaits confirmation.
    #[schema(value_type = Vec<values::Role>)]
    pub roles: Vec<String>,
    pub organisation_id: Uuid,
    /// The locality whose records locality-scoped roles (LCSS) reach.
    #[schema(required = true)]
    pub locality_id: Option<Uuid>,
    #[schema(value_type = values::ReportReach)]
    pub report_reach: String,
    pub active: bool,
    /// While some client address is refused sign-in to this account after its repeated
    /// failures, until when the latest such lockout lasts; otherwise `null`. Sign-in from
    /// other addresses is unaffected; a password reset lifts every lockout.
    #[schema(required = true)]
    pub locked_until: Option<DateTime<Utc>>,
    #[schema(required = true)]
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Roles an administrator granted that read case records, waiting for a second person to
    /// confirm them (`POST /api/v1/role-grants/{id}/confirm`); `null` when nothing waits.
    #[schema(required = true)]
    pub pending_roles: Option<PendingRoles>,
    /// The password was set by an administrator and works once: its first use may only set a
    /// new one (`POST /api/v1/auth/password`).
    pub password_change_required: bool,
}

/// Roles waiting for confirmation.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingRoles {
    /// The grant to confirm or decline.
    pub grant_id: Uuid,
    /// The account's whole role set once confirmed.
    #[schema(value_type = Vec<values::Role>, min_items = 1)]
    pub roles: Vec<String>,
    #[schema(value_type = values::GrantReason)]
    pub reason: String,
    pub requested_by: Uuid,
    pub requested_at: DateTime<Utc>,
}

impl From<RoleGrant> for PendingRoles {
    fn from(grant: RoleGrant) -> Self {
        Self {
            grant_id: grant.id.into(),
            roles: grant.roles,
            reason: grant.reason.as_str().to_owned(),
            requested_by: grant.requested_by.into(),
            requested_at: grant.requested_at,
        }
    }
}

impl From<Account> for UserResponse {
    fn from(Account { user: row, pending }: Account) -> Self {
        Self {
            id: row.id.into(),
            email: row.email,
            display_name: row.display_name,
            roles: row.roles,
            organisation_id: row.organisation_id.into(),
            locality_id: row.locality_id.map(Uuid::from),
            report_reach: row.report_reach.as_str().to_owned(),
            active: row.active,
            locked_until: row.locked_until.filter(|until| *until > Utc::now()),
            last_login_at: row.last_login_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            pending_roles: pending.map(PendingRoles::from),
            password_change_required: row.password_change_required,
        }
    }
}

/// `?active=true|false`, shared by the directory lists. Its query field is documented as a
/// boolean: `#[param(value_type = Option<bool>)]`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flag {
    True,
    False,
}

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        matches!(flag, Flag::True)
    }
}
