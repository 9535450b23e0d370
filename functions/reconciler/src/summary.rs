//! What a run did and how far behind it left reconciliation: one log line and CloudWatch
//! metrics in the embedded metric format (EMF), which CloudWatch Logs turns into metrics
//! without an API call.

use crate::visit::Visited;
use exlogare_shared::store::{RequestBucket, WatchRecord};
use serde_json::{Value, json};
use std::time::Duration;

/// The metrics' namespace.
pub const NAMESPACE: &str = "Exlogare";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// Another run held the lease: this one did nothing.
    pub skipped: bool,
    pub at: i64,
    pub projects_visited: u32,
    pub failures_queued: u32,
    pub hooks_repaired: u32,
    /// Connections not polled: GitFlic refused their tokens.
    pub needs_reconnect: u32,
    /// GitFlic requests sent, retries included.
    pub requests: u32,
    /// Projects the budget (or GitFlic) left for a later run.
    pub projects_pending: u32,
    /// When the least recently visited pending project was last visited (or watched).
    oldest_pending: Option<i64>,
    /// Visits a connection's bucket pays for per run, once its burst is spent.
    visits_per_run: f64,
}

impl RunSummary {
    pub fn skipped() -> Self {
        Self {
            skipped: true,
            ..Self::default()
        }
    }

    pub(crate) fn new(at: i64, bucket: RequestBucket, interval: Duration) -> Self {
        Self {
            at,
            visits_per_run: bucket.per_run(interval.as_secs()),
            ..Self::default()
        }
    }

    /// Adds one connection's part of the run.
    pub(crate) fn add(&mut self, part: &RunSummary) {
        self.projects_visited += part.projects_visited;
        self.failures_queued += part.failures_queued;
        self.hooks_repaired += part.hooks_repaired;
        self.needs_reconnect += part.needs_reconnect;
        self.requests += part.requests;
        self.projects_pending += part.projects_pending;
        self.oldest_pending = match (self.oldest_pending, part.oldest_pending) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    pub(crate) fn visited(&mut self, visit: Visited) {
        self.projects_visited += 1;
        self.failures_queued += visit.queued;
        self.hooks_repaired += u32::from(visit.hook_repaired);
    }

    /// `watches` wait for a later run.
    pub(crate) fn behind(&mut self, watches: &[WatchRecord]) {
        self.projects_pending += watches.len() as u32;
        for watch in watches {
            let since = watch.visited_at.or(watch.watched_at).unwrap_or(0);
            self.oldest_pending = Some(self.oldest_pending.map_or(since, |o| o.min(since)));
        }
    }

    /// How long the least recently visited pending project has waited; 0 when none waits.
    pub fn lag_seconds(&self) -> i64 {
        self.oldest_pending
            .map_or(0, |since| self.at.saturating_sub(since).max(0))
    }

    /// Runs needed to visit every pending project at the budget's pace (one visit a project).
    pub fn runs_behind(&self) -> u32 {
        if self.projects_pending == 0 {
            return 0;
        }
        // A budget too small for a visit a run still gets round, slowly (`as` saturates).
        (f64::from(self.projects_pending) / self.visits_per_run.max(1e-9)).ceil() as u32
    }

    pub(crate) fn log(&self) {
        tracing::info!(
            projects_visited = self.projects_visited,
            failures_queued = self.failures_queued,
            hooks_repaired = self.hooks_repaired,
            needs_reconnect = self.needs_reconnect,
            gitflic_requests = self.requests,
            projects_pending = self.projects_pending,
            lag_seconds = self.lag_seconds(),
            runs_behind = self.runs_behind(),
            "reconciliation run"
        );
    }

    /// The run's metrics as one EMF document.
    pub fn metrics(&self) -> Value {
        let metric = |name: &str, unit: &str| json!({ "Name": name, "Unit": unit });
        json!({
            "_aws": {
                "Timestamp": self.at.saturating_mul(1000),
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [["Function"]],
                    "Metrics": [
                        metric("ReconcileLagSeconds", "Seconds"),
                        metric("ReconcileProjectsPending", "Count"),
                        metric("ReconcileFailuresQueued", "Count"),
                        metric("ReconcileHooksRepaired", "Count"),
                        metric("ReconcileGitflicRequests", "Count"),
                    ],
                }],
            },
            "Function": "reconciler",
            "ReconcileLagSeconds": self.lag_seconds(),
            "ReconcileProjectsPending": self.projects_pending,
            "ReconcileFailuresQueued": self.failures_queued,
            "ReconcileHooksRepaired": self.hooks_repaired,
            "ReconcileGitflicRequests": self.requests,
        })
    }

    /// Writes [`RunSummary::metrics`] to stdout, a line of its own, where Lambda sends it to
    /// CloudWatch Logs.
    pub(crate) fn emit_metrics(&self) {
        println!("{}", self.metrics());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_behind_says_how_far_in_its_metrics() {
        let bucket = RequestBucket::hourly(100, 600);
        let mut summary = RunSummary::new(10_000, bucket, Duration::from_secs(600));
        let mut waiting = Vec::new();
        for (visited, watched) in [
            (Some(7_000), Some(1_000)),
            (None, Some(4_000)),
            (None, None),
        ] {
            let mut value = serde_json::json!({
                "tenant_id": "t", "connection_id": "c", "project_id": "p", "owner_alias": "o",
                "alias": "a", "secret_digest": "d" });
            if let Some(at) = visited {
                value["visited_at"] = at.into();
            }
            if let Some(at) = watched {
                value["watched_at"] = at.into();
            }
            waiting.push(serde_json::from_value::<WatchRecord>(value).unwrap());
        }
        summary.behind(&waiting[..2]);
        assert_eq!(
            summary.lag_seconds(),
            6_000,
            "since the oldest of its last visit or watch"
        );
        assert_eq!(summary.runs_behind(), 1);
        let metrics = summary.metrics();
        assert_eq!(metrics["ReconcileLagSeconds"], 6_000);
        assert_eq!(metrics["ReconcileProjectsPending"], 2);
        assert_eq!(metrics["_aws"]["Timestamp"], 10_000_000);
        let declared = metrics["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap();
        assert!(
            declared
                .iter()
                .all(|m| metrics.get(m["Name"].as_str().unwrap()).is_some())
        );

        // Never visited nor watched: waiting since the epoch, as far behind as can be.
        summary.behind(&waiting[2..]);
        assert_eq!(summary.lag_seconds(), 10_000);
        for _ in 0..30 {
            summary.behind(&waiting[..1]);
        }
        assert_eq!(summary.runs_behind(), 3, "33 projects at 14 a run");
        assert_eq!(RunSummary::skipped().runs_behind(), 0);
    }
}
