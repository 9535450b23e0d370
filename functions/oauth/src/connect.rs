//! Connecting GitFlic and watching its projects, the oauth function's own logic: the OAuth flow
//! (start, complete), the tenant's connections, project sync, watch and unwatch (a project's
//! webhook with a fresh secret), the connection-wide manual webhook, disconnect. The
//! connections' tokens are kept by [`Connections`], shared with the analyzer.

use exlogare_shared::connections::{ConnectError, Connections};
use exlogare_shared::gitflic::api::{GitflicApi, HOOK_VERSION, Project};
use exlogare_shared::gitflic::base_url::resolve_host;
use exlogare_shared::hooks;
use exlogare_shared::secret::SecretDigest;
use exlogare_shared::session::Session;
use exlogare_shared::store::{
    ConnectionRecord, ConnectionStatus, OauthState, WatchRecord, epoch_now,
};
use oauth2::{AuthorizationCode, CsrfToken, RedirectUrl};
use serde::Serialize;
use std::time::Duration;
use url::Url;

/// How long a started OAuth flow may take.
pub const STATE_TTL: Duration = Duration::from_secs(600);

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
    /// Of a watched project: whether failures are discussed on its merge requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge_request_discussions: Option<DiscussionsView>,
    /// Of a watched project: the branches its hook is limited to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_pattern: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchView {
    pub project_id: String,
    pub owner: String,
    pub alias: String,
    pub webhook_id: Option<String>,
    pub branch_pattern: Option<String>,
    pub merge_request_discussions: DiscussionsView,
}

/// What a watch asks for besides the project.
#[derive(Debug, Clone, Copy, Default)]
pub struct WatchSettings<'a> {
    /// Limits the hook to matching branches (GitFlic's syntax).
    pub branch_pattern: Option<&'a str>,
    /// Merge-request discussions on or off; `None`: on when the application may write.
    pub discussions: Option<bool>,
}

/// The merge-request switch of a watched project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DiscussionsView {
    pub enabled: bool,
    /// GitFlic refused a discussion (no write rights); none is tried until watched again.
    pub refused: bool,
}

impl DiscussionsView {
    fn of(watch: &WatchRecord) -> Self {
        Self {
            enabled: watch.merge_request_discussions == Some(true),
            refused: watch.discussions_refused_at.is_some(),
        }
    }
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

/// The connect and watch flows over a tenant's connections.
#[derive(Debug, Clone)]
pub struct Connect {
    vault: Connections,
}

impl Connect {
    pub fn new(vault: Connections) -> Self {
        Self { vault }
    }

    /// The connections and their tokens.
    pub fn connections(&self) -> &Connections {
        &self.vault
    }

    /// Step 1: a fresh single-use state, and the URL of GitFlic's consent page. `public` is the
    /// API's public base URL (the callback lives under it).
    pub async fn start(
        &self,
        tenant: &str,
        base_url: Option<&str>,
        public: &Url,
    ) -> Result<Url, ConnectError> {
        let host = resolve_host(base_url, self.vault.allow_private()).await?;
        let state = CsrfToken::new_random();
        self.vault
            .store()
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
            .vault
            .oauth_app()
            .authorize_url(&host, &state, &callback_url(public)?))
    }

    /// Step 2: GitFlic sent the user back with `code` and `state`.
    pub async fn complete(&self, code: &str, state: &str) -> Result<ConnectionView, ConnectError> {
        if code.is_empty() || code.len() > 2048 || state.is_empty() || state.len() > 512 {
            return Err(ConnectError::InvalidState);
        }
        let pending = self
            .vault
            .store()
            .take_oauth_state(&SecretDigest::of(state))
            .await?
            .ok_or(ConnectError::InvalidState)?;
        let host = resolve_host(Some(&pending.base_url), self.vault.allow_private()).await?;
        let tokens = self
            .vault
            .oauth_app()
            .exchange(
                self.vault.http(),
                &host,
                &AuthorizationCode::new(code.to_owned()),
            )
            .await?;
        let user = GitflicApi::new(self.vault.http().clone(), host.api.clone())
            .current_user(&tokens.access)
            .await?;
        // Connecting the same account of the same GitFlic again (the console's "Reconnect")
        // renews that connection, so its watches, hooks and rooms carry on.
        let same = self
            .vault
            .store()
            .connections(&pending.tenant_id)
            .await?
            .into_iter()
            .find(|c| c.web_url == host.web.as_str() && user.id.is_some() && c.user_id == user.id);
        let mut record = ConnectionRecord {
            tenant_id: pending.tenant_id,
            connection_id: same
                .as_ref()
                .map(|c| c.connection_id.clone())
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            web_url: host.web.to_string(),
            api_url: host.api.to_string(),
            oauth_url: host.oauth.to_string(),
            user_id: user.id,
            username: user.username,
            access_ct: Vec::new(),
            refresh_ct: None,
            token_expires_at: None,
            token_version: same.as_ref().map_or(0, |c| c.token_version + 1),
            status: ConnectionStatus::Active,
            manual_secret_digest: same.as_ref().and_then(|c| c.manual_secret_digest.clone()),
            created_at: same.as_ref().map_or(epoch_now() as i64, |c| c.created_at),
        };
        self.vault.seal_tokens(&mut record, &tokens).await?;
        self.vault.store().put_connection(&record).await?;
        tracing::info!(connection_id = %record.connection_id, renewed = same.is_some(), "GitFlic connected");
        Ok(ConnectionView::of(&record))
    }

    pub async fn list(&self, tenant: &str) -> Result<Vec<ConnectionView>, ConnectError> {
        Ok(self
            .vault
            .store()
            .connections(tenant)
            .await?
            .iter()
            .map(ConnectionView::of)
            .collect())
    }

    /// Every project of the account (and those shared with it, on request), with watch status.
    /// A watched project whose hook predates today's events ([`HOOK_VERSION`]) is registered
    /// again (a new hook and secret; the old ones stop working).
    pub async fn sync(
        &self,
        tenant: &str,
        connection: &str,
        include_shared: bool,
        public: &Url,
    ) -> Result<Vec<ProjectView>, ConnectError> {
        let mut session = Session::open(&self.vault, self.vault.record(tenant, connection).await?)?;
        let mut projects = session.own_projects().await?;
        if include_shared {
            projects.extend(session.shared_projects().await?);
        }
        let watches = self.vault.store().watches(tenant, connection).await?;
        for old in watches.iter().filter(|w| w.hook_version < HOOK_VERSION) {
            hooks::register(
                &self.vault,
                &mut session,
                &old.owner_alias,
                &old.alias,
                old.branch_pattern.as_deref(),
                None,
                public,
            )
            .await?;
            tracing::info!(connection_id = %connection, project_id = %old.project_id, "webhook upgraded to today's events");
        }
        let mut views: Vec<ProjectView> = projects
            .iter()
            .filter_map(|p: &Project| {
                let id = p.id.clone()?;
                let watch = watches.iter().find(|w| w.project_id == id);
                Some(ProjectView {
                    owner: p.owner_alias()?.to_owned(),
                    alias: p.alias.clone()?,
                    title: p.title.clone(),
                    watched: watch.is_some(),
                    merge_request_discussions: watch.map(DiscussionsView::of),
                    branch_pattern: watch.and_then(|w| w.branch_pattern.clone()),
                    id,
                })
            })
            .collect();
        views.dedup_by(|a, b| a.id == b.id);
        Ok(views)
    }

    /// Registers a webhook for failures and successes with a fresh secret (see
    /// [`hooks::register`]): watching again replaces the previous hook, never two. Merge-request
    /// discussions are on unless `discussions` says otherwise, when the application may write
    /// to projects (`PROJECT_WRITE`).
    pub async fn watch(
        &self,
        tenant: &str,
        connection: &str,
        (owner, alias): (&str, &str),
        settings: WatchSettings<'_>,
        public: &Url,
    ) -> Result<WatchView, ConnectError> {
        let mut session = Session::open(&self.vault, self.vault.record(tenant, connection).await?)?;
        let may_write = self
            .vault
            .oauth_app()
            .scopes
            .iter()
            .any(|s| s == "PROJECT_WRITE");
        let watch = hooks::register(
            &self.vault,
            &mut session,
            owner,
            alias,
            settings.branch_pattern,
            Some(settings.discussions.unwrap_or(may_write)),
            public,
        )
        .await?;
        tracing::info!(connection_id = %connection, project_id = %watch.project_id, "watching project");
        Ok(WatchView {
            merge_request_discussions: DiscussionsView::of(&watch),
            project_id: watch.project_id,
            owner: watch.owner_alias,
            alias: watch.alias,
            webhook_id: watch.webhook_id,
            branch_pattern: watch.branch_pattern,
        })
    }

    /// The newest reports (at most `limit`) of a project one of the tenant's connections
    /// watches; another tenant's project, or one not watched, is not found.
    pub async fn reports(
        &self,
        tenant: &str,
        project_id: &str,
        limit: u32,
    ) -> Result<Vec<serde_json::Value>, ConnectError> {
        let store = self.vault.store();
        let watched = store.tenant_watches(tenant).await?;
        if !watched.iter().any(|w| w.project_id == project_id) {
            return Err(ConnectError::NotFound);
        }
        Ok(store
            .recent_reports(tenant, project_id, limit)
            .await?
            .iter()
            .filter_map(|json| serde_json::from_str(json).ok())
            .collect())
    }

    /// Deletes the GitFlic hook and our records; the old secret stops validating at once.
    pub async fn unwatch(
        &self,
        tenant: &str,
        connection: &str,
        owner: &str,
        alias: &str,
    ) -> Result<(), ConnectError> {
        let record = self.vault.record(tenant, connection).await?;
        let watch = self
            .vault
            .store()
            .watches(tenant, connection)
            .await?
            .into_iter()
            .find(|w| w.owner_alias == owner && w.alias == alias)
            .ok_or(ConnectError::NotFound)?;
        self.forget_watch(&watch).await?;
        if let Some(id) = watch.webhook_id.as_deref() {
            Session::open(&self.vault, record)?
                .delete_webhook(&watch.owner_alias, &watch.alias, id)
                .await?;
        }
        Ok(())
    }

    async fn forget_watch(&self, watch: &WatchRecord) -> Result<(), ConnectError> {
        if let Some(digest) = SecretDigest::from_hex(&watch.secret_digest) {
            self.vault.store().delete_secret_binding(&digest).await?;
        }
        self.vault
            .store()
            .delete_watch(&watch.tenant_id, &watch.connection_id, &watch.project_id)
            .await?;
        Ok(())
    }

    /// Deletes the webhooks the connection registered (best effort: a revoked token must not
    /// keep the user from disconnecting), then every record and the tokens.
    pub async fn disconnect(&self, tenant: &str, connection: &str) -> Result<(), ConnectError> {
        let record = self.vault.record(tenant, connection).await?;
        let manual_secret_digest = record.manual_secret_digest.clone();
        let mut session = Session::open(&self.vault, record)?;
        for watch in self.vault.store().watches(tenant, connection).await? {
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
            self.vault.store().delete_secret_binding(&digest).await?;
        }
        self.vault
            .store()
            .delete_connection(tenant, connection)
            .await?;
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
        let record = self.vault.record(tenant, connection).await?;
        let (secret, digest) =
            hooks::bind_new_secret(&self.vault, tenant, connection, None).await?;
        let mut updated = record.clone();
        updated.manual_secret_digest = Some(digest.to_hex());
        updated.token_version += 1;
        if !self
            .vault
            .store()
            .update_tokens(&updated, record.token_version)
            .await?
        {
            self.vault.store().delete_secret_binding(&digest).await?;
            return Err(ConnectError::BadRequest(
                "the connection changed meanwhile; try again".into(),
            ));
        }
        if let Some(old) = record
            .manual_secret_digest
            .as_deref()
            .and_then(SecretDigest::from_hex)
        {
            self.vault.store().delete_secret_binding(&old).await?;
        }
        Ok(ManualWebhook {
            url: hooks::hook_url(public, &secret),
            secret,
        })
    }
}
