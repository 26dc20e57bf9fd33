use super::*;

fn actor(roles: &[Role], locality: Option<LocalityId>) -> Actor {
    Actor {
        user_id: UserId::generate(),
        roles: RoleSet::new(roles.iter().copied()).unwrap(),
        organisation_id: OrganisationId::generate(),
        locality_id: locality,
        report_reach: ReportReach::County,
    }
}

fn case_led_by(lead: UserId, locality: LocalityId) -> CaseFacts {
    CaseFacts::led_by(lead, locality)
}

#[test]
fn only_admins_manage_the_directory() {
    let north = Some(LocalityId::generate());
    for role in Role::ALL {
        let decision = authorize(&actor(&[role], north), Permission::ManageDirectory);
        assert_eq!(decision.is_ok(), role == Role::Admin, "{role}");
    }
}

#[test]
fn a_directory_refusal_is_forbidden_not_hidden() {
    let practitioner = actor(&[Role::Practitioner], None);
    assert_eq!(
        authorize(&practitioner, Permission::ManageDirectory),
        Err(Denial::Forbidden)
    );
}

#[test]
fn a_practitioner_sees_the_cases_they_lead() {
    let locality = LocalityId::generate();
    let practitioner = actor(&[Role::Practitioner], Some(locality));
    let case = case_led_by(practitioner.user_id, locality);
    assert_eq!(
        authorize_case(&practitioner, Permission::ReadCase, &case),
        Ok(())
    );
}

#[test]
fn a_practitioner_sees_the_cases_whose_team_they_are_in() {
    let locality = LocalityId::generate();
    let practitioner = actor(&[Role::Practitioner], Some(locality));
    let mut case = case_led_by(UserId::generate(), locality);
    case.team_members.push(practitioner.user_id);
    assert_eq!(
        authorize_case(&practitioner, Permission::ReadCase, &case),
        Ok(())
    );
}

#[test]
fn another_professionals_case_is_not_found_for_a_practitioner_even_in_their_locality() {
    let locality = LocalityId::generate();
    let practitioner = actor(&[Role::Practitioner], Some(locality));
    let case = case_led_by(UserId::generate(), locality);
    assert_eq!(
        authorize_case(&practitioner, Permission::ReadCase, &case),
        Err(Denial::NotFound)
    );
}

#[test]
fn lcss_workers_see_their_locality_and_nothing_beyond() {
    let north = LocalityId::generate();
    let worker = actor(&[Role::LcssWorker], Some(north));
    assert_eq!(
        authorize_case(
            &worker,
            Permission::ReadCase,
            &case_led_by(UserId::generate(), north)
        ),
        Ok(())
    );
    let south_case = case_led_by(UserId::generate(), LocalityId::generate());
    assert_eq!(
        authorize_case(&worker, Permission::ReadCase, &south_case),
        Err(Denial::NotFound)
    );
}

#[test]
fn an_lcss_worker_without_a_locality_sees_only_the_teams_they_belong_to() {
    let worker = actor(&[Role::LcssWorker], None);
    let filter = case_filter(&worker, Permission::ReadCase);
    assert_eq!(
        filter.scopes,
        vec![
            Scope::Team(worker.user_id),
            Scope::Requested(worker.user_id)
        ]
    );
    assert!(case_filter(&worker, Permission::ReviewAssessments).sees_nothing());
    let mut case = case_led_by(UserId::generate(), LocalityId::generate());
    assert_eq!(
        authorize_case(&worker, Permission::ReadCase, &case),
        Err(Denial::NotFound)
    );
    case.team_members.push(worker.user_id);
    assert!(authorize_case(&worker, Permission::ReadCase, &case).is_ok());
}

#[test]
fn a_visible_case_the_actor_may_not_act_on_is_forbidden() {
    let north = LocalityId::generate();
    let worker = actor(&[Role::LcssWorker], Some(north));
    let case = case_led_by(UserId::generate(), north);
    assert_eq!(
        authorize_case(&worker, Permission::AssignReviews, &case),
        Err(Denial::Forbidden)
    );
}

#[test]
fn admins_and_managers_read_no_case_content_and_social_care_only_its_teams() {
    let north = LocalityId::generate();
    for role in [Role::Admin, Role::Manager, Role::SocialCare] {
        let someone = actor(&[role], Some(north));
        let mut case = case_led_by(UserId::generate(), north);
        assert_eq!(
            authorize_case(&someone, Permission::ReadCase, &case),
            Err(Denial::NotFound),
            "{role}"
        );
        case.team_members.push(someone.user_id);
        let member_reads = authorize_case(&someone, Permission::ReadCase, &case).is_ok();
        assert_eq!(member_reads, role == Role::SocialCare, "{role}");
        assert!(
            authorize_case(&someone, Permission::WriteCase, &case).is_err(),
            "{role}"
        );
        let filter = case_filter(&someone, Permission::ReadCase);
        assert_eq!(filter.sees_nothing(), role != Role::SocialCare, "{role}");
    }
}

#[test]
fn social_care_reads_and_decides_only_what_was_referred_to_it() {
    let social = actor(&[Role::SocialCare], None);
    let mut case = case_led_by(UserId::generate(), LocalityId::generate());
    for permission in [Permission::ReadCase, Permission::DecideStepUps] {
        assert_eq!(
            authorize_case(&social, permission, &case),
            Err(Denial::NotFound)
        );
    }
    case.referred = true;
    assert!(authorize_case(&social, Permission::ReadCase, &case).is_ok());
    assert!(authorize_case(&social, Permission::DecideStepUps, &case).is_ok());
    assert_eq!(
        authorize_case(&social, Permission::WriteCase, &case),
        Err(Denial::Forbidden)
    );
    let lead = actor(&[Role::Practitioner], None);
    assert_eq!(
        authorize_case(&lead, Permission::DecideStepUps, &case),
        Err(Denial::NotFound)
    );
}

#[test]
fn several_roles_grant_the_union_of_their_scopes() {
    let north = LocalityId::generate();
    let both = actor(&[Role::Practitioner, Role::LcssWorker], Some(north));
    let filter = case_filter(&both, Permission::ReadCase);
    assert_eq!(
        filter.scopes,
        vec![
            Scope::Team(both.user_id),
            Scope::Requested(both.user_id),
            Scope::Locality(north)
        ]
    );
    assert!(!filter.sees_everything());
}

#[test]
fn access_outside_the_scope_reads_the_one_family_it_was_asked_for_and_changes_nothing() {
    let north = LocalityId::generate();
    let south_worker = actor(&[Role::LcssWorker], Some(LocalityId::generate()));
    let mut case = case_led_by(UserId::generate(), north);
    assert_eq!(
        authorize_case(&south_worker, Permission::ReadCase, &case),
        Err(Denial::NotFound)
    );
    case.requested_access.push(south_worker.user_id);
    assert_eq!(
        authorize_case(&south_worker, Permission::ReadCase, &case),
        Ok(())
    );
    assert_eq!(
        authorize_case(&south_worker, Permission::WriteCase, &case),
        Err(Denial::Forbidden)
    );
    // Nobody without a case role asks for it.
    for role in [Role::Admin, Role::Auditor, Role::Manager] {
        assert!(authorize(&actor(&[role], Some(north)), Permission::RequestAccess).is_err());
    }
}

#[test]
fn the_list_filter_and_the_point_check_agree() {
    let north = LocalityId::generate();
    let south = LocalityId::generate();
    let cases: Vec<CaseFacts> = (0..4)
        .map(|i| case_led_by(UserId::generate(), if i % 2 == 0 { north } else { south }))
        .collect();
    for role in Role::ALL {
        let someone = actor(&[role], Some(north));
        let filter = case_filter(&someone, Permission::ReadCase);
        for case in &cases {
            let listed = filter.scopes.iter().any(|scope| scope.covers(case));
            let readable = authorize_case(&someone, Permission::ReadCase, case).is_ok();
            assert_eq!(listed, readable, "{role}");
        }
    }
}

#[test]
fn managers_lcss_managers_and_practitioners_read_reports() {
    let north = Some(LocalityId::generate());
    for role in Role::ALL {
        let allowed = authorize(&actor(&[role], north), Permission::ReadReports).is_ok();
        assert_eq!(
            allowed,
            matches!(role, Role::Manager | Role::LcssManager | Role::Practitioner),
            "{role}"
        );
    }
}

#[test]
fn a_managers_reports_reach_as_far_as_their_account_says() {
    let north = LocalityId::generate();
    let mut manager = actor(&[Role::Manager], Some(north));
    let reach = |manager: &Actor| scopes(manager, Permission::ReadReports);
    assert_eq!(reach(&manager), vec![Scope::County]);
    manager.report_reach = ReportReach::Locality;
    assert_eq!(reach(&manager), vec![Scope::Locality(north)]);
    manager.report_reach = ReportReach::Organisation;
    assert_eq!(
        reach(&manager),
        vec![Scope::Organisation(manager.organisation_id)]
    );
    // A locality reach without a locality reaches nothing, rather than everything.
    manager.report_reach = ReportReach::Locality;
    manager.locality_id = None;
    assert_eq!(
        authorize(&manager, Permission::ReadReports),
        Err(Denial::Forbidden)
    );
}

#[test]
fn an_organisation_scope_covers_no_case_record() {
    let north = LocalityId::generate();
    let mut manager = actor(&[Role::Manager], Some(north));
    manager.report_reach = ReportReach::Organisation;
    let case = case_led_by(manager.user_id, north);
    for permission in [Permission::ReadCase, Permission::WriteCase] {
        assert_eq!(
            authorize_case(&manager, permission, &case),
            Err(Denial::NotFound)
        );
    }
    assert!(!Scope::Organisation(manager.organisation_id).covers(&case));
    assert!(!may_record_family_in(&manager, north, None));
}

#[test]
fn only_the_lead_professional_completes_the_assessment() {
    let north = LocalityId::generate();
    let lead = actor(&[Role::Practitioner], Some(north));
    let worker = actor(&[Role::LcssWorker], Some(north));
    let case = case_led_by(lead.user_id, north);
    assert_eq!(
        authorize_case(&lead, Permission::CompleteAssessment, &case),
        Ok(())
    );
    assert_eq!(
        authorize_case(&worker, Permission::CompleteAssessment, &case),
        Err(Denial::Forbidden)
    );
    let other = actor(&[Role::Practitioner], Some(north));
    assert_eq!(
        authorize_case(&other, Permission::CompleteAssessment, &case),
        Err(Denial::NotFound)
    );
}

#[test]
fn the_proposed_lead_reads_the_episode_and_nobody_else_outside_scope_does() {
    let north = LocalityId::generate();
    let proposed = actor(&[Role::Practitioner], Some(north));
    let bystander = actor(&[Role::Practitioner], Some(north));
    let mut case = case_led_by(UserId::generate(), north);
    case.proposed_lead = Some(proposed.user_id);
    assert_eq!(authorize_episode_read(&proposed, &case), Ok(()));
    assert_eq!(
        authorize_episode_read(&bystander, &case),
        Err(Denial::NotFound)
    );
    assert_eq!(
        authorize_case(&proposed, Permission::ReadCase, &case),
        Err(Denial::NotFound),
        "a proposal does not open the family's record"
    );
}

#[test]
fn only_the_proposed_lead_accepts_a_transfer() {
    let north = LocalityId::generate();
    let lead = actor(&[Role::Practitioner], Some(north));
    let proposed = actor(&[Role::Practitioner], Some(north));
    let mut case = case_led_by(lead.user_id, north);
    case.proposed_lead = Some(proposed.user_id);
    assert_eq!(authorize_transfer_acceptance(&proposed, &case), Ok(true));
    assert_eq!(authorize_transfer_acceptance(&lead, &case), Ok(false));
    let stranger = actor(&[Role::Practitioner], Some(north));
    assert_eq!(
        authorize_transfer_acceptance(&stranger, &case),
        Err(Denial::NotFound)
    );
}

#[test]
fn an_assigned_review_is_decided_by_its_reviewer_or_an_lcss_manager() {
    let north = LocalityId::generate();
    let reviewer = actor(&[Role::LcssWorker], Some(north));
    let colleague = actor(&[Role::LcssWorker], Some(north));
    let manager = actor(&[Role::LcssManager], Some(north));
    let mut case = case_led_by(UserId::generate(), north);
    assert!(may_decide_review(&colleague, &case), "unassigned");
    case.assigned_reviewer = Some(reviewer.user_id);
    assert!(may_decide_review(&reviewer, &case));
    assert!(!may_decide_review(&colleague, &case));
    assert!(may_decide_review(&manager, &case));
}

#[test]
fn practitioners_and_lcss_lead_early_help_and_no_one_else_does() {
    for role in Role::ALL {
        let leads = may_lead(&actor(&[role], None));
        assert_eq!(
            leads,
            matches!(
                role,
                Role::Practitioner | Role::LcssWorker | Role::LcssManager
            ),
            "{role}"
        );
    }
}

#[test]
fn reviewers_come_from_lcss_of_the_case_locality() {
    let north = LocalityId::generate();
    let case = case_led_by(UserId::generate(), north);
    assert!(may_review(&actor(&[Role::LcssWorker], Some(north)), &case));
    assert!(may_review(&actor(&[Role::LcssManager], Some(north)), &case));
    assert!(!may_review(
        &actor(&[Role::LcssWorker], Some(LocalityId::generate())),
        &case
    ));
    assert!(!may_review(
        &actor(&[Role::Practitioner], Some(north)),
        &case
    ));
}

#[test]
fn only_lcss_of_the_locality_open_an_episode_for_someone_else_to_lead() {
    let north = LocalityId::generate();
    let lead = actor(&[Role::Practitioner], Some(north));
    let case = case_led_by(lead.user_id, north);
    assert!(!may_name_another_lead(&lead, &case));
    assert!(may_name_another_lead(
        &actor(&[Role::LcssWorker], Some(north)),
        &case
    ));
    assert!(!may_name_another_lead(
        &actor(&[Role::LcssWorker], Some(LocalityId::generate())),
        &case
    ));
}

#[test]
fn a_practitioner_records_families_in_the_locality_they_work_in_only() {
    let north = LocalityId::generate();
    let south = LocalityId::generate();
    let practitioner = actor(&[Role::Practitioner], Some(north));
    assert!(may_record_family_in(&practitioner, north, Some(north)));
    assert!(!may_record_family_in(&practitioner, south, Some(north)));
    let county_wide = actor(&[Role::Practitioner], None);
    assert!(may_record_family_in(&county_wide, south, None));
    let worker = actor(&[Role::LcssWorker], Some(north));
    assert!(may_record_family_in(&worker, north, Some(north)));
    assert!(!may_record_family_in(&worker, south, Some(north)));
    assert!(!may_record_family_in(
        &actor(&[Role::Manager], Some(north)),
        north,
        None
    ));
}

#[test]
fn only_the_auditor_queries_the_audit_trail_and_reads_no_case() {
    let north = LocalityId::generate();
    for role in Role::ALL {
        let someone = actor(&[role], Some(north));
        let allowed = authorize(&someone, Permission::ReadAuditTrail).is_ok();
        assert_eq!(allowed, role == Role::Auditor, "{role}");
    }
    let auditor = actor(&[Role::Auditor], Some(north));
    let case = case_led_by(UserId::generate(), north);
    assert_eq!(
        authorize_case(&auditor, Permission::ReadCase, &case),
        Err(Denial::NotFound)
    );
    assert!(case_filter(&auditor, Permission::ReadCase).sees_nothing());
}
