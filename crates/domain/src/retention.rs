//! Retention: how long early help keeps records, and when each falls due for erasure.

use chrono::{Months, NaiveDate};

/// The authority's retention rules (configuration): by default a family's records until its
/// youngest child turns 25, and a No Names Consultation for 6 years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionRules {
    /// A family's records are kept until its youngest child reaches this age.
    pub child_age_years: u32,
    /// A No Names Consultation is kept this many years after it was held.
    pub consultation_years: u32,
}

impl Default for RetentionRules {
    fn default() -> Self {
        Self {
            child_age_years: 25,
            consultation_years: 6,
        }
    }
}

impl RetentionRules {
    /// The rule a family's tombstone names.
    pub fn family_rule(&self) -> String {
        format!("youngest child aged {}", self.child_age_years)
    }

    /// The rule a consultation's tombstone names.
    pub fn consultation_rule(&self) -> String {
        format!("{} years after it was held", self.consultation_years)
    }

    /// The day a family whose youngest child was born on `youngest_born` falls due.
    pub fn family_due(&self, youngest_born: NaiveDate) -> Option<NaiveDate> {
        youngest_born.checked_add_months(Months::new(self.child_age_years * 12))
    }

    /// The day a consultation held on `held_on` falls due.
    pub fn consultation_due(&self, held_on: NaiveDate) -> Option<NaiveDate> {
        held_on.checked_add_months(Months::new(self.consultation_years * 12))
    }
}

/// What kind of record an erasure is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::Display, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ErasedRecord {
    Family,
    NoNamesConsultation,
}

impl ErasedRecord {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_falls_due_when_its_youngest_child_turns_25_and_advice_after_6_years() {
        let rules = RetentionRules::default();
        let born = NaiveDate::from_ymd_opt(2001, 2, 28).unwrap();
        assert_eq!(rules.family_due(born), NaiveDate::from_ymd_opt(2026, 2, 28));
        let held = NaiveDate::from_ymd_opt(2020, 2, 29).unwrap();
        assert_eq!(
            rules.consultation_due(held),
            NaiveDate::from_ymd_opt(2026, 2, 28)
        );
        assert_eq!(rules.family_rule(), "youngest child aged 25");
    }
}
