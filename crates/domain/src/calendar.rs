//! Working days, for the deadlines the service runs to ("LCSS reviews an SNF within 10 working
//! days").
//!
//! Deadlines in English children's services are counted in working days: Monday to Friday,
//! excluding bank holidays. The England and Wales bank holidays are computed by rule (so the
//! calendar needs no yearly update), with the one-off changes proclaimed since 1995 written in;
//! an authority adds its own closure days, or replaces the list, through configuration.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::BTreeSet;
use std::ops::Bound::{Excluded, Included};
use std::ops::RangeInclusive;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    /// The England and Wales bank holidays for each year in `years`.
    ///
    /// Dates outside `years` have no holidays, only weekends, so choose a range that covers
    /// every deadline the service will compute (a few years either side of today).
    pub fn england_and_wales(years: RangeInclusive<i32>) -> Self {
        let first = (*years.start()).max(NaiveDate::MIN.year());
        let last = (*years.end()).min(NaiveDate::MAX.year());
        Self::from_holidays((first..=last).flat_map(england_and_wales_bank_holidays))
    }

    /// Exactly these holidays and no others: for an authority that configures its own list.
    pub fn from_holidays(holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self {
            holidays: holidays.into_iter().collect(),
        }
    }

    /// Adds days on which the authority is closed (for example the days between Christmas and
    /// New Year), on top of the holidays already known.
    pub fn with_holidays(mut self, extra: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.holidays.extend(extra);
        self
    }

    /// Every holiday the calendar knows, in date order. Substitute days are listed on the day
    /// they are taken (27 December), not on the weekend day they replace.
    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !is_weekend(date) && !self.holidays.contains(&date)
    }

    /// The date `days` working days after `start`; `start` itself does not count, so a form
    /// submitted on a Friday with one working day to act on is due on the Monday. With
    /// `days == 0` the answer is `start`.
    pub fn add_working_days(&self, start: NaiveDate, days: u32) -> NaiveDate {
        let mut date = start;
        let mut remaining = days;
        while remaining > 0 {
            let Some(next) = date.succ_opt() else {
                return date;
            };
            date = next;
            if self.is_working_day(date) {
                remaining -= 1;
            }
        }
        date
    }

    /// The number of working days after `from` up to and including `to`: how many working days
    /// a review has taken, or how far past its due date it is. Negative when `to` is before
    /// `from`, so that `working_days_between(a, b) == -working_days_between(b, a)`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        let weekdays = weekdays_up_to(to) - weekdays_up_to(from);
        let holidays = self
            .holidays
            .range((Excluded(from), Included(to)))
            .filter(|date| !is_weekend(**date))
            .count();
        weekdays - i64::try_from(holidays).unwrap_or(i64::MAX)
    }
}

/// Reads a list of holidays such as `"2025-12-29, 2025-12-30 2025-12-31"` (commas, whitespace
/// or both between dates), as given in configuration.
pub fn parse_holiday_list(raw: &str) -> Result<Vec<NaiveDate>, String> {
    raw.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|item| !item.is_empty())
        .map(|item| {
            parse_iso_date(item)
                .ok_or_else(|| format!("'{item}' is not a date in the form YYYY-MM-DD"))
        })
        .collect()
}

/// A calendar date written exactly as YYYY-MM-DD. Stricter than chrono's `%Y-%m-%d`, which
/// also takes "2025-1-5" and signed years: a date in configuration or in a form should have
/// one spelling.
pub(crate) fn parse_iso_date(raw: &str) -> Option<NaiveDate> {
    let well_formed = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !well_formed {
        return None;
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
}

/// The bank holidays in England and Wales in one year, as they are taken (a Christmas Day that
/// falls on a Saturday appears as its substitute, Monday 27 December).
///
/// The regular pattern is the one in force since 1978; the one-off changes since 1995 are
/// written in below. A future proclamation needs a new line here or a configured extra day.
pub fn england_and_wales_bank_holidays(year: i32) -> Vec<NaiveDate> {
    bank_holidays(year).unwrap_or_default()
}

fn bank_holidays(year: i32) -> Option<Vec<NaiveDate>> {
    let ymd = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let mut days = Vec::with_capacity(10);

    days.push(on_or_next_weekday(ymd(1, 1)?)?);

    let easter = easter_sunday(year)?;
    days.push(easter.checked_sub_days(Days::new(2))?);
    days.push(easter.checked_add_days(Days::new(1))?);

    // Early May bank holiday: moved to VE Day in its 50th (1995) and 75th (2020) years.
    days.push(match year {
        1995 => ymd(5, 8)?,
        2020 => ymd(5, 8)?,
        _ => first_weekday_of(year, 5, Weekday::Mon)?,
    });

    // Spring bank holiday: moved next to the extra days of the Golden (2002), Diamond (2012)
    // and Platinum (2022) Jubilees.
    days.push(match year {
        2002 | 2012 => ymd(6, 4)?,
        2022 => ymd(6, 2)?,
        _ => last_weekday_of(year, 5, Weekday::Mon)?,
    });

    days.push(last_weekday_of(year, 8, Weekday::Mon)?);

    // One-off bank holidays.
    let extra: &[(u32, u32)] = match year {
        1999 => &[(12, 31)],        // Millennium
        2002 => &[(6, 3)],          // Golden Jubilee
        2011 => &[(4, 29)],         // Royal wedding
        2012 => &[(6, 5)],          // Diamond Jubilee
        2022 => &[(6, 3), (9, 19)], // Platinum Jubilee; state funeral of Queen Elizabeth II
        2023 => &[(5, 8)],          // Coronation of King Charles III
        _ => &[],
    };
    for (month, day) in extra {
        days.push(ymd(*month, *day)?);
    }

    // Christmas Day and Boxing Day; each that falls on a weekend is replaced by the next
    // weekday not already a holiday (Saturday 25th gives Monday 27th and Tuesday 28th; Sunday
    // 25th gives Tuesday 27th because Monday 26th is Boxing Day itself).
    let christmas = [ymd(12, 25)?, ymd(12, 26)?];
    let mut taken: Vec<NaiveDate> = christmas.into_iter().filter(|d| !is_weekend(*d)).collect();
    for day in christmas.into_iter().filter(|d| is_weekend(*d)) {
        let mut substitute = day;
        while is_weekend(substitute) || taken.contains(&substitute) {
            substitute = substitute.succ_opt()?;
        }
        taken.push(substitute);
    }
    days.extend(taken);

    days.sort();
    Some(days)
}

/// Easter Sunday in the Gregorian calendar, by the anonymous (Meeus/Jones/Butcher) algorithm.
fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn on_or_next_weekday(date: NaiveDate) -> Option<NaiveDate> {
    let mut date = date;
    while is_weekend(date) {
        date = date.succ_opt()?;
    }
    Some(date)
}

fn first_weekday_of(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, 1)
}

fn last_weekday_of(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let mut date = first_of_next.pred_opt()?;
    while date.weekday() != weekday {
        date = date.pred_opt()?;
    }
    Some(date)
}

/// How many weekdays there are from 1 January of year 1 (a Monday) up to and including
/// `date`; the difference of two of these counts the weekdays between them in constant time.
fn weekdays_up_to(date: NaiveDate) -> i64 {
    let days = i64::from(date.num_days_from_ce());
    days.div_euclid(7) * 5 + days.rem_euclid(7).min(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dates(year: i32, month_days: &[(u32, u32)]) -> Vec<NaiveDate> {
        month_days.iter().map(|(m, d)| date(year, *m, *d)).collect()
    }

    #[test]
    fn easter_sunday_matches_the_published_dates() {
        for (y, m, d) in [
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "Easter {y}");
        }
    }

    #[test]
    fn the_2024_to_2026_bank_holidays_match_the_published_lists() {
        let published = [
            (
                2024,
                vec![
                    (1, 1),
                    (3, 29),
                    (4, 1),
                    (5, 6),
                    (5, 27),
                    (8, 26),
                    (12, 25),
                    (12, 26),
                ],
            ),
            (
                2025,
                vec![
                    (1, 1),
                    (4, 18),
                    (4, 21),
                    (5, 5),
                    (5, 26),
                    (8, 25),
                    (12, 25),
                    (12, 26),
                ],
            ),
            (
                2026,
                vec![
                    (1, 1),
                    (4, 3),
                    (4, 6),
                    (5, 4),
                    (5, 25),
                    (8, 31),
                    (12, 25),
                    (12, 28),
                ],
            ),
        ];
        for (year, days) in published {
            assert_eq!(
                england_and_wales_bank_holidays(year),
                dates(year, &days),
                "{year}"
            );
        }
    }

    #[test]
    fn the_one_off_changes_of_2020_to_2023_are_written_in() {
        assert_eq!(
            england_and_wales_bank_holidays(2020),
            dates(
                2020,
                &[
                    (1, 1),
                    (4, 10),
                    (4, 13),
                    (5, 8),
                    (5, 25),
                    (8, 31),
                    (12, 25),
                    (12, 28)
                ]
            )
        );
        assert_eq!(
            england_and_wales_bank_holidays(2022),
            dates(
                2022,
                &[
                    (1, 3),
                    (4, 15),
                    (4, 18),
                    (5, 2),
                    (6, 2),
                    (6, 3),
                    (8, 29),
                    (9, 19),
                    (12, 26),
                    (12, 27)
                ]
            )
        );
        assert_eq!(
            england_and_wales_bank_holidays(2023),
            dates(
                2023,
                &[
                    (1, 2),
                    (4, 7),
                    (4, 10),
                    (5, 1),
                    (5, 8),
                    (5, 29),
                    (8, 28),
                    (12, 25),
                    (12, 26)
                ]
            )
        );
    }

    #[test]
    fn a_christmas_on_a_saturday_is_taken_on_the_monday_and_tuesday() {
        // 2021 and 2027: 25 December is a Saturday.
        for year in [2021, 2027] {
            let christmas: Vec<_> = england_and_wales_bank_holidays(year)
                .into_iter()
                .filter(|d| d.month() == 12)
                .collect();
            assert_eq!(christmas, dates(year, &[(12, 27), (12, 28)]), "{year}");
        }
    }

    #[test]
    fn a_new_years_day_at_the_weekend_is_taken_on_the_monday() {
        // 2022: Saturday, so Monday 3rd; 2023: Sunday, so Monday 2nd.
        assert_eq!(england_and_wales_bank_holidays(2022)[0], date(2022, 1, 3));
        assert_eq!(england_and_wales_bank_holidays(2023)[0], date(2023, 1, 2));
    }

    #[test]
    fn weekends_and_bank_holidays_are_not_working_days() {
        let calendar = WorkingCalendar::england_and_wales(2025..=2026);
        assert!(calendar.is_working_day(date(2025, 12, 19))); // Friday
        assert!(!calendar.is_working_day(date(2025, 12, 20))); // Saturday
        assert!(!calendar.is_working_day(date(2025, 12, 21))); // Sunday
        assert!(!calendar.is_working_day(date(2025, 12, 25)));
        assert!(!calendar.is_working_day(date(2025, 12, 26)));
        assert!(!calendar.is_working_day(date(2026, 4, 3))); // Good Friday
        assert!(!calendar.is_working_day(date(2026, 4, 6))); // Easter Monday
        assert!(calendar.is_working_day(date(2026, 4, 7)));
    }

    #[test]
    fn ten_working_days_from_the_friday_before_christmas_2025_is_7_january() {
        let calendar = WorkingCalendar::england_and_wales(2025..=2026);
        // 22, 23, 24, 29, 30, 31 December, then 2, 5, 6, 7 January: Christmas, Boxing Day and
        // New Year's Day are skipped.
        assert_eq!(
            calendar.add_working_days(date(2025, 12, 19), 10),
            date(2026, 1, 7)
        );
        assert_eq!(
            calendar.working_days_between(date(2025, 12, 19), date(2026, 1, 7)),
            10
        );
    }

    #[test]
    fn a_deadline_never_lands_on_a_weekend_or_holiday() {
        let calendar = WorkingCalendar::england_and_wales(2025..=2025);
        // Saturday + 1 is the Monday; Thursday before Easter + 1 skips to the Tuesday.
        assert_eq!(
            calendar.add_working_days(date(2025, 3, 1), 1),
            date(2025, 3, 3)
        );
        assert_eq!(
            calendar.add_working_days(date(2025, 4, 17), 1),
            date(2025, 4, 22)
        );
        assert_eq!(
            calendar.add_working_days(date(2025, 4, 19), 0),
            date(2025, 4, 19)
        );
    }

    #[test]
    fn working_days_between_counts_after_from_up_to_and_including_to() {
        let calendar = WorkingCalendar::england_and_wales(2025..=2025);
        let friday = date(2025, 6, 13);
        let monday = date(2025, 6, 16);
        assert_eq!(calendar.working_days_between(friday, friday), 0);
        assert_eq!(calendar.working_days_between(friday, monday), 1);
        assert_eq!(calendar.working_days_between(monday, friday), -1);
        assert_eq!(
            calendar.working_days_between(date(2025, 6, 14), date(2025, 6, 15)),
            0
        );
        assert_eq!(
            calendar.working_days_between(date(2024, 12, 31), date(2025, 12, 31)),
            261 - 8
        );
    }

    #[test]
    fn counting_and_adding_working_days_agree() {
        let calendar = WorkingCalendar::england_and_wales(2019..=2024);
        let mut start = date(2019, 12, 1);
        while start < date(2023, 1, 31) {
            for days in [0, 1, 5, 10, 20] {
                let due = calendar.add_working_days(start, days);
                assert_eq!(
                    calendar.working_days_between(start, due),
                    i64::from(days),
                    "{start} + {days}"
                );
                assert_eq!(calendar.working_days_between(due, start), -i64::from(days));
            }
            start = start.succ_opt().unwrap();
        }
    }

    #[test]
    fn an_authority_can_add_closure_days() {
        let closures = [date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31)];
        let calendar = WorkingCalendar::england_and_wales(2025..=2026).with_holidays(closures);
        assert!(!calendar.is_working_day(date(2025, 12, 30)));
        assert!(!calendar.is_working_day(date(2025, 12, 25)));
        assert_eq!(
            calendar.add_working_days(date(2025, 12, 19), 10),
            date(2026, 1, 12)
        );
    }

    #[test]
    fn a_configured_list_replaces_the_bank_holidays() {
        let calendar = WorkingCalendar::from_holidays([date(2025, 12, 24)]);
        assert!(!calendar.is_working_day(date(2025, 12, 24)));
        assert!(calendar.is_working_day(date(2025, 12, 25)));
        assert!(!calendar.is_working_day(date(2025, 12, 27)));
    }

    #[test]
    fn a_weekend_holiday_is_not_counted_twice() {
        let calendar = WorkingCalendar::default().with_holidays([date(2025, 6, 14)]);
        assert_eq!(
            calendar.working_days_between(date(2025, 6, 13), date(2025, 6, 16)),
            1
        );
    }

    #[test]
    fn a_holiday_list_is_read_from_commas_and_whitespace() {
        assert_eq!(
            parse_holiday_list(" 2025-12-29,2025-12-30\n 2025-12-31 , "),
            Ok(vec![
                date(2025, 12, 29),
                date(2025, 12, 30),
                date(2025, 12, 31)
            ])
        );
        assert_eq!(parse_holiday_list(""), Ok(vec![]));
    }

    #[test]
    fn a_malformed_holiday_list_names_the_bad_entry() {
        for bad in [
            "2025-13-01",
            "2025-2-01",
            "29/12/2025",
            "2025-02-30",
            "+2025-01-01",
        ] {
            let error = parse_holiday_list(&format!("2025-12-29, {bad}")).unwrap_err();
            assert!(error.contains(bad), "{error}");
        }
    }
}
