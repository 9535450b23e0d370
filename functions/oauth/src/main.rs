use exlogare_oauth::App;
use exlogare_oauth::channels::ChannelSettings;
use exlogare_shared::config::{self, OauthConfig};
use exlogare_shared::connections::{Connections, Settings};
use exlogare_shared::crypto::Kms;
use exlogare_shared::gitflic::base_url::http_client;
use exlogare_shared::gitflic::oauth::OauthApp;
use exlogare_shared::store::Store;
use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    exlogare_shared::telemetry::init();
    let config = OauthConfig::from_env()?;
    let aws = config::aws().await;
    let gitflic = config.app;
    let store = Store::new(&aws, gitflic.table_name);
    let kms = Kms::new(&aws, gitflic.kms_key_id);
    let http = http_client(gitflic.allow_private)?;
    let app = App {
        channels: ChannelSettings::new(
            store.clone(),
            kms.clone(),
            http.clone(),
            gitflic.telegram_api,
            gitflic.allow_private,
        ),
        language: gitflic.language,
        connections: Connections::new(
            store,
            kms,
            http,
            OauthApp {
                client_id: gitflic.client_id,
                client_secret: gitflic.client_secret,
                scopes: config.scopes,
            },
            Settings {
                allow_private: gitflic.allow_private,
            },
        ),
        public_base_url: config.public_base_url,
        dashboard_url: config.dashboard_url,
        tenant_claim: config.tenant_claim,
    };
    let app = &app;
    exlogare_shared::respond::run(move |request| exlogare_oauth::handle(app, request)).await
}
