//! The reconciler: a scheduled function that makes sure no failure goes unreported. GitFlic
//! documents no redelivery, so a webhook lost to a network blip, a throttled API or a deleted
//! hook would mean a failed pipeline nobody hears about. Every run, for each active connection:
//!
//! 1. its watched projects are visited least recently visited first, as far as the
//!    connection's request bucket allows ([`RequestBucket::hourly`]: a share of GitFlic's 500
//!    requests an hour, never more in any hour);
//! 2. a visit lists the project's newest pipelines (one page) and queues each failure that ended
//!    after the watch began, more than a grace period ago (the webhook's turn), and within the
//!    de-duplication memory, through the webhook's own de-duplication ([`Intakes`]): a late
//!    webhook and a reconciled failure post once;
//! 3. every few hours a visit also checks the project's hook and registers it again, with a
//!    fresh secret, when it was deleted or edited at GitFlic;
//! 4. a connection whose token GitFlic refuses is marked `needs_reconnect` (by the session) and
//!    not polled again until the user connects it anew.
//!
//! Connections are reconciled a few at once; no visit starts when the invocation's time is
//! nearly up. One run at a time ([`Work::Reconciliation`]); what a run could not visit is reported as
//! lag ([`RunSummary`]) in its log line and as CloudWatch metrics.

pub mod config;
pub mod summary;
mod visit;

use config::{ReconcileSettings, ReconcilerConfig};
use exlogare_shared::connections::{ConnectError, Connections};
use exlogare_shared::intake::{IntakeError, Intakes};
use exlogare_shared::queue::Queue;
use exlogare_shared::services::Services;
use exlogare_shared::session::Session;
use exlogare_shared::store::{
    Claim, ConnectionStatus, RequestBucket, StoreError, WatchRecord, Work,
};
use std::sync::Arc;
use std::time::{Duration, Instant};
pub use summary::RunSummary;
use tokio::sync::Semaphore;
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Some connections could not be reconciled for a reason of ours (storage, queue, keys):
    /// the run is reported failed, so the alarm sees it; the others were reconciled.
    #[error("{failed} connection(s) could not be reconciled; see the log")]
    Incomplete { failed: usize },
}

/// Why a connection's visits stopped.
#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Intake(#[from] IntakeError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Reconciler {
    connections: Connections,
    intakes: Intakes,
    public_base_url: Url,
    settings: ReconcileSettings,
    /// The longest one GitFlic request may take.
    request_timeout: Duration,
}

/// Connections reconciled at once: each waits mostly on GitFlic and DynamoDB.
const CONNECTIONS_AT_ONCE: usize = 8;

impl Reconciler {
    pub fn from_config(
        config: &ReconcilerConfig,
        aws: &aws_config::SdkConfig,
    ) -> Result<Self, reqwest::Error> {
        let services = Services::from_config(&config.app, Vec::new(), aws)?;
        Ok(Self {
            intakes: Intakes::new(
                services.store,
                Queue::new(aws, &config.queue_url),
                config.settings.dedupe_ttl,
            ),
            connections: services.connections,
            public_base_url: config.public_base_url.clone(),
            settings: config.settings,
            request_timeout: config.app.http_timeout,
        })
    }

    fn bucket(&self) -> RequestBucket {
        RequestBucket::hourly(
            self.settings.requests_per_hour,
            self.settings.interval.as_secs(),
        )
    }

    /// One scheduled run at `now` (Unix seconds), starting no visit past `deadline`.
    pub async fn run(
        self: &Arc<Self>,
        now: i64,
        deadline: Instant,
    ) -> Result<RunSummary, ReconcileError> {
        let store = self.connections.store();
        // A run outliving its interval makes the next one skip, not double its requests.
        let lease = self.settings.interval;
        if !matches!(
            store
                .claim(Work::Reconciliation, "schedule", lease, lease)
                .await?,
            Claim::Claimed { .. }
        ) {
            tracing::info!("another reconciliation is running; skipped");
            return Ok(RunSummary::skipped());
        }
        let result = self.reconcile(now, deadline).await;
        if let Err(e) = store.release(Work::Reconciliation, "schedule").await {
            tracing::warn!(error = %e, "could not release the reconciliation lease; the next run waits for it");
        }
        result
    }

    async fn reconcile(
        self: &Arc<Self>,
        now: i64,
        deadline: Instant,
    ) -> Result<RunSummary, ReconcileError> {
        let store = self.connections.store();
        let indexed = store.index_older_watches().await?;
        if indexed > 0 {
            tracing::info!(
                indexed,
                "watches from before reconciliation joined its index"
            );
        }
        let watches = store.watches_by_visit().await?;
        // A visit started then still ends (its requests time out) before the invocation does.
        let last_start = deadline
            .checked_sub(self.request_timeout + Duration::from_secs(5))
            .unwrap_or(deadline);
        let permits = Arc::new(Semaphore::new(CONNECTIONS_AT_ONCE));
        let mut tasks = tokio::task::JoinSet::new();
        for group in by_connection(watches) {
            let (reconciler, permits) = (self.clone(), permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let mut summary = reconciler.summary(now);
                let result = reconciler
                    .reconcile_connection(&group, now, last_start, &mut summary)
                    .await;
                if let Err(e) = &result {
                    tracing::error!(tenant_id = %group[0].tenant_id, connection_id = %group[0].connection_id, error = %e, "connection not reconciled");
                }
                (summary, result.is_err())
            });
        }
        let mut summary = self.summary(now);
        let mut failed = 0;
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((part, connection_failed)) => {
                    summary.add(&part);
                    failed += usize::from(connection_failed);
                }
                Err(e) => {
                    tracing::error!(error = %e, "a connection's reconciliation died");
                    failed += 1;
                }
            }
        }
        summary.log();
        summary.emit_metrics();
        if failed > 0 {
            return Err(ReconcileError::Incomplete { failed });
        }
        Ok(summary)
    }

    fn summary(&self, now: i64) -> RunSummary {
        RunSummary::new(now, self.bucket(), self.settings.interval)
    }

    /// Visits one connection's watches (least recently visited first) while its bucket allows.
    async fn reconcile_connection(
        &self,
        watches: &[WatchRecord],
        now: i64,
        last_start: Instant,
        summary: &mut RunSummary,
    ) -> Result<(), VisitError> {
        let (tenant, connection) = (&watches[0].tenant_id, &watches[0].connection_id);
        let store = self.connections.store();
        let Some(record) = store.connection(tenant, connection).await? else {
            tracing::warn!(tenant_id = %tenant, connection_id = %connection, "watches of a connection that no longer exists");
            return Ok(());
        };
        if record.status == ConnectionStatus::NeedsReconnect {
            summary.needs_reconnect += 1;
            return Ok(());
        }
        let mut session = Session::open(&self.connections, record).map_err(VisitError::from)?;
        // A 429 ends this connection's run instead of being waited out: the next run resumes.
        session.spare_when_throttled();
        let bucket = self.bucket();
        let mut outcome = Ok(());
        for (visited, watch) in watches.iter().enumerate() {
            let hook_due = watch.hook_checked_at.is_none_or(|at| {
                now.saturating_sub(at) >= self.settings.hook_check_every.as_secs() as i64
            });
            let cost = 1 + u32::from(hook_due);
            if Instant::now() >= last_start
                || !store
                    .take_requests(tenant, connection, bucket, cost, now as u64)
                    .await?
            {
                summary.behind(&watches[visited..]);
                break;
            }
            let before = session.requests();
            let visit = visit::Visit {
                reconciler: self,
                watch,
                now,
                hook_due,
            };
            let mut taken = cost;
            let mut result = visit.run(&mut session).await;
            if let Ok(done) = &mut result
                && done.hook_to_repair()
            {
                if store
                    .take_requests(tenant, connection, bucket, visit::REGISTER_COST, now as u64)
                    .await?
                {
                    taken += visit::REGISTER_COST;
                    if let Err(e) = visit.repair_hook(&mut session, done).await {
                        result = Err(e.into());
                    }
                } else {
                    tracing::info!(project_id = %watch.project_id, "a hook to repair waits for the budget");
                }
            }
            let spent = session.requests() - before;
            if spent > taken {
                // Retries: paid from what the bucket gains next.
                store
                    .charge_requests(tenant, connection, bucket, spent - taken, now as u64)
                    .await?;
            }
            summary.requests += spent;
            match result {
                Ok(done) => {
                    store.record_visit(watch, now, done.hook_checked()).await?;
                    summary.visited(done);
                }
                Err(VisitError::Connect(ConnectError::NeedsReconnect)) => {
                    // The session marked the connection; it is not polled again.
                    summary.needs_reconnect += 1;
                    break;
                }
                Err(VisitError::Connect(ConnectError::Gitflic(e))) if e.is_transient() => {
                    tracing::warn!(tenant_id = %tenant, connection_id = %connection, project_id = %watch.project_id, error = %e, "GitFlic unavailable; the next run resumes");
                    summary.behind(&watches[visited..]);
                    break;
                }
                Err(VisitError::Connect(ConnectError::Gitflic(e))) => {
                    // Gone, renamed or no longer ours to read: the others come first next time.
                    tracing::warn!(tenant_id = %tenant, connection_id = %connection, project_id = %watch.project_id, error = %e, "project not reconciled");
                    store.record_visit(watch, now, false).await?;
                }
                Err(e) => {
                    summary.behind(&watches[visited..]);
                    outcome = Err(e);
                    break;
                }
            }
        }
        let spent = session.requests();
        if spent > 0 {
            // What the analyzer's baseline budget reckons with.
            store.spend_requests(tenant, connection, spent).await?;
        }
        outcome
    }
}

/// Watches grouped by connection, each group in index order (least recently visited first),
/// the groups in the order of their first watch.
fn by_connection(watches: Vec<WatchRecord>) -> Vec<Vec<WatchRecord>> {
    let mut groups: Vec<Vec<WatchRecord>> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for watch in watches {
        let key = (watch.tenant_id.clone(), watch.connection_id.clone());
        let at = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[at].push(watch);
    }
    groups
}

/// The time of a scheduled event, else the clock.
pub fn run_time(event: &serde_json::Value) -> i64 {
    event
        .get("time")
        .and_then(serde_json::Value::as_str)
        .and_then(|t| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        })
        .map(|t| t.unix_timestamp())
        .unwrap_or_else(|| exlogare_shared::store::epoch_now() as i64)
}

/// How long a failure is left to its webhook, and how far back one is looked for.
fn window(settings: &ReconcileSettings) -> (Duration, Duration) {
    (
        settings.grace,
        settings.dedupe_ttl.saturating_sub(settings.interval),
    )
}
