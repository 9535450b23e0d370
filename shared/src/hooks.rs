//! Our webhook on a watched project: registering it with a fresh secret (bound before the hook
//! exists, so GitFlic's first delivery already validates), and telling whether the hook GitFlic
//! lists is still the one we registered. The oauth function registers on watch and sync; the
//! reconciler registers again a hook deleted or edited at GitFlic.

use crate::connections::{ConnectError, Connections};
use crate::gitflic::api::{HOOK_VERSION, Webhook};
use crate::http_edge::public_address;
use crate::secret::{self, SecretDigest};
use crate::session::Session;
use crate::store::{SecretBinding, WatchRecord, epoch_now};
use url::Url;

/// Where GitFlic delivers to, under the API's public base URL (without the secret).
fn hook_address(public: &Url) -> Url {
    public_address(public, &["webhook", "gitflic"])
}

/// The URL a hook is registered with: the address and the secret in its query.
pub fn hook_url(public: &Url, secret: &str) -> String {
    let mut url = hook_address(public);
    url.query_pairs_mut().append_pair("secret", secret);
    url.to_string()
}

/// The address part of a hook's URL.
fn address_of(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or_default()
}

/// A fresh webhook secret, already valid for `project` (or any project of the connection).
pub async fn bind_new_secret(
    vault: &Connections,
    tenant: &str,
    connection: &str,
    project: Option<&str>,
) -> Result<(String, SecretDigest), ConnectError> {
    let secret = secret::generate();
    let digest = SecretDigest::of(&secret);
    vault
        .store()
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

/// Registers a webhook for failures and successes with a fresh secret, replacing the previous
/// one (ours, found by the watch's record or by address, even if our record was lost): never
/// two. The old secret stops validating. A watch registered again keeps when it began;
/// `discussions` sets the merge-request switch (`None` keeps the previous setting, off for a
/// new watch) and clears an earlier refusal when set.
pub async fn register(
    vault: &Connections,
    session: &mut Session<'_>,
    owner: &str,
    alias: &str,
    branch_pattern: Option<&str>,
    discussions: Option<bool>,
    public: &Url,
) -> Result<WatchRecord, ConnectError> {
    let (tenant, connection) = (
        session.record().tenant_id.clone(),
        session.record().connection_id.clone(),
    );
    let project = session.project(owner, alias).await?;
    let project_id = project.id.clone().ok_or_else(|| {
        ConnectError::BadRequest("GitFlic returned a project without an id".into())
    })?;
    let previous = vault
        .store()
        .watches(&tenant, &connection)
        .await?
        .into_iter()
        .find(|w| w.project_id == project_id);

    let address = hook_address(public).to_string();
    let recorded = previous.as_ref().and_then(|p| p.webhook_id.as_deref());
    for hook in session.webhooks(owner, alias).await? {
        let ours = hook.id.as_deref().is_some_and(|id| Some(id) == recorded)
            || hook
                .url
                .as_deref()
                .is_some_and(|u| address_of(u) == address);
        if let (true, Some(id)) = (ours, hook.id.as_deref()) {
            session.delete_webhook(owner, alias, id).await?;
        }
    }

    let (secret, digest) = bind_new_secret(vault, &tenant, &connection, Some(&project_id)).await?;
    let created = session
        .create_webhook(
            owner,
            alias,
            &hook_url(public, &secret),
            &secret,
            branch_pattern,
        )
        .await;
    let created = match created {
        Ok(hook) => hook,
        Err(e) => {
            vault.store().delete_secret_binding(&digest).await?;
            return Err(e);
        }
    };
    let now = epoch_now() as i64;
    let watch = WatchRecord {
        tenant_id: tenant,
        connection_id: connection,
        project_id,
        owner_alias: owner.to_owned(),
        alias: alias.to_owned(),
        webhook_id: created.id.clone(),
        secret_digest: digest.to_hex(),
        branch_pattern: branch_pattern.map(str::to_owned),
        default_branch: project.default_branch.clone(),
        hook_version: HOOK_VERSION,
        watched_at: Some(previous.as_ref().and_then(|p| p.watched_at).unwrap_or(now)),
        hook_url: Some(address),
        hook_checked_at: Some(now),
        visited_at: previous.as_ref().and_then(|p| p.visited_at),
        merge_request_discussions: discussions
            .or_else(|| previous.as_ref().and_then(|p| p.merge_request_discussions)),
        discussions_refused_at: match discussions {
            Some(_) => None,
            None => previous.as_ref().and_then(|p| p.discussions_refused_at),
        },
    };
    vault.store().put_watch(&watch).await?;
    if let Some(old) = previous.and_then(|p| SecretDigest::from_hex(&p.secret_digest)) {
        vault.store().delete_secret_binding(&old).await?;
    }
    Ok(watch)
}

/// What became of the hook a watch registered, judged from GitFlic's list of the project's hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookState {
    /// Listed as registered: its address, secret, events and branch pattern.
    Intact,
    /// Not listed any more.
    Missing,
    /// Listed, but changed at GitFlic (address, secret, events or branch pattern).
    Edited,
}

/// Judges the watch's hook among `hooks`. What GitFlic's list does not show (the secret when
/// the URL comes back without it, the events) is not held against it.
pub fn hook_state(watch: &WatchRecord, hooks: &[Webhook]) -> HookState {
    let Some(hook) = hooks.iter().find(|h| {
        h.id.is_some() && h.id == watch.webhook_id
            || watch.webhook_id.is_none()
                && h.url
                    .as_deref()
                    .zip(watch.hook_url.as_deref())
                    .is_some_and(|(u, ours)| address_of(u) == ours)
    }) else {
        return HookState::Missing;
    };
    let url = hook.url.as_deref().unwrap_or_default();
    let address_kept = match watch.hook_url.as_deref() {
        Some(ours) => address_of(url) == ours,
        None => address_of(url).ends_with("/webhook/gitflic"),
    };
    let secret_kept = Url::parse(url).is_ok_and(|u| {
        let stored = SecretDigest::from_hex(&watch.secret_digest);
        u.query_pairs()
            .filter(|(k, _)| k == "secret")
            .all(|(_, v)| {
                stored
                    .as_ref()
                    .is_some_and(|d| d.matches(&SecretDigest::of(&v)))
            })
    });
    let events_kept = hook.has_our_events() != Some(false);
    let pattern_kept = hook.branch_pattern.is_none()
        || hook.branch_pattern.as_deref().filter(|p| !p.is_empty())
            == watch.branch_pattern.as_deref();
    if address_kept && secret_kept && events_kept && pattern_kept {
        HookState::Intact
    } else {
        HookState::Edited
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn watch(secret: &str) -> WatchRecord {
        WatchRecord {
            tenant_id: "t".into(),
            connection_id: "c".into(),
            project_id: "p".into(),
            owner_alias: "acme".into(),
            alias: "shop".into(),
            webhook_id: Some("h1".into()),
            secret_digest: SecretDigest::of(secret).to_hex(),
            branch_pattern: None,
            default_branch: None,
            hook_version: HOOK_VERSION,
            watched_at: Some(1),
            hook_url: Some("https://x.example/webhook/gitflic".into()),
            hook_checked_at: None,
            visited_at: None,
            merge_request_discussions: None,
            discussions_refused_at: None,
        }
    }

    fn hook(value: serde_json::Value) -> Webhook {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_hook_is_intact_only_as_registered() {
        let public = Url::parse("https://x.example/").unwrap();
        let w = watch("s3cret");
        let url = hook_url(&public, "s3cret");
        assert_eq!(url, "https://x.example/webhook/gitflic?secret=s3cret");
        let events = json!({"PIPELINE_FAIL": true, "PIPELINE_SUCCESS": true});
        let as_registered = hook(json!({"id": "h1", "url": url, "events": events}));
        assert_eq!(hook_state(&w, &[as_registered]), HookState::Intact);
        // GitFlic may show neither the events nor the secret: not held against the hook.
        let terse = hook(json!({"id": "h1", "url": "https://x.example/webhook/gitflic"}));
        assert_eq!(hook_state(&w, &[terse]), HookState::Intact);

        assert_eq!(hook_state(&w, &[]), HookState::Missing);
        let other = hook(json!({"id": "h2", "url": url}));
        assert_eq!(hook_state(&w, &[other]), HookState::Missing);
        let moved =
            hook(json!({"id": "h1", "url": "https://evil.example/webhook/gitflic?secret=s3cret"}));
        assert_eq!(hook_state(&w, &[moved]), HookState::Edited);
        let new_secret = hook(json!({"id": "h1", "url": hook_url(&public, "other")}));
        assert_eq!(hook_state(&w, &[new_secret]), HookState::Edited);
        let fewer = hook(json!({"id": "h1", "url": url, "events": {"PIPELINE_FAIL": true}}));
        assert_eq!(hook_state(&w, &[fewer]), HookState::Edited);
        let listed =
            hook(json!({"id": "h1", "url": url, "events": ["PIPELINE_FAIL", "PIPELINE_SUCCESS"]}));
        assert_eq!(hook_state(&w, &[listed]), HookState::Intact);
        let narrowed = hook(json!({"id": "h1", "url": url, "branchPattern": "release/*"}));
        assert_eq!(hook_state(&w, &[narrowed]), HookState::Edited);
    }
}
