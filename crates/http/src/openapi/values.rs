//! Schemas of the values the wire types carry as plain strings: the code lists (taken from the
//! domain's own lists, so they cannot disagree) and checked text (names, contact details,
//! passwords). A wire field points to one with `#[schema(value_type = ...)]`, e.g.
//! `#[schema(value_type = Option<crate::openapi::values::Address>)]`.

use crate::openapi::patterns;
use earlyhelp_domain::audit::{AuditAction, EntityType, Outcome};
use earlyhelp_domain::directory::Name as DomainName;
use earlyhelp_domain::directory::OrganisationKind as Kind;
use earlyhelp_domain::password;
use earlyhelp_domain::role::ReportReach as ReportReachKind;
use earlyhelp_domain::Role as DomainRole;
use earlyhelp_persistence::pagination::MAX_LIMIT;
use serde_json::json;
use strum::VariantNames;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::KnownFormat;

/// A string schema with its description.
pub(crate) fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
}

/// A schema-only type: `$name` is its component name, `$schema` builds it (an `ObjectBuilder`).
macro_rules! value_schemas {
    ($($(#[$doc:meta])* $name:ident => $schema:expr;)+) => {$(
        $(#[$doc])*
        pub struct $name;

        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                let builder: ::utoipa::openapi::schema::ObjectBuilder = $schema;
                builder.into()
            }
        }

        impl ::utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    )+};
}
pub(crate) use value_schemas;

/// A string of `format` (one the document defines: `cursor`, `nhs-number`, `upn`).
pub(crate) fn custom_format(name: &str) -> Option<SchemaFormat> {
    Some(SchemaFormat::Custom(name.to_owned()))
}

value_schemas! {
    /// A role: `earlyhelp_domain::Role`.
    Role => string(
        "A role a user holds; permissions are the union of a user's roles. `practitioner`: lead \
         professional or Team Around the Family member in any agency. `lcss_worker`: Locality \
         and Community Support Service worker. `lcss_manager`: LCSS manager. `social_care`: \
         MASH / Children's Social Care. `manager`: service manager (reports). `admin`: manages \
         users, organisations and localities; never reads case content.",
    )
    .enum_values(Some(DomainRole::ALL.map(DomainRole::as_str)));

    /// How far a manager's reports reach: `earlyhelp_domain::role::ReportReach`.
    ReportReach => string(
        "How far a manager's reports reach: `organisation` (the records led from their own \
         organisation; the default), `locality` (their locality; the user needs one) or \
         `county` (the whole authority; only such a manager sets report targets). Per-lead \
         caseload rows and the Annex A list stay within it too. Other roles ignore it.",
    )
    .enum_values(Some(ReportReachKind::ALL.map(ReportReachKind::as_str)));

    /// An audit entry's action: `earlyhelp_domain::audit::AuditAction`.
    AuditActionName => string("What an audit entry records was done, as `<record>.<verb>`.")
        .enum_values(Some(<AuditAction as VariantNames>::VARIANTS.iter().copied()));

    /// The kind of record an audit entry is about: `earlyhelp_domain::audit::EntityType`.
    AuditEntityType => string("The kind of record an audit entry is about.")
        .enum_values(Some(<EntityType as VariantNames>::VARIANTS.iter().copied()));

    /// How an audited action ended: `earlyhelp_domain::audit::Outcome`.
    AuditOutcome => string(
        "`success` (it happened), `denied` (the policy refused it) or `failure` (attempted \
         and failed, such as a wrong password).",
    )
    .enum_values(Some(<Outcome as VariantNames>::VARIANTS.iter().copied()));

    /// Why roles wait for confirmation: `earlyhelp_domain::role_grant::GrantReason`.
    GrantReason => string(
        "`created` (an administrator created the account), `roles_changed` (an administrator \
         changed its roles) or `password_reset` (an administrator set its password).",
    )
    .enum_values(Some(
        <earlyhelp_domain::role_grant::GrantReason as VariantNames>::VARIANTS.iter().copied(),
    ));

    /// Where a role grant stands: `earlyhelp_domain::role_grant::GrantState`.
    GrantState => string("`pending`, `confirmed`, `declined` or `withdrawn` (replaced by a later request).")
        .enum_values(Some(
            <earlyhelp_domain::role_grant::GrantState as VariantNames>::VARIANTS.iter().copied(),
        ));

    /// The kind of an organisation: `earlyhelp_domain::directory::OrganisationKind`.
    OrganisationKind => string("The kind of agency.")
        .enum_values(Some(Kind::ALL.map(Kind::as_str)));

    /// What an SNF target is for: `all`, or a kind of organisation.
    TargetKind => string("`all` (every kind of lead organisation), or the kind a target is for.")
        .enum_values(Some(std::iter::once("all").chain(Kind::ALL.map(Kind::as_str))));

    /// A name: `earlyhelp_domain::directory::Name`.
    Name => string(
        "A name (of a locality, an organisation or a person): surrounding white space is \
         trimmed; what remains must be 1 to 200 characters (counted in Unicode NFC, the form it \
         is stored in) with no control characters (so a single line), and no invisible or \
         direction-changing character anywhere (zero-width spaces and joiners, bidirectional \
         controls, the line and paragraph separators and the like).",
    )
    .pattern(Some(patterns::single_line(DomainName::MAX_LENGTH)))
    .examples([json!("Cherwell Primary School")]);

    /// A contact telephone number.
    Phone => string(
        "A contact telephone number, free text: trimmed, at most 200 characters, line breaks \
         allowed but no other control characters. Empty or blank means none.",
    )
    .pattern(Some(patterns::optional_text(200)))
    .examples([json!("0345 241 2703")]);

    /// A postal address.
    Address => string(
        "A postal address, free text: trimmed, at most 500 characters, line breaks allowed but \
         no other control characters. Empty or blank means none.",
    )
    .pattern(Some(patterns::optional_text(500)));

    /// A contact mailbox: `earlyhelp_domain::Email`'s shape, kept as written.
    ContactEmail => string(
        "A contact mailbox: trimmed, then of the form `name@domain.tld` (at most 254 \
         characters, the name part at most 64 bytes (the pattern admits ASCII there), no white \
         space or control characters, a domain with at least one dot and no empty labels). \
         Kept as written, not lower-cased. Empty or blank means none.",
    )
    .pattern(Some(patterns::contact_email()))
    .max_length(Some(254))
    .examples([json!("lcss.north@example.org")]);

    /// A new password: `earlyhelp_domain::password::NewPassword`.
    NewPassword => string(
        "12 to 256 characters, no NUL (`\\u0000`); not the user's email address or its name \
         part (ignoring case and surrounding white space), and not one character repeated.",
    )
    .min_length(Some(password::MIN_LENGTH))
    .max_length(Some(password::MAX_LENGTH))
    .pattern(Some(patterns::NO_NUL))
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
    .extensions(Some(Extensions::from_iter([(
        "not",
        json!({ "description": "One character repeated.", "pattern": r"^([\s\S])\1*$" }),
    )])));

    /// A sign-in email: `earlyhelp_domain::Email`.
    Email => string(
        "An email address: trimmed and lower-cased, then of the form `name@domain.tld`: at \
         most 254 characters, the name part at most 64 bytes (the pattern admits ASCII there), \
         no white space or control characters, a domain with at least one dot and no empty \
         labels.",
    )
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
    .pattern(Some(patterns::email()))
    .min_length(Some(1))
    .max_length(Some(254))
    .examples([json!("lead.professional@school.example.org")]);

    /// A password as signed in with.
    Password => string("The password: 1 to 256 characters, no NUL (`\\u0000`).")
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
        .pattern(Some(patterns::PASSWORD))
        .min_length(Some(1))
        .max_length(Some(password::MAX_LENGTH));

    /// A directory search's text.
    SearchText => string(
        "Search text: trimmed, then 1 to 100 characters without control characters, matched \
         anywhere in a name, in any case.",
    )
    .pattern(Some(patterns::search_text(100)));

    /// A list's `cursor`: `earlyhelp_persistence::pagination::Cursor`.
    Cursor => string(&format!(
        "Opaque position to continue a list from: the `next_cursor` of the previous page, \
         as it was sent (unpadded base64url). Omit it for the first page. A cursor the server \
         did not issue is a 422 (format `cursor`: the pattern is its alphabet, not its \
         content). Pages hold at most {MAX_LIMIT} items."
    ))
    .format(custom_format("cursor"))
    .pattern(Some(patterns::CURSOR))
    .min_length(Some(patterns::CURSOR_MIN_LENGTH));

    /// A form template's name, or the key of a section or field.
    TemplateKey => string(
        "A lower-case letter, then at most 63 lower-case letters, digits and underscores.",
    )
    .pattern(Some(patterns::KEY))
    .examples([json!("strengths_and_needs")]);

    /// A form template's title, label or option code.
    TemplateText => string("Not blank; no NUL (`\\u0000`).")
        .pattern(Some(patterns::not_blank()))
        .min_length(Some(1));

    /// A form template's description or help text.
    TemplateNote => string("Any text without NUL (`\\u0000`).")
        .pattern(Some(patterns::NO_NUL));
}
