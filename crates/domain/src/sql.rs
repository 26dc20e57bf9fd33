//! How the domain's types sit in PostgreSQL columns (the `diesel` feature): a typed id is a
//! `uuid`, an enum is `text` holding its name. Rows in the persistence crate hold these types,
//! so an episode id cannot be bound where a family id is expected and a state is never
//! compared as a string.

use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use std::fmt;
use std::io::Write;
use std::str::FromStr;

/// `ToSql`/`FromSql` for a typed id: the `uuid` it wraps.
macro_rules! uuid_column {
    ($name:ident) => {
        impl diesel::serialize::ToSql<diesel::sql_types::Uuid, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <Uuid as diesel::serialize::ToSql<diesel::sql_types::Uuid, diesel::pg::Pg>>::to_sql(
                    &self.0, out,
                )
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Uuid, diesel::pg::Pg> for $name {
            fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                <Uuid as diesel::deserialize::FromSql<diesel::sql_types::Uuid, diesel::pg::Pg>>::from_sql(
                    value,
                )
                .map(Self)
            }
        }
    };
}
pub(crate) use uuid_column;

/// Writes an enum's name.
fn write_name(name: &'static str, out: &mut Output<'_, '_, Pg>) -> serialize::Result {
    out.write_all(name.as_bytes())?;
    Ok(IsNull::No)
}

/// Reads an enum from its name; a name this build does not know is a deserialization error.
fn read_name<T>(value: PgValue<'_>) -> deserialize::Result<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    let name = std::str::from_utf8(value.as_bytes())?;
    name.parse()
        .map_err(|error: T::Err| format!("{} column: {error}", std::any::type_name::<T>()).into())
}

/// `ToSql`/`FromSql` for enums stored as `text`, by the names their derives give them.
macro_rules! text_column {
    ($($ty:ty),+ $(,)?) => {$(
        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                write_name(self.as_str(), out)
            }
        }

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                read_name(value)
            }
        }
    )+};
}

text_column!(
    crate::Role,
    crate::role::ReportReach,
    crate::role_grant::GrantReason,
    crate::role_grant::GrantState,
    crate::assessment::AssessmentState,
    crate::audit::AuditAction,
    crate::audit::ChronologyKind,
    crate::audit::EntityType,
    crate::audit::Outcome,
    crate::directory::OrganisationKind,
    crate::episode::ClosureReason,
    crate::episode::EpisodeState,
    crate::person::MemberKind,
    crate::person::RelationshipKind,
    crate::person::ReferralSource,
    crate::person::CscClosureReason,
    crate::person::Sex,
    crate::review::ReviewState,
    crate::step_down::AllocationAnswer,
    crate::step_down::StepDownSource,
    crate::step_down::StepDownState,
    crate::episode::EpisodeOrigin,
    crate::step_up::StepUpState,
    crate::taf::ActionStatus,
    crate::taf::MeetingState,
);
