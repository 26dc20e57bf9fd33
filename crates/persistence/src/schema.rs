// @generated automatically by Diesel CLI.

diesel::table! {
    /// Append-only trail of who did what to which record, written in the same transaction as the change it describes.
    audit_events (id) {
        id -> Uuid,
        occurred_at -> Timestamptz,
        /// The signed-in user; NULL for an anonymous attempt such as a sign-in with an unknown email.
        actor_id -> Nullable<Uuid>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Nullable<Uuid>,
        request_id -> Text,
        outcome -> Text,
        /// Codes and ids only (a reason, the roles granted); never names or other personal data.
        detail -> Jsonb,
        /// The client's address: the TCP peer, or the address a trusted proxy forwarded (EARLYHELP_TRUSTED_PROXIES).
        client_address -> Nullable<Text>,
        /// Order of writing, the order of the seal chain. A rolled-back write leaves a gap, which the sealer steps over once no transaction can still fill it.
        seq -> Int8,
    }
}

diesel::table! {
    /// Time-limited read access to one family outside the reader's scope, with the reason they gave. Kept: ended, never deleted.
    access_requests (id) {
        id -> Uuid,
        family_id -> Uuid,
        user_id -> Uuid,
        /// Why the professional needs the record, as they wrote it for the audit (no names).
        reason -> Text,
        granted_at -> Timestamptz,
        expires_at -> Timestamptz,
        ended_at -> Nullable<Timestamptz>,
        ended_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    /// A person's record as it stood before each correction (rectification), with who corrected it.
    person_history (id) {
        id -> Uuid,
        person_id -> Uuid,
        recorded_at -> Timestamptz,
        recorded_by -> Nullable<Uuid>,
        previous -> Jsonb,
    }
}

diesel::table! {
    /// The hash chain over audit_events: one link per entry, in seq order. Append-only.
    audit_seals (seq) {
        seq -> Int8,
        event_id -> Uuid,
        /// The seq of the sealed entry before this one; NULL for the first link.
        previous -> Nullable<Int8>,
        /// SHA-256 of the previous link's seal and the entry's canonical bytes (earlyhelp_domain::audit_seal).
        seal -> Bytea,
        sealed_at -> Timestamptz,
    }
}

diesel::table! {
    /// An area of the authority served by one LCSS team (for Oxfordshire: North, Central, South).
    localities (id) {
        id -> Uuid,
        name -> Text,
        /// Public contact number of the locality's LCSS team.
        phone -> Nullable<Text>,
        /// Public contact mailbox of the locality's LCSS team.
        email -> Nullable<Text>,
        address -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        /// When the locality's LCSS team answers, as written (e.g. Monday to Friday, 9am to 5pm).
        opening_hours -> Nullable<Text>,
        /// The number of the MASH serving the locality, for immediate safeguarding concerns.
        mash_phone -> Nullable<Text>,
    }
}

diesel::table! {
    /// An agency whose staff take part in early help: a school, GP practice, LCSS team, police unit...
    organisations (id) {
        id -> Uuid,
        name -> Text,
        kind -> Text,
        /// The locality the organisation serves; NULL for an authority-wide service.
        locality_id -> Nullable<Uuid>,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// Single-use refresh tokens. Only the SHA-256 of the 256-bit random token is stored; presenting a used one revokes the session.
    refresh_tokens (id) {
        id -> Uuid,
        session_id -> Uuid,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// A sign-in: one family of rotated refresh tokens. Access tokens name their session (sid), so revoking it ends them at once.
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// A person who signs in. Never deleted: deactivated, so the audit trail keeps its actors.
    users (id) {
        id -> Uuid,
        /// Sign-in name, stored trimmed and lower-cased.
        email -> Text,
        display_name -> Text,
        /// argon2id PHC string. Never leaves the server.
        password_hash -> Text,
        roles -> Array<Text>,
        organisation_id -> Uuid,
        /// The locality whose records a locality-scoped role (LCSS) reaches.
        locality_id -> Nullable<Uuid>,
        active -> Bool,
        /// Consecutive failed sign-ins; reset by a successful one or a password reset.
        failed_login_count -> Int4,
        /// Sign-in refused until this time after repeated failures.
        locked_until -> Nullable<Timestamptz>,
        last_login_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        /// How far a manager's reports reach: organisation, locality or county.
        report_reach -> Text,
        /// The password was set by an administrator: it only lets its holder set a new one.
        password_change_required -> Bool,
        /// When an administrator last set this account's password (shown to the user in /me).
        password_reset_at -> Nullable<Timestamptz>,
        /// The administrator who last set this account's password.
        password_reset_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    /// Roles an administrator granted that read case records, waiting for a second person (an LCSS manager of the user's locality, or a manager of their organisation or of the county) to confirm them. The whole role set takes effect on confirmation.
    role_grants (id) {
        id -> Uuid,
        user_id -> Uuid,
        /// The account's whole role set once confirmed.
        roles -> Array<Text>,
        report_reach -> Text,
        reason -> Text,
        requested_by -> Uuid,
        requested_at -> Timestamptz,
        state -> Text,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// Immutable submitted revisions of an assessment.
    assessment_revisions (id) {
        id -> Uuid,
        assessment_id -> Uuid,
        number -> Int4,
        template_id -> Uuid,
        content -> Jsonb,
        submitted_by -> Uuid,
        submitted_at -> Timestamptz,
    }
}

diesel::table! {
    /// A Strengths and Needs form (formerly Early Help Assessment). The draft content is editable; each submission freezes a revision.
    assessments (id) {
        id -> Uuid,
        episode_id -> Uuid,
        template_id -> Uuid,
        state -> Text,
        content -> Jsonb,
        /// Bumped on every change; the ETag for optimistic concurrency.
        version -> Int4,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        /// When LCSS accepted the form: the completion date reports count.
        completed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// What happened in a family's early help, newest first when read: a short summary, never form content.
    chronology_entries (id) {
        id -> Uuid,
        family_id -> Uuid,
        kind -> Text,
        occurred_at -> Timestamptz,
        actor_id -> Uuid,
        summary -> Text,
        entity_type -> Text,
        entity_id -> Uuid,
    }
}

diesel::table! {
    /// A family member's consent to an early help assessment and to sharing with named agencies; withdrawal ends sharing.
    consents (id) {
        id -> Uuid,
        family_id -> Uuid,
        given_by_person_id -> Uuid,
        lead_professional_id -> Uuid,
        organisation_id -> Uuid,
        for_assessment -> Bool,
        share_with_organisation_ids -> Array<Uuid>,
        /// Agencies the family does not want to see the assessment (paper form Part A); access control honours it.
        excluded_organisation_ids -> Array<Uuid>,
        excluded_note -> Nullable<Text>,
        method -> Text,
        given_on -> Date,
        recorded_by -> Uuid,
        created_at -> Timestamptz,
        withdrawn_at -> Nullable<Timestamptz>,
        withdrawn_by -> Nullable<Uuid>,
        withdrawal_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// The children an episode concerns; each keeps their own record within the family episode.
    episode_children (episode_id, person_id) {
        episode_id -> Uuid,
        person_id -> Uuid,
    }
}

diesel::table! {
    /// One period of early help for a family, led by one lead professional at a threshold level of 2 or 3.
    episodes (id) {
        id -> Uuid,
        family_id -> Uuid,
        locality_id -> Uuid,
        lead_professional_id -> Uuid,
        lead_organisation_id -> Uuid,
        threshold_level -> Int2,
        reason -> Text,
        state -> Text,
        opened_at -> Timestamptz,
        opened_by -> Uuid,
        closed_at -> Nullable<Timestamptz>,
        closed_by -> Nullable<Uuid>,
        closure_reason -> Nullable<Text>,
        closure_note -> Nullable<Text>,
        transfer_to -> Nullable<Uuid>,
        transfer_proposed_by -> Nullable<Uuid>,
        transfer_proposed_at -> Nullable<Timestamptz>,
        /// How the episode began: early_help (opened by a professional) or step_down (accepted from Children's Social Care).
        origin -> Text,
    }
}

diesel::table! {
    /// A household receiving early help. Who may see it follows from its locality and its lead professional.
    families (id) {
        id -> Uuid,
        /// Human-readable reference quoted between professionals instead of names (FAM-000123).
        reference -> Text,
        locality_id -> Uuid,
        /// The professional leading the family's early help now: the creator until an episode opens, then the episode's lead, following transfers.
        lead_professional_id -> Uuid,
        address -> Nullable<Text>,
        postcode -> Nullable<Text>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        /// When Children's Social Care accepted the family for statutory assessment (a step-up accepted).
        known_to_social_care_on -> Nullable<Date>,
        /// Under a legal hold since then: retention and erasure never touch the family.
        legal_hold_at -> Nullable<Timestamptz>,
        legal_hold_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// Published, immutable versions of a form definition; a form keeps the version it was started with.
    form_templates (id) {
        id -> Uuid,
        name -> Text,
        version -> Int4,
        definition -> Jsonb,
        published_by -> Nullable<Uuid>,
        published_at -> Timestamptz,
    }
}

diesel::table! {
    /// Responses to requests sent with an Idempotency-Key, replayed when the same user retries with the same key.
    idempotency_keys (user_id, key) {
        user_id -> Uuid,
        key -> Text,
        request_hash -> Bytea,
        status -> Int2,
        response -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// Completed transfers of lead professional: who proposed, who accepted, when.
    lead_transfers (id) {
        id -> Uuid,
        episode_id -> Uuid,
        from_user_id -> Uuid,
        to_user_id -> Uuid,
        proposed_by -> Uuid,
        proposed_at -> Timestamptz,
        accepted_at -> Timestamptz,
    }
}

diesel::table! {
    /// A member of a family: a child (born or expected) or an adult. Identifying data; every read is audited.
    people (id) {
        id -> Uuid,
        family_id -> Uuid,
        kind -> Text,
        given_name -> Text,
        family_name -> Text,
        date_of_birth -> Nullable<Date>,
        expected_date_of_birth -> Nullable<Date>,
        /// DfE Children in Need census code: M, F, or U (unknown, and always for an unborn child).
        sex -> Text,
        /// DfE Children in Need census ethnicity code (WBRI ... REFU, NOBT).
        ethnicity -> Nullable<Text>,
        /// DfE Children in Need census disability codes (NONE, MOB, HAND, ...).
        disabilities -> Array<Text>,
        address -> Nullable<Text>,
        postcode -> Nullable<Text>,
        nhs_number -> Nullable<Text>,
        upn -> Nullable<Text>,
        /// The school, nursery or other setting the person attends.
        setting_organisation_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        /// The family name as the duplicate check compares it: letters only, case-folded, accents and look-alike scripts folded (computed by the application, the same in every locale).
        family_name_key -> Text,
        /// The given name as the duplicate check compares it: letters only, case-folded, accents and look-alike scripts folded (computed by the application, the same in every locale).
        given_name_key -> Text,
    }
}

diesel::table! {
    /// person_id is the <kind> of related_person_id (for example: an adult is the parent of a child).
    relationships (id) {
        id -> Uuid,
        family_id -> Uuid,
        person_id -> Uuid,
        related_person_id -> Uuid,
        kind -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// The LCSS review of one submitted revision: queue position, reviewer, decision, quality ratings and feedback.
    reviews (id) {
        id -> Uuid,
        revision_id -> Uuid,
        assessment_id -> Uuid,
        locality_id -> Uuid,
        state -> Text,
        reviewer_id -> Nullable<Uuid>,
        assigned_by -> Nullable<Uuid>,
        assigned_at -> Nullable<Timestamptz>,
        received_on -> Date,
        /// N working days after receipt (weekends and bank holidays excluded).
        due_on -> Date,
        decision -> Nullable<Text>,
        /// One rating per quality criterion: met, partly_met or not_met, with an optional comment.
        ratings -> Nullable<Jsonb>,
        feedback -> Nullable<Text>,
        decided_at -> Nullable<Timestamptz>,
        decided_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// Every threshold level an episode has had, with the rationale; the first row is the level at opening.
    threshold_changes (id) {
        id -> Uuid,
        episode_id -> Uuid,
        level -> Int2,
        rationale -> Text,
        changed_by -> Uuid,
        changed_at -> Timestamptz,
    }
}

diesel::joinable!(assessment_revisions -> assessments (assessment_id));
diesel::table! {
    /// A person recorded by someone who could not see an existing record of the same person (same NHS number, or same date of birth and name key). locality_id is the existing record's locality, whose LCSS follows it up.
    known_elsewhere_matches (id) {
        id -> Uuid,
        existing_person_id -> Uuid,
        existing_family_id -> Uuid,
        locality_id -> Uuid,
        new_person_id -> Uuid,
        new_family_id -> Uuid,
        matched_on -> Text,
        recorded_by -> Uuid,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    /// Consecutive failed sign-ins of one account from one client address; cleared by a successful sign-in from that address or a password reset.
    sign_in_failures (user_id, client_address) {
        user_id -> Uuid,
        client_address -> Text,
        failures -> Int4,
        last_failed_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// A Team Around the Family: the agencies and family members working to one episode's plan.
    tafs (id) {
        id -> Uuid,
        episode_id -> Uuid,
        family_id -> Uuid,
        created_by -> Uuid,
        created_at -> Timestamptz,
        /// When the team next reviews its plan: the formation date plus the review cadence, then the next review date of its latest finalised minutes. Past it with the team open, the review is overdue.
        review_due_on -> Date,
        closed_at -> Nullable<Timestamptz>,
        closed_by -> Nullable<Uuid>,
        /// At closure, each planned outcome of the latest accepted Strengths and Needs form and whether it was achieved: [{"outcome", "measure", "achievement": "achieved"|"partly_achieved"|"not_achieved", "note"}].
        outcomes -> Nullable<Jsonb>,
        family_feedback -> Nullable<Text>,
        child_feedback -> Nullable<Text>,
        /// What follows the team: universal services, another service, or step-up to social care.
        next_step -> Nullable<Text>,
        next_step_detail -> Nullable<Text>,
    }
}

diesel::table! {
    /// A member of a Team Around the Family: a professional with an account (user_id; gets the Team reach while active), a professional without one (name, organisation, work contact), or a family member (person_id).
    taf_members (id) {
        id -> Uuid,
        taf_id -> Uuid,
        kind -> Text,
        user_id -> Nullable<Uuid>,
        person_id -> Nullable<Uuid>,
        name -> Nullable<Text>,
        organisation_name -> Nullable<Text>,
        /// A work phone or email of a professional without an account.
        contact -> Nullable<Text>,
        role_in_plan -> Nullable<Text>,
        added_by -> Uuid,
        added_at -> Timestamptz,
        /// When the membership ended; from then the member reaches nothing of the case.
        ended_at -> Nullable<Timestamptz>,
        ended_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    /// A Team Around the Family meeting: when and where, who was invited, and its minutes (a JSON object saved by merge patch while scheduled; immutable once finalised and sent to the locality LCSS).
    taf_meetings (id) {
        id -> Uuid,
        taf_id -> Uuid,
        family_id -> Uuid,
        state -> Text,
        starts_at -> Timestamptz,
        venue -> Nullable<Text>,
        is_virtual -> Bool,
        invitee_member_ids -> Array<Uuid>,
        minutes -> Jsonb,
        /// The minutes' version, the ETag a save must send in If-Match.
        version -> Int4,
        next_review_on -> Nullable<Date>,
        scheduled_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        locality_id -> Nullable<Uuid>,
        lcss_attended -> Nullable<Bool>,
        finalised_at -> Nullable<Timestamptz>,
        finalised_by -> Nullable<Uuid>,
        acknowledged_at -> Nullable<Timestamptz>,
        acknowledged_by -> Nullable<Uuid>,
        /// LCSS feedback to the lead professional on acknowledging the minutes.
        feedback -> Nullable<Text>,
    }
}

diesel::table! {
    /// The Team Around the Family's action plan: each action agreed in finalised minutes, its owner (a member), due date, progress notes and outcome.
    taf_actions (id) {
        id -> Uuid,
        taf_id -> Uuid,
        meeting_id -> Uuid,
        description -> Text,
        owner_member_id -> Uuid,
        due_on -> Date,
        status -> Text,
        /// Progress notes, oldest first: [{"at", "by", "note"}].
        progress -> Jsonb,
        completion_note -> Nullable<Text>,
        closed_at -> Nullable<Timestamptz>,
        closed_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    /// A request to Children's Social Care (referral source 5D) from an open early help episode, and social care's decision: accepted for statutory assessment (the episode closes as stepped up) or not accepted (early help continues, with advice).
    step_ups (id) {
        id -> Uuid,
        episode_id -> Uuid,
        family_id -> Uuid,
        locality_id -> Uuid,
        referral_source -> Text,
        state -> Text,
        reason -> Text,
        threshold_level -> Int2,
        /// What early help has tried.
        tried -> Text,
        risks -> Text,
        /// The concern is immediate: the referrer was told to phone the MASH now.
        immediate -> Bool,
        /// The Strengths and Needs form revision the request was pre-filled from.
        revision_id -> Nullable<Uuid>,
        raised_by -> Uuid,
        raised_at -> Timestamptz,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
        advice -> Nullable<Text>,
    }
}

diesel::table! {
    /// A No Names Consultation: advice LCSS gave a professional about a child or family it never identifies (no column can hold an identifier; free text is checked for them before it is stored).
    no_names_consultations (id) {
        id -> Uuid,
        locality_id -> Uuid,
        held_on -> Date,
        /// The consulting professional, when they have an account; else consulting_name.
        consulting_user_id -> Nullable<Uuid>,
        consulting_name -> Nullable<Text>,
        consulting_organisation -> Text,
        themes -> Array<Text>,
        threshold_view -> Int2,
        advice -> Text,
        outcome -> Text,
        signposted_to -> Nullable<Text>,
        follow_up_on -> Nullable<Date>,
        recorded_by -> Uuid,
        recorded_at -> Timestamptz,
        /// When LCSS followed the consultation up (called the professional back), clearing it from the work list.
        followed_up_at -> Nullable<Timestamptz>,
        followed_up_by -> Nullable<Uuid>,
        follow_up_note -> Nullable<Text>,
        legal_hold_at -> Nullable<Timestamptz>,
        legal_hold_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// Tombstones: one per erased record (ids, dates, reason). A record is erased once; a re-run finds its tombstone and skips it.
    erasures (id) {
        id -> Uuid,
        record_type -> Text,
        record_id -> Uuid,
        reference -> Nullable<Text>,
        reason -> Text,
        rule -> Nullable<Text>,
        due_on -> Nullable<Date>,
        note -> Nullable<Text>,
        erased_at -> Timestamptz,
        erased_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    consultation_requests (id) {
        id -> Uuid,
        locality_id -> Uuid,
        requested_by -> Uuid,
        requested_at -> Timestamptz,
        themes -> Array<Text>,
        threshold_view -> Nullable<Int2>,
        question -> Text,
        consultation_id -> Nullable<Uuid>,
        completed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    /// Which episode a No Names Consultation turned out to be about, recorded once the family consented; the consultation row itself never names the family.
    no_names_consultation_links (consultation_id) {
        consultation_id -> Uuid,
        episode_id -> Uuid,
        family_id -> Uuid,
        linked_by -> Uuid,
        linked_at -> Timestamptz,
    }
}

diesel::table! {
    /// An advice consultation: LCSS advice to a professional about a named family, with the family's knowledge.
    advice_consultations (id) {
        id -> Uuid,
        family_id -> Uuid,
        locality_id -> Uuid,
        held_on -> Date,
        consulting_user_id -> Nullable<Uuid>,
        consulting_name -> Nullable<Text>,
        consulting_organisation -> Text,
        themes -> Array<Text>,
        threshold_view -> Int2,
        advice -> Text,
        outcome -> Text,
        signposted_to -> Nullable<Text>,
        follow_up_on -> Nullable<Date>,
        recorded_by -> Uuid,
        recorded_at -> Timestamptz,
    }
}

diesel::joinable!(assessment_revisions -> form_templates (template_id));
diesel::joinable!(taf_members -> tafs (taf_id));
diesel::joinable!(taf_meetings -> tafs (taf_id));
diesel::joinable!(taf_meetings -> families (family_id));
diesel::joinable!(taf_actions -> taf_meetings (meeting_id));
diesel::joinable!(taf_actions -> taf_members (owner_member_id));
diesel::joinable!(taf_actions -> tafs (taf_id));
diesel::joinable!(tafs -> episodes (episode_id));
diesel::joinable!(tafs -> families (family_id));
diesel::table! {
    step_downs (id) {
        id -> Uuid,
        family_id -> Uuid,
        locality_id -> Uuid,
        source -> Text,
        state -> Text,
        reason -> Text,
        needs_summary -> Text,
        threshold_level -> Int2,
        suggested_organisation_id -> Nullable<Uuid>,
        snf_due_on -> Date,
        consent_given_by -> Uuid,
        consent_method -> Text,
        consent_given_on -> Date,
        recorded_by -> Uuid,
        recorded_at -> Timestamptz,
        allocated_to -> Nullable<Uuid>,
        episode_id -> Nullable<Uuid>,
        accepted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    step_down_allocations (id) {
        id -> Uuid,
        step_down_id -> Uuid,
        lead_id -> Uuid,
        allocated_by -> Uuid,
        allocated_at -> Timestamptz,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamptz>,
        decline_reason -> Nullable<Text>,
    }
}

diesel::table! {
    report_populations (locality_id) {
        locality_id -> Nullable<Uuid>,
        under_18 -> Int4,
        updated_by -> Uuid,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    snf_targets (financial_year, organisation_kind) {
        financial_year -> Int2,
        organisation_kind -> Text,
        target -> Int4,
        updated_by -> Uuid,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(step_ups -> episodes (episode_id));
diesel::joinable!(consultation_requests -> no_names_consultations (consultation_id));
diesel::joinable!(step_downs -> families (family_id));
diesel::joinable!(step_down_allocations -> step_downs (step_down_id));
diesel::joinable!(step_ups -> families (family_id));
diesel::joinable!(known_elsewhere_matches -> localities (locality_id));
diesel::joinable!(known_elsewhere_matches -> users (recorded_by));
diesel::joinable!(sign_in_failures -> users (user_id));
diesel::joinable!(assessment_revisions -> users (submitted_by));
diesel::joinable!(assessments -> episodes (episode_id));
diesel::joinable!(assessments -> form_templates (template_id));
diesel::joinable!(chronology_entries -> families (family_id));
diesel::joinable!(chronology_entries -> users (actor_id));
diesel::joinable!(consents -> families (family_id));
diesel::joinable!(consents -> people (given_by_person_id));
diesel::joinable!(episode_children -> episodes (episode_id));
diesel::joinable!(episode_children -> people (person_id));
diesel::joinable!(episodes -> families (family_id));
diesel::joinable!(families -> localities (locality_id));
diesel::joinable!(people -> families (family_id));
diesel::joinable!(reviews -> assessment_revisions (revision_id));
diesel::joinable!(reviews -> assessments (assessment_id));
diesel::joinable!(threshold_changes -> episodes (episode_id));
diesel::joinable!(audit_events -> users (actor_id));
diesel::joinable!(organisations -> localities (locality_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> localities (locality_id));
diesel::joinable!(users -> organisations (organisation_id));

diesel::allow_tables_to_appear_in_same_query!(
    access_requests,
    advice_consultations,
    assessment_revisions,
    assessments,
    audit_events,
    audit_seals,
    chronology_entries,
    consents,
    consultation_requests,
    episode_children,
    episodes,
    erasures,
    families,
    form_templates,
    idempotency_keys,
    known_elsewhere_matches,
    lead_transfers,
    localities,
    no_names_consultation_links,
    no_names_consultations,
    organisations,
    people,
    person_history,
    refresh_tokens,
    relationships,
    report_populations,
    reviews,
    role_grants,
    sessions,
    sign_in_failures,
    snf_targets,
    step_down_allocations,
    step_downs,
    step_ups,
    taf_actions,
    taf_meetings,
    taf_members,
    tafs,
    threshold_changes,
    users,
);
