//! What this function reads from its environment, once, at start-up (see README.md,
//! "Configuration").

use exlogare_shared::config::{ConfigError, GitflicAppConfig, number, required, seconds, url};
use std::time::Duration;

/// GitFlic's limit of API requests per user and hour (DOC).
pub const GITFLIC_REQUESTS_PER_HOUR: u32 = 500;

/// What the reconciler reads.
#[derive(Debug, Clone)]
pub struct ReconcilerConfig {
    pub app: GitflicAppConfig,
    /// `QUEUE_URL`: the queue the webhook feeds.
    pub queue_url: String,
    /// `PUBLIC_BASE_URL`: the API's public URL, for hooks registered again.
    pub public_base_url: url::Url,
    pub settings: ReconcileSettings,
}

/// How reconciliation paces itself.
#[derive(Debug, Clone, Copy)]
pub struct ReconcileSettings {
    /// `DEDUPE_TTL_SECONDS` (as the webhook's): a failure older than this cannot be told from
    /// one reported already, so it is never reconciled.
    pub dedupe_ttl: Duration,
    /// `RECONCILE_INTERVAL_MINUTES` (default 10): how often the schedule runs.
    pub interval: Duration,
    /// `RECONCILE_GRACE_SECONDS` (default 180): how long a failure is left to its webhook.
    pub grace: Duration,
    /// `RECONCILE_BUDGET_PERCENT` (default 20) of GitFlic's 500 requests an hour, per
    /// connection.
    pub requests_per_hour: u32,
    /// `HOOK_CHECK_HOURS` (default 6): how often a project's hook is checked.
    pub hook_check_every: Duration,
}

impl ReconcilerConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        let percent = number("RECONCILE_BUDGET_PERCENT", 20)?;
        if percent > 100 {
            return Err(ConfigError::Invalid {
                name: "RECONCILE_BUDGET_PERCENT",
                reason: format!("a share of at most 100 %, got {percent}"),
            });
        }
        let dedupe_ttl = seconds("DEDUPE_TTL_SECONDS", 3 * 24 * 3600)?;
        let interval = Duration::from_secs(number("RECONCILE_INTERVAL_MINUTES", 10)? * 60);
        if interval >= dedupe_ttl {
            return Err(ConfigError::Invalid {
                name: "RECONCILE_INTERVAL_MINUTES",
                reason: "must be shorter than DEDUPE_TTL_SECONDS".into(),
            });
        }
        Ok(Self {
            app: GitflicAppConfig::from_env()?,
            queue_url: required("QUEUE_URL")?,
            public_base_url: url("PUBLIC_BASE_URL")?,
            settings: ReconcileSettings {
                dedupe_ttl,
                interval,
                grace: seconds("RECONCILE_GRACE_SECONDS", 180)?,
                requests_per_hour: (u64::from(GITFLIC_REQUESTS_PER_HOUR) * percent / 100) as u32,
                hook_check_every: Duration::from_secs(number("HOOK_CHECK_HOURS", 6)? * 3600),
            },
        })
    }
}
