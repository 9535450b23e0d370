use exlogare_oauth::App;
use exlogare_oauth::config::OauthConfig;
use exlogare_shared::config;
use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    exlogare_shared::telemetry::init();
    let config = OauthConfig::from_env()?;
    let app = App::from_config(config, &config::aws().await)?;
    let app = &app;
    exlogare_shared::http_edge::run(move |request| exlogare_oauth::handle(app, request)).await
}
