//! What the store remembers between analyses of one project and one connection:
//! - `GREEN#<tenant>#<project>` / `PIPELINE#<number>`: a green pipeline's branch and passing jobs
//!   (name → local id), facts that never change once it has finished, so that the next failure
//!   compared with it need not list its jobs again;
//! - `BUDGET#<tenant>#<connection>` / `HOUR#<hours since the epoch>`: GitFlic requests spent with
//!   the connection's token in one clock hour (GitFlic allows a user 500, DOC);
//! - `RECUR#<tenant>#<project>` / `FP#<fingerprint>`: how often a failure was seen;
//! - `OPEN#<tenant>#<project>` / `BRANCH#<branch>`: the last failure reported on a branch and
//!   its posts in each room, until a green pipeline of the branch closes it with a "fixed".

use super::{
    EXPIRES_AT, Item, Store, StoreError, conditional, conditional_output, dynamo_error, epoch_now,
    key, n, s, string_attr,
};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use std::collections::HashMap;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;

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

/// A map attribute of strings.
fn string_map(entries: impl Iterator<Item = (String, String)>) -> AttributeValue {
    AttributeValue::M(entries.map(|(k, v)| (k, s(v))).collect())
}

/// A map attribute of strings, as [`string_map`] writes it; entries of other types are skipped.
fn read_string_map(item: &Item, name: &str) -> HashMap<String, String> {
    match item.get(name) {
        Some(AttributeValue::M(entries)) => entries
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_s().ok()?.clone())))
            .collect(),
        _ => HashMap::new(),
    }
}

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
        let Some(item) = self
            .get_unexpired(green_key(tenant, project, pipeline))
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(GreenRun {
            pipeline: string_attr(&item, "pipeline", KIND)?,
            branch: string_attr(&item, "branch", KIND)?,
            jobs: read_string_map(&item, "jobs"),
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
            string_map(run.jobs.iter().map(|(k, v)| (k.clone(), v.clone()))),
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

/// How often a failure (by its fingerprint) has been seen in a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sightings {
    /// Analyses of distinct pipelines with this fingerprint in the last 7 days, this one included.
    pub in_7_days: u32,
    /// The first pipeline seen with it (since it was last absent for [`RECURRENCE_MEMORY`]).
    pub first_pipeline: String,
    pub first_commit: Option<String>,
    /// RFC 3339, UTC.
    pub first_seen_at: String,
}

/// A failure not seen for this long is new again.
pub const RECURRENCE_MEMORY: Duration = Duration::from_secs(30 * 86_400);
const DAY: u64 = 86_400;
/// Day counters kept: the window, and the days before it cleared on each sighting.
const WINDOW_DAYS: u64 = 7;
const CLEARED_DAYS: u64 = 30;

fn recurrence_key(tenant: &str, project: &str, fingerprint: &str) -> Item {
    key(
        format!("RECUR#{tenant}#{project}"),
        &format!("FP#{fingerprint}"),
    )
}

fn day_attr(day: u64) -> String {
    format!("d{day}")
}

const KIND_RECURRENCE: &str = "recurrence";

fn sightings(item: &Item, today: u64) -> Result<Sightings, StoreError> {
    const KIND: &str = KIND_RECURRENCE;
    let in_7_days = (today + 1 - WINDOW_DAYS..=today)
        .filter_map(|d| super::opt_number::<u32>(item, &day_attr(d)))
        .sum();
    Ok(Sightings {
        in_7_days,
        first_pipeline: string_attr(item, "first_pipeline", KIND)?,
        first_commit: string_attr(item, "first_commit", KIND).ok(),
        first_seen_at: super::opt_number::<i64>(item, "first_at")
            .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
            .and_then(|at| at.format(&Rfc3339).ok())
            .unwrap_or_default(),
    })
}

impl Store {
    /// Counts pipeline `pipeline`'s failure with `fingerprint` once (a retried analysis of the
    /// same pipeline is not counted again) and answers how often it has been seen. One
    /// conditional update for a failure seen before; a new one (or one forgotten) is written
    /// afresh.
    pub async fn count_sighting(
        &self,
        tenant: &str,
        project: &str,
        fingerprint: &str,
        pipeline: &str,
        commit: Option<&str>,
    ) -> Result<Sightings, StoreError> {
        let now = epoch_now();
        let today = now / DAY;
        let item_key = recurrence_key(tenant, project, fingerprint);
        let expires = now + RECURRENCE_MEMORY.as_secs();
        let cleared: Vec<String> = (today - WINDOW_DAYS - CLEARED_DAYS + 1..=today - WINDOW_DAYS)
            .map(day_attr)
            .collect();
        // More rounds when concurrent analyses write the item first.
        for _ in 0..5 {
            let mut update = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(item_key.clone()))
                .update_expression(format!(
                    "SET #last = :p, #exp = :exp ADD #today :one REMOVE {}",
                    (0..cleared.len())
                        .map(|i| format!("#c{i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .condition_expression("#exp >= :now AND #last <> :p")
                .expression_attribute_names("#last", "last_pipeline")
                .expression_attribute_names("#exp", EXPIRES_AT)
                .expression_attribute_names("#today", day_attr(today))
                .expression_attribute_values(":p", s(pipeline))
                .expression_attribute_values(":exp", n(expires))
                .expression_attribute_values(":now", n(now))
                .expression_attribute_values(":one", n(1))
                .return_values(ReturnValue::AllNew);
            for (i, name) in cleared.iter().enumerate() {
                update = update.expression_attribute_names(format!("#c{i}"), name);
            }
            if let Some(out) = conditional_output(update.send().await, "UpdateItem")? {
                return sightings(&out.attributes.unwrap_or_default(), today);
            }
            // Counted already by an earlier attempt at this pipeline; or written by another
            // pipeline's analysis since (count again); or new, or forgotten.
            if let Some(item) = self.get_unexpired(item_key.clone()).await? {
                if string_attr(&item, "last_pipeline", KIND_RECURRENCE)
                    .is_ok_and(|last| last == pipeline)
                {
                    return sightings(&item, today);
                }
                continue;
            }
            let mut item = item_key.clone();
            item.insert("first_pipeline".into(), s(pipeline));
            if let Some(commit) = commit {
                item.insert("first_commit".into(), s(commit));
            }
            item.insert("first_at".into(), n(now));
            item.insert("last_pipeline".into(), s(pipeline));
            item.insert(day_attr(today), n(1));
            item.insert(EXPIRES_AT.into(), n(expires));
            let fresh = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item.clone()))
                .condition_expression("attribute_not_exists(#pk) OR #exp < :now")
                .expression_attribute_names("#pk", super::PK)
                .expression_attribute_names("#exp", EXPIRES_AT)
                .expression_attribute_values(":now", n(now))
                .send()
                .await;
            if conditional(fresh, "PutItem")? {
                return sightings(&item, today);
            }
        }
        Err(StoreError::Dynamo {
            operation: "UpdateItem",
            message: "the recurrence item kept changing under us".into(),
        })
    }
}

/// The last failure reported on a branch, still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenFailure {
    /// Its pipeline's number.
    pub pipeline: String,
    /// The rooms that got the report (by slot), with the post's id where the platform gave one;
    /// a merge request's discussion as `mr:<number>` with its uuid.
    pub rooms: HashMap<String, Option<String>>,
    /// The primary failure's fingerprint: a later failure of the branch with the same one is
    /// not discussed on its merge request again.
    pub fingerprint: Option<String>,
}

fn open_pk(tenant: &str, project: &str) -> String {
    format!("OPEN#{tenant}#{project}")
}

fn open_key(tenant: &str, project: &str, branch: &str) -> Item {
    key(open_pk(tenant, project), &format!("BRANCH#{branch}"))
}

impl Store {
    /// Records `failure` as the open failure of `branch` (replacing an older one) for `ttl`.
    pub async fn record_open_failure(
        &self,
        tenant: &str,
        project: &str,
        branch: &str,
        failure: &OpenFailure,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let mut item = open_key(tenant, project, branch);
        item.insert("pipeline".into(), s(&failure.pipeline));
        // A room whose platform gave no post id is kept with an empty one.
        item.insert(
            "rooms".into(),
            string_map(
                failure
                    .rooms
                    .iter()
                    .map(|(slot, post)| (slot.clone(), post.clone().unwrap_or_default())),
            ),
        );
        if let Some(fingerprint) = &failure.fingerprint {
            item.insert("fingerprint".into(), s(fingerprint));
        }
        item.insert(EXPIRES_AT.into(), n(epoch_now() + ttl.as_secs()));
        self.put(item).await
    }

    /// The open failure of `branch`, if any.
    pub async fn open_failure(
        &self,
        tenant: &str,
        project: &str,
        branch: &str,
    ) -> Result<Option<OpenFailure>, StoreError> {
        let Some(item) = self
            .get_unexpired(open_key(tenant, project, branch))
            .await?
        else {
            return Ok(None);
        };
        let rooms = read_string_map(&item, "rooms")
            .into_iter()
            .map(|(slot, post)| (slot, Some(post).filter(|p| !p.is_empty())))
            .collect();
        Ok(Some(OpenFailure {
            pipeline: string_attr(&item, "pipeline", "open failure")?,
            rooms,
            fingerprint: string_attr(&item, "fingerprint", "open failure").ok(),
        }))
    }

    /// Whether any branch of the project has an open failure: what makes a success worth a look.
    pub async fn has_open_failures(&self, tenant: &str, project: &str) -> Result<bool, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .filter_expression("#exp >= :now")
            .expression_attribute_names("#pk", super::PK)
            .expression_attribute_names("#exp", EXPIRES_AT)
            .expression_attribute_values(":pk", s(open_pk(tenant, project)))
            .expression_attribute_values(":now", n(epoch_now()))
            .consistent_read(true)
            .send()
            .await
            .map_err(dynamo_error("Query"))?;
        Ok(out.count > 0)
    }

    /// Closes `branch`'s open failure if it is still the one of `pipeline` (a newer failure stays
    /// open). Answers whether it closed it.
    pub async fn close_failure(
        &self,
        tenant: &str,
        project: &str,
        branch: &str,
        pipeline: &str,
    ) -> Result<bool, StoreError> {
        let deleted = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(open_key(tenant, project, branch)))
            .condition_expression("#p = :p")
            .expression_attribute_names("#p", "pipeline")
            .expression_attribute_values(":p", s(pipeline))
            .send()
            .await;
        conditional(deleted, "DeleteItem")
    }
}
