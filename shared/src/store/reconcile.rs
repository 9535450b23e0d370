//! What reconciliation keeps: every watch in one `gsi1` partition, least recently visited first
//! (see [`WatchRecord`]); the visits; and each connection's bucket of GitFlic requests.
//!
//! Items: `BUCKET#<tenant>#<connection>` / `RECONCILE` (`tokens`, `refilled_at`), and the marker
//! `RECONCILE` / `WATCH_INDEX#1` once the watches written before the index have joined it.

use super::connections::{GSI1PK, GSI1SK, WATCH_INDEX};
use super::{
    EXPIRES_AT, Item, PK, SK, Store, StoreError, all_pages, conditional, dynamo_error, key, n,
    opt_number, s,
};
use crate::store::WatchRecord;

/// A token bucket of GitFlic requests: it holds at most `capacity` and gains `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RequestBucket {
    pub capacity: f64,
    pub per_second: f64,
}

impl RequestBucket {
    /// The bucket that never lets more than `per_hour` requests through in any hour: it holds
    /// about one schedule interval's share, and gains what that leaves of `per_hour` over the
    /// hour (a bucket lets its capacity plus an hour's refill through in an hour).
    pub fn hourly(per_hour: u32, interval_seconds: u64) -> Self {
        let per_hour = f64::from(per_hour);
        let interval = interval_seconds.max(1) as f64;
        let capacity = (per_hour * interval / (3600.0 + interval)).floor().max(1.0);
        Self {
            capacity,
            per_second: (per_hour - capacity).max(0.0) / 3600.0,
        }
    }

    /// Requests a run gets once the first burst is spent, with runs `interval_seconds` apart.
    pub fn per_run(&self, interval_seconds: u64) -> f64 {
        self.refilled(0.0, interval_seconds)
    }

    /// Tokens after `elapsed` seconds from `tokens`.
    fn refilled(&self, tokens: f64, elapsed: u64) -> f64 {
        // Rounded to a millionth, so that an interval's refill of 14 is 14, not 13.999….
        let gained = (elapsed as f64 * self.per_second * 1e6).round() / 1e6;
        (tokens + gained).min(self.capacity)
    }
}

/// Optimistic writes that lost to a concurrent run are tried again this often.
const BUCKET_ATTEMPTS: usize = 5;
/// A bucket nobody draws from for a day is forgotten (it would be full again anyway).
const BUCKET_TTL: u64 = 86_400;

impl Store {
    /// Every watch, least recently visited first (never visited first of all).
    pub async fn watches_by_visit(&self) -> Result<Vec<WatchRecord>, StoreError> {
        let items = all_pages(|start| async move {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name("gsi1")
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", GSI1PK)
                .expression_attribute_values(":pk", s(WATCH_INDEX))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(dynamo_error("Query"))?;
            Ok((out.items.unwrap_or_default(), out.last_evaluated_key))
        })
        .await?;
        Ok(items
            .iter()
            .filter_map(|item| {
                WatchRecord::from_item(item)
                    // One bad item must not stop every project's reconciliation.
                    .inspect_err(|e| tracing::error!(error = %e, "skipping a malformed watch"))
                    .ok()
            })
            .collect())
    }

    /// Adds the watches written before the index to it, once (a scan, then a marker); the
    /// number added.
    pub async fn index_older_watches(&self) -> Result<usize, StoreError> {
        let marker = key("RECONCILE".into(), "WATCH_INDEX#1");
        if self.get(marker.clone()).await?.is_some() {
            return Ok(0);
        }
        let unindexed = all_pages(|start| async move {
            let out = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression("begins_with(#sk, :watch) AND attribute_not_exists(#gsi1pk)")
                .expression_attribute_names("#sk", SK)
                .expression_attribute_names("#gsi1pk", GSI1PK)
                .expression_attribute_values(":watch", s("WATCH#"))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(dynamo_error("Scan"))?;
            Ok((out.items.unwrap_or_default(), out.last_evaluated_key))
        })
        .await?;
        let mut added = 0;
        for watch in unindexed
            .iter()
            .filter_map(|i| WatchRecord::from_item(i).ok())
        {
            self.set_visit(&watch, None, 0).await?;
            added += 1;
        }
        self.put(marker).await?;
        Ok(added)
    }

    /// Records a visit at `now`: the watch moves to the end of the index; `watched_at` is set
    /// if the watch predates it (nothing before this first visit is reported); `hook_checked`
    /// records a hook found as registered. A watch removed meanwhile stays removed.
    pub async fn record_visit(
        &self,
        watch: &WatchRecord,
        now: i64,
        hook_checked: bool,
    ) -> Result<(), StoreError> {
        self.set_visit(watch, Some(hook_checked), now).await
    }

    async fn set_visit(
        &self,
        watch: &WatchRecord,
        visit: Option<bool>,
        visited_at: i64,
    ) -> Result<(), StoreError> {
        let index = watch.index_attributes(visited_at);
        let mut update = "SET #gsi1pk = :gsi1pk, #gsi1sk = :gsi1sk".to_owned();
        let mut request = self
            .update_watch(watch)
            .expression_attribute_names("#gsi1pk", GSI1PK)
            .expression_attribute_names("#gsi1sk", GSI1SK)
            .expression_attribute_values(":gsi1pk", index[GSI1PK].clone())
            .expression_attribute_values(":gsi1sk", index[GSI1SK].clone());
        if let Some(hook_checked) = visit {
            update.push_str(", #visited = :now, #watched = if_not_exists(#watched, :now)");
            request = request
                .expression_attribute_names("#visited", "visited_at")
                .expression_attribute_names("#watched", "watched_at")
                .expression_attribute_values(":now", n(visited_at));
            if hook_checked {
                update.push_str(", #checked = :now");
                request = request.expression_attribute_names("#checked", "hook_checked_at");
            }
        }
        let result = request.update_expression(update).send().await;
        conditional(result, "UpdateItem")?;
        Ok(())
    }

    /// Takes `requests` from the connection's bucket at `now` if it holds them; `false` (and
    /// nothing taken) if not.
    pub async fn take_requests(
        &self,
        tenant: &str,
        connection: &str,
        bucket: RequestBucket,
        requests: u32,
        now: u64,
    ) -> Result<bool, StoreError> {
        self.draw(tenant, connection, bucket, requests, now, true)
            .await
    }

    /// Charges `requests` spent beyond what was taken (retries): the bucket may go below
    /// zero, and later refills pay the debt first.
    pub async fn charge_requests(
        &self,
        tenant: &str,
        connection: &str,
        bucket: RequestBucket,
        requests: u32,
        now: u64,
    ) -> Result<(), StoreError> {
        self.draw(tenant, connection, bucket, requests, now, false)
            .await
            .map(|_| ())
    }

    async fn draw(
        &self,
        tenant: &str,
        connection: &str,
        bucket: RequestBucket,
        requests: u32,
        now: u64,
        only_if_held: bool,
    ) -> Result<bool, StoreError> {
        let bucket_key = key(format!("BUCKET#{tenant}#{connection}"), "RECONCILE");
        for _ in 0..BUCKET_ATTEMPTS {
            let stored = self.get(bucket_key.clone()).await?;
            let last = stored.as_ref().and_then(|item| {
                Some((
                    opt_number::<f64>(item, "tokens")?,
                    opt_number::<u64>(item, "refilled_at")?,
                ))
            });
            let held = match last {
                // A run whose clock lags another's refills nothing.
                Some((tokens, at)) => bucket.refilled(tokens, now.saturating_sub(at)),
                None => bucket.capacity,
            };
            let wanted = f64::from(requests);
            if only_if_held && held < wanted {
                return Ok(false);
            }
            let mut item: Item = bucket_key.clone();
            item.insert("tokens".into(), n(held - wanted));
            item.insert("refilled_at".into(), n(now.max(last.map_or(0, |l| l.1))));
            item.insert(EXPIRES_AT.into(), n(now + BUCKET_TTL));
            let mut write = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item));
            write = match (&stored, last) {
                // Written only over what was read: a concurrent draw makes this one read again.
                (Some(old), Some(_)) => write
                    .condition_expression("#tokens = :tokens AND #at = :at")
                    .expression_attribute_names("#tokens", "tokens")
                    .expression_attribute_names("#at", "refilled_at")
                    .set_expression_attribute_values(Some(
                        [
                            (":tokens".to_owned(), old["tokens"].clone()),
                            (":at".to_owned(), old["refilled_at"].clone()),
                        ]
                        .into(),
                    )),
                (None, _) => write
                    .condition_expression("attribute_not_exists(#pk)")
                    .expression_attribute_names("#pk", PK),
                // Unreadable: replaced by a full bucket.
                (Some(_), None) => write,
            };
            if conditional(write.send().await, "PutItem")? {
                return Ok(true);
            }
        }
        // Contended beyond reason: spend nothing this time.
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_hour_sees_more_than_the_budget_and_every_run_gets_its_share() {
        for (per_hour, interval) in [(100, 600), (100, 120), (500, 3600), (100, 7200), (3, 600)] {
            let bucket = RequestBucket::hourly(per_hour, interval);
            let most_in_an_hour = bucket.capacity + bucket.per_second * 3600.0;
            assert!(
                most_in_an_hour <= f64::from(per_hour) + 1e-9,
                "{per_hour}/{interval}"
            );
            assert!(bucket.per_run(interval) > 0.0, "{per_hour}/{interval}");
            assert!(bucket.per_run(interval) <= bucket.capacity);
        }
        let ten_minutes = RequestBucket::hourly(100, 600);
        assert_eq!(ten_minutes.capacity, 14.0);
        assert_eq!(ten_minutes.per_run(600), 14.0);
        assert_eq!(
            ten_minutes.refilled(-3.0, 600),
            11.333333,
            "a debt is paid first"
        );
    }
}
