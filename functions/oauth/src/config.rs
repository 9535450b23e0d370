//! What this function reads from its environment, once, at start-up (see README.md,
//! "Configuration").

use exlogare_shared::config::{ConfigError, GitflicAppConfig, optional, optional_url};

/// What the oauth function reads.
#[derive(Debug, Clone)]
pub struct OauthConfig {
    pub app: GitflicAppConfig,
    /// `PUBLIC_BASE_URL`: where the API is reachable from GitFlic and browsers (webhook and
    /// callback URLs start here); unset means the domain each request arrived at.
    pub public_base_url: Option<url::Url>,
    /// `DASHBOARD_URL`: the console's address, where the browser returns after connecting;
    /// unset means the console this function serves (`{public base}/console`).
    pub dashboard_url: Option<url::Url>,
    /// How the console signs in (`CONSOLE_*`).
    pub console: ConsoleAuth,
    /// `GITFLIC_SCOPES`: comma-separated (default `USER_READ,PROJECT_READ,PROJECT_WRITE`).
    pub scopes: Vec<String>,
    /// `TENANT_CLAIM`: the JWT claim naming the tenant (default `sub`).
    pub tenant_claim: String,
}

/// The console's sign-in at the identity provider: the authorization code with PKCE, as a
/// public client. Without a client id and both endpoints the console cannot sign in (and says so).
#[derive(Debug, Clone, Default)]
pub struct ConsoleAuth {
    /// `CONSOLE_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `CONSOLE_AUTHORIZE_URL`, `CONSOLE_TOKEN_URL`, `CONSOLE_LOGOUT_URL` (https).
    pub authorize_url: Option<url::Url>,
    pub token_url: Option<url::Url>,
    pub logout_url: Option<url::Url>,
}

impl OauthConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            app: GitflicAppConfig::from_env()?,
            public_base_url: optional_url("PUBLIC_BASE_URL")?,
            dashboard_url: optional_url("DASHBOARD_URL")?,
            console: ConsoleAuth {
                client_id: optional("CONSOLE_CLIENT_ID"),
                authorize_url: optional_url("CONSOLE_AUTHORIZE_URL")?,
                token_url: optional_url("CONSOLE_TOKEN_URL")?,
                logout_url: optional_url("CONSOLE_LOGOUT_URL")?,
            },
            scopes: optional("GITFLIC_SCOPES")
                .unwrap_or_else(|| "USER_READ,PROJECT_READ,PROJECT_WRITE".into())
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            tenant_claim: optional("TENANT_CLAIM").unwrap_or_else(|| "sub".into()),
        })
    }
}
