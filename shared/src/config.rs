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
    number(name, default).map(Duration::from_secs)
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

fn url(name: &'static str) -> Result<url::Url, ConfigError> {
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
            telegram_api: telegram_api(),
            http_timeout: seconds("HTTP_TIMEOUT_SECONDS", 20)?,
        })
    }
}

/// What the oauth function reads.
#[derive(Debug, Clone)]
pub struct OauthConfig {
    pub app: GitflicAppConfig,
    /// `PUBLIC_BASE_URL`: where the API is reachable from GitFlic and browsers (webhook and
    /// callback URLs start here); unset means the domain each request arrived at.
    pub public_base_url: Option<url::Url>,
    /// `DASHBOARD_URL`: where the browser returns after connecting.
    pub dashboard_url: url::Url,
    /// `GITFLIC_SCOPES`: comma-separated (default `USER_READ,PROJECT_READ,PROJECT_WRITE`).
    pub scopes: Vec<String>,
    /// `TENANT_CLAIM`: the JWT claim naming the tenant (default `sub`).
    pub tenant_claim: String,
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

fn telegram_api() -> String {
    std::env::var("TELEGRAM_API_BASE")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "https://api.telegram.org".into())
}

impl OauthConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            app: GitflicAppConfig::from_env()?,
            public_base_url: match std::env::var("PUBLIC_BASE_URL") {
                Ok(v) if !v.trim().is_empty() => Some(url("PUBLIC_BASE_URL")?),
                _ => None,
            },
            dashboard_url: url("DASHBOARD_URL")?,
            scopes: std::env::var("GITFLIC_SCOPES")
                .unwrap_or_else(|_| "USER_READ,PROJECT_READ,PROJECT_WRITE".into())
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            tenant_claim: std::env::var("TENANT_CLAIM")
                .ok()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "sub".into()),
        })
    }
}

/// What the analyzer function reads.
#[derive(Debug, Clone)]
pub struct AnalyzerConfig {
    /// The OAuth application is needed to refresh tokens.
    pub app: GitflicAppConfig,
    /// `LOG_CAP_MB` (default 20): the most read of one job's log.
    pub log_cap: usize,
    /// `REPORT_RETENTION_DAYS` (default 90).
    pub report_retention: Duration,
    /// `BATCH_CONCURRENCY` (default 4): records of one SQS batch processed at once.
    pub concurrency: usize,
    /// `LLM_BASE_URL`, `LLM_MODEL`, `LLM_API_KEY`, `LLM_TIMEOUT_MS` (default 4000): an optional
    /// OpenAI-compatible model; unset `LLM_BASE_URL` means none.
    pub llm: Option<crate::llm::LlmSettings>,
}

/// An optional positive whole number, with its default.
fn number(name: &'static str, default: u64) -> Result<u64, ConfigError> {
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

impl AnalyzerConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            app: GitflicAppConfig::from_env()?,
            log_cap: number("LOG_CAP_MB", 20)? as usize * 1_000_000,
            report_retention: Duration::from_secs(number("REPORT_RETENTION_DAYS", 90)? * 86_400),
            concurrency: number("BATCH_CONCURRENCY", 4)? as usize,
            llm: match std::env::var("LLM_BASE_URL") {
                Ok(base) if !base.trim().is_empty() => Some(crate::llm::LlmSettings {
                    base_url: url("LLM_BASE_URL").map(|_| base.trim().to_owned())?,
                    api_key: std::env::var("LLM_API_KEY").ok().filter(|k| !k.is_empty()),
                    model: std::env::var("LLM_MODEL").unwrap_or_else(|_| "gpt-4o-mini".into()),
                    timeout: Duration::from_millis(number("LLM_TIMEOUT_MS", 4000)?),
                }),
                _ => None,
            },
        })
    }
}
