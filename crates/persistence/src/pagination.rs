//! Keyset pagination: lists are sorted by a unique key and page on with an opaque cursor that
//! names the last row seen, so pages stay stable while rows are added.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::sql_types::{Bool, Text, Uuid as SqlUuid};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_LIMIT: i64 = 100;
pub const DEFAULT_LIMIT: i64 = 50;

/// The sort position of the last row of a page: its sort key and its id (the tie-breaker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "k")]
    pub key: String,
    #[serde(rename = "i")]
    pub id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the cursor is not one this server issued")]
pub struct InvalidCursor;

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(raw: &str) -> Result<Self, InvalidCursor> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| InvalidCursor)?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| InvalidCursor)?;
        // A forged key with a control character (PostgreSQL refuses NUL in text) is no cursor of ours.
        if cursor.key.chars().any(char::is_control) || cursor.key.len() > 1000 {
            return Err(InvalidCursor);
        }
        Ok(cursor)
    }
}

/// The cursor of a list ordered by a time and then id: the time as RFC 3339 with microseconds.
pub fn time_cursor(at: chrono::DateTime<chrono::Utc>, id: Uuid) -> Cursor {
    Cursor {
        key: at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        id,
    }
}

impl Cursor {
    /// A time cursor's position; a key that is no time (no cursor of ours) reads from now.
    pub fn time_position(&self) -> (chrono::DateTime<chrono::Utc>, Uuid) {
        let at = chrono::DateTime::parse_from_rfc3339(&self.key)
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap_or_else(|_| chrono::Utc::now());
        (at, self.id)
    }
}

/// A `LIKE`/`ILIKE` pattern matching text that contains `text` as written: its `%`, `_` and
/// `\` match themselves.
pub fn containing(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The keyset predicate of a list ordered by a text column `key` and then `id`, ascending:
/// the rows after the cursor's, as one row comparison `(key, id) > ($1, $2)`, which an index on
/// `(key, id)` answers directly. `key` names a column of the listed table and always comes from
/// the code, never from a request.
pub fn after_text_key<T: 'static>(
    key: &'static str,
    cursor: &Cursor,
) -> Box<dyn BoxableExpression<T, Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>(&format!("({key}, id) > ("))
            .bind::<Text, _>(cursor.key.clone())
            .sql(", ")
            .bind::<SqlUuid, _>(cursor.id)
            .sql(")"),
    )
}

/// Which page to read: after `after` (or from the start), at most `limit` rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub after: Option<Cursor>,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("limit must be between 1 and {MAX_LIMIT}")]
pub struct InvalidLimit;

impl PageRequest {
    pub fn new(after: Option<Cursor>, limit: Option<i64>) -> Result<Self, InvalidLimit> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(InvalidLimit);
        }
        Ok(Self { after, limit })
    }

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch_limit(&self) -> i64 {
        self.limit + 1
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// Trims the extra row fetched by [`PageRequest::fetch_limit`] and derives the cursor from
    /// the last row kept.
    pub fn from_rows(
        mut rows: Vec<T>,
        request: &PageRequest,
        cursor_of: impl Fn(&T) -> Cursor,
    ) -> Self {
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more {
            rows.last().map(cursor_of)
        } else {
            None
        };
        Self { items: rows, next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips() {
        let cursor = Cursor {
            key: "North".into(),
            id: Uuid::now_v7(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
    }

    #[test]
    fn a_forged_cursor_is_refused() {
        assert_eq!(Cursor::decode("not-a-cursor"), Err(InvalidCursor));
    }

    #[test]
    fn a_forged_cursor_with_a_control_character_is_refused() {
        let forged = Cursor {
            key: "a\u{0}b".into(),
            id: Uuid::now_v7(),
        }
        .encode();
        assert_eq!(Cursor::decode(&forged), Err(InvalidCursor));
    }

    #[test]
    fn a_limit_outside_one_to_a_hundred_is_refused() {
        assert!(PageRequest::new(None, Some(0)).is_err());
        assert!(PageRequest::new(None, Some(101)).is_err());
        assert_eq!(
            PageRequest::new(None, None).map(|p| p.limit),
            Ok(DEFAULT_LIMIT)
        );
    }

    #[test]
    fn a_full_page_with_more_rows_names_the_next_cursor() {
        let request = PageRequest::new(None, Some(2)).unwrap();
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let page = Page::from_rows(ids.clone(), &request, |id| Cursor {
            key: String::new(),
            id: *id,
        });
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.next.map(|c| c.id), Some(ids[1]));
    }
}
