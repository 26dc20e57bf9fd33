//! How a workflow step says no: a [`Refusal`] (a rule, the policy or the request said no, with a
//! stable code) or a storage failure. The HTTP layer turns both into problem+json in one place.

use earlyhelp_domain::episode::ThresholdError;
use earlyhelp_domain::policy::Denial;
use earlyhelp_domain::review::ReviewError;
use earlyhelp_domain::validation::Invalid;
use earlyhelp_persistence::Error as DbError;

/// Why a step refused, with the stable `code` clients branch on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// Missing, or outside every scope the actor holds (the two look the same).
    #[error("no such record")]
    NotFound,
    /// Visible, but the actor's roles do not permit this action.
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A new person may already be recorded; the candidates are those the actor may see.
    #[error("possible duplicate")]
    PossibleDuplicate(Vec<DuplicateCandidate>),
    /// A unique rule of the records (not a workflow state) refused the change.
    #[error("{0}")]
    Duplicate(&'static str),
    #[error("{0}")]
    EpisodeClosed(String),
    #[error("this family already has an open episode")]
    EpisodeAlreadyOpen,
    #[error("{0}")]
    StatutoryThreshold(String),
    #[error("{0}")]
    UniversalThreshold(String),
    #[error("{0}")]
    ConsentRequired(String),
    #[error("this consent has already been withdrawn")]
    AlreadyWithdrawn,
    #[error("{0}")]
    NoTransferForYou(&'static str),
    #[error("this episode already has a Strengths and Needs form in progress")]
    AssessmentInProgress,
    #[error("{0}")]
    AssessmentState(String),
    /// A meeting's state refuses the change; the detail names the state.
    #[error("{0}")]
    MeetingState(String),
    /// An action is done or dropped; the detail names which.
    #[error("{0}")]
    ActionState(String),
    #[error("the Team Around the Family is closed")]
    TafClosed,
    /// A step-up decided already; the detail names the decision.
    #[error("{0}")]
    StepUpDecided(String),
    /// A step-down's state refuses the change; the detail names the state.
    #[error("{0}")]
    StepDownState(String),
    /// A role grant decided or withdrawn already.
    #[error("the role grant is {0} already")]
    RoleGrantState(earlyhelp_domain::role_grant::GrantState),
    /// A consultation request answered already, or a consultation followed up already.
    #[error("{0}")]
    ConsultationState(&'static str),
    /// Accepting or declining a step-down that is not allocated to the actor.
    #[error("{0}")]
    NotAllocatedToYou(&'static str),
    /// The form changed since the client read it; `current` is the version that won.
    #[error("the form was changed since it was loaded")]
    StaleVersion { current: i32 },
    #[error("no If-Match")]
    VersionRequired,
    #[error("unreadable If-Match")]
    VersionUnreadable,
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,
    #[error(transparent)]
    Review(ReviewError),
    #[error("the review is assigned to another reviewer")]
    NotYourReview,
    #[error("an administrator cannot deactivate their own account")]
    CannotDeactivateSelf,
    #[error("an administrator cannot remove their own admin role")]
    CannotRemoveOwnAdmin,
    #[error("a user with this email already exists")]
    EmailTaken,
    /// Asking for access outside one's scope to a family one can read already.
    #[error("you can read this family's record already")]
    AlreadyInScope,
    /// Ending access that has ended or expired already.
    #[error("this access has ended already")]
    AccessEnded,
    /// A locality-wide action by an account with no locality.
    #[error("the account has no locality")]
    NoLocality,
    /// Erasing a record under a legal hold.
    #[error("the record is under a legal hold")]
    LegalHold,
    /// Erasing a record erased before.
    #[error("the record was erased already")]
    AlreadyErased,
}

/// How the HTTP layer classes a refusal; each class is one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalClass {
    NotFound,
    Forbidden,
    /// The request's fields (422 with field paths).
    Invalid,
    /// The records' current state (409).
    Conflict,
    /// A rule about the request as it stands (422 with a code).
    Rule,
    /// Optimistic concurrency (412), or its header missing (428).
    PreconditionFailed,
    PreconditionRequired,
}

/// A person the new record may duplicate, as the actor may see them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DuplicateCandidate {
    pub person_id: earlyhelp_domain::PersonId,
    pub family_id: earlyhelp_domain::FamilyId,
    pub family_reference: String,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<chrono::NaiveDate>,
    /// `nhs_number` or `date_of_birth_and_name`.
    pub matched_on: &'static str,
}

impl Refusal {
    /// One field's error.
    pub fn invalid(field: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Refusal::Invalid(Invalid::field(field, message))
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotFound => "not_found",
            Refusal::Forbidden => "forbidden",
            Refusal::Invalid(_) => "validation_failed",
            Refusal::PossibleDuplicate(_) => "possible_duplicate",
            Refusal::Duplicate(_) => "conflict",
            Refusal::EpisodeClosed(_) => "episode_closed",
            Refusal::EpisodeAlreadyOpen => "episode_already_open",
            Refusal::StatutoryThreshold(_) => "statutory_threshold",
            Refusal::UniversalThreshold(_) => "universal_threshold",
            Refusal::ConsentRequired(_) => "consent_required",
            Refusal::AlreadyWithdrawn => "already_withdrawn",
            Refusal::NoTransferForYou(_) => "no_transfer_for_you",
            Refusal::AssessmentInProgress => "assessment_in_progress",
            Refusal::AssessmentState(_) => "assessment_state",
            Refusal::MeetingState(_) => "meeting_state",
            Refusal::ActionState(_) => "action_state",
            Refusal::TafClosed => "taf_closed",
            Refusal::StepUpDecided(_) => "step_up_decided",
            Refusal::StepDownState(_) => "step_down_state",
            Refusal::RoleGrantState(_) => "role_grant_state",
            Refusal::NotAllocatedToYou(_) => "not_allocated_to_you",
            Refusal::ConsultationState(_) => "consultation_state",
            Refusal::StaleVersion { .. } | Refusal::VersionUnreadable => "precondition_failed",
            Refusal::VersionRequired => "precondition_required",
            Refusal::IdempotencyKeyReused => "idempotency_key_reused",
            Refusal::Review(ReviewError::AlreadyAssigned) => "review_already_assigned",
            Refusal::Review(ReviewError::AlreadyDecided) => "review_already_decided",
            Refusal::Review(ReviewError::NotAssigned) => "review_not_assigned",
            Refusal::NotYourReview => "not_your_review",
            Refusal::CannotDeactivateSelf => "cannot_deactivate_self",
            Refusal::CannotRemoveOwnAdmin => "cannot_remove_own_admin",
            Refusal::AlreadyInScope => "already_in_scope",
            Refusal::AccessEnded => "access_ended",
            Refusal::LegalHold => "legal_hold",
            Refusal::NoLocality => "no_locality",
            Refusal::AlreadyErased => "already_erased",
            Refusal::EmailTaken => "email_taken",
        }
    }

    pub fn class(&self) -> RefusalClass {
        match self {
            Refusal::NotFound => RefusalClass::NotFound,
            Refusal::Forbidden => RefusalClass::Forbidden,
            Refusal::Invalid(_) => RefusalClass::Invalid,
            Refusal::StatutoryThreshold(_)
            | Refusal::UniversalThreshold(_)
            | Refusal::ConsentRequired(_)
            | Refusal::IdempotencyKeyReused => RefusalClass::Rule,
            Refusal::StaleVersion { .. } | Refusal::VersionUnreadable => {
                RefusalClass::PreconditionFailed
            }
            Refusal::VersionRequired => RefusalClass::PreconditionRequired,
            Refusal::PossibleDuplicate(_)
            | Refusal::Duplicate(_)
            | Refusal::EpisodeClosed(_)
            | Refusal::EpisodeAlreadyOpen
            | Refusal::AlreadyWithdrawn
            | Refusal::NoTransferForYou(_)
            | Refusal::AssessmentInProgress
            | Refusal::AssessmentState(_)
            | Refusal::MeetingState(_)
            | Refusal::ActionState(_)
            | Refusal::TafClosed
            | Refusal::StepUpDecided(_)
            | Refusal::StepDownState(_)
            | Refusal::RoleGrantState(_)
            | Refusal::NotAllocatedToYou(_)
            | Refusal::ConsultationState(_)
            | Refusal::Review(_)
            | Refusal::NotYourReview
            | Refusal::CannotDeactivateSelf
            | Refusal::CannotRemoveOwnAdmin
            | Refusal::AlreadyInScope
            | Refusal::AccessEnded
            | Refusal::LegalHold
            | Refusal::NoLocality
            | Refusal::AlreadyErased
            | Refusal::EmailTaken => RefusalClass::Conflict,
        }
    }

    /// What a person reads: what is wrong and, where there is one, what to do instead.
    pub fn detail(&self) -> String {
        match self {
            Refusal::NotFound => "No such record.".into(),
            Refusal::Forbidden => "Your roles do not permit this action.".into(),
            Refusal::Invalid(Invalid(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                format!("Some fields are invalid: {}.", fields.join(", "))
            }
            Refusal::PossibleDuplicate(_) => "This may be someone already recorded. Check the \
                candidates; to record them anyway, send the request again with \"confirm_new\": \
                true."
                .into(),
            Refusal::EpisodeAlreadyOpen => "This family already has an open episode.".into(),
            Refusal::AlreadyWithdrawn => "This consent has already been withdrawn.".into(),
            Refusal::AssessmentInProgress => {
                "This episode already has a Strengths and Needs form in progress.".into()
            }
            Refusal::StaleVersion { current } => format!(
                "The form was changed since you loaded it (now version {current}); reload it, \
                 reapply your change and save again. Nothing was saved."
            ),
            Refusal::VersionRequired => "Send the form's ETag in If-Match, so a change made \
                elsewhere since you loaded it is not overwritten."
                .into(),
            Refusal::VersionUnreadable => {
                "If-Match does not name a version of this form; reload it and try again.".into()
            }
            Refusal::IdempotencyKeyReused => {
                "This Idempotency-Key was used for a different request.".into()
            }
            Refusal::Review(error) => format!("{error}."),
            Refusal::NotYourReview => "This review is assigned to another reviewer; an LCSS \
                manager can reassign it."
                .into(),
            Refusal::CannotDeactivateSelf => {
                "You cannot deactivate your own account; ask another administrator.".into()
            }
            Refusal::CannotRemoveOwnAdmin => {
                "You cannot remove your own admin role; ask another administrator.".into()
            }
            Refusal::EmailTaken => "A user with this email already exists.".into(),
            Refusal::AlreadyInScope => "You can read this family's record already; no access \
                outside your scope is needed."
                .into(),
            Refusal::AccessEnded => "This access has ended or expired already.".into(),
            Refusal::LegalHold => "The record is under a legal hold: nothing erases it until \
                the hold is lifted."
                .into(),
            Refusal::AlreadyErased => "The record was erased already; its tombstone stays.".into(),
            Refusal::NoLocality => "Your account has no locality, so your role reaches no \
                records here; ask an administrator to set your locality."
                .into(),
            Refusal::TafClosed => "The Team Around the Family is closed; its record is kept \
                but nothing more changes."
                .into(),
            Refusal::Duplicate(detail)
            | Refusal::NoTransferForYou(detail)
            | Refusal::NotAllocatedToYou(detail)
            | Refusal::ConsultationState(detail) => (*detail).into(),
            Refusal::EpisodeClosed(detail)
            | Refusal::StatutoryThreshold(detail)
            | Refusal::UniversalThreshold(detail)
            | Refusal::ConsentRequired(detail)
            | Refusal::AssessmentState(detail)
            | Refusal::MeetingState(detail)
            | Refusal::ActionState(detail)
            | Refusal::StepUpDecided(detail)
            | Refusal::StepDownState(detail) => detail.clone(),
            Refusal::RoleGrantState(state) => {
                format!("The role grant is {state} already; only a pending one is decided.")
            }
        }
    }
}

impl From<Denial> for Refusal {
    fn from(denial: Denial) -> Self {
        match denial {
            Denial::Forbidden => Refusal::Forbidden,
            Denial::NotFound => Refusal::NotFound,
            Denial::NoLocality => Refusal::NoLocality,
        }
    }
}

impl From<ThresholdError> for Refusal {
    fn from(error: ThresholdError) -> Self {
        match error {
            ThresholdError::Statutory => Refusal::StatutoryThreshold(error.to_string()),
            ThresholdError::Universal => Refusal::UniversalThreshold(error.to_string()),
            ThresholdError::OutOfRange => Refusal::invalid("threshold_level", error),
        }
    }
}

impl From<ReviewError> for Refusal {
    fn from(error: ReviewError) -> Self {
        Refusal::Review(error)
    }
}

/// Why a workflow step did not complete.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database failed or is unreachable; nothing was changed.
    #[error(transparent)]
    Storage(#[from] DbError),
    /// Stored data broke an invariant the code relies on (an unreadable template, an unknown
    /// state): a defect to investigate, never the caller's fault.
    #[error("{0}")]
    Defect(String),
}

impl From<Invalid> for Failure {
    fn from(invalid: Invalid) -> Self {
        Failure::Refused(Refusal::Invalid(invalid))
    }
}

impl From<Denial> for Failure {
    fn from(denial: Denial) -> Self {
        Failure::Refused(denial.into())
    }
}

impl From<crate::passwords::HashingFailed> for Failure {
    fn from(error: crate::passwords::HashingFailed) -> Self {
        Failure::Defect(error.to_string())
    }
}
