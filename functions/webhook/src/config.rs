//! What this function reads from its environment, once, at start-up (see README.md,
//! "Configuration").

use exlogare_shared::config::{ConfigError, required, seconds};
use std::time::Duration;

/// What the webhook function reads.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// `TABLE_NAME`: the DynamoDB table.
    pub table_name: String,
    /// `QUEUE_URL`: the SQS queue of pipeline failures.
    pub queue_url: String,
    /// `DEDUPE_TTL_SECONDS`: how long a delivery is remembered (default three days).
    pub dedupe_ttl: Duration,
}

impl WebhookConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            queue_url: required("QUEUE_URL")?,
            dedupe_ttl: seconds("DEDUPE_TTL_SECONDS", 3 * 24 * 3600)?,
        })
    }
}
