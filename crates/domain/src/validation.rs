//! Field errors: what is wrong with which part of a request, collected before answering.
//!
//! The HTTP layer renders [`Invalid`] as a 422 with every field path; the workflows return it
//! when a rule that needs stored data (a child who must belong to the family, an organisation
//! that must exist) finds a field wanting.

use std::fmt;

/// One invalid field: its JSON path (`roles[1]`, `members[0].sex`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl fmt::Display) -> Self {
        Self {
            field: field.into(),
            message: message.to_string(),
        }
    }
}

/// Every field error of one request. Shown (on the command line, say) as each field with
/// what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("some fields are invalid: {}", list(.0))]
pub struct Invalid(pub Vec<FieldError>);

fn list(errors: &[FieldError]) -> String {
    let each: Vec<String> = errors
        .iter()
        .map(|error| format!("{} {}", error.field, error.message))
        .collect();
    each.join("; ")
}

impl Invalid {
    /// One field's error.
    pub fn field(field: impl Into<String>, message: impl fmt::Display) -> Self {
        Self(vec![FieldError::new(field, message)])
    }
}

/// Collects every field error of a request before answering, so a client learns all of them
/// in one answer rather than one per attempt.
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    /// Keeps the value, or notes the field's error and returns `None`.
    pub fn check<T, E: fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(FieldError::new(field, error));
                None
            }
        }
    }

    pub fn fail(&mut self, field: &str, message: impl fmt::Display) {
        self.errors.push(FieldError::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Every error noted, or the values when there were none. `values` returns `None` only
    /// when an error was noted; if it does so without one, the request is refused as a whole
    /// rather than half-read.
    pub fn finish<T>(self, values: impl FnOnce() -> Option<T>) -> Result<T, Invalid> {
        if !self.errors.is_empty() {
            return Err(Invalid(self.errors));
        }
        values().ok_or_else(|| Invalid::field("request", "is incomplete"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failed_field_is_reported_at_once() {
        let mut checks = Checks::default();
        let a = checks.check("a", Err::<u8, _>("is wrong"));
        checks.fail("b", "is missing");
        let outcome = checks.finish(|| a);
        assert_eq!(
            outcome,
            Err(Invalid(vec![
                FieldError::new("a", "is wrong"),
                FieldError::new("b", "is missing")
            ]))
        );
    }

    #[test]
    fn checked_values_come_back_when_nothing_failed() {
        let mut checks = Checks::default();
        let a = checks.check("a", Ok::<u8, String>(7));
        assert_eq!(checks.finish(|| a), Ok(7));
    }
}
