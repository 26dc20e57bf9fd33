//! Request body and query extraction with problem+json errors.
//!
//! [`ApiJson`] insists on `application/json`, caps the body at [`BODY_LIMIT`], answers a body
//! that misses its deadline ([`crate::limits`]) with 408, reports syntax errors with their line
//! and column (400) and type or unknown-field errors with the field's path (422). Request
//! structs deny unknown fields, so a misspelt field is an error, not a silently ignored value.

use crate::error::ApiError;
use crate::limits::BodyTimeout;
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::web::{Bytes, Data};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use std::io::ErrorKind;

/// 1 MiB: far above any form we accept, far below what could hurt the server.
pub const BODY_LIMIT: usize = 1024 * 1024;

pub struct ApiJson<T>(pub T);

fn is_json(req: &HttpRequest) -> bool {
    match req.mime_type() {
        Ok(Some(mime)) => {
            mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        }
        _ => false,
    }
}

/// Parses a JSON object into `T`, naming the failing field path on a type error. Every request
/// body is an object: serde would otherwise accept a struct written as an array.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if contains_nul_escape(bytes) {
        return Err(ApiError::validation(
            "body",
            "text must not contain the NUL character (\\u0000)",
        ));
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => refuse_duplicate_keys(bytes)?,
        None => {}
        Some(b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => {
            return Err(ApiError::validation("body", "must be a JSON object"));
        }
        Some(_) => {}
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        json_error(&path, &inner)
    })?;
    deserializer
        .end()
        .map_err(|error| json_error(".", &error))?;
    Ok(value)
}

/// A key written twice in one object, anywhere in the body, is refused (422 at its path):
/// JSON parsers disagree on which value wins, and serde keeps the last in silence, so a form
/// answer typed twice would be lost without a word. Syntax errors are left to the typed parse,
/// which reports their line and column.
fn refuse_duplicate_keys(bytes: &[u8]) -> Result<(), ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde::de::DeserializeSeed::deserialize(
        KeysOnce {
            path: String::new(),
        },
        &mut deserializer,
    ) {
        Err(error) if error.is_data() => {
            let message = error.to_string();
            let (path, _) = message.split_once(" at line").unwrap_or((&message, ""));
            Err(ApiError::validation(
                path,
                "this key appears more than once in its object",
            ))
        }
        _ => Ok(()),
    }
}

/// Walks a JSON value, failing with the path of the first key an object repeats.
struct KeysOnce {
    path: String,
}

impl KeysOnce {
    fn child(&self, key: &str) -> Self {
        let path = if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        };
        Self { path }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for KeysOnce {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for KeysOnce {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let child = self.child(&key);
            if !seen.insert(key) {
                return Err(serde::de::Error::custom(child.path));
            }
            map.next_value_seed(child)?;
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while seq
            .next_element_seed(KeysOnce {
                path: format!("{}[{index}]", self.path),
            })?
            .is_some()
        {
            index += 1;
        }
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// PostgreSQL cannot store NUL in text or jsonb, so no field may hold one. Finds a `\u0000`
/// escape that is not itself escaped (an odd run of backslashes before the `u`).
fn contains_nul_escape(bytes: &[u8]) -> bool {
    const ESCAPE: &[u8] = b"u0000";
    (1..bytes.len()).any(|i| {
        if !bytes[i..].starts_with(ESCAPE) {
            return false;
        }
        let backslashes = bytes[..i].iter().rev().take_while(|b| **b == b'\\').count();
        backslashes % 2 == 1
    })
}

fn json_error(path: &str, error: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => ApiError::MalformedJson {
            detail: strip_position(&error.to_string()),
            line: error.line(),
            column: error.column(),
        },
        Category::Data => {
            let field = if path == "." {
                "body".to_owned()
            } else {
                path.to_owned()
            };
            ApiError::validation(field, strip_position(&error.to_string()))
        }
    }
}

/// serde_json appends " at line L column C"; the position is reported in its own fields.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !is_json(req) {
            return Box::pin(async { Err(ApiError::UnsupportedMediaType) });
        }
        let body = Bytes::from_request(req, payload);
        let timeout = req
            .app_data::<Data<BodyTimeout>>()
            .map_or(0, |timeout| timeout.0.as_secs());
        let req = req.clone();
        Box::pin(async move {
            let bytes = body
                .await
                .map_err(|error| match error.as_error::<PayloadError>() {
                    Some(PayloadError::Overflow) => ApiError::PayloadTooLarge { limit: BODY_LIMIT },
                    Some(PayloadError::Io(cause)) if cause.kind() == ErrorKind::TimedOut => {
                        ApiError::RequestTimeout { seconds: timeout }
                    }
                    _ => match error.as_response_error().status_code().as_u16() {
                        413 => ApiError::PayloadTooLarge { limit: BODY_LIMIT },
                        _ => ApiError::BadRequest {
                            code: "unreadable_body",
                            detail: "The request body could not be read.".into(),
                        },
                    },
                })?;
            req.extensions_mut()
                .insert(crate::idempotency::BodyDigest::of(&bytes));
            parse_json(&bytes).map(ApiJson)
        })
    }
}

/// Query-string errors as problem+json: the same 422 shape as body validation.
pub fn query_error(
    error: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    let message = error.to_string();
    let detail = message
        .strip_prefix("Query deserialize error: ")
        .unwrap_or(&message)
        .to_owned();
    ApiError::validation("query", detail).into()
}

/// Path segments (ids) that do not parse are simply not found.
pub fn path_error(_error: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound("No such record.").into()
}

/// Request dates, written exactly `YYYY-MM-DD` (RFC 3339 `full-date`). chrono's own
/// deserialiser also takes `2026-1-1`, `+2026-01-01` and other spellings, so one date could be
/// sent several ways and a typo could pass as a date. Use with `deserialize_with`:
/// [`full_date::required`] for `NaiveDate`, [`full_date::optional`] (with `#[serde(default)]`)
/// for `Option<NaiveDate>`, [`full_date::nullable`] (with `#[serde(default)]`) for a PATCH's
/// `Option<Option<NaiveDate>>`. A date spelt otherwise is a 422 at the field's path.
pub mod full_date {
    use chrono::NaiveDate;
    use serde::de::{self, Deserializer, Unexpected, Visitor};
    use serde::Deserialize;
    use std::fmt;

    const EXPECTED: &str = "a date written YYYY-MM-DD";

    /// Parses `text` if it is exactly four digits, `-`, two digits, `-`, two digits, and a day
    /// of the calendar.
    pub fn parse(text: &str) -> Option<NaiveDate> {
        let bytes = text.as_bytes();
        let shaped = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| match i {
                4 | 7 => *b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !shaped {
            return None;
        }
        let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
        let year = i32::try_from(number(0..4)?).ok()?;
        NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
    }

    /// A date as it must be written; deserialising anything else fails.
    struct FullDate(NaiveDate);

    impl<'de> Deserialize<'de> for FullDate {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_str(FullDateVisitor)
        }
    }

    struct FullDateVisitor;

    impl Visitor<'_> for FullDateVisitor {
        type Value = FullDate;

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str(EXPECTED)
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<FullDate, E> {
            parse(text)
                .map(FullDate)
                .ok_or_else(|| E::invalid_value(Unexpected::Str(text), &self))
        }
    }

    /// A date query parameter (`?from=2026-11-01`): noted as the field's error unless full.
    pub fn query(
        checks: &mut earlyhelp_domain::validation::Checks,
        field: &str,
        raw: Option<&str>,
    ) -> Option<NaiveDate> {
        raw.and_then(|raw| checks.check(field, parse(raw).ok_or("must be a date (YYYY-MM-DD)")))
    }

    pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        FullDate::deserialize(deserializer).map(|date| date.0)
    }

    /// `null` is `None`; put `#[serde(default)]` beside it so an absent field is too.
    pub fn optional<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        Option::<FullDate>::deserialize(deserializer).map(|date| date.map(|date| date.0))
    }

    /// Absent (with `#[serde(default)]`) is `None`, leave alone; `null` is `Some(None)`, clear.
    pub fn nullable<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<NaiveDate>>, D::Error> {
        optional(deserializer).map(Some)
    }
}

/// Deserialises a field that may be absent (leave alone) or null (clear): `Option<Option<T>>`.
pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Login {
        email: String,
        roles: Vec<String>,
    }

    #[test]
    fn a_syntax_error_reports_its_line_and_column() {
        match parse_json::<Login>(b"{\n  \"email\": \"a\",,\n}") {
            Err(ApiError::MalformedJson { line, column, .. }) => {
                assert_eq!((line, column), (2, 16))
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_type_error_names_the_field_path() {
        match parse_json::<Login>(br#"{"email":"a","roles":["x",3]}"#) {
            Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, "roles[1]"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_unknown_field_is_refused() {
        match parse_json::<Login>(br#"{"email":"a","roles":[],"admin":true}"#) {
            Err(ApiError::Validation(errors)) => {
                assert!(errors[0].message.contains("unknown field `admin`"))
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        match parse_json::<Login>(br#" ["a", []]"#) {
            Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, "body"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_nul_character_in_any_string_is_refused_but_an_escaped_backslash_is_text() {
        assert!(matches!(
            parse_json::<Login>(br#"{"email":"a\u0000","roles":[]}"#),
            Err(ApiError::Validation(_))
        ));
        assert!(parse_json::<Login>(br#"{"email":"a\\u0000","roles":[]}"#).is_ok());
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Dated {
        #[serde(deserialize_with = "full_date::required")]
        on: chrono::NaiveDate,
        #[serde(default, deserialize_with = "full_date::optional")]
        born: Option<chrono::NaiveDate>,
        #[serde(default, deserialize_with = "full_date::nullable")]
        due: Option<Option<chrono::NaiveDate>>,
    }

    #[test]
    fn a_date_written_yyyy_mm_dd_is_read() {
        let dated = parse_json::<Dated>(br#"{"on":"2026-01-01","due":null}"#).unwrap();
        assert_eq!(
            dated.on,
            chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
        );
        assert_eq!((dated.born, dated.due), (None, Some(None)));
        let dated = parse_json::<Dated>(br#"{"on":"2024-02-29","born":"0999-12-31"}"#).unwrap();
        assert_eq!(
            dated.born.map(|d| d.to_string()).as_deref(),
            Some("0999-12-31")
        );
        assert_eq!(dated.due, None);
    }

    #[test]
    fn a_date_spelt_any_other_way_is_refused_at_its_path() {
        for spelling in [
            "2026-1-1",
            "2026-01-1",
            "20260101",
            "+2026-01-01",
            "-2026-01-01",
            " 2026-01-01",
            "2026-01-01 ",
            "2026-01-01T00:00:00Z",
            "2026/01/01",
            "2026-02-30",
            "2026-13-01",
            "２０２６-01-01",
            "",
        ] {
            for (body, field) in [
                (format!(r#"{{"on":"{spelling}"}}"#), "on"),
                (
                    format!(r#"{{"on":"2026-01-01","born":"{spelling}"}}"#),
                    "born",
                ),
                (
                    format!(r#"{{"on":"2026-01-01","due":"{spelling}"}}"#),
                    "due",
                ),
            ] {
                match parse_json::<Dated>(body.as_bytes()) {
                    Err(ApiError::Validation(errors)) => {
                        assert_eq!(errors[0].field, field, "{spelling}");
                        assert!(errors[0].message.contains("YYYY-MM-DD"), "{errors:?}");
                    }
                    other => panic!("{spelling:?} in {field}: unexpected {other:?}"),
                }
            }
        }
        assert!(matches!(
            parse_json::<Dated>(br#"{"on":20260101}"#),
            Err(ApiError::Validation(_))
        ));
    }

    #[test]
    fn trailing_content_is_malformed() {
        assert!(matches!(
            parse_json::<Login>(br#"{"email":"a","roles":[]} x"#),
            Err(ApiError::MalformedJson { .. })
        ));
    }
}
