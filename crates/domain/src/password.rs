//! The password policy. Hashing lives in the HTTP crate (it needs the blocking pool); this
//! module only decides whether a candidate password is acceptable.

use crate::Email;

/// Long enough for a passphrase, short enough that hashing cannot be used to exhaust the CPU.
pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 256;

/// A password that satisfies the policy. Deliberately has no `Debug` or `Display` of its content.
pub struct NewPassword(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("must be at least {MIN_LENGTH} characters")]
    TooShort,
    #[error("must be at most {MAX_LENGTH} characters")]
    TooLong,
    #[error("must not be the email address or its name part")]
    SameAsEmail,
    #[error("must not be a single character repeated")]
    Repetitive,
}

impl NewPassword {
    pub fn parse(raw: String, email: &Email) -> Result<Self, WeakPassword> {
        let length = raw.chars().count();
        if length < MIN_LENGTH {
            return Err(WeakPassword::TooShort);
        }
        if length > MAX_LENGTH {
            return Err(WeakPassword::TooLong);
        }
        let lowered = raw.trim().to_lowercase();
        if lowered == email.as_str() || lowered == email.local_part() {
            return Err(WeakPassword::SameAsEmail);
        }
        let mut chars = raw.chars();
        if let Some(first) = chars.next() {
            if chars.all(|c| c == first) {
                return Err(WeakPassword::Repetitive);
            }
        }
        Ok(Self(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email::parse("lead.professional@school.example.org").unwrap()
    }

    #[test]
    fn a_long_passphrase_is_accepted() {
        assert!(NewPassword::parse("correct horse battery".into(), &email()).is_ok());
    }

    #[test]
    fn eleven_characters_are_too_few() {
        assert_eq!(
            NewPassword::parse("abcdefghijk".into(), &email()).err(),
            Some(WeakPassword::TooShort)
        );
    }

    #[test]
    fn the_email_address_is_not_a_password() {
        assert_eq!(
            NewPassword::parse("Lead.Professional@school.example.org".into(), &email()).err(),
            Some(WeakPassword::SameAsEmail)
        );
        assert_eq!(
            NewPassword::parse("lead.professional".into(), &email()).err(),
            Some(WeakPassword::SameAsEmail)
        );
    }

    #[test]
    fn a_repeated_character_is_not_a_password() {
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaaaaaa".into(), &email()).err(),
            Some(WeakPassword::Repetitive)
        );
    }

    #[test]
    fn an_enormous_password_is_refused_before_hashing() {
        assert_eq!(
            NewPassword::parse("x".repeat(257) + "y", &email()).err(),
            Some(WeakPassword::TooLong)
        );
    }
}
