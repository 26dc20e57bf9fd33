use super::*;
use crate::openapi::{keys, property_names};
use earlyhelp_domain::{
    assessment, consultation, episode, person, report, review, step_down, step_up, taf, work,
};

/// The `enum` values of a schema-only code list.
fn values<T: PartialSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object
            .enum_values
            .unwrap_or_default()
            .into_iter()
            .map(|value| match value {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn strings<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|value| name(*value).to_owned()).collect()
}

#[test]
fn the_code_lists_are_the_domains() {
    assert_eq!(
        values::<Sex>(),
        strings(&person::Sex::ALL, person::Sex::as_str)
    );
    assert_eq!(
        values::<Ethnicity>(),
        strings(&person::Ethnicity::ALL, person::Ethnicity::as_str)
    );
    assert_eq!(
        values::<Disability>(),
        strings(&person::Disability::ALL, person::Disability::as_str)
    );
    assert_eq!(
        values::<MemberKind>(),
        strings(&person::MemberKind::ALL, person::MemberKind::as_str)
    );
    assert_eq!(
        values::<RelationshipKind>(),
        strings(
            &person::RelationshipKind::ALL,
            person::RelationshipKind::as_str
        )
    );
    assert_eq!(
        values::<ClosureReason>(),
        strings(&episode::ClosureReason::ALL, episode::ClosureReason::as_str)
    );
    assert_eq!(
        values::<EpisodeState>(),
        strings(
            &[episode::EpisodeState::Open, episode::EpisodeState::Closed],
            episode::EpisodeState::as_str
        )
    );
    assert_eq!(
        values::<AssessmentState>(),
        strings(
            &assessment::AssessmentState::ALL,
            assessment::AssessmentState::as_str
        )
    );
    assert_eq!(
        values::<ReviewState>(),
        strings(&review::ReviewState::ALL, review::ReviewState::as_str)
    );
    assert_eq!(
        values::<MeetingState>(),
        strings(&taf::MeetingState::ALL, taf::MeetingState::as_str)
    );
    assert_eq!(
        values::<ActionStatus>(),
        strings(&taf::ActionStatus::ALL, taf::ActionStatus::as_str)
    );
    assert_eq!(
        values::<Achievement>(),
        strings(&taf::Achievement::ALL, taf::Achievement::as_str)
    );
    assert_eq!(
        values::<NextStep>(),
        strings(&taf::NextStep::ALL, taf::NextStep::as_str)
    );
    assert_eq!(
        values::<WorkKind>(),
        strings(&work::WorkKind::ALL, work::WorkKind::as_str)
    );
    assert_eq!(
        values::<ConcernTheme>(),
        strings(
            &consultation::ConcernTheme::ALL,
            consultation::ConcernTheme::as_str
        )
    );
    assert_eq!(
        values::<ConsultationOutcome>(),
        strings(
            &consultation::ConsultationOutcome::ALL,
            consultation::ConsultationOutcome::as_str
        )
    );
    assert_eq!(
        values::<StepUpState>(),
        strings(&step_up::StepUpState::ALL, step_up::StepUpState::as_str)
    );
    assert_eq!(
        values::<ConsultationRequestState>(),
        strings(
            &consultation::RequestState::ALL,
            consultation::RequestState::as_str
        )
    );
    assert_eq!(
        values::<CaseloadBy>(),
        strings(&report::CaseloadBy::ALL, report::CaseloadBy::as_str)
    );
    assert_eq!(
        values::<EpisodeOrigin>(),
        strings(&episode::EpisodeOrigin::ALL, episode::EpisodeOrigin::as_str)
    );
    assert_eq!(
        values::<StepDownSource>(),
        strings(
            &step_down::StepDownSource::ALL,
            step_down::StepDownSource::as_str
        )
    );
    assert_eq!(
        values::<StepDownState>(),
        strings(
            &step_down::StepDownState::ALL,
            step_down::StepDownState::as_str
        )
    );
    assert_eq!(
        values::<AllocationAnswer>(),
        strings(
            &step_down::AllocationAnswer::ALL,
            step_down::AllocationAnswer::as_str
        )
    );
    assert_eq!(
        values::<ReviewOutcome>(),
        strings(
            &[review::Decision::Accept, review::Decision::Return],
            review::Decision::outcome
        )
    );
    assert_eq!(values::<ThresholdLevel>(), ["2", "3"]);
    for level in [2, 3] {
        assert!(episode::ThresholdLevel::from_level(level).is_ok());
    }
}

/// The serde names of a domain enum's values.
fn serde_names<T: serde::Serialize>(all: &[T]) -> Vec<String> {
    all.iter()
        .map(|value| {
            serde_json::to_value(value)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn the_review_lists_are_the_domains() {
    use review::{Criterion, Decision as D, Rating as R};
    assert_eq!(values::<Decision>(), serde_names(&[D::Accept, D::Return]));
    assert_eq!(
        values::<Rating>(),
        serde_names(&[R::Met, R::PartlyMet, R::NotMet])
    );
    let rating = review::CriterionRating {
        rating: R::PartlyMet,
        comment: Some("Ask the child too.".to_owned()),
    };
    assert_eq!(property_names(CriterionRating::schema()), keys(&rating));
    assert_eq!(
        property_names(CriterionRatingInput::schema()),
        keys(&rating)
    );
    let criteria: Vec<String> = Criterion::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    for schema in [
        Ratings::schema(),
        RatingsInput::schema(),
        CriteriaCounts::schema(),
    ] {
        let RefOr::T(Schema::Object(object)) = schema else {
            panic!("an object");
        };
        assert_eq!(
            object.properties.keys().cloned().collect::<Vec<_>>(),
            criteria
        );
        assert_eq!(object.required, criteria);
    }
}
