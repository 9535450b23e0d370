//! Work done at most once, one state machine for every kind of it (Powertools' idempotency is
//! the model): the webhook's de-duplication of a delivery and the analyzer's lease on a
//! pipeline's analysis.
//!
//! A record is `in_progress` under a lease, or `complete`; it expires (TTL) at `expires_at`.
//! [`Store::claim`] takes a record that is absent or expired (afresh), or in progress with its
//! lease run out (with its progress), and answers what the caller may do; [`Store::progress`] notes a step done inside the
//! work (a room reached), which a later claim gets back; [`Store::complete`] ends it, with an
//! optional payload kept until the record expires; [`Store::release`] ends the lease early so
//! the next attempt need not wait for it.
//!
//! Items: `DELIVERY#<key>` / `DELIVERY`, `ANALYSIS#<key>` / `ANALYSIS`, likewise `SUCCESS`
//! and `FIXED` for successes, and `RECONCILE#schedule` / `RECONCILE` for reconciliation runs.
//! A delivery record written before this module (no `status`) counts as held until it expires.

use super::{
    EXPIRES_AT, Item, PK, Store, StoreError, conditional, dynamo_error, epoch_now, key, n,
    opt_number, s,
};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use std::time::Duration;

/// What a record guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// A webhook delivery of a failure, queued at most once.
    Delivery,
    /// A pipeline's analysis and its reports to the rooms.
    Analysis,
    /// A webhook delivery of a success, queued at most once.
    SuccessDelivery,
    /// The "fixed" notice of a successful pipeline to the rooms that got the failure.
    FixedNotice,
    /// A reconciliation run: one at a time.
    Reconciliation,
}

impl Work {
    fn key(self, id: &str) -> Item {
        let kind = match self {
            Work::Delivery => "DELIVERY",
            Work::Analysis => "ANALYSIS",
            Work::SuccessDelivery => "SUCCESS",
            Work::FixedNotice => "FIXED",
            Work::Reconciliation => "RECONCILE",
        };
        key(format!("{kind}#{id}"), kind)
    }
}

/// The outcome of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Ours until the lease ends; `progress` lists the steps an earlier attempt noted.
    Claimed { progress: Vec<String> },
    /// Another attempt holds an unexpired lease.
    Busy,
    /// Done before.
    Complete,
}

const STATUS: &str = "status";
const IN_PROGRESS: &str = "in_progress";
const COMPLETE: &str = "complete";
const LEASE_UNTIL: &str = "lease_until";
// The attribute names predate this module: records in flight across a deploy keep their state.
const PROGRESS: &str = "delivered";
const PAYLOAD: &str = "report";

impl Store {
    /// Claims `id` for `lease`; unless completed, the record expires after `ttl`.
    pub async fn claim(
        &self,
        work: Work,
        id: &str,
        lease: Duration,
        ttl: Duration,
    ) -> Result<Claim, StoreError> {
        let now = epoch_now();
        // An absent or expired record: a fresh one, without an earlier attempt's progress.
        let mut item = work.key(id);
        item.insert(STATUS.into(), s(IN_PROGRESS));
        item.insert(LEASE_UNTIL.into(), n(now + lease.as_secs()));
        item.insert(EXPIRES_AT.into(), n(now + ttl.as_secs()));
        let fresh = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk) OR #exp < :now")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#exp", EXPIRES_AT)
            .expression_attribute_values(":now", n(now))
            .send()
            .await;
        if conditional(fresh, "PutItem")? {
            return Ok(Claim::Claimed {
                progress: Vec::new(),
            });
        }
        // Work in progress whose lease ran out: taken over, with its progress.
        let taken = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(work.key(id)))
            .update_expression("SET #lease = :lease, #exp = :exp")
            .condition_expression("#status = :progress AND #lease < :now AND #exp >= :now")
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_names("#lease", LEASE_UNTIL)
            .expression_attribute_names("#exp", EXPIRES_AT)
            .expression_attribute_values(":progress", s(IN_PROGRESS))
            .expression_attribute_values(":lease", n(now + lease.as_secs()))
            .expression_attribute_values(":exp", n(now + ttl.as_secs()))
            .expression_attribute_values(":now", n(now))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match taken {
            Ok(out) => {
                let progress = match out.attributes.as_ref().and_then(|a| a.get(PROGRESS)) {
                    Some(AttributeValue::Ss(steps)) => steps.clone(),
                    _ => Vec::new(),
                };
                Ok(Claim::Claimed { progress })
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                let item = self.get(work.key(id)).await?;
                Ok(match item.as_ref().and_then(|i| i.get(STATUS)) {
                    Some(AttributeValue::S(status)) if status == COMPLETE => Claim::Complete,
                    _ => Claim::Busy,
                })
            }
            Err(e) => Err(dynamo_error("UpdateItem")(e)),
        }
    }

    /// Notes `step` as done inside the claimed work.
    pub async fn progress(&self, work: Work, id: &str, step: &str) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(work.key(id)))
            .update_expression("ADD #progress :step")
            .expression_attribute_names("#progress", PROGRESS)
            .expression_attribute_values(":step", AttributeValue::Ss(vec![step.to_owned()]))
            .send()
            .await
            .map_err(dynamo_error("UpdateItem"))?;
        Ok(())
    }

    /// Marks the work done, kept (with `payload`) for `ttl` from now.
    pub async fn complete(
        &self,
        work: Work,
        id: &str,
        ttl: Duration,
        payload: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(work.key(id)))
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_names("#exp", EXPIRES_AT)
            .expression_attribute_values(":complete", s(COMPLETE))
            .expression_attribute_values(":exp", n(epoch_now() + ttl.as_secs()));
        update = match payload {
            Some(payload) => update
                .update_expression("SET #status = :complete, #exp = :exp, #payload = :payload")
                .expression_attribute_names("#payload", PAYLOAD)
                .expression_attribute_values(":payload", s(payload)),
            None => update.update_expression("SET #status = :complete, #exp = :exp"),
        };
        update.send().await.map_err(dynamo_error("UpdateItem"))?;
        Ok(())
    }

    /// Ends the lease now, keeping the progress: the next attempt claims at once.
    pub async fn release(&self, work: Work, id: &str) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(work.key(id)))
            .update_expression("SET #lease = :zero")
            .expression_attribute_names("#lease", LEASE_UNTIL)
            .expression_attribute_values(":zero", n(0))
            .send()
            .await
            .map_err(dynamo_error("UpdateItem"))?;
        Ok(())
    }

    /// Whether `id` is held under an unexpired lease or complete (and not expired).
    pub async fn held_or_complete(&self, work: Work, id: &str) -> Result<bool, StoreError> {
        let Some(item) = self.get_unexpired(work.key(id)).await? else {
            return Ok(false);
        };
        let now = epoch_now();
        Ok(match item.get(STATUS) {
            Some(AttributeValue::S(status)) if status == COMPLETE => true,
            Some(AttributeValue::S(_)) => {
                opt_number::<u64>(&item, LEASE_UNTIL).is_some_and(|l| l >= now)
            }
            _ => true,
        })
    }

    /// The payload of completed work, if it kept one.
    pub async fn completed_payload(
        &self,
        work: Work,
        id: &str,
    ) -> Result<Option<String>, StoreError> {
        let item = self.get(work.key(id)).await?;
        Ok(match item.as_ref().and_then(|i| i.get(PAYLOAD)) {
            Some(AttributeValue::S(payload)) => Some(payload.clone()),
            _ => None,
        })
    }
}
