//! What processing one queued message came to, and how a failure maps to SQS's verdict: a
//! poison message goes to the dead-letter queue after its retries, anything else is retried.

use exlogare_shared::connections::ConnectError;
use exlogare_shared::gitflic::api::ApiError;
use exlogare_shared::notify::RoomOutcome;
use exlogare_shared::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The message can never succeed (malformed, unknown version, connection gone): it goes to
    /// the dead-letter queue after its retries, with this reason logged.
    #[error("unprocessable message: {0}")]
    Poison(String),
    /// Worth another try later.
    #[error("retry later: {0}")]
    Retry(String),
}

impl From<StoreError> for ProcessError {
    fn from(e: StoreError) -> Self {
        ProcessError::Retry(e.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Processed {
    Reported {
        delivered: Vec<String>,
        rejected: Vec<String>,
    },
    /// A success that closed its branch's open failure, noticed in these rooms.
    Fixed {
        delivered: Vec<String>,
        rejected: Vec<String>,
    },
    /// A success with no failure of its branch to answer.
    NothingToFix,
    AlreadyDone,
}

/// Work that went through: what it came to, and what its record keeps until it expires (the
/// stored report).
pub(crate) struct Done {
    pub processed: Processed,
    pub payload: Option<String>,
}

/// The rooms reached and the rooms that refused, by slot.
pub(crate) fn split_outcomes(outcomes: Vec<RoomOutcome>) -> (Vec<String>, Vec<String>) {
    let (mut reached, mut refused) = (Vec::new(), Vec::new());
    for outcome in outcomes {
        match outcome {
            RoomOutcome::Reached(slot, _) => reached.push(slot.to_string()),
            RoomOutcome::Refused(slot) => refused.push(slot.to_string()),
        }
    }
    (reached, refused)
}

pub(crate) fn gitflic_error(e: ConnectError) -> ProcessError {
    match e {
        ConnectError::NeedsReconnect => {
            ProcessError::Poison("the GitFlic connection needs reconnecting".into())
        }
        ConnectError::Gitflic(ApiError::NotFound) => {
            ProcessError::Poison("the pipeline is not on GitFlic".into())
        }
        ConnectError::Gitflic(ApiError::Forbidden) => {
            ProcessError::Poison("GitFlic denied access to the pipeline".into())
        }
        other => ProcessError::Retry(other.to_string()),
    }
}
