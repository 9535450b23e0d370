//! An invocation's time.

use std::time::{Duration, Instant, SystemTime};

/// The invocation's deadline as an `Instant`, a little early to leave time for the answer.
pub fn deadline_of(lambda_deadline: SystemTime) -> Instant {
    let left = lambda_deadline
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    Instant::now() + left.saturating_sub(Duration::from_secs(2))
}
