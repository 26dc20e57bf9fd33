//! One type per id, so an organisation id can never be passed where a user id is expected.
//!
//! Ids are UUID v7: time-ordered, so primary-key indexes stay append-mostly and an id sorts in
//! creation order.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! typed_id {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Uuid))]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        #[cfg(feature = "diesel")]
        crate::sql::uuid_column!($name);
    )+};
}

typed_id!(
    /// A person who signs in: a practitioner, an LCSS worker, an administrator...
    UserId,
    /// A school, GP practice, LCSS team or any other agency.
    OrganisationId,
    /// One of the authority's localities (for Oxfordshire: North, Central, South).
    LocalityId,
    /// A signed-in session: one refresh-token family.
    SessionId,
    /// One row of the append-only audit trail.
    AuditEventId,
    /// A household receiving early help.
    FamilyId,
    /// A child or adult in a family.
    PersonId,
    /// A family member's consent record.
    ConsentId,
    /// One period of early help for a family.
    EpisodeId,
    /// A Strengths and Needs form.
    AssessmentId,
    /// A frozen, submitted revision of a Strengths and Needs form.
    RevisionId,
    /// The LCSS review of one revision.
    ReviewId,
    /// A published version of a form template.
    TemplateId,
    /// An entry in a family's chronology.
    ChronologyEntryId,
    /// Roles an administrator granted, waiting for a second person's confirmation.
    RoleGrantId,
    /// Time-limited access to one family outside the reader's scope (break glass).
    AccessRequestId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_sort_in_creation_order() {
        let first = UserId::generate();
        let second = UserId::generate();
        assert!(first < second);
    }
}
