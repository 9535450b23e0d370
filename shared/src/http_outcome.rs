//! What an HTTP answer means for whoever sent the request, one policy for every service we call
//! (GitFlic's REST API and OAuth server, Slack, Telegram, Matrix): 2xx is done, 429 and 5xx are
//! worth another try (after the service's `Retry-After` when it gives one), anything else is a
//! refusal that another try will not change. A caller may read a body first where a service
//! says more than its status (GitFlic's 403s, Telegram's `error_code`).

use std::time::{Duration, SystemTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Throttled or failing for now: send again later.
    Transient,
    /// Refused for good: the same request will be refused again.
    Refused,
}

pub fn classify(status: u16) -> Outcome {
    match status {
        200..=299 => Outcome::Done,
        429 | 500..=599 => Outcome::Transient,
        _ => Outcome::Refused,
    }
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
/// A date in the past means now; an unreadable value means the service said nothing.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    #[test]
    fn statuses_sort_into_done_transient_and_refused() {
        assert_eq!(classify(200), Outcome::Done);
        assert_eq!(classify(204), Outcome::Done);
        assert_eq!(classify(429), Outcome::Transient);
        assert_eq!(classify(503), Outcome::Transient);
        for refused in [301, 400, 401, 403, 404, 410, 422] {
            assert_eq!(classify(refused), Outcome::Refused, "{refused}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
            retry_after(&h)
        };
        assert_eq!(with("7"), Some(Duration::from_secs(7)));
        assert_eq!(with(" 12 "), Some(Duration::from_secs(12)));
        assert_eq!(with("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let wait = with(&soon).unwrap();
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        assert_eq!(with("soon"), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
