//! What the store remembers between analyses of one project and one connection:
//! - `GREEN#<tenant>#<project>` / `PIPELINE#<number>`: a green pipeline's branch and passing jobs
//!   (name → local id), facts that never change once it has finished, so that the next failure
//!   compared with it need not list its jobs again;
//! - `BUDGET#<tenant>#<connection>` / `HOUR#<hours since the epoch>`: GitFlic requests spent with
//!   the connection's token in one clock hour (GitFlic allows a user 500, DOC).

use super::{EXPIRES_AT, Item, Store, StoreError, dynamo_error, epoch_now, key, n, s, string_attr};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use std::collections::HashMap;
use std::time::Duration;

/// A passing pipeline of a branch, as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GreenRun {
    /// Its number in the project (`localId`).
    pub pipeline: String,
    pub branch: String,
    /// Its jobs that passed: name → job number.
    pub jobs: HashMap<String, String>,
}

const KIND: &str = "green run";

fn green_key(tenant: &str, project: &str, pipeline: &str) -> Item {
    key(
        format!("GREEN#{tenant}#{project}"),
        &format!("PIPELINE#{pipeline}"),
    )
}

impl Store {
    /// Green pipeline `pipeline` of a project as remembered, unless forgotten.
    pub async fn green_run(
        &self,
        tenant: &str,
        project: &str,
        pipeline: &str,
    ) -> Result<Option<GreenRun>, StoreError> {
        let Some(item) = self.get(green_key(tenant, project, pipeline)).await? else {
            return Ok(None);
        };
        if super::opt_number::<u64>(&item, EXPIRES_AT).is_some_and(|at| at < epoch_now()) {
            return Ok(None);
        }
        let jobs = match item.get("jobs") {
            Some(AttributeValue::M(jobs)) => jobs
                .iter()
                .filter_map(|(name, id)| Some((name.clone(), id.as_s().ok()?.clone())))
                .collect(),
            _ => HashMap::new(),
        };
        Ok(Some(GreenRun {
            pipeline: string_attr(&item, "pipeline", KIND)?,
            branch: string_attr(&item, "branch", KIND)?,
            jobs,
        }))
    }

    /// Remembers a green pipeline for `ttl`.
    pub async fn remember_green_run(
        &self,
        tenant: &str,
        project: &str,
        run: &GreenRun,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let mut item = green_key(tenant, project, &run.pipeline);
        item.insert("pipeline".into(), s(&run.pipeline));
        item.insert("branch".into(), s(&run.branch));
        item.insert(
            "jobs".into(),
            AttributeValue::M(run.jobs.iter().map(|(k, v)| (k.clone(), s(v))).collect()),
        );
        item.insert(EXPIRES_AT.into(), n(epoch_now() + ttl.as_secs()));
        self.put(item).await
    }

    /// Adds `requests` to what the connection spent of GitFlic's budget this hour, and answers
    /// the hour's total. One atomic update, safe for concurrent analyses.
    pub async fn spend_requests(
        &self,
        tenant: &str,
        connection: &str,
        requests: u32,
    ) -> Result<u64, StoreError> {
        let now = epoch_now();
        let hour = now / 3600;
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(
                format!("BUDGET#{tenant}#{connection}"),
                &format!("HOUR#{hour}"),
            )))
            .update_expression("ADD #count :n SET #exp = :exp")
            .expression_attribute_names("#count", "requests")
            .expression_attribute_names("#exp", EXPIRES_AT)
            .expression_attribute_values(":n", n(requests))
            .expression_attribute_values(":exp", n((hour + 2) * 3600))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(dynamo_error("UpdateItem"))?;
        Ok(out
            .attributes
            .as_ref()
            .and_then(|a| super::opt_number(a, "requests"))
            .unwrap_or(u64::from(requests)))
    }
}
