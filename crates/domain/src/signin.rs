//! Rules for signing in that do not depend on storage: when repeated failures lock an account.

use chrono::Duration;

/// Consecutive failures that lock an account.
pub const LOCKOUT_THRESHOLD: i32 = 5;
const FIRST_LOCK_SECONDS: i64 = 60;
const LONGEST_LOCK_SECONDS: i64 = 24 * 60 * 60;

/// How long an account is locked after `consecutive_failures` failed sign-ins in a row: not at
/// all below the threshold, then one minute, doubling with each further failure up to a day.
pub fn lock_duration(consecutive_failures: i32) -> Option<Duration> {
    if consecutive_failures < LOCKOUT_THRESHOLD {
        return None;
    }
    let doublings = u32::try_from(consecutive_failures - LOCKOUT_THRESHOLD)
        .unwrap_or(u32::MAX)
        .min(20);
    let seconds = FIRST_LOCK_SECONDS
        .saturating_mul(1_i64 << doublings)
        .min(LONGEST_LOCK_SECONDS);
    Some(Duration::seconds(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_failures_do_not_lock_an_account() {
        assert_eq!(lock_duration(4), None);
    }

    #[test]
    fn the_fifth_failure_locks_for_a_minute() {
        assert_eq!(lock_duration(5), Some(Duration::minutes(1)));
    }

    #[test]
    fn each_further_failure_doubles_the_lock_up_to_a_day() {
        assert_eq!(lock_duration(6), Some(Duration::minutes(2)));
        assert_eq!(lock_duration(7), Some(Duration::minutes(4)));
        assert_eq!(lock_duration(40), Some(Duration::days(1)));
        assert_eq!(lock_duration(i32::MAX), Some(Duration::days(1)));
    }
}
