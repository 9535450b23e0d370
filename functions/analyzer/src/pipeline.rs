//! A queued pipeline message, processed exactly once: claimed (a lease in DynamoDB that ends
//! with the invocation; a completed one is skipped, one claimed elsewhere is retried later), then
//! a failure is reported ([`crate::report`]) or a success answers the failure it fixes
//! ([`crate::fixed`]), then completed with what the record keeps; on error the claim is
//! released so the retry may take it at once.

use crate::config::AnalyzerConfig;
use crate::context::{AnalyzerSettings, Context};
use crate::last_green::BaselineSettings;
use crate::outcome::{ProcessError, Processed};
use exlogare_shared::queue::{MESSAGE_VERSION, PipelineMessage, PipelineStatus};
use exlogare_shared::services::Services;
use exlogare_shared::store::{Claim, Work};
use std::time::{Duration, Instant};

pub struct PipelineAnalyzer {
    context: Context,
}

impl PipelineAnalyzer {
    /// The analyzer as the function runs it, from its configuration.
    pub fn from_config(
        config: &AnalyzerConfig,
        aws: &aws_config::SdkConfig,
    ) -> Result<Self, reqwest::Error> {
        let services = Services::from_config(&config.app, Vec::new(), aws)?;
        Ok(Self {
            context: Context {
                store: services.store,
                kms: services.kms,
                connections: services.connections,
                http: services.http,
                settings: AnalyzerSettings {
                    log_cap: config.log_cap,
                    language: config.app.language,
                    telegram_api: config.app.telegram_api.clone(),
                    report_retention: config.report_retention,
                    llm: config.llm.clone(),
                    baseline: BaselineSettings {
                        requests_per_hour: config.baseline_requests_per_hour,
                        remember_for: config.green_run_memory,
                        log_cap: config.log_cap,
                    },
                },
            },
        })
    }

    pub async fn process(&self, body: &str, deadline: Instant) -> Result<Processed, ProcessError> {
        let message: PipelineMessage = serde_json::from_str(body).map_err(|e| {
            ProcessError::Poison(format!(
                "not a pipeline message (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        if message.version != MESSAGE_VERSION {
            return Err(ProcessError::Poison(format!(
                "unknown message version {}",
                message.version
            )));
        }
        let work = match message.status {
            PipelineStatus::Failed => Work::Analysis,
            PipelineStatus::Succeeded => Work::FixedNotice,
        };
        let key = &message.delivery_key;
        let lease = deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(5);
        let context = &self.context;
        let progress = match context
            .store
            .claim(work, key, lease, context.settings.report_retention)
            .await?
        {
            Claim::Complete => return Ok(Processed::AlreadyDone),
            Claim::Busy => {
                return Err(ProcessError::Retry(
                    "another invocation is processing this pipeline".into(),
                ));
            }
            Claim::Claimed { progress } => progress,
        };
        let result = match message.status {
            PipelineStatus::Failed => {
                context
                    .analyse_and_deliver(&message, &progress, deadline)
                    .await
            }
            PipelineStatus::Succeeded => {
                context.announce_fixed(&message, &progress, deadline).await
            }
        };
        let result = match result {
            Ok(done) => context
                .store
                .complete(
                    work,
                    key,
                    context.settings.report_retention,
                    done.payload.as_deref(),
                )
                .await
                .map(|()| done.processed)
                .map_err(ProcessError::from),
            Err(e) => Err(e),
        };
        if result.is_err() {
            // Let the next delivery of the message claim the work at once.
            context.store.release(work, key).await?;
        }
        result
    }
}
