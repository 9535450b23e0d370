//! Connection items, all keyed by tenant so that one tenant can never address another's:
//! - `OAUTHSTATE#<sha256 of state>` / `STATE`: a pending OAuth flow (single use, 10 minutes);
//! - `TENANT#<tenant>` / `CONN#<connection>`: a GitFlic connection with KMS-encrypted tokens;
//! - `TENANT#<tenant>` / `WATCH#<connection>#<project>`: a watched project and its webhook.

use super::{
    EXPIRES_AT, Item, PK, SK, Store, StoreError, conditional, dynamo_error, epoch_now, key, n,
    opt_number, s, string_attr,
};
use crate::secret::SecretDigest;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use std::time::Duration;

fn b(bytes: &[u8]) -> AttributeValue {
    AttributeValue::B(Blob::new(bytes))
}

fn opt_string(item: &Item, name: &str) -> Option<String> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Some(v.clone()),
        _ => None,
    }
}

fn opt_blob(item: &Item, name: &str) -> Option<Vec<u8>> {
    match item.get(name) {
        Some(AttributeValue::B(v)) => Some(v.as_ref().to_vec()),
        _ => None,
    }
}

fn tenant_pk(tenant: &str) -> String {
    format!("TENANT#{tenant}")
}

/// A pending OAuth flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OauthState {
    pub tenant_id: String,
    pub base_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionStatus {
    Active,
    /// The refresh token was refused (or a personal token expired): the user must connect again.
    NeedsReconnect,
}

impl ConnectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Active => "active",
            ConnectionStatus::NeedsReconnect => "needs_reconnect",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRecord {
    pub tenant_id: String,
    pub connection_id: String,
    /// The GitFlic instance: web, API and OAuth bases.
    pub web_url: String,
    pub api_url: String,
    pub oauth_url: String,
    pub user_id: Option<String>,
    pub username: Option<String>,
    /// KMS ciphertexts (context: purpose, tenant, connection).
    pub access_ct: Vec<u8>,
    pub refresh_ct: Option<Vec<u8>>,
    /// Unix seconds; `None` when GitFlic did not say.
    pub token_expires_at: Option<i64>,
    /// Bumped at every token refresh: the refresh's conditional update keys on it.
    pub token_version: i64,
    pub status: ConnectionStatus,
    /// The digest of the connection-level ("manual") webhook secret, if one was issued.
    pub manual_secret_digest: Option<String>,
    pub created_at: i64,
}

impl ConnectionRecord {
    fn to_item(&self) -> Item {
        let mut item = key(
            tenant_pk(&self.tenant_id),
            &format!("CONN#{}", self.connection_id),
        );
        item.insert("tenant_id".into(), s(&self.tenant_id));
        item.insert("connection_id".into(), s(&self.connection_id));
        item.insert("web_url".into(), s(&self.web_url));
        item.insert("api_url".into(), s(&self.api_url));
        item.insert("oauth_url".into(), s(&self.oauth_url));
        if let Some(v) = &self.user_id {
            item.insert("user_id".into(), s(v));
        }
        if let Some(v) = &self.username {
            item.insert("username".into(), s(v));
        }
        item.insert("access_ct".into(), b(&self.access_ct));
        if let Some(v) = &self.refresh_ct {
            item.insert("refresh_ct".into(), b(v));
        }
        if let Some(v) = self.token_expires_at {
            item.insert("token_expires_at".into(), n(v));
        }
        item.insert("token_version".into(), n(self.token_version));
        item.insert("status".into(), s(self.status.as_str()));
        if let Some(v) = &self.manual_secret_digest {
            item.insert("manual_secret_digest".into(), s(v));
        }
        item.insert("created_at".into(), n(self.created_at));
        item
    }

    fn from_item(item: &Item) -> Result<Self, StoreError> {
        const KIND: &str = "connection";
        Ok(Self {
            tenant_id: string_attr(item, "tenant_id", KIND)?,
            connection_id: string_attr(item, "connection_id", KIND)?,
            web_url: string_attr(item, "web_url", KIND)?,
            api_url: string_attr(item, "api_url", KIND)?,
            oauth_url: string_attr(item, "oauth_url", KIND)?,
            user_id: opt_string(item, "user_id"),
            username: opt_string(item, "username"),
            access_ct: opt_blob(item, "access_ct").ok_or(StoreError::Malformed {
                kind: KIND,
                reason: "no access token".into(),
            })?,
            refresh_ct: opt_blob(item, "refresh_ct"),
            token_expires_at: opt_number(item, "token_expires_at"),
            token_version: opt_number(item, "token_version").unwrap_or(0),
            status: match opt_string(item, "status").as_deref() {
                Some("needs_reconnect") => ConnectionStatus::NeedsReconnect,
                _ => ConnectionStatus::Active,
            },
            manual_secret_digest: opt_string(item, "manual_secret_digest"),
            created_at: opt_number(item, "created_at").unwrap_or(0),
        })
    }
}

/// A watched project: GitFlic's webhook id and our secret's digest (the secret itself is shown
/// to GitFlic once and kept nowhere: a check needs only the digest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchRecord {
    pub tenant_id: String,
    pub connection_id: String,
    pub project_id: String,
    pub owner_alias: String,
    pub alias: String,
    pub webhook_id: Option<String>,
    pub secret_digest: String,
    pub branch_pattern: Option<String>,
    /// The project's default branch when it was watched: where a baseline is looked for when
    /// the failing branch has no green run.
    pub default_branch: Option<String>,
    /// What the hook subscribes to ([`crate::gitflic::api::HOOK_VERSION`]); 1 when not recorded.
    pub hook_version: u32,
}

impl WatchRecord {
    fn sk(connection: &str, project: &str) -> String {
        format!("WATCH#{connection}#{project}")
    }

    fn to_item(&self) -> Item {
        let mut item = key(
            tenant_pk(&self.tenant_id),
            &Self::sk(&self.connection_id, &self.project_id),
        );
        for (name, value) in [
            ("tenant_id", &self.tenant_id),
            ("connection_id", &self.connection_id),
            ("project_id", &self.project_id),
            ("owner_alias", &self.owner_alias),
            ("alias", &self.alias),
            ("secret_digest", &self.secret_digest),
        ] {
            item.insert(name.into(), s(value));
        }
        if let Some(v) = &self.webhook_id {
            item.insert("webhook_id".into(), s(v));
        }
        item.insert("hook_version".into(), n(self.hook_version));
        for (name, value) in [
            ("branch_pattern", &self.branch_pattern),
            ("default_branch", &self.default_branch),
        ] {
            if let Some(v) = value {
                item.insert(name.into(), s(v));
            }
        }
        item
    }

    fn from_item(item: &Item) -> Result<Self, StoreError> {
        const KIND: &str = "watched project";
        Ok(Self {
            tenant_id: string_attr(item, "tenant_id", KIND)?,
            connection_id: string_attr(item, "connection_id", KIND)?,
            project_id: string_attr(item, "project_id", KIND)?,
            owner_alias: string_attr(item, "owner_alias", KIND)?,
            alias: string_attr(item, "alias", KIND)?,
            webhook_id: opt_string(item, "webhook_id"),
            secret_digest: string_attr(item, "secret_digest", KIND)?,
            branch_pattern: opt_string(item, "branch_pattern"),
            default_branch: opt_string(item, "default_branch"),
            hook_version: opt_number(item, "hook_version").unwrap_or(1),
        })
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
        self.put(record.to_item()).await?;
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
        let mut items = Vec::new();
        let mut start = None;
        loop {
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
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
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
            .set_item(Some(record.to_item()))
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
        self.put(watch.to_item()).await?;
        Ok(())
    }

    pub async fn watches(
        &self,
        tenant: &str,
        connection: &str,
    ) -> Result<Vec<WatchRecord>, StoreError> {
        self.query_prefix(tenant, &format!("WATCH#{connection}#"))
            .await?
            .iter()
            .map(WatchRecord::from_item)
            .collect()
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
