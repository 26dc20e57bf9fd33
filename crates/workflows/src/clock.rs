//! The date the rules call "today".

use chrono::{NaiveDate, Utc};

/// The calendar date the rules use (the service runs in England; UTC differs from UK time by
/// at most an hour, which no rule here is sensitive to).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
