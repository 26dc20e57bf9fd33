//! Ofsted's Annex A, List 2 (early help): the columns, in order, and the census code forms the
//! inspection template uses. This follows the 2023 Annex A template (ILACS), whose List 2
//! letters the DfE ethnicity codes `a) WBRI` to `s) REFU` and then `t) NOBT` for information
//! not obtained (also used when no ethnicity is recorded), and letters gender `a) Male`,
//! `b) Female`, `c) Not stated/recorded` (unknown, and every unborn child), `d) Neither`.

use crate::person::{Ethnicity, Sex};
use chrono::{Datelike, NaiveDate};

/// The columns of List 2, exactly and in this order.
pub const COLUMNS: [&str; 8] = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Assessment start date",
    "Assessment completion date",
    "Organisation completing assessment",
];

/// How far back from the inspection date an assessment's start brings it into the list.
pub const MONTHS_BEFORE: u32 = 6;

/// The lettered gender. Sex `U` (unknown, and every unborn child) is not stated or recorded;
/// `d) Neither` is in the template, and no census sex code maps to it.
pub fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::M => "a) Male",
        Sex::F => "b) Female",
        Sex::U => "c) Not stated/recorded",
    }
}

/// The lettered ethnicity: the census codes in census order, `a) WBRI` to `s) REFU`, then
/// `t) NOBT`; no ethnicity recorded is exported as not obtained.
pub fn ethnicity(code: Option<Ethnicity>) -> String {
    let code = code.unwrap_or(Ethnicity::Nobt);
    let position = Ethnicity::ALL
        .iter()
        .position(|known| *known == code)
        .unwrap_or(Ethnicity::ALL.len() - 1);
    let letter = char::from(b'a' + u8::try_from(position).unwrap_or(19));
    format!("{letter}) {}", code.as_str())
}

/// A date as the template writes it: dd/mm/yyyy.
pub fn date(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// Whole years from `born` to `on` (0 before a first birthday).
pub fn age_in_years(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years.max(0)
}

/// The first day an assessment may have started to be listed for an inspection on `day`.
pub fn window_start(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(chrono::Months::new(MONTHS_BEFORE))
        .unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genders_and_ethnicities_take_the_templates_lettered_forms() {
        assert_eq!(gender(Sex::M), "a) Male");
        assert_eq!(gender(Sex::F), "b) Female");
        assert_eq!(gender(Sex::U), "c) Not stated/recorded");
        assert_eq!(ethnicity(Some(Ethnicity::Wbri)), "a) WBRI");
        assert_eq!(ethnicity(Some(Ethnicity::Mwbc)), "f) MWBC");
        assert_eq!(ethnicity(Some(Ethnicity::Refu)), "s) REFU");
        assert_eq!(ethnicity(Some(Ethnicity::Nobt)), "t) NOBT");
        assert_eq!(ethnicity(None), "t) NOBT");
        assert_eq!(Ethnicity::ALL.len(), 20);
    }

    #[test]
    fn dates_ages_and_the_six_month_window() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(date(day(2026, 3, 7)), "07/03/2026");
        assert_eq!(age_in_years(day(2016, 5, 17), day(2026, 5, 16)), 9);
        assert_eq!(age_in_years(day(2016, 5, 17), day(2026, 5, 17)), 10);
        assert_eq!(age_in_years(day(2026, 5, 17), day(2026, 1, 1)), 0);
        assert_eq!(window_start(day(2026, 12, 2)), day(2026, 6, 2));
        assert_eq!(window_start(day(2026, 8, 31)), day(2026, 2, 28));
    }
}
