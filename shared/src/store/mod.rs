//! The DynamoDB table (single-table layout: `pk`, `sk`, TTL attribute `expires_at`).
//!
//! Item kinds written here:
//! - `WHSECRET#<sha256 hex>` / `BINDING`: which tenant, connection and (optionally) project a webhook
//!   secret belongs to. Holds the digest only; the encrypted secret lives with the watched project.
//! - the records of [`idempotency`]: deliveries queued and analyses done at most once.
//! - the connection items of [`connections`]: OAuth states, connections, watched projects.
//! - the chat channels' items of [`channels`].
//! - what [`history`] remembers: green runs per branch, GitFlic requests spent per hour.
//! - [`reports`]: each project's reports, newest first, for the console.
//! - what [`reconcile`] keeps: the watches' index by visit, each connection's request bucket.
//!
//! moto, like DynamoDB itself, deletes expired items late or never: reads treat an item whose
//! `expires_at` has passed as absent.

mod channels;
mod connections;
mod history;
mod idempotency;
mod reconcile;
mod reports;
pub use connections::{ConnectionRecord, ConnectionStatus, OauthState, WatchRecord};
pub use history::{GreenRun, OpenFailure, RECURRENCE_MEMORY, Sightings};
pub use idempotency::{Claim, Work};
pub use reconcile::RequestBucket;

use crate::secret::SecretDigest;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const EXPIRES_AT: &str = "expires_at";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DynamoDB {operation} failed: {message}")]
    Dynamo {
        operation: &'static str,
        message: String,
    },
    #[error("stored {kind} item is malformed: {reason}")]
    Malformed { kind: &'static str, reason: String },
}

fn dynamo_error<E, R>(operation: &'static str) -> impl FnOnce(SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    move |e| StoreError::Dynamo {
        operation,
        message: DisplayErrorContext(e).to_string(),
    }
}

/// `Ok(true)` when a conditional write happened, `Ok(false)` when its condition did not hold.
fn conditional<O, E, R>(
    result: Result<O, SdkError<E, R>>,
    operation: &'static str,
) -> Result<bool, StoreError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    Ok(conditional_output(result, operation)?.is_some())
}

/// The output of a conditional write that happened, `None` when its condition did not hold.
fn conditional_output<O, E, R>(
    result: Result<O, SdkError<E, R>>,
    operation: &'static str,
) -> Result<Option<O>, StoreError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match result {
        Ok(output) => Ok(Some(output)),
        Err(e)
            if e.as_service_error().and_then(|se| se.code())
                == Some("ConditionalCheckFailedException") =>
        {
            Ok(None)
        }
        Err(e) => Err(dynamo_error(operation)(e)),
    }
}

/// Who a webhook secret belongs to. `project_id` is `None` for a connection-level (manual) secret,
/// which is valid for any project of that connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretBinding {
    pub tenant_id: String,
    pub connection_id: String,
    pub project_id: Option<String>,
}

type Item = HashMap<String, AttributeValue>;

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// A number attribute, if present and readable as `T`.
fn opt_number<T: std::str::FromStr>(item: &Item, name: &str) -> Option<T> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().ok(),
        _ => None,
    }
}

fn key(pk: String, sk: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

fn string_attr(
    item: &HashMap<String, AttributeValue>,
    name: &str,
    kind: &'static str,
) -> Result<String, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v.clone()),
        _ => Err(StoreError::Malformed {
            kind,
            reason: format!("attribute {name} is missing or not a string"),
        }),
    }
}

/// Every item of a paginated read: `page` reads the page starting at a key (`None`: the first)
/// and answers its items and the next page's key.
async fn all_pages<F, Fut>(mut page: F) -> Result<Vec<Item>, StoreError>
where
    F: FnMut(Option<Item>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<Item>, Option<Item>), StoreError>>,
{
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let (mut read, next) = page(start).await?;
        items.append(&mut read);
        start = next;
        if start.is_none() {
            return Ok(items);
        }
    }
}

/// Whether `item` has not expired at `now` (an item without `expires_at` never does).
fn unexpired(item: &Item, now: u64) -> bool {
    opt_number::<u64>(item, EXPIRES_AT).is_none_or(|at| at >= now)
}

/// Seconds since the Unix epoch.
pub fn epoch_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn secret_pk(digest: &SecretDigest) -> String {
    format!("WHSECRET#{}", digest.to_hex())
}

#[derive(Debug, Clone)]
pub struct Store {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl Store {
    async fn put(&self, item: Item) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(dynamo_error("PutItem"))?;
        Ok(())
    }

    /// A strongly consistent read of one item.
    async fn get(
        &self,
        key: HashMap<String, AttributeValue>,
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamo_error("GetItem"))?;
        Ok(out.item)
    }

    /// [`Store::get`], but an item whose `expires_at` has passed is absent: DynamoDB deletes
    /// expired items late, moto never.
    async fn get_unexpired(&self, key: Item) -> Result<Option<Item>, StoreError> {
        let now = epoch_now();
        Ok(self.get(key).await?.filter(|item| unexpired(item, now)))
    }

    async fn delete(&self, key: HashMap<String, AttributeValue>) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .send()
            .await
            .map_err(dynamo_error("DeleteItem"))?;
        Ok(())
    }

    pub fn new(sdk: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        Self {
            client: aws_sdk_dynamodb::Client::new(sdk),
            table: table.into(),
        }
    }

    /// The binding of a presented secret's digest, if it is one of ours.
    pub async fn secret_binding(
        &self,
        digest: &SecretDigest,
    ) -> Result<Option<SecretBinding>, StoreError> {
        let item = self.get(key(secret_pk(digest), "BINDING")).await?;
        let Some(item) = item else {
            return Ok(None);
        };
        const KIND: &str = "webhook secret binding";
        // Defence in depth: the key matched, and so must the stored digest, compared in constant time.
        let stored = SecretDigest::from_hex(&string_attr(&item, "digest", KIND)?).ok_or(
            StoreError::Malformed {
                kind: KIND,
                reason: "digest is not 64 hex digits".into(),
            },
        )?;
        if !stored.matches(digest) {
            return Ok(None);
        }
        Ok(Some(SecretBinding {
            tenant_id: string_attr(&item, "tenant_id", KIND)?,
            connection_id: string_attr(&item, "connection_id", KIND)?,
            project_id: string_attr(&item, "project_id", KIND).ok(),
        }))
    }

    pub async fn put_secret_binding(
        &self,
        digest: &SecretDigest,
        binding: &SecretBinding,
    ) -> Result<(), StoreError> {
        let mut item = key(secret_pk(digest), "BINDING");
        item.insert("digest".into(), s(digest.to_hex()));
        item.insert("tenant_id".into(), s(&binding.tenant_id));
        item.insert("connection_id".into(), s(&binding.connection_id));
        if let Some(project) = &binding.project_id {
            item.insert("project_id".into(), s(project));
        }
        self.put(item).await?;
        Ok(())
    }

    pub async fn delete_secret_binding(&self, digest: &SecretDigest) -> Result<(), StoreError> {
        self.delete(key(secret_pk(digest), "BINDING")).await?;
        Ok(())
    }
}
