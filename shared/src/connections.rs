//! A tenant's GitFlic connections and their tokens: the record, and a valid access token,
//! refreshed ahead of expiry or after GitFlic refuses one (`session` builds on them). Tokens are
//! KMS-encrypted under a context of purpose, tenant and connection before they reach the table;
//! plaintext lives only in memory. The connect and watch flows that create connections are the
//! oauth function's (`connect.rs` there).

use crate::crypto::{CryptoError, EncryptionContext, Kms};
use crate::gitflic::api::ApiError;
use crate::gitflic::base_url::{BaseUrlError, GitflicHost};
use crate::gitflic::oauth::{OauthApp, OauthError, Tokens};
use crate::store::{ConnectionRecord, ConnectionStatus, Store, StoreError, epoch_now};
use oauth2::{AccessToken, RefreshToken};
use std::time::Duration;
use url::Url;

/// Tokens are refreshed this long before GitFlic says they expire.
const REFRESH_AHEAD_SECS: i64 = 300;

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    BaseUrl(#[from] BaseUrlError),
    #[error("the authorization request is unknown, used already or expired; start again")]
    InvalidState,
    #[error("no such connection")]
    NotFound,
    #[error(
        "the GitFlic connection needs to be made again: its authorization was revoked or expired"
    )]
    NeedsReconnect,
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Gitflic(#[from] ApiError),
    #[error(transparent)]
    Oauth(#[from] OauthError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// Operator settings of the connect flow.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Allow self-hosted GitFlic on private addresses (and plain http): VPC deployments, tests.
    pub allow_private: bool,
}

fn context(purpose: &'static str, tenant: &str, subject: &str) -> EncryptionContext {
    EncryptionContext {
        purpose,
        tenant: tenant.to_owned(),
        subject: subject.to_owned(),
    }
}

#[derive(Debug, Clone)]
pub struct Connections {
    store: Store,
    kms: Kms,
    http: reqwest::Client,
    app: OauthApp,
    settings: Settings,
}

impl Connections {
    pub fn new(
        store: Store,
        kms: Kms,
        http: reqwest::Client,
        app: OauthApp,
        settings: Settings,
    ) -> Self {
        Self {
            store,
            kms,
            http,
            app,
            settings,
        }
    }

    /// Where the connection's GitFlic instance answers, as recorded when it was connected.
    pub fn host_of(record: &ConnectionRecord) -> Result<GitflicHost, ConnectError> {
        let parse = |u: &str| {
            Url::parse(u).map_err(|_| ConnectError::BadRequest("stored URL is invalid".into()))
        };
        Ok(GitflicHost {
            web: parse(&record.web_url)?,
            api: parse(&record.api_url)?,
            oauth: parse(&record.oauth_url)?,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The SSRF-guarded HTTP client GitFlic is reached with.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Our OAuth application at GitFlic.
    pub fn oauth_app(&self) -> &OauthApp {
        &self.app
    }

    /// Whether self-hosted GitFlic may live on private addresses.
    pub fn allow_private(&self) -> bool {
        self.settings.allow_private
    }

    /// Encrypts a connection's tokens into its record (before it is stored).
    pub async fn seal_tokens(
        &self,
        record: &mut ConnectionRecord,
        tokens: &Tokens,
    ) -> Result<(), ConnectError> {
        let (tenant, id) = (&record.tenant_id, &record.connection_id);
        record.access_ct = self
            .kms
            .encrypt(
                tokens.access.secret().as_bytes(),
                &context("gitflic-access-token", tenant, id),
            )
            .await?;
        record.refresh_ct = match &tokens.refresh {
            Some(r) => Some(
                self.kms
                    .encrypt(
                        r.secret().as_bytes(),
                        &context("gitflic-refresh-token", tenant, id),
                    )
                    .await?,
            ),
            None => None,
        };
        record.token_expires_at = tokens.expires_at;
        Ok(())
    }

    async fn open(
        &self,
        ciphertext: &[u8],
        purpose: &'static str,
        record: &ConnectionRecord,
    ) -> Result<String, ConnectError> {
        let plain = self
            .kms
            .decrypt(
                ciphertext,
                &context(purpose, &record.tenant_id, &record.connection_id),
            )
            .await?;
        String::from_utf8(plain)
            .map_err(|_| ConnectError::BadRequest("stored token is not text".into()))
    }

    pub async fn record(
        &self,
        tenant: &str,
        connection: &str,
    ) -> Result<ConnectionRecord, ConnectError> {
        self.store
            .connection(tenant, connection)
            .await?
            .ok_or(ConnectError::NotFound)
    }

    /// A token that GitFlic should accept: refreshed ahead of expiry, or at once when `force`
    /// (GitFlic just refused the current one). Safe when two invocations refresh at once: the
    /// loser of the conditional update uses the winner's token.
    pub async fn access_token(
        &self,
        record: &mut ConnectionRecord,
        force: bool,
    ) -> Result<AccessToken, ConnectError> {
        if record.status == ConnectionStatus::NeedsReconnect {
            return Err(ConnectError::NeedsReconnect);
        }
        let due = record
            .token_expires_at
            .is_some_and(|at| at - REFRESH_AHEAD_SECS <= epoch_now() as i64);
        if !force && !due {
            return Ok(AccessToken::new(
                self.open(&record.access_ct, "gitflic-access-token", record)
                    .await?,
            ));
        }
        let Some(refresh_ct) = record.refresh_ct.clone() else {
            // A personal token cannot be refreshed: use it until GitFlic refuses it.
            if force {
                self.mark_needs_reconnect(record).await?;
                return Err(ConnectError::NeedsReconnect);
            }
            return Ok(AccessToken::new(
                self.open(&record.access_ct, "gitflic-access-token", record)
                    .await?,
            ));
        };
        let refresh = RefreshToken::new(
            self.open(&refresh_ct, "gitflic-refresh-token", record)
                .await?,
        );
        let host = Self::host_of(record)?;
        let tokens = match self.app.refresh(&self.http, &host, &refresh).await {
            Ok(tokens) => tokens,
            Err(OauthError::Rejected(_)) => {
                // A concurrent invocation may have used (and so rotated) the refresh token and
                // be storing the new one right now: give it a moment before giving up.
                for _ in 0..4 {
                    let current = self
                        .record(&record.tenant_id, &record.connection_id)
                        .await?;
                    if current.token_version != record.token_version {
                        *record = current;
                        if record.status == ConnectionStatus::NeedsReconnect {
                            return Err(ConnectError::NeedsReconnect);
                        }
                        return Ok(AccessToken::new(
                            self.open(&record.access_ct, "gitflic-access-token", record)
                                .await?,
                        ));
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                self.mark_needs_reconnect(record).await?;
                return Err(ConnectError::NeedsReconnect);
            }
            Err(e) => return Err(e.into()),
        };
        let mut updated = record.clone();
        self.seal_tokens(
            &mut updated,
            &Tokens {
                refresh: tokens.refresh.clone().or(Some(refresh)),
                ..tokens.clone()
            },
        )
        .await?;
        updated.token_version = record.token_version + 1;
        if self
            .store
            .update_tokens(&updated, record.token_version)
            .await?
        {
            *record = updated;
            tracing::info!(connection_id = %record.connection_id, "refreshed GitFlic token");
            return Ok(tokens.access);
        }
        // Another invocation changed the record first.
        let current = self
            .record(&record.tenant_id, &record.connection_id)
            .await?;
        if current.status == ConnectionStatus::NeedsReconnect {
            // It gave up while we hold fresh, valid tokens: ours win.
            updated.token_version = current.token_version + 1;
            updated.manual_secret_digest = current.manual_secret_digest.clone();
            if self
                .store
                .update_tokens(&updated, current.token_version)
                .await?
            {
                *record = updated;
                return Ok(tokens.access);
            }
        }
        *record = self
            .record(&record.tenant_id, &record.connection_id)
            .await?;
        if record.status == ConnectionStatus::NeedsReconnect {
            return Err(ConnectError::NeedsReconnect);
        }
        Ok(AccessToken::new(
            self.open(&record.access_ct, "gitflic-access-token", record)
                .await?,
        ))
    }

    async fn mark_needs_reconnect(
        &self,
        record: &mut ConnectionRecord,
    ) -> Result<(), ConnectError> {
        let mut updated = record.clone();
        updated.status = ConnectionStatus::NeedsReconnect;
        updated.token_version += 1;
        self.store
            .update_tokens(&updated, record.token_version)
            .await?;
        *record = updated;
        tracing::warn!(connection_id = %record.connection_id, "GitFlic refused the connection's tokens; it needs reconnecting");
        Ok(())
    }
}
