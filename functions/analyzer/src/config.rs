//! What this function reads from its environment, once, at start-up (see README.md,
//! "Configuration").

use exlogare_shared::config::{ConfigError, GitflicAppConfig, number, optional, optional_url};
use std::time::Duration;

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
    pub llm: Option<exlogare_shared::llm::LlmSettings>,
    /// `BASELINE_REQUESTS_PER_HOUR` (default 200 of GitFlic's 500 a user): while a connection
    /// has spent fewer GitFlic requests this hour, a failure is compared with the last green
    /// run; 0 turns the comparison off.
    pub baseline_requests_per_hour: u64,
    /// `GREEN_RUN_MEMORY_HOURS` (default 168): how long a green pipeline's jobs are remembered
    /// (they never change; this bounds the table).
    pub green_run_memory: Duration,
}

impl AnalyzerConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            app: GitflicAppConfig::from_env()?,
            log_cap: number("LOG_CAP_MB", 20)? as usize * 1_000_000,
            report_retention: Duration::from_secs(number("REPORT_RETENTION_DAYS", 90)? * 86_400),
            concurrency: number("BATCH_CONCURRENCY", 4)? as usize,
            baseline_requests_per_hour: number("BASELINE_REQUESTS_PER_HOUR", 200)?,
            green_run_memory: Duration::from_secs(number("GREEN_RUN_MEMORY_HOURS", 168)? * 3600),
            llm: match optional_url("LLM_BASE_URL")? {
                Some(base) => Some(exlogare_shared::llm::LlmSettings {
                    base_url: base.into(),
                    api_key: optional("LLM_API_KEY"),
                    model: optional("LLM_MODEL").unwrap_or_else(|| "gpt-4o-mini".into()),
                    timeout: Duration::from_millis(number("LLM_TIMEOUT_MS", 4000)?),
                }),
                None => None,
            },
        })
    }
}
