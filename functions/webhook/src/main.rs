use exlogare_shared::config;
use exlogare_webhook::config::WebhookConfig;
use exlogare_webhook::ingest::Ingest;
use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    exlogare_shared::telemetry::init();
    let config = WebhookConfig::from_env()?;
    let ingest = Ingest::from_config(&config, &config::aws().await);
    let ingest = &ingest;
    exlogare_shared::http_edge::run(move |request| exlogare_webhook::handle(ingest, request)).await
}
