//! Reports as tables: named, typed columns and rows of cells, rendered as JSON or CSV the same
//! way for every report, with small-number suppression for publication and spreadsheet formula
//! injection neutralised. The figures come from SQL aggregates; this module only shapes them.

use chrono::{Datelike, NaiveDate};
use serde_json::{Map, Value};

/// How the caseload report groups.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[strum(serialize_all = "snake_case")]
pub enum CaseloadBy {
    /// Each lead professional's open episodes, one row each (identifiable).
    LeadProfessional,
    Organisation,
    OrganisationKind,
    Locality,
    County,
    /// The LCSS review queues: per locality (unassigned) and per reviewer.
    Reviewer,
}

impl CaseloadBy {
    pub const ALL: [CaseloadBy; 6] = [
        CaseloadBy::LeadProfessional,
        CaseloadBy::Organisation,
        CaseloadBy::OrganisationKind,
        CaseloadBy::Locality,
        CaseloadBy::County,
        CaseloadBy::Reviewer,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The first day of the financial year (April to March) `date` falls in.
pub fn financial_year_start(date: NaiveDate) -> NaiveDate {
    let year = if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    };
    NaiveDate::from_ymd_opt(year, 4, 1).unwrap_or(date)
}

/// What a column holds, which decides how its cells render and whether suppression applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A label or identifier.
    Text,
    /// A count of people or records: suppressed from 1 to 4 when published.
    Count,
    /// A part of a whole, as a fraction from 0 to 1: withheld when published if either count
    /// would be suppressed.
    Share,
    /// A measure that is not a count (days, a level, a median): never suppressed.
    Measure,
    Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The JSON key and CSV header.
    pub key: String,
    pub kind: ColumnKind,
}

impl Column {
    pub fn new(key: impl Into<String>, kind: ColumnKind) -> Self {
        Self {
            key: key.into(),
            kind,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(i64),
    Share {
        part: i64,
        whole: i64,
    },
    Measure(f64),
    Date(NaiveDate),
    /// No value (a date that has not happened, a median of nothing).
    Empty,
    /// A count from 1 to 4 in a published report.
    Suppressed,
    /// A share derived from a suppressed count in a published report.
    Withheld,
}

/// The smallest count published as it is; 1 to 4 show as `<5`.
pub const SUPPRESS_BELOW: i64 = 5;

/// What a suppressed count shows.
pub const SUPPRESSED: &str = "<5";

fn small(count: i64) -> bool {
    (1..SUPPRESS_BELOW).contains(&count)
}

impl Cell {
    pub fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    pub fn optional_text(value: Option<impl Into<String>>) -> Self {
        value.map_or(Cell::Empty, |value| Cell::Text(value.into()))
    }

    pub fn optional_date(value: Option<NaiveDate>) -> Self {
        value.map_or(Cell::Empty, Cell::Date)
    }

    /// The cell as published: small counts suppressed, shares of them withheld.
    fn published(self) -> Self {
        match self {
            Cell::Count(count) if small(count) => Cell::Suppressed,
            Cell::Share { part, whole } if small(part) || small(whole) => Cell::Withheld,
            other => other,
        }
    }

    fn share(part: i64, whole: i64) -> Option<f64> {
        // Four decimal places: enough for a percentage to one place.
        (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
    }

    fn to_json(&self) -> Value {
        match self {
            Cell::Text(text) => Value::String(text.clone()),
            Cell::Count(count) => Value::from(*count),
            Cell::Share { part, whole } => {
                Cell::share(*part, *whole).map_or(Value::Null, Value::from)
            }
            Cell::Measure(value) => Value::from(*value),
            Cell::Date(date) => Value::String(date.to_string()),
            Cell::Suppressed => Value::String(SUPPRESSED.to_owned()),
            Cell::Empty | Cell::Withheld => Value::Null,
        }
    }

    fn to_csv(&self) -> String {
        match self {
            Cell::Text(text) => csv_text(text),
            Cell::Count(count) => count.to_string(),
            Cell::Share { part, whole } => {
                Cell::share(*part, *whole).map_or_else(String::new, |share| share.to_string())
            }
            Cell::Measure(value) => value.to_string(),
            Cell::Date(date) => date.to_string(),
            Cell::Suppressed => SUPPRESSED.to_owned(),
            Cell::Empty | Cell::Withheld => String::new(),
        }
    }
}

/// A text cell as RFC 4180 has it, made safe to open in a spreadsheet: one that a spreadsheet
/// would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is
/// prefixed with `'`; one with a comma, quote or line break is quoted, quotes doubled.
pub fn csv_text(text: &str) -> String {
    let mut value = String::with_capacity(text.len() + 3);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        value.push('\'');
    }
    value.push_str(text);
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A report: its columns and rows, and whether it was prepared for publication.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub published: bool,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Self {
        Self {
            columns,
            rows: Vec::new(),
            published: false,
        }
    }

    /// Adds a row; it must have a cell per column.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "a cell per column");
        self.rows.push(row);
    }

    /// The table as published: every count from 1 to 4 shown as `<5`, and every share of such
    /// a count withheld.
    pub fn publish(mut self) -> Self {
        self.rows = self
            .rows
            .into_iter()
            .map(|row| row.into_iter().map(Cell::published).collect())
            .collect();
        self.published = true;
        self
    }

    /// The rows as JSON objects keyed by column.
    pub fn json_rows(&self) -> Vec<Value> {
        self.rows
            .iter()
            .map(|row| {
                let mut object = Map::new();
                for (column, cell) in self.columns.iter().zip(row) {
                    object.insert(column.key.clone(), cell.to_json());
                }
                Value::Object(object)
            })
            .collect()
    }

    /// RFC 4180: a header row of the column keys, CRLF line ends, ISO dates.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<String> = self.columns.iter().map(|c| csv_text(&c.key)).collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(Cell::to_csv).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut table = Table::new(vec![
            Column::new("organisation", ColumnKind::Text),
            Column::new("open", ColumnKind::Count),
            Column::new("share_level_3", ColumnKind::Share),
            Column::new("median_days", ColumnKind::Measure),
        ]);
        table.push(vec![
            Cell::text("=HYPERLINK(\"x\")"),
            Cell::Count(3),
            Cell::Share { part: 1, whole: 3 },
            Cell::Measure(12.5),
        ]);
        table.push(vec![
            Cell::text("Banbury, North"),
            Cell::Count(12),
            Cell::Share { part: 6, whole: 12 },
            Cell::Empty,
        ]);
        table.push(vec![
            Cell::text("-1 school"),
            Cell::Count(0),
            Cell::Share { part: 0, whole: 0 },
            Cell::Measure(0.0),
        ]);
        table
    }

    #[test]
    fn a_financial_year_starts_on_the_first_of_april() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(financial_year_start(day(2026, 12, 2)), day(2026, 4, 1));
        assert_eq!(financial_year_start(day(2027, 3, 31)), day(2026, 4, 1));
        assert_eq!(financial_year_start(day(2026, 4, 1)), day(2026, 4, 1));
        for by in CaseloadBy::ALL {
            assert_eq!(by.as_str().parse::<CaseloadBy>(), Ok(by));
        }
    }

    #[test]
    fn csv_has_a_header_crlf_lines_and_no_formula_a_spreadsheet_would_run() {
        assert_eq!(
            table().to_csv(),
            "organisation,open,share_level_3,median_days\r\n\
             \"'=HYPERLINK(\"\"x\"\")\",3,0.3333,12.5\r\n\
             \"Banbury, North\",12,0.5,\r\n\
             '-1 school,0,,0\r\n"
        );
        for dangerous in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                csv_text(dangerous)
                    .trim_start_matches('"')
                    .starts_with('\''),
                "{dangerous:?}"
            );
        }
        assert_eq!(csv_text("plain"), "plain");
    }

    #[test]
    fn publishing_suppresses_counts_of_one_to_four_and_withholds_their_shares() {
        let published = table().publish();
        assert!(published.published);
        assert_eq!(published.rows[0][1], Cell::Suppressed);
        assert_eq!(published.rows[0][2], Cell::Withheld);
        assert_eq!(published.rows[1][1], Cell::Count(12));
        assert_eq!(published.rows[1][2], Cell::Share { part: 6, whole: 12 });
        // Zero is not a small number: nobody can be identified from it.
        assert_eq!(published.rows[2][1], Cell::Count(0));
        let csv = published.to_csv();
        assert!(csv.contains(",<5,,12.5\r\n"), "{csv}");
        let json = published.json_rows();
        assert_eq!(json[0]["open"], "<5");
        assert_eq!(json[0]["share_level_3"], Value::Null);
        assert_eq!(json[1]["share_level_3"], 0.5);
    }
}
