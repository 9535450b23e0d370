//! Connecting a tenant's GitFlic account and watching its projects: the logic behind the oauth
//! function's routes. Tokens and webhook secrets are KMS-encrypted before they reach the table,
//! under a context of purpose, tenant and subject; plaintext lives only in memory.

use crate::crypto::{CryptoError, EncryptionContext, Kms};
use crate::gitflic::api::{ApiError, GitflicApi, Project};
use crate::gitflic::base_url::{BaseUrlError, GitflicHost, resolve_host};
use crate::gitflic::oauth::{OauthApp, OauthError, Tokens};
use crate::secret::{self, SecretDigest};
use crate::session::Session;
use crate::store::{
    ConnectionRecord, ConnectionStatus, OauthState, SecretBinding, Store, StoreError, WatchRecord,
    epoch_now,
};
use oauth2::{AccessToken, AuthorizationCode, CsrfToken, RedirectUrl, RefreshToken};
use serde::Serialize;
use std::time::Duration;
use url::Url;

/// How long a started OAuth flow may take.
pub const STATE_TTL: Duration = Duration::from_secs(600);
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

/// Our callback, under the API's public base URL.
pub fn callback_url(public_base_url: &Url) -> Result<RedirectUrl, ConnectError> {
    RedirectUrl::new(format!(
        "{}/api/integrations/gitflic/oauth/callback",
        public_base_url.as_str().trim_end_matches('/')
    ))
    .map_err(|_| ConnectError::BadRequest("the public base URL is invalid".into()))
}

/// What the API shows of a connection: never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionView {
    pub id: String,
    pub base_url: String,
    pub username: Option<String>,
    pub status: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectView {
    pub id: String,
    pub owner: String,
    pub alias: String,
    pub title: Option<String>,
    pub watched: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchView {
    pub project_id: String,
    pub owner: String,
    pub alias: String,
    pub webhook_id: Option<String>,
    pub branch_pattern: Option<String>,
}

/// Shown once: the URL and secret for a webhook the user configures by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManualWebhook {
    pub url: String,
    pub secret: String,
}

impl ConnectionView {
    fn of(record: &ConnectionRecord) -> Self {
        Self {
            id: record.connection_id.clone(),
            base_url: record.web_url.clone(),
            username: record.username.clone(),
            status: record.status.as_str(),
        }
    }
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

    fn host_of(record: &ConnectionRecord) -> Result<GitflicHost, ConnectError> {
        let parse = |u: &str| {
            Url::parse(u).map_err(|_| ConnectError::BadRequest("stored URL is invalid".into()))
        };
        Ok(GitflicHost {
            web: parse(&record.web_url)?,
            api: parse(&record.api_url)?,
            oauth: parse(&record.oauth_url)?,
        })
    }

    /// A GitFlic session on the connection's instance, with its tokens.
    pub fn session(&self, record: ConnectionRecord) -> Result<Session<'_>, ConnectError> {
        let api = GitflicApi::new(self.http.clone(), Self::host_of(&record)?.api);
        Ok(Session::new(self, api, record))
    }

    /// Step 1: a fresh single-use state, and the URL of GitFlic's consent page. `public` is the
    /// API's public base URL (the callback lives under it).
    pub async fn start(
        &self,
        tenant: &str,
        base_url: Option<&str>,
        public: &Url,
    ) -> Result<Url, ConnectError> {
        let host = resolve_host(base_url, self.settings.allow_private).await?;
        let state = CsrfToken::new_random();
        self.store
            .put_oauth_state(
                &SecretDigest::of(state.secret()),
                &OauthState {
                    tenant_id: tenant.to_owned(),
                    base_url: host.web.to_string(),
                },
                STATE_TTL,
            )
            .await?;
        Ok(self
            .app
            .authorize_url(&host, &state, &callback_url(public)?))
    }

    /// Step 2: GitFlic sent the user back with `code` and `state`.
    pub async fn complete(&self, code: &str, state: &str) -> Result<ConnectionView, ConnectError> {
        if code.is_empty() || code.len() > 2048 || state.is_empty() || state.len() > 512 {
            return Err(ConnectError::InvalidState);
        }
        let pending = self
            .store
            .take_oauth_state(&SecretDigest::of(state))
            .await?
            .ok_or(ConnectError::InvalidState)?;
        let host = resolve_host(Some(&pending.base_url), self.settings.allow_private).await?;
        let tokens = self
            .app
            .exchange(&self.http, &host, &AuthorizationCode::new(code.to_owned()))
            .await?;
        let user = GitflicApi::new(self.http.clone(), host.api.clone())
            .current_user(&tokens.access)
            .await?;
        let connection_id = uuid::Uuid::new_v4().to_string();
        let mut record = ConnectionRecord {
            tenant_id: pending.tenant_id,
            connection_id,
            web_url: host.web.to_string(),
            api_url: host.api.to_string(),
            oauth_url: host.oauth.to_string(),
            user_id: user.id,
            username: user.username,
            access_ct: Vec::new(),
            refresh_ct: None,
            token_expires_at: None,
            token_version: 0,
            status: ConnectionStatus::Active,
            manual_secret_digest: None,
            created_at: epoch_now() as i64,
        };
        self.seal_tokens(&mut record, &tokens).await?;
        self.store.put_connection(&record).await?;
        tracing::info!(connection_id = %record.connection_id, "GitFlic connected");
        Ok(ConnectionView::of(&record))
    }

    async fn seal_tokens(
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

    pub async fn list(&self, tenant: &str) -> Result<Vec<ConnectionView>, ConnectError> {
        Ok(self
            .store
            .connections(tenant)
            .await?
            .iter()
            .map(ConnectionView::of)
            .collect())
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

    /// Every project of the account (and those shared with it, on request), with watch status.
    pub async fn sync(
        &self,
        tenant: &str,
        connection: &str,
        include_shared: bool,
    ) -> Result<Vec<ProjectView>, ConnectError> {
        let mut session = self.session(self.record(tenant, connection).await?)?;
        let mut projects = session.own_projects().await?;
        if include_shared {
            projects.extend(session.shared_projects().await?);
        }
        let watched: Vec<String> = self
            .store
            .watches(tenant, connection)
            .await?
            .into_iter()
            .map(|w| w.project_id)
            .collect();
        let mut views: Vec<ProjectView> = projects
            .iter()
            .filter_map(|p: &Project| {
                Some(ProjectView {
                    id: p.id.clone()?,
                    owner: p.owner_alias()?.to_owned(),
                    alias: p.alias.clone()?,
                    title: p.title.clone(),
                    watched: p.id.as_ref().is_some_and(|id| watched.contains(id)),
                })
            })
            .collect();
        views.dedup_by(|a, b| a.id == b.id);
        Ok(views)
    }

    /// A fresh webhook secret, already valid for `project` (or any project of the connection).
    async fn bind_new_secret(
        &self,
        tenant: &str,
        connection: &str,
        project: Option<&str>,
    ) -> Result<(String, SecretDigest), ConnectError> {
        let secret = secret::generate();
        let digest = SecretDigest::of(&secret);
        self.store
            .put_secret_binding(
                &digest,
                &SecretBinding {
                    tenant_id: tenant.to_owned(),
                    connection_id: connection.to_owned(),
                    project_id: project.map(str::to_owned),
                },
            )
            .await?;
        Ok((secret, digest))
    }

    fn webhook_url(public: &Url, secret: &str) -> String {
        let mut url = public.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(["webhook", "gitflic"]);
        }
        url.query_pairs_mut().append_pair("secret", secret);
        url.to_string()
    }

    fn our_hook(public: &Url, url: Option<&str>) -> bool {
        let ours = Self::webhook_url(public, "");
        let prefix = ours.split('?').next().unwrap_or_default();
        url.is_some_and(|u| u.starts_with(prefix))
    }

    /// Registers a `PIPELINE_FAIL` webhook with a fresh secret. Watching again replaces the
    /// previous hook (ours, found by URL, even if our record of it was lost): never two.
    pub async fn watch(
        &self,
        tenant: &str,
        connection: &str,
        owner: &str,
        alias: &str,
        branch_pattern: Option<&str>,
        public: &Url,
    ) -> Result<WatchView, ConnectError> {
        let mut session = self.session(self.record(tenant, connection).await?)?;
        let project = session.project(owner, alias).await?;
        let project_id = project.id.clone().ok_or_else(|| {
            ConnectError::BadRequest("GitFlic returned a project without an id".into())
        })?;

        let existing = session.webhooks(owner, alias).await?;
        for hook in existing
            .iter()
            .filter(|h| Self::our_hook(public, h.url.as_deref()))
        {
            if let Some(id) = hook.id.as_deref() {
                session.delete_webhook(owner, alias, id).await?;
            }
        }
        let previous = self
            .store
            .watches(tenant, connection)
            .await?
            .into_iter()
            .find(|w| w.project_id == project_id);

        // Bound before the hook exists, so that GitFlic's first delivery already validates.
        let (secret, digest) = self
            .bind_new_secret(tenant, connection, Some(&project_id))
            .await?;
        let hook_url = Self::webhook_url(public, &secret);
        let created = session
            .create_webhook(owner, alias, &hook_url, &secret, branch_pattern)
            .await;
        let created = match created {
            Ok(hook) => hook,
            Err(e) => {
                self.store.delete_secret_binding(&digest).await?;
                return Err(e);
            }
        };
        let watch = WatchRecord {
            tenant_id: tenant.to_owned(),
            connection_id: connection.to_owned(),
            project_id: project_id.clone(),
            owner_alias: owner.to_owned(),
            alias: alias.to_owned(),
            webhook_id: created.id.clone(),
            secret_digest: digest.to_hex(),
            branch_pattern: branch_pattern.map(str::to_owned),
        };
        self.store.put_watch(&watch).await?;
        if let Some(old) = previous.and_then(|p| SecretDigest::from_hex(&p.secret_digest)) {
            self.store.delete_secret_binding(&old).await?;
        }
        tracing::info!(connection_id = %connection, project_id = %project_id, "watching project");
        Ok(WatchView {
            project_id,
            owner: owner.to_owned(),
            alias: alias.to_owned(),
            webhook_id: created.id,
            branch_pattern: watch.branch_pattern,
        })
    }

    /// Deletes the GitFlic hook and our records; the old secret stops validating at once.
    pub async fn unwatch(
        &self,
        tenant: &str,
        connection: &str,
        owner: &str,
        alias: &str,
    ) -> Result<(), ConnectError> {
        let record = self.record(tenant, connection).await?;
        let watch = self
            .store
            .watches(tenant, connection)
            .await?
            .into_iter()
            .find(|w| w.owner_alias == owner && w.alias == alias)
            .ok_or(ConnectError::NotFound)?;
        self.forget_watch(&watch).await?;
        if let Some(id) = watch.webhook_id.as_deref() {
            self.session(record)?
                .delete_webhook(&watch.owner_alias, &watch.alias, id)
                .await?;
        }
        Ok(())
    }

    async fn forget_watch(&self, watch: &WatchRecord) -> Result<(), ConnectError> {
        if let Some(digest) = SecretDigest::from_hex(&watch.secret_digest) {
            self.store.delete_secret_binding(&digest).await?;
        }
        self.store
            .delete_watch(&watch.tenant_id, &watch.connection_id, &watch.project_id)
            .await?;
        Ok(())
    }

    /// Deletes the webhooks the connection registered (best effort: a revoked token must not
    /// keep the user from disconnecting), then every record and the tokens.
    pub async fn disconnect(&self, tenant: &str, connection: &str) -> Result<(), ConnectError> {
        let record = self.record(tenant, connection).await?;
        let manual_secret_digest = record.manual_secret_digest.clone();
        let mut session = self.session(record)?;
        for watch in self.store.watches(tenant, connection).await? {
            self.forget_watch(&watch).await?;
            if let Some(id) = watch.webhook_id.as_deref() {
                let result = session
                    .delete_webhook(&watch.owner_alias, &watch.alias, id)
                    .await;
                if let Err(e) = result {
                    tracing::warn!(connection_id = %connection, project_id = %watch.project_id, error = %e, "could not delete a GitFlic webhook while disconnecting");
                }
            }
        }
        if let Some(digest) = manual_secret_digest
            .as_deref()
            .and_then(SecretDigest::from_hex)
        {
            self.store.delete_secret_binding(&digest).await?;
        }
        self.store.delete_connection(tenant, connection).await?;
        tracing::info!(connection_id = %connection, "GitFlic disconnected");
        Ok(())
    }

    /// A connection-level secret for webhooks configured by hand; replaces the previous one.
    pub async fn manual_webhook(
        &self,
        tenant: &str,
        connection: &str,
        public: &Url,
    ) -> Result<ManualWebhook, ConnectError> {
        let record = self.record(tenant, connection).await?;
        let (secret, digest) = self.bind_new_secret(tenant, connection, None).await?;
        let mut updated = record.clone();
        updated.manual_secret_digest = Some(digest.to_hex());
        updated.token_version += 1;
        if !self
            .store
            .update_tokens(&updated, record.token_version)
            .await?
        {
            self.store.delete_secret_binding(&digest).await?;
            return Err(ConnectError::BadRequest(
                "the connection changed meanwhile; try again".into(),
            ));
        }
        if let Some(old) = record
            .manual_secret_digest
            .as_deref()
            .and_then(SecretDigest::from_hex)
        {
            self.store.delete_secret_binding(&old).await?;
        }
        Ok(ManualWebhook {
            url: Self::webhook_url(public, &secret),
            secret,
        })
    }
}
