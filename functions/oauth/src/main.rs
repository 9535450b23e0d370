use exlogare_oauth::App;
use exlogare_oauth::config::OauthConfig;
use exlogare_shared::config;
use lambda_http::Error;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    exlogare_shared::telemetry::init();
    let config = OauthConfig::from_env()?;
    let app = Arc::new(App::from_config(config, &config::aws().await)?);
    exlogare_shared::http_edge::run(move |request| exlogare_oauth::handle(app.clone(), request))
        .await
}
