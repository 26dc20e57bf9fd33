//! Schemas of the values the wire types carry as plain strings: the code lists (taken from the
//! domain's own lists, so they cannot disagree) and checked text (names, contact details,
//! passwords). A wire field points to one with `#[schema(value_type = ...)]`, e.g.
//! `#[schema(value_type = Option<crate::openapi::values::Address>)]`.

use earlyhelp_domain::directory::OrganisationKind as Kind;
use earlyhelp_domain::Role as DomainRole;
use serde_json::json;
use std::borrow::Cow;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{KnownFormat, RefOr};
use utoipa::{PartialSchema, ToSchema};

/// White space as Rust's `char::is_whitespace`.
const SPACE: &str = r"[\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
/// A character that is neither white space nor a control character (Unicode category Cc).
const VISIBLE: &str =
    r"[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";
/// Any character but a control character.
const ONE_LINE: &str = r"[^\u0000-\u001F\u007F-\u009F]";
/// Any character but a control character other than a line break.
const LINES: &str = r"[^\u0000-\u0009\u000B-\u001F\u007F-\u009F]";

/// The pattern of text that is trimmed and then checked: 1 to `max` characters of `inner`
/// (ONE_LINE or LINES) that start and end visibly; with `blank`, nothing at all is also allowed
/// (empty or blank means none).
fn trimmed(max: usize, inner: &str, blank: bool) -> String {
    let text = format!("{VISIBLE}(?:{inner}{{0,{}}}{VISIBLE})?", max - 2);
    if blank {
        format!("^{SPACE}*(?:{text})?{SPACE}*$")
    } else {
        format!("^{SPACE}*{text}{SPACE}*$")
    }
}

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
}

/// A schema-only type: `$name` is its component name, `$schema` builds it.
macro_rules! value_schemas {
    ($($(#[$doc:meta])* $name:ident => $schema:expr;)+) => {$(
        $(#[$doc])*
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let builder: ObjectBuilder = $schema;
                builder.into()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )+};
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

    /// The kind of an organisation: `earlyhelp_domain::directory::OrganisationKind`.
    OrganisationKind => string("The kind of agency.")
        .enum_values(Some(Kind::ALL.map(Kind::as_str)));

    /// A name: `earlyhelp_domain::directory::Name`.
    Name => string(
        "A name (of a locality, an organisation or a person): surrounding white space is \
         trimmed; what remains must be 1 to 200 characters with no control characters (so a \
         single line).",
    )
    .pattern(Some(trimmed(200, ONE_LINE, false)))
    .examples([json!("Cherwell Primary School")]);

    /// A contact telephone number.
    Phone => string(
        "A contact telephone number, free text: trimmed, at most 200 characters, line breaks \
         allowed but no other control characters. Empty or blank means none.",
    )
    .pattern(Some(trimmed(200, LINES, true)))
    .examples([json!("0345 241 2703")]);

    /// A postal address.
    Address => string(
        "A postal address, free text: trimmed, at most 500 characters, line breaks allowed but \
         no other control characters. Empty or blank means none.",
    )
    .pattern(Some(trimmed(500, LINES, true)));

    /// A contact mailbox: `earlyhelp_domain::Email`'s shape, kept as written.
    ContactEmail => string(
        "A contact mailbox: trimmed, then of the form `name@domain.tld` (at most 254 \
         characters, the name part at most 64 bytes, no white space or control characters, a \
         domain with at least one dot and no empty labels). Kept as written, not lower-cased. \
         Empty or blank means none.",
    )
    .pattern(Some({
        let label = r"[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000@.]+";
        format!(
            r"^{SPACE}*(?:[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000@]{{1,64}}@{label}(?:\.{label})+)?{SPACE}*$"
        )
    }))
    .examples([json!("lcss.north@example.org")]);

    /// A new password: `earlyhelp_domain::password::NewPassword`.
    NewPassword => string(
        "12 to 256 characters; not the user's email address or its name part (ignoring case \
         and surrounding white space), and not one character repeated.",
    )
    .min_length(Some(12))
    .max_length(Some(256))
    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Password)))
    .extensions(Some(Extensions::from_iter([(
        "not",
        json!({ "description": "One character repeated.", "pattern": r"^([\s\S])\1*$" }),
    )])));
}
