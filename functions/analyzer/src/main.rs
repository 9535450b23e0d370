use exlogare_analyzer::pipeline::{AnalyzerSettings, PipelineAnalyzer};
use exlogare_shared::config::{self, AnalyzerConfig};
use exlogare_shared::connections::{Connections, Settings};
use exlogare_shared::crypto::Kms;
use exlogare_shared::gitflic::base_url::http_client;
use exlogare_shared::gitflic::oauth::OauthApp;
use exlogare_shared::store::Store;
use lambda_runtime::{Error, LambdaEvent, service_fn};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    exlogare_shared::telemetry::init();
    let config = AnalyzerConfig::from_env()?;
    exlogare_shared::analysis::compile_patterns();
    let aws = config::aws().await;
    let gitflic = config.app;
    let store = Store::new(&aws, &gitflic.table_name);
    let kms = Kms::new(&aws, &gitflic.kms_key_id);
    let http = http_client(gitflic.allow_private)?;
    let connections = Connections::new(
        store.clone(),
        kms.clone(),
        http.clone(),
        OauthApp {
            client_id: gitflic.client_id,
            client_secret: gitflic.client_secret,
            scopes: Vec::new(),
        },
        Settings {
            allow_private: gitflic.allow_private,
        },
    );
    let analyzer = Arc::new(PipelineAnalyzer::new(
        store,
        kms,
        connections,
        http,
        AnalyzerSettings {
            log_cap: config.log_cap,
            language: gitflic.language,
            telegram_api: gitflic.telegram_api,
            report_retention: config.report_retention,
            llm: config.llm,
        },
    ));
    let concurrency = config.concurrency;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<aws_lambda_events::event::sqs::SqsEvent>| {
            let analyzer = analyzer.clone();
            async move {
                let deadline = exlogare_analyzer::deadline_of(event.context.deadline());
                Ok::<_, Error>(
                    exlogare_analyzer::handle(analyzer, event.payload, deadline, concurrency).await,
                )
            }
        },
    ))
    .await
}
