//! The clients a GitFlic-facing function (oauth, analyzer) holds, built once from its
//! configuration: by `main.rs` at start-up and by the tests' harness alike, so the two wire the
//! functions the same way and only base URLs differ.

use crate::config::GitflicAppConfig;
use crate::connections::{Connections, Settings};
use crate::crypto::Kms;
use crate::gitflic::oauth::OauthApp;
use crate::net_guard::http_client;
use crate::store::Store;

#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub kms: Kms,
    /// SSRF-guarded (see `net_guard`), with the configured timeout.
    pub http: reqwest::Client,
    pub connections: Connections,
}

impl Services {
    /// `scopes`: what the OAuth application asks GitFlic for (only the oauth function asks).
    pub fn from_config(
        app: &GitflicAppConfig,
        scopes: Vec<String>,
        aws: &aws_config::SdkConfig,
    ) -> Result<Self, reqwest::Error> {
        let store = Store::new(aws, &app.table_name);
        let kms = Kms::new(aws, &app.kms_key_id);
        let http = http_client(app.allow_private, app.http_timeout)?;
        let connections = Connections::new(
            store.clone(),
            kms.clone(),
            http.clone(),
            OauthApp {
                client_id: app.client_id.clone(),
                client_secret: app.client_secret.clone(),
                scopes,
            },
            Settings {
                allow_private: app.allow_private,
            },
        );
        Ok(Self {
            store,
            kms,
            http,
            connections,
        })
    }
}
