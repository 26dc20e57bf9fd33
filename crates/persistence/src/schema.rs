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
    }
}

diesel::joinable!(audit_events -> users (actor_id));
diesel::joinable!(organisations -> localities (locality_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> localities (locality_id));
diesel::joinable!(users -> organisations (organisation_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_events,
    localities,
    organisations,
    refresh_tokens,
    sessions,
    users,
);
