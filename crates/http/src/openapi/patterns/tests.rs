//! Each pattern against the check it restates, on samples chosen to find where they part:
//! empty, blank, NUL and other control characters, line breaks in one-line text, the
//! longest value and one more, white space of other kinds, invisible characters, letters
//! beyond ASCII and beyond the Basic Multilingual Plane. The fixed schemas are read from
//! the document's own types, so what is tested is what is published.

use super::*;
use crate::openapi::{case, values};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use earlyhelp_domain::directory;
use earlyhelp_domain::person::{NhsNumber, Upn};
use earlyhelp_domain::review::{
    check_decision, Criterion, CriterionRating, Decision, Rating, COMMENT_MAX, FEEDBACK_MAX,
};
use earlyhelp_domain::Email;
use earlyhelp_persistence::pagination::Cursor;
use regex::Regex;
use std::collections::BTreeMap;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;
use utoipa::PartialSchema;
use uuid::Uuid;

fn compiled(pattern: &str) -> Regex {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 30)
        .build()
        .unwrap_or_else(|error| panic!("{pattern}: {error}"))
}

/// What a string schema admits: its pattern, `minLength` and `maxLength` (in characters).
fn schema_admits<T: PartialSchema>() -> impl Fn(&str) -> bool {
    let RefOr::T(Schema::Object(object)) = T::schema() else {
        panic!("a string schema");
    };
    let pattern = compiled(object.pattern.as_deref().expect("a pattern"));
    move |value| {
        let length = value.chars().count();
        pattern.is_match(value)
            && object.min_length.is_none_or(|min| length >= min)
            && object.max_length.is_none_or(|max| length <= max)
    }
}

fn pattern_admits(pattern: &str) -> impl Fn(&str) -> bool {
    let pattern = compiled(pattern);
    move |value| pattern.is_match(value)
}

/// The document and the check agree on every sample.
fn agree(admits: &impl Fn(&str) -> bool, check: &impl Fn(&str) -> bool, samples: &[&str]) {
    for sample in samples {
        assert_eq!(
            admits(sample),
            check(sample),
            "{sample:?}: the document admits it: {}, the check accepts it: {}",
            admits(sample),
            check(sample)
        );
    }
}

/// The document refuses these, the check takes them: the document is stricter here.
fn stricter(admits: &impl Fn(&str) -> bool, check: &impl Fn(&str) -> bool, samples: &[&str]) {
    for sample in samples {
        assert!(!admits(sample) && check(sample), "{sample:?}");
    }
}

/// The pattern admits these, the check refuses them for a reason the schema names
/// otherwise (a `format`, a `not`) or cannot say.
fn beyond(admits: &impl Fn(&str) -> bool, check: &impl Fn(&str) -> bool, samples: &[&str]) {
    for sample in samples {
        assert!(admits(sample) && !check(sample), "{sample:?}");
    }
}

/// Samples of every kind of text: each check below meets all of them.
const TEXT: &[&str] = &[
    "",
    " ",
    "   ",
    "\t",
    "\n",
    "a",
    " a ",
    "a b",
    "a\nb",
    "a\r\nb",
    "a\tb",
    "\u{0}",
    "a\u{0}",
    "\u{0}a",
    "a\u{0}b",
    "a\u{1}",
    "\u{7F}a",
    "a\u{9F}",
    "\u{B}a\u{B}",
    "a\u{B}b",
    "\u{85}a\u{85}",
    "a\u{85}b",
    "\u{A0}a\u{A0}",
    "\u{3000}a\u{3000}",
    "a\u{2028}",
    "\u{2029}a",
    "a\u{2028}b",
    "a\u{200B}b",
    "\u{202E}abc",
    "a\u{FEFF}",
    "a\u{E0041}",
    "\u{1BCA0}",
    "Zoë",
    "Łukasz",
    "李小龍",
    "Дарья",
    "O'Brien-Smith",
    "😀",
];

/// Samples about length, for a check of at most 5 characters.
const FIVE: &[&str] = &[
    "abcde",
    "abcdef",
    " abcde ",
    "\u{3000}abcde\n",
    "ab de",
    "😀😀😀😀😀",
    "😀😀😀😀😀😀",
    "a\n\n\nb",
    "a\n\n\n\nb",
];

fn all(samples: &[&[&str]]) -> Vec<String> {
    samples
        .iter()
        .flat_map(|group| group.iter().map(|s| (*s).to_owned()))
        .collect()
}

fn refs(samples: &[String]) -> Vec<&str> {
    samples.iter().map(String::as_str).collect()
}

fn long(length: usize) -> [String; 4] {
    let text = "x".repeat(length);
    [
        text.clone(),
        format!("{text}y"),
        format!(" {text} "),
        format!("\n{text}"),
    ]
}

#[test]
fn a_single_line_name_is_the_names_check() {
    let samples = all(&[TEXT, FIVE]);
    agree(
        &pattern_admits(&single_line(5)),
        &|raw| directory::single_line(raw, 5).is_ok(),
        &refs(&samples),
    );
    let check = |max| move |raw: &str| directory::single_line(raw, max).is_ok();
    for (admits, max) in [
        (
            Box::new(schema_admits::<values::Name>()) as Box<dyn Fn(&str) -> bool>,
            200,
        ),
        (Box::new(schema_admits::<case::PersonName>()), 100),
    ] {
        let samples = all(&[TEXT, &refs(&long(max))]);
        agree(&admits, &check(max), &refs(&samples));
    }
    // Counted after normalisation: "Zoë" typed decomposed is 4 characters as sent and 3 as
    // stored, so at the limit the document refuses what the server takes...
    stricter(&pattern_admits(&single_line(3)), &check(3), &["Zoe\u{308}"]);
    // ...and the few characters whose normal form is longer (U+0958 is U+0915 U+093C)
    // are the one place the pattern admits what the check refuses: at the limit only.
    beyond(&pattern_admits(&single_line(1)), &check(1), &["\u{958}"]);
}

#[test]
fn an_optional_line_is_its_check() {
    let samples = all(&[TEXT, FIVE]);
    agree(
        &pattern_admits(&optional_line(5)),
        &|raw| directory::optional_line(Some(raw), 5).is_ok(),
        &refs(&samples),
    );
    let check = |max| move |raw: &str| directory::optional_line(Some(raw), max).is_ok();
    for (admits, max) in [
        (
            Box::new(schema_admits::<case::OptionalLine200>()) as Box<dyn Fn(&str) -> bool>,
            200,
        ),
        (Box::new(schema_admits::<case::OptionalLine1000>()), 1000),
    ] {
        let samples = all(&[TEXT, &refs(&long(max))]);
        agree(&admits, &check(max), &refs(&samples));
    }
    let samples = all(&[TEXT, &refs(&long(200))]);
    agree(
        &schema_admits::<case::SingleLine200>(),
        &|raw| directory::single_line(raw, 200).is_ok(),
        &refs(&samples),
    );
}

#[test]
fn optional_and_required_text_are_their_checks() {
    let samples = all(&[TEXT, FIVE]);
    agree(
        &pattern_admits(&optional_text(5)),
        &|raw| directory::optional_text(Some(raw), 5).is_ok(),
        &refs(&samples),
    );
    agree(
        &pattern_admits(&required_text(5)),
        &|raw| crate::handlers::episodes::required_text(raw, 5).is_ok(),
        &refs(&samples),
    );
    for (admits, max, blank) in [
        (
            Box::new(schema_admits::<values::Phone>()) as Box<dyn Fn(&str) -> bool>,
            200,
            true,
        ),
        (Box::new(schema_admits::<values::Address>()), 500, true),
        (
            Box::new(schema_admits::<case::OptionalText1000>()),
            1000,
            true,
        ),
        (
            Box::new(schema_admits::<case::OptionalText2000>()),
            2000,
            true,
        ),
        (
            Box::new(schema_admits::<case::OptionalText4000>()),
            4000,
            true,
        ),
        (
            Box::new(schema_admits::<case::RequiredText4000>()),
            4000,
            false,
        ),
    ] {
        let samples = all(&[TEXT, &refs(&long(max))]);
        agree(
            &admits,
            &|raw| match directory::optional_text(Some(raw), max) {
                Ok(text) => blank || text.is_some(),
                Err(_) => false,
            },
            &refs(&samples),
        );
    }
}

#[test]
fn search_text_is_the_directorys_check() {
    let samples = all(&[TEXT, &refs(&long(100))]);
    agree(
        &schema_admits::<values::SearchText>(),
        &|raw| crate::handlers::directory::search_text(Some(raw.to_owned()), "q").is_ok(),
        &refs(&samples),
    );
}

fn decided(decision: Decision, feedback: &str, comment: Option<&str>) -> bool {
    let ratings: BTreeMap<Criterion, CriterionRating> = Criterion::ALL
        .into_iter()
        .map(|criterion| {
            let rating = CriterionRating {
                rating: Rating::Met,
                comment: comment.map(str::to_owned),
            };
            (criterion, rating)
        })
        .collect();
    check_decision(decision, ratings, feedback).is_ok()
}

#[test]
fn feedback_and_comments_are_the_review_check() {
    let samples = all(&[TEXT, &refs(&long(FEEDBACK_MAX))]);
    agree(
        &schema_admits::<case::ReviewFeedback>(),
        &|raw| decided(Decision::Accept, raw, None),
        &refs(&samples),
    );
    agree(
        &pattern_admits(&feedback(FEEDBACK_MAX, true)),
        &|raw| decided(Decision::Return, raw, None),
        &refs(&samples),
    );
    let samples = all(&[TEXT, &refs(&long(COMMENT_MAX))]);
    agree(
        &schema_admits::<case::RatingComment>(),
        &|raw| decided(Decision::Accept, "", Some(raw)),
        &refs(&samples),
    );
}

const EMAILS: &[&str] = &[
    "a@b.co",
    " A.Smith@School.Example.ORG ",
    "a@b",
    "a@.b",
    "a@b.",
    "a@b..c",
    "@b.co",
    "a@@b.co",
    "a@b@c.co",
    "a b@c.de",
    "a@b c.de",
    "a\u{0}@b.co",
    "a@b.co\u{0}",
    "a@b.c\u{85}",
    "\ta@b.co\n",
    "a@é.fr",
    "a@b\u{200B}.co",
    "first.last+tag@example.org",
];

#[test]
fn an_email_is_the_email_check() {
    let name = "n".repeat(64);
    let longest = format!("a@{}.co", "b".repeat(249));
    let samples: Vec<String> = EMAILS
        .iter()
        .map(|s| (*s).to_owned())
        .chain([
            format!("{name}@b.co"),
            format!("{name}n@b.co"),
            longest.clone(),
            format!("{longest}m"),
        ])
        .collect();
    agree(
        &schema_admits::<values::Email>(),
        &|raw| Email::parse(raw).is_ok(),
        &refs(&samples),
    );
    let blank = [String::new(), "  ".to_owned()];
    agree(
        &schema_admits::<values::ContactEmail>(),
        &|raw| crate::handlers::admin_localities::contact_email(Some(raw)).is_ok(),
        &refs(&samples.iter().chain(&blank).cloned().collect::<Vec<_>>()),
    );
    // The name part is measured in bytes: the document admits ASCII there; and `İ`, which
    // lower-cases to two characters, is left out of domains.
    let check = |raw: &str| Email::parse(raw).is_ok();
    stricter(
        &schema_admits::<values::Email>(),
        &check,
        &["é@b.co", "a@İ.co"],
    );
}

#[test]
fn a_postcode_is_the_postcode_check() {
    agree(
        &schema_admits::<case::Postcode>(),
        &|raw| earlyhelp_workflows::people::postcode(Some(raw)).is_ok(),
        &[
            "",
            "  ",
            "OX16 5AU",
            "ox165au",
            " o x 1 6 5 a u ",
            "OX16\t5AU",
            "OX16\u{85}5AU",
            "OX16\u{3000}5AU\u{3000}",
            "GIR 0AA",
            "gir0aa",
            "GIR 1AA",
            "A1 1AA",
            "A11 1AA",
            "A1A 1AA",
            "AA1 1AA",
            "AA11 1AA",
            "AA1A 1AA",
            "O116 5AU",
            "AAA1 1AA",
            "A 1AA",
            "1X16 5AU",
            "OX16 5A",
            "OX16 5AUU",
            "OX16-5AU",
            "ÖX16 5AU",
            "OX16\u{0}5AU",
            "OX16\u{200B}5AU",
            "OX１6 5AU",
        ],
    );
}

#[test]
fn what_is_stored_is_what_responses_document() {
    let stored = schema_admits::<case::StoredPostcode>();
    for raw in ["ox165au", " GIR0aa", "a1a1aa", "AA11 1AA"] {
        let postcode = earlyhelp_workflows::people::postcode(Some(raw))
            .unwrap()
            .unwrap();
        assert!(stored(&postcode), "{postcode}");
    }
    assert!(!stored("GIR 1AA"));
    let stored = schema_admits::<case::StoredNhsNumber>();
    assert!(stored(NhsNumber::parse("943-476-5919").unwrap().as_str()));
    let stored = schema_admits::<case::StoredUpn>();
    assert!(stored(Upn::parse(" b801200005001 ").unwrap().as_str()));
}

/// `check_member`'s reading of an NHS number or UPN: blank is none, else `parse`.
fn blank_or<T, E>(parse: fn(&str) -> Result<T, E>) -> impl Fn(&str) -> bool {
    move |raw| raw.trim().is_empty() || parse(raw.trim()).is_ok()
}

#[test]
fn an_nhs_number_has_the_shape_the_check_reads() {
    let admits = schema_admits::<case::NhsNumber>();
    let check = blank_or(NhsNumber::parse);
    agree(
        &admits,
        &check,
        &[
            "",
            " ",
            "9434765919",
            "943 476 5919",
            "943-476-5919",
            " 943 476 5919 ",
            "943  476--5919",
            "-9434765919-",
            "943 476 591",
            "94347659190",
            "943.476.5919",
            "943\t476 5919",
            "943\u{0}4765919",
            "９４３４７６５９１９",
        ],
    );
    // The check digit and the placeholders are `format: nhs-number`'s.
    beyond(&admits, &check, &["9434765918", "0000000000", "1111111111"]);
}

#[test]
fn a_upn_has_the_shape_the_check_reads() {
    let admits = schema_admits::<case::Upn>();
    let check = blank_or(Upn::parse);
    agree(
        &admits,
        &check,
        &[
            "",
            "B801200005001",
            "b801200005001",
            " B801200005001\n",
            "B80120000500",
            "B8012000050011",
            "I801200005001",
            "B80120000500I",
            "B8012000050\u{0}1",
        ],
    );
    // The check letter is `format: upn`'s.
    beyond(&admits, &check, &["A801200005001"]);
}

#[test]
fn a_cursor_has_the_shape_the_server_issues_and_reads() {
    let admits = schema_admits::<values::Cursor>();
    let check = |raw: &str| Cursor::decode(raw).is_ok();
    let issued: Vec<String> = [
        "",
        "North",
        "Zoë Łukasz",
        "李小龍 😀",
        "\"quoted\"",
        "2026-01-01T00:00:00Z",
    ]
    .iter()
    .map(|key| {
        Cursor {
            key: (*key).to_owned(),
            id: Uuid::now_v7(),
        }
        .encode()
    })
    .collect();
    let mut samples = issued.clone();
    samples.extend(issued.iter().map(|cursor| format!("{cursor}=")));
    samples.extend(issued.iter().map(|cursor| format!("{cursor}*")));
    samples.extend(["".to_owned(), "not-a-cursor".to_owned(), "0".to_owned()]);
    // The shortest object the decoder takes (the id as 32 bare hex digits) is 63
    // characters of base64; 62 of them are too few.
    let shortest = URL_SAFE_NO_PAD.encode(format!(r#"{{"k":"","i":"{}"}}"#, Uuid::nil().simple()));
    assert_eq!(shortest.len(), CURSOR_MIN_LENGTH);
    samples.extend([shortest.clone(), shortest[..62].to_owned()]);
    agree(&admits, &check, &refs(&samples));
    // Unused trailing bits set (`B` is 1): the decoder refuses the text, and so does the
    // pattern.
    let changed: Vec<String> = issued
        .iter()
        .filter(|cursor| cursor.len() % 4 != 0)
        .map(|cursor| format!("{}B", &cursor[..cursor.len() - 1]))
        .collect();
    assert!(!changed.is_empty());
    agree(&admits, &check, &refs(&changed));
    assert!(changed.iter().all(|cursor| !check(cursor)));
    // A well-formed text that is no cursor of ours is `format: cursor`'s.
    beyond(&admits, &check, &[&"A".repeat(64)]);
}

#[test]
fn passwords_are_the_sign_in_and_password_checks() {
    let email = Email::parse("lead.professional@school.example.org").unwrap();
    let samples = all(&[TEXT, &refs(&long(256)), &refs(&long(11))]);
    agree(
        &schema_admits::<values::Password>(),
        &|raw| !raw.is_empty() && raw.chars().count() <= 256 && !raw.contains('\0'),
        &refs(&samples),
    );
    let check = |raw: &str| {
        !raw.contains('\0')
            && earlyhelp_domain::password::NewPassword::parse(raw.to_owned(), &email).is_ok()
    };
    let admits = schema_admits::<values::NewPassword>();
    agree(
        &admits,
        &check,
        &[
            "correct horse battery",
            "short",
            "twelve chars",
            "eleven char",
            "with a NUL \u{0} in it",
        ],
    );
    // The `not` of the schema refuses one character repeated; the address needs the user.
    beyond(
        &admits,
        &check,
        &[
            "aaaaaaaaaaaa",
            "lead.professional",
            "Lead.Professional@School.Example.org",
        ],
    );
}

#[test]
fn template_keys_and_texts_are_the_template_check() {
    use earlyhelp_domain::forms::{Field, FieldKind, Section, TemplateDefinition};
    let template = |key: &str, text: &str| TemplateDefinition {
        title: text.to_owned(),
        sections: vec![Section {
            key: key.to_owned(),
            title: "Section".to_owned(),
            description: None,
            fields: vec![Field {
                key: "field".to_owned(),
                label: "Field".to_owned(),
                kind: FieldKind::Text,
                required: false,
                options: Vec::new(),
                max_length: None,
                item_fields: Vec::new(),
                help: None,
            }],
        }],
    };
    let longest = format!("k{}", "0".repeat(63));
    let keys = [
        "a",
        "childs_views",
        "a1_b2",
        "",
        "1a",
        "_a",
        "Aa",
        "a-b",
        "a b",
        "é",
        longest.as_str(),
        &format!("{longest}0"),
    ];
    agree(
        &schema_admits::<values::TemplateKey>(),
        &|key| template(key, "Title").check().is_ok(),
        &keys,
    );
    // NUL is the body's check (`crate::json`), blankness the template's.
    agree(
        &schema_admits::<values::TemplateText>(),
        &|text| !text.contains('\0') && template("key", text).check().is_ok(),
        TEXT,
    );
}

#[test]
fn if_match_is_what_the_form_handler_reads() {
    let check = |raw: &str| {
        let request = actix_web::test::TestRequest::default()
            .insert_header(("if-match", raw))
            .to_http_request();
        crate::handlers::assessments::expected_version(&request).is_ok()
    };
    let admits = schema_admits::<case::IfMatch>();
    agree(
        &admits,
        &check,
        &[
            "*",
            "\"3\"",
            "W/\"3\"",
            "3",
            "\"3\", \"4\"",
            "\"3\",W/\"4\"",
            "",
            "abc",
            "\"3\";",
            "\"99999999999\"",
        ],
    );
    stricter(&admits, &check, &["\"-1\"", "\"+3\""]);
}

#[test]
fn sets_of_characters_subtract_and_unite() {
    let letters = Chars::of(&[('a', 'z')]);
    let vowels = Chars::of(&[('a', 'a'), ('e', 'e'), ('i', 'i'), ('o', 'o'), ('u', 'u')]);
    let consonants = letters.minus(&vowels);
    assert_eq!(consonants.union(&vowels), letters);
    assert_eq!(
        consonants.class(),
        "[\\u0062-\\u0064\\u0066-\\u0068\\u006A-\\u006E\\u0070-\\u0074\\u0076-\\u007A]"
    );
    assert_eq!(
        Chars::of(&[('\u{E0000}', '\u{E0FFF}')]).class(),
        "[\u{E0000}-\u{E0FFF}]"
    );
}
