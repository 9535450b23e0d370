use exlogare_analyzer::config::AnalyzerConfig;
use exlogare_analyzer::pipeline::PipelineAnalyzer;
use exlogare_shared::config;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    exlogare_shared::telemetry::init();
    let config = AnalyzerConfig::from_env()?;
    exlogare_shared::analysis::compile_patterns();
    let analyzer = Arc::new(PipelineAnalyzer::from_config(
        &config,
        &config::aws().await,
    )?);
    let concurrency = config.concurrency;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<aws_lambda_events::event::sqs::SqsEvent>| {
            let analyzer = analyzer.clone();
            async move {
                let deadline = exlogare_shared::invocation::deadline_of(event.context.deadline());
                Ok::<_, Error>(
                    exlogare_analyzer::handle(analyzer, event.payload, deadline, concurrency).await,
                )
            }
        },
    ))
    .await
}
