//! A syntactically plausible, normalised email address.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEmail {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most 254 characters")]
    TooLong,
    #[error("must look like name@example.org")]
    Malformed,
}

impl Email {
    /// Trims and lower-cases the address: mailboxes are matched case-insensitively for sign-in,
    /// so `Alex@School.org` and `alex@school.org` are one account.
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(InvalidEmail::Empty);
        }
        if email.chars().count() > 254 {
            return Err(InvalidEmail::TooLong);
        }
        let (local, domain) = email.split_once('@').ok_or(InvalidEmail::Malformed)?;
        let plausible = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if !plausible {
            return Err(InvalidEmail::Malformed);
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Alex.Smith@School.Example.ORG ").unwrap();
        assert_eq!(email.as_str(), "alex.smith@school.example.org");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for raw in [
            "",
            "no-at-sign",
            "@example.org",
            "a@b",
            "a@.org",
            "a@example.",
            "a b@x.org",
            "a@b@c.org",
            "a@x..org",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw} should be refused");
        }
    }

    #[test]
    fn an_overlong_email_is_refused() {
        let raw = format!("{}@example.org", "a".repeat(250));
        assert_eq!(Email::parse(&raw), Err(InvalidEmail::TooLong));
    }
}
