use exlogare_shared::config::{self, WebhookConfig};
use exlogare_shared::queue::Queue;
use exlogare_shared::store::Store;
use exlogare_webhook::ingest::Ingest;
use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    exlogare_shared::telemetry::init();
    let config = WebhookConfig::from_env()?;
    let aws = config::aws().await;
    let ingest = Ingest::new(
        Store::new(&aws, config.table_name),
        Queue::new(&aws, config.queue_url),
        config.dedupe_ttl,
    );
    let ingest = &ingest;
    exlogare_shared::respond::run(move |request| exlogare_webhook::handle(ingest, request)).await
}
