//! Connection items, all keyed by tenant so that one tenant can never address another's:
//! - `OAUTHSTATE#<sha256 of state>` / `STATE`: a pending OAuth flow (single use, 10 minutes);
//! - `TENANT#<tenant>` / `CONN#<connection>`: a GitFlic connection with KMS-encrypted tokens;
//! - `TENANT#<tenant>` / `WATCH#<connection>#<project>`: a watched project and its webhook.

use super::{
    EXPIRES_AT, Item, PK, SK, Store, StoreError, all_pages, conditional, dynamo_error, epoch_now,
    key, n, s, string_attr,
};
use crate::secret::SecretDigest;
use aws_sdk_dynamodb::types::ReturnValue;
use serde::{Deserialize, Serialize};
use serde_dynamo::{from_item, to_item};
use std::collections::HashMap;
use std::time::Duration;

/// A record that does not convert to or from its item.
fn malformed(kind: &'static str) -> impl Fn(serde_dynamo::Error) -> StoreError {
    move |e| StoreError::Malformed {
        kind,
        reason: e.to_string(),
    }
}

pub(super) const GSI1PK: &str = "gsi1pk";
pub(super) const GSI1SK: &str = "gsi1sk";
/// The `gsi1` partition that lists every watch.
pub(super) const WATCH_INDEX: &str = "WATCHES";

pub(super) fn tenant_pk(tenant: &str) -> String {
    format!("TENANT#{tenant}")
}

/// A pending OAuth flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OauthState {
    pub tenant_id: String,
    pub base_url: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    /// The refresh token was refused (or a personal token expired): the user must connect again.
    NeedsReconnect,
    /// Also what an unknown stored value reads as.
    #[default]
    #[serde(other)]
    Active,
}

impl ConnectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Active => "active",
            ConnectionStatus::NeedsReconnect => "needs_reconnect",
        }
    }
}

/// Stored as its fields' attributes (`serde_dynamo`): strings `S`, numbers `N`, ciphertexts
/// `B`; an absent optional field is an absent attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRecord {
    pub tenant_id: String,
    pub connection_id: String,
    /// The GitFlic instance: web, API and OAuth bases.
    pub web_url: String,
    pub api_url: String,
    pub oauth_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// KMS ciphertexts (context: purpose, tenant, connection).
    #[serde(with = "serde_bytes")]
    pub access_ct: Vec<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "serde_bytes")]
    pub refresh_ct: Option<Vec<u8>>,
    /// Unix seconds; `None` when GitFlic did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_expires_at: Option<i64>,
    /// Bumped at every token refresh: the refresh's conditional update keys on it.
    #[serde(default)]
    pub token_version: i64,
    #[serde(default)]
    pub status: ConnectionStatus,
    /// The digest of the connection-level ("manual") webhook secret, if one was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual_secret_digest: Option<String>,
    #[serde(default)]
    pub created_at: i64,
}

impl ConnectionRecord {
    fn to_item(&self) -> Result<Item, StoreError> {
        let mut item: Item = to_item(self).map_err(malformed("connection"))?;
        item.extend(key(
            tenant_pk(&self.tenant_id),
            &format!("CONN#{}", self.connection_id),
        ));
        Ok(item)
    }

    fn from_item(item: &Item) -> Result<Self, StoreError> {
        from_item(item.clone()).map_err(malformed("connection"))
    }
}

/// A watched project: GitFlic's webhook id and our secret's digest (the secret itself is shown
/// to GitFlic once and kept nowhere: a check needs only the digest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchRecord {
    pub tenant_id: String,
    pub connection_id: String,
    pub project_id: String,
    pub owner_alias: String,
    pub alias: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<String>,
    pub secret_digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch_pattern: Option<String>,
    /// The project's default branch when it was watched: where a baseline is looked for when
    /// the failing branch has no green run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
    /// What the hook subscribes to ([`crate::gitflic::api::HOOK_VERSION`]); 1 when not recorded.
    #[serde(default = "first_hook_version")]
    pub hook_version: u32,
    /// Unix seconds the project has been watched since (kept when its hook is registered again):
    /// reconciliation reports no failure from before it. Not recorded before reconciliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub watched_at: Option<i64>,
    /// The hook's URL as registered, without its query (which holds the secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook_url: Option<String>,
    /// Unix seconds reconciliation last found the hook as registered (or registered it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hook_checked_at: Option<i64>,
    /// Unix seconds reconciliation last listed the project's pipelines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visited_at: Option<i64>,
    /// Whether a failure's report also goes to its open merge requests as a discussion; not
    /// recorded (watches from before) is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_request_discussions: Option<bool>,
    /// Unix seconds GitFlic refused a discussion (no write rights): none is tried again until
    /// the project is watched again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discussions_refused_at: Option<i64>,
}

impl WatchRecord {
    /// Whether failures are to be discussed on merge requests now.
    pub fn discusses_merge_requests(&self) -> bool {
        self.merge_request_discussions == Some(true) && self.discussions_refused_at.is_none()
    }
}

fn first_hook_version() -> u32 {
    1
}

impl WatchRecord {
    pub(super) fn sk(connection: &str, project: &str) -> String {
        format!("WATCH#{connection}#{project}")
    }

    fn to_item(&self) -> Result<Item, StoreError> {
        let mut item: Item = to_item(self).map_err(malformed("watched project"))?;
        item.extend(key(
            tenant_pk(&self.tenant_id),
            &Self::sk(&self.connection_id, &self.project_id),
        ));
        item.extend(self.index_attributes(self.visited_at.unwrap_or(0)));
        Ok(item)
    }

    /// Every watch, across tenants, in one partition of the `gsi1` index, least recently visited
    /// first: the order reconciliation visits them in.
    pub(super) fn index_attributes(&self, visited_at: i64) -> Item {
        HashMap::from([
            (GSI1PK.to_owned(), s(WATCH_INDEX)),
            (
                GSI1SK.to_owned(),
                s(format!(
                    "{:012}#{}#{}#{}",
                    visited_at.max(0),
                    self.tenant_id,
                    self.connection_id,
                    self.project_id
                )),
            ),
        ])
    }

    pub(super) fn from_item(item: &Item) -> Result<Self, StoreError> {
        from_item(item.clone()).map_err(malformed("watched project"))
    }
}

impl Store {
    pub async fn put_oauth_state(
        &self,
        state: &SecretDigest,
        value: &OauthState,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let mut item = key(format!("OAUTHSTATE#{}", state.to_hex()), "STATE");
        item.insert("tenant_id".into(), s(&value.tenant_id));
        item.insert("base_url".into(), s(&value.base_url));
        item.insert(EXPIRES_AT.into(), n(epoch_now() + ttl.as_secs()));
        self.put(item).await?;
        Ok(())
    }

    /// Consumes a state atomically: the first caller gets it, replays and expired states get
    /// `None`.
    pub async fn take_oauth_state(
        &self,
        state: &SecretDigest,
    ) -> Result<Option<OauthState>, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(format!("OAUTHSTATE#{}", state.to_hex()), "STATE")))
            .condition_expression("attribute_exists(#pk) AND #exp > :now")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#exp", EXPIRES_AT)
            .expression_attribute_values(":now", n(epoch_now()))
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => {
                let Some(item) = out.attributes else {
                    return Ok(None);
                };
                Ok(Some(OauthState {
                    tenant_id: string_attr(&item, "tenant_id", "oauth state")?,
                    base_url: string_attr(&item, "base_url", "oauth state")?,
                }))
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(dynamo_error("DeleteItem")(e)),
        }
    }

    pub async fn put_connection(&self, record: &ConnectionRecord) -> Result<(), StoreError> {
        self.put(record.to_item()?).await?;
        Ok(())
    }

    pub async fn connection(
        &self,
        tenant: &str,
        connection: &str,
    ) -> Result<Option<ConnectionRecord>, StoreError> {
        let item = self
            .get(key(tenant_pk(tenant), &format!("CONN#{connection}")))
            .await?;
        item.as_ref().map(ConnectionRecord::from_item).transpose()
    }

    pub(super) async fn query_prefix(
        &self,
        tenant: &str,
        prefix: &str,
    ) -> Result<Vec<Item>, StoreError> {
        all_pages(|start| async move {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":pk", s(tenant_pk(tenant)))
                .expression_attribute_values(":prefix", s(prefix))
                .set_exclusive_start_key(start)
                .consistent_read(true)
                .send()
                .await
                .map_err(dynamo_error("Query"))?;
            Ok((out.items.unwrap_or_default(), out.last_evaluated_key))
        })
        .await
    }

    pub async fn connections(&self, tenant: &str) -> Result<Vec<ConnectionRecord>, StoreError> {
        self.query_prefix(tenant, "CONN#")
            .await?
            .iter()
            .map(ConnectionRecord::from_item)
            .collect()
    }

    /// Stores refreshed tokens if nobody else did since `expected_version`; `Ok(false)` when
    /// another invocation won the race (its tokens are in the table).
    pub async fn update_tokens(
        &self,
        record: &ConnectionRecord,
        expected_version: i64,
    ) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(record.to_item()?))
            .condition_expression("token_version = :v")
            .expression_attribute_values(":v", n(expected_version))
            .send()
            .await;
        conditional(result, "PutItem")
    }

    pub async fn delete_connection(
        &self,
        tenant: &str,
        connection: &str,
    ) -> Result<(), StoreError> {
        self.delete(key(tenant_pk(tenant), &format!("CONN#{connection}")))
            .await?;
        Ok(())
    }

    pub async fn put_watch(&self, watch: &WatchRecord) -> Result<(), StoreError> {
        self.put(watch.to_item()?).await?;
        Ok(())
    }

    /// The watches of one of the tenant's connections.
    pub async fn watches(
        &self,
        tenant: &str,
        connection: &str,
    ) -> Result<Vec<WatchRecord>, StoreError> {
        self.watches_under(tenant, &format!("WATCH#{connection}#"))
            .await
    }

    /// The watches of all the tenant's connections.
    pub async fn tenant_watches(&self, tenant: &str) -> Result<Vec<WatchRecord>, StoreError> {
        self.watches_under(tenant, "WATCH#").await
    }

    async fn watches_under(
        &self,
        tenant: &str,
        prefix: &str,
    ) -> Result<Vec<WatchRecord>, StoreError> {
        self.query_prefix(tenant, prefix)
            .await?
            .iter()
            .map(WatchRecord::from_item)
            .collect()
    }

    /// An update of the watch's item that leaves a watch removed meanwhile removed.
    pub(super) fn update_watch(
        &self,
        watch: &WatchRecord,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(
                tenant_pk(&watch.tenant_id),
                &WatchRecord::sk(&watch.connection_id, &watch.project_id),
            )))
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", PK)
    }

    /// Records that GitFlic refused the project's merge-request discussions at `now`.
    pub async fn refuse_discussions(
        &self,
        watch: &WatchRecord,
        now: i64,
    ) -> Result<(), StoreError> {
        let result = self
            .update_watch(watch)
            .update_expression("SET #refused = :now")
            .expression_attribute_names("#refused", "discussions_refused_at")
            .expression_attribute_values(":now", n(now))
            .send()
            .await;
        conditional(result, "UpdateItem")?;
        Ok(())
    }

    pub async fn delete_watch(
        &self,
        tenant: &str,
        connection: &str,
        project: &str,
    ) -> Result<(), StoreError> {
        self.delete(key(
            tenant_pk(tenant),
            &WatchRecord::sk(connection, project),
        ))
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::primitives::Blob;
    use aws_sdk_dynamodb::types::AttributeValue;

    fn item(attributes: &[(&str, AttributeValue)]) -> Item {
        attributes
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn a_connection_stored_before_serde_dynamo_reads_the_same_and_writes_the_same_shape() {
        // As the hand-written mapping wrote it: ciphertexts as B, numbers as N.
        let stored = item(&[
            ("pk", s("TENANT#t1")),
            ("sk", s("CONN#c1")),
            ("tenant_id", s("t1")),
            ("connection_id", s("c1")),
            ("web_url", s("https://gitflic.ru")),
            ("api_url", s("https://api.gitflic.ru")),
            ("oauth_url", s("https://oauth.gitflic.ru")),
            ("username", s("ivan")),
            ("access_ct", AttributeValue::B(Blob::new(vec![1, 2, 3]))),
            ("refresh_ct", AttributeValue::B(Blob::new(vec![4, 5]))),
            ("token_expires_at", n(1_800_000_000)),
            ("token_version", n(3)),
            ("status", s("needs_reconnect")),
            ("created_at", n(1_700_000_000)),
        ]);
        let record = ConnectionRecord::from_item(&stored).unwrap();
        assert_eq!(record.access_ct, [1, 2, 3]);
        assert_eq!(record.refresh_ct.as_deref(), Some(&[4u8, 5][..]));
        assert_eq!(record.user_id, None);
        assert_eq!(record.token_version, 3);
        assert_eq!(record.status, ConnectionStatus::NeedsReconnect);
        let written = record.to_item().unwrap();
        assert_eq!(written, stored, "the same attributes, of the same types");

        // An unknown status reads as active; a missing ciphertext is malformed, not a panic.
        let mut odd = stored.clone();
        odd.insert("status".into(), s("paused"));
        assert_eq!(
            ConnectionRecord::from_item(&odd).unwrap().status,
            ConnectionStatus::Active
        );
        odd.remove("access_ct");
        assert!(matches!(
            ConnectionRecord::from_item(&odd),
            Err(StoreError::Malformed { .. })
        ));
    }

    #[test]
    fn a_watch_stored_before_hook_versions_reads_as_version_one() {
        let stored = item(&[
            ("pk", s("TENANT#t1")),
            ("sk", s("WATCH#c1#p1")),
            ("tenant_id", s("t1")),
            ("connection_id", s("c1")),
            ("project_id", s("p1")),
            ("owner_alias", s("acme")),
            ("alias", s("shop")),
            ("secret_digest", s("ab")),
            ("branch_pattern", s("main")),
        ]);
        let watch = WatchRecord::from_item(&stored).unwrap();
        assert_eq!(watch.hook_version, 1);
        assert_eq!(watch.webhook_id, None);
        assert_eq!(watch.watched_at, None);
        let mut expected = stored;
        expected.insert("hook_version".into(), n(1));
        // Written again, it joins reconciliation's index as never visited.
        expected.insert(GSI1PK.into(), s("WATCHES"));
        expected.insert(GSI1SK.into(), s("000000000000#t1#c1#p1"));
        assert_eq!(watch.to_item().unwrap(), expected);
    }
}
