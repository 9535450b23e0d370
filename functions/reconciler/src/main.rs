use exlogare_reconciler::Reconciler;
use exlogare_reconciler::config::ReconcilerConfig;
use exlogare_shared::config;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    exlogare_shared::telemetry::init();
    let config = ReconcilerConfig::from_env()?;
    let reconciler = Arc::new(Reconciler::from_config(&config, &config::aws().await)?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let reconciler = reconciler.clone();
        async move {
            let deadline = exlogare_shared::invocation::deadline_of(event.context.deadline());
            let summary = reconciler
                .run(exlogare_reconciler::run_time(&event.payload), deadline)
                .await?;
            Ok::<_, Error>(serde_json::json!({
                "projects_visited": summary.projects_visited,
                "failures_queued": summary.failures_queued,
                "projects_pending": summary.projects_pending,
            }))
        }
    }))
    .await
}
