//! Analysis items:
//! - `ANALYSIS#<delivery key>` / `ANALYSIS`: the claim on one pipeline's analysis (a lease
//!   that expires with the invocation), the channels already delivered to, and the stored report
//!   (retention TTL);
//! - `TENANT#<tenant>` / `CHANNEL#<kind>`: a chat channel's KMS-encrypted credentials.

use super::{EXPIRES_AT, PK, Store, StoreError, dynamo_error, epoch_now, key, s};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use std::time::Duration;

/// The outcome of claiming a pipeline's analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Ours until the lease ends; `delivered` lists channels an earlier attempt reached.
    Claimed { delivered: Vec<String> },
    /// Done before: nothing to do (a repeated SQS message).
    Complete,
    /// Another invocation holds an unexpired lease.
    Busy,
}

fn analysis_key(delivery_key: &str) -> std::collections::HashMap<String, AttributeValue> {
    key(format!("ANALYSIS#{delivery_key}"), "ANALYSIS")
}

impl Store {
    pub async fn claim_analysis(
        &self,
        delivery_key: &str,
        lease: Duration,
        retention: Duration,
    ) -> Result<Claim, StoreError> {
        let now = epoch_now();
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(analysis_key(delivery_key)))
            .update_expression("SET #status = :progress, lease_until = :lease, #exp = :exp")
            .condition_expression(
                "attribute_not_exists(#pk) OR (#status = :progress AND lease_until < :now)",
            )
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#exp", EXPIRES_AT)
            .expression_attribute_values(":progress", s("in_progress"))
            .expression_attribute_values(
                ":lease",
                AttributeValue::N((now + lease.as_secs()).to_string()),
            )
            .expression_attribute_values(
                ":exp",
                AttributeValue::N((now + retention.as_secs()).to_string()),
            )
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => {
                let delivered = match out.attributes.as_ref().and_then(|a| a.get("delivered")) {
                    Some(AttributeValue::Ss(set)) => set.clone(),
                    _ => Vec::new(),
                };
                Ok(Claim::Claimed { delivered })
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                let item = self.get(analysis_key(delivery_key)).await?;
                Ok(match item.as_ref().and_then(|i| i.get("status")) {
                    Some(AttributeValue::S(status)) if status == "complete" => Claim::Complete,
                    _ => Claim::Busy,
                })
            }
            Err(e) => Err(dynamo_error("UpdateItem")(e)),
        }
    }

    /// Records that `channel` has the report (or refused it for good), so retries skip it.
    pub async fn mark_delivered(
        &self,
        delivery_key: &str,
        channel: &str,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(analysis_key(delivery_key)))
            .update_expression("ADD delivered :c")
            .expression_attribute_values(":c", AttributeValue::Ss(vec![channel.to_owned()]))
            .send()
            .await
            .map_err(dynamo_error("UpdateItem"))?;
        Ok(())
    }

    /// Ends the lease early so that the message's next delivery can claim the work at once.
    pub async fn release_analysis(&self, delivery_key: &str) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(analysis_key(delivery_key)))
            .update_expression("SET lease_until = :zero")
            .expression_attribute_values(":zero", AttributeValue::N("0".into()))
            .send()
            .await
            .map_err(dynamo_error("UpdateItem"))?;
        Ok(())
    }

    /// Stores the report (JSON) and marks the analysis complete.
    pub async fn complete_analysis(
        &self,
        delivery_key: &str,
        report_json: &str,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(analysis_key(delivery_key)))
            .update_expression("SET #status = :complete, report = :report")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":complete", s("complete"))
            .expression_attribute_values(":report", s(report_json))
            .send()
            .await
            .map_err(dynamo_error("UpdateItem"))?;
        Ok(())
    }

    /// The stored report of a pipeline, as JSON.
    pub async fn stored_report(&self, delivery_key: &str) -> Result<Option<String>, StoreError> {
        let item = self.get(analysis_key(delivery_key)).await?;
        Ok(match item.as_ref().and_then(|i| i.get("report")) {
            Some(AttributeValue::S(report)) => Some(report.clone()),
            _ => None,
        })
    }

    pub async fn put_channel(
        &self,
        tenant: &str,
        kind: &str,
        ciphertext: &[u8],
    ) -> Result<(), StoreError> {
        let mut item = key(format!("TENANT#{tenant}"), &format!("CHANNEL#{kind}"));
        item.insert("kind".into(), s(kind));
        item.insert(
            "credentials_ct".into(),
            AttributeValue::B(Blob::new(ciphertext)),
        );
        self.put(item).await?;
        Ok(())
    }

    pub async fn delete_channel(&self, tenant: &str, kind: &str) -> Result<(), StoreError> {
        self.delete(key(format!("TENANT#{tenant}"), &format!("CHANNEL#{kind}")))
            .await?;
        Ok(())
    }

    /// The tenant's channels: (kind, encrypted credentials).
    pub async fn channels(&self, tenant: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        Ok(self
            .query_prefix(tenant, "CHANNEL#")
            .await?
            .iter()
            .filter_map(
                |item| match (item.get("kind"), item.get("credentials_ct")) {
                    (Some(AttributeValue::S(kind)), Some(AttributeValue::B(ct))) => {
                        Some((kind.clone(), ct.as_ref().to_vec()))
                    }
                    _ => None,
                },
            )
            .collect())
    }
}
