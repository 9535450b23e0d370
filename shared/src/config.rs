//! Configuration from environment variables, read and validated once at start-up: the readers
//! every function uses, and what the oauth and analyzer functions both read. Each function's
//! own configuration lives in its crate.

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

/// An optional variable: unset, empty or blank is `None`, else its trimmed value.
pub fn optional(name: &'static str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// An optional URL: unset or empty is `None`.
pub fn optional_url(name: &'static str) -> Result<Option<url::Url>, ConfigError> {
    optional(name).map(|_| url(name)).transpose()
}

/// An optional whole number of seconds, with its default.
pub fn seconds(name: &'static str, default: u64) -> Result<Duration, ConfigError> {
    number(name, default).map(Duration::from_secs)
}

/// The AWS SDK configuration from the environment (credentials, region, and `AWS_ENDPOINT_URL`,
/// which points every client at the local emulator in development).
pub async fn aws() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// An optional boolean flag (`true`/`1`/`yes`), false when unset.
pub fn flag(name: &'static str) -> Result<bool, ConfigError> {
    match std::env::var(name) {
        Err(_) => Ok(false),
        Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
            "" | "false" | "0" | "no" => Ok(false),
            "true" | "1" | "yes" => Ok(true),
            _ => Err(ConfigError::Invalid {
                name,
                reason: format!("expected true or false, got {v:?}"),
            }),
        },
    }
}

pub fn url(name: &'static str) -> Result<url::Url, ConfigError> {
    let value = required(name)?;
    url::Url::parse(&value).map_err(|e| ConfigError::Invalid {
        name,
        reason: format!("not a URL: {e}"),
    })
}

/// What the oauth and analyzer functions both read: the table and key, the OAuth application
/// at GitFlic, how GitFlic may be reached, and the chat settings.
#[derive(Debug, Clone)]
pub struct GitflicAppConfig {
    /// `TABLE_NAME`.
    pub table_name: String,
    /// `KMS_KEY_ID`: key id, ARN or alias.
    pub kms_key_id: String,
    /// `GITFLIC_CLIENT_ID`, `GITFLIC_CLIENT_SECRET`: the OAuth application at GitFlic.
    pub client_id: oauth2::ClientId,
    pub client_secret: oauth2::ClientSecret,
    /// `GITFLIC_ALLOW_PRIVATE_NETWORK`: allow self-hosted GitFlic on private addresses and http.
    pub allow_private: bool,
    /// `REPORT_LANGUAGE`: `ru` (default) or `en`, for the chat text around the excerpt.
    pub language: crate::report::Language,
    /// `TELEGRAM_API_BASE` (default `https://api.telegram.org`).
    pub telegram_api: String,
    /// `HTTP_TIMEOUT_SECONDS` (default 20): the longest one outbound request (GitFlic, a room,
    /// a download) may take.
    pub http_timeout: Duration,
}

impl GitflicAppConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            kms_key_id: required("KMS_KEY_ID")?,
            client_id: oauth2::ClientId::new(required("GITFLIC_CLIENT_ID")?),
            client_secret: oauth2::ClientSecret::new(required("GITFLIC_CLIENT_SECRET")?),
            allow_private: flag("GITFLIC_ALLOW_PRIVATE_NETWORK")?,
            language: language()?,
            telegram_api: optional("TELEGRAM_API_BASE")
                .unwrap_or_else(|| "https://api.telegram.org".into()),
            http_timeout: seconds("HTTP_TIMEOUT_SECONDS", 20)?,
        })
    }
}

fn language() -> Result<crate::report::Language, ConfigError> {
    match std::env::var("REPORT_LANGUAGE") {
        Err(_) => Ok(crate::report::Language::Ru),
        Ok(v) => crate::report::Language::parse(&v).ok_or_else(|| ConfigError::Invalid {
            name: "REPORT_LANGUAGE",
            reason: format!("expected ru or en, got {v:?}"),
        }),
    }
}

/// An optional positive whole number, with its default.
pub fn number(name: &'static str, default: u64) -> Result<u64, ConfigError> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| ConfigError::Invalid {
                name,
                reason: format!("expected a positive whole number, got {v:?}"),
            }),
    }
}
