//! Configuration from environment variables, read and validated once at start-up.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set (see README.md, \"Configuration\")")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// A required, non-empty variable.
pub fn required(name: &'static str) -> Result<String, ConfigError> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value.trim().to_owned()),
        _ => Err(ConfigError::Missing(name)),
    }
}

/// An optional whole number of seconds, with its default.
pub fn seconds(name: &'static str, default: u64) -> Result<Duration, ConfigError> {
    match std::env::var(name) {
        Err(_) => Ok(Duration::from_secs(default)),
        Ok(value) => value
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
            .ok_or_else(|| ConfigError::Invalid {
                name,
                reason: format!("expected a positive whole number of seconds, got {value:?}"),
            }),
    }
}

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

/// The AWS SDK configuration from the environment (credentials, region, and `AWS_ENDPOINT_URL`,
/// which points every client at the local emulator in development).
pub async fn aws() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}
