//! What this function reads from its environment, once, at start-up (see README.md,
//! "Configuration").

use exlogare_shared::config::{ConfigError, GitflicAppConfig, url};

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
