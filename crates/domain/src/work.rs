//! The work list: what needs a user now, one kind of item per thing to do, each with the path
//! of the record to act on.

use uuid::Uuid;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum WorkKind {
    /// A Strengths and Needs form I lead, still a draft.
    AssessmentDraft,
    /// A form LCSS returned to me for amendment.
    AssessmentReturned,
    /// An episode whose lead-professional transfer is proposed to me.
    TransferToAccept,
    /// A team I lead whose review falls due within a fortnight.
    TafReviewDue,
    /// A team I lead whose review date has passed.
    TafReviewOverdue,
    /// A team I lead whose episode has closed: record its outcomes.
    TafToClose,
    /// A meeting of a team I lead that has been held; its minutes are not yet final.
    MinutesToFinalise,
    /// An open action I own.
    ActionOpen,
    /// An open action I own, past its due date.
    ActionOverdue,
    /// LCSS: a review assigned to me, not yet decided.
    ReviewAssigned,
    /// LCSS: a review in my locality nobody has claimed.
    ReviewUnassigned,
    /// LCSS: finalised minutes in my locality, not yet acknowledged.
    MinutesReceived,
    /// Social care: a step-up request to decide.
    StepUpToDecide,
    /// Social care decided a step-up of an episode I lead or raised, or (LCSS) of my locality,
    /// in the last 30 days.
    StepUpDecided,
    /// LCSS: a step-down to my locality waiting for a lead professional.
    StepDownToAllocate,
    /// A step-down allocated to me: accept or decline it.
    StepDownToAccept,
    /// LCSS and social care: a step-down past its due date with no accepted lead or no
    /// submitted form.
    StepDownOverdue,
    /// LCSS: a professional's request for a No Names Consultation to my locality.
    ConsultationRequested,
    /// LCSS answered my request for a No Names Consultation, in the last 30 days.
    ConsultationAnswered,
    /// LCSS: a No Names Consultation I recorded whose follow-up falls within a week or has
    /// passed.
    ConsultationFollowUp,
    /// An LCSS manager of the account's locality, or a manager of its organisation: roles an
    /// administrator granted, to confirm or decline.
    RoleGrantToConfirm,
    /// Someone holds access outside their scope to a family I lead, or (LCSS managers) of my
    /// locality, until it expires (its due date) or is ended.
    AccessGranted,
}

impl WorkKind {
    pub const ALL: [WorkKind; 22] = [
        WorkKind::AssessmentDraft,
        WorkKind::AssessmentReturned,
        WorkKind::TransferToAccept,
        WorkKind::TafReviewDue,
        WorkKind::TafReviewOverdue,
        WorkKind::TafToClose,
        WorkKind::MinutesToFinalise,
        WorkKind::ActionOpen,
        WorkKind::ActionOverdue,
        WorkKind::ReviewAssigned,
        WorkKind::ReviewUnassigned,
        WorkKind::MinutesReceived,
        WorkKind::StepUpToDecide,
        WorkKind::StepUpDecided,
        WorkKind::StepDownToAllocate,
        WorkKind::StepDownToAccept,
        WorkKind::StepDownOverdue,
        WorkKind::ConsultationRequested,
        WorkKind::ConsultationAnswered,
        WorkKind::ConsultationFollowUp,
        WorkKind::RoleGrantToConfirm,
        WorkKind::AccessGranted,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The API path of the record the item is about (`id` is that record's).
    pub fn link(self, id: Uuid) -> String {
        let collection = match self {
            WorkKind::AssessmentDraft | WorkKind::AssessmentReturned => "assessments",
            WorkKind::TransferToAccept => "episodes",
            WorkKind::TafReviewDue | WorkKind::TafReviewOverdue | WorkKind::TafToClose => "tafs",
            WorkKind::MinutesToFinalise | WorkKind::MinutesReceived => "meetings",
            WorkKind::ActionOpen | WorkKind::ActionOverdue => "actions",
            WorkKind::ReviewAssigned | WorkKind::ReviewUnassigned => "reviews",
            WorkKind::StepUpToDecide | WorkKind::StepUpDecided => "step-ups",
            WorkKind::StepDownToAllocate
            | WorkKind::StepDownToAccept
            | WorkKind::StepDownOverdue => "step-downs",
            WorkKind::ConsultationRequested | WorkKind::ConsultationAnswered => {
                "consultation-requests"
            }
            WorkKind::ConsultationFollowUp => "no-names-consultations",
            WorkKind::RoleGrantToConfirm => "role-grants",
            WorkKind::AccessGranted => "access-requests",
        };
        format!("/api/v1/{collection}/{id}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_name_and_a_link() {
        let id = Uuid::nil();
        for kind in WorkKind::ALL {
            assert_eq!(kind.as_str().parse::<WorkKind>(), Ok(kind));
            assert!(kind.link(id).starts_with("/api/v1/"), "{kind}");
            assert!(kind.link(id).ends_with(&id.to_string()));
        }
        assert_eq!(
            WorkKind::TransferToAccept.link(id),
            format!("/api/v1/episodes/{id}")
        );
    }
}
