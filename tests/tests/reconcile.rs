//! Reconciliation (the scheduled function) against moto and the GitFlic stand-in: failures whose
//! webhook never came reach the rooms, once; hooks deleted or edited at GitFlic are registered
//! again; the request budget holds in every hour; refused tokens stop the polling.

use exlogare_reconciler::RunSummary;
use exlogare_reconciler::config::ReconcileSettings;
use exlogare_shared::report::Language;
use exlogare_shared::store::{ConnectionStatus, RequestBucket, WatchRecord, Work, epoch_now};
use exlogare_tests::harness::{Harness, job};
use lambda_http::http::StatusCode;
use std::time::Duration;

const ENOUGH: Duration = Duration::from_secs(30);
const INTERVAL: u64 = 600;

fn settings(requests_per_hour: u32) -> ReconcileSettings {
    ReconcileSettings {
        dedupe_ttl: Duration::from_secs(3600),
        interval: Duration::from_secs(INTERVAL),
        grace: Duration::from_secs(180),
        requests_per_hour,
        hook_check_every: Duration::from_secs(6 * 3600),
    }
}

/// A run's deadline: none of these runs should come near it.
fn in_time() -> std::time::Instant {
    std::time::Instant::now() + ENOUGH
}

fn now() -> i64 {
    epoch_now() as i64
}

fn failed_pipeline(h: &Harness, local_id: &str) {
    h.gitflic.add_pipeline(
        local_id,
        vec![
            job("501", "build", "build", "SUCCESS", Some(b"all good")),
            job(
                "502",
                "unit-tests",
                "test",
                "FAILED",
                Some(b"running 3 tests\nerror[E0425]: cannot find value `x` in this scope\n --> src/lib.rs:4:5\nerror: could not compile `demo`\n"),
            ),
        ],
    );
}

async fn queued(h: &Harness) -> usize {
    h.stack
        .sqs()
        .get_queue_attributes()
        .queue_url(&h.queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap_or_default()
        .values()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_failure_whose_webhook_never_came_reaches_the_rooms_once() {
    let h = Harness::start(Language::En).await.unwrap();
    failed_pipeline(&h, "31");
    let reconciler = h.reconciler(settings(100)).unwrap();

    // Within the grace period the webhook may still come: nothing is queued yet.
    let early = reconciler.run(now() + 60, in_time()).await.unwrap();
    assert_eq!((early.projects_visited, early.failures_queued), (1, 0));
    assert_eq!(queued(&h).await, 0);

    let run = reconciler.run(now() + 300, in_time()).await.unwrap();
    assert_eq!(run.failures_queued, 1);
    let (seen, response) = h.poll(ENOUGH).await;
    assert_eq!(seen, 1);
    assert!(response.batch_item_failures.is_empty());
    for room in ["slack", "telegram", "matrix"] {
        assert_eq!(h.chat.received(room).len(), 1, "{room}");
    }
    let slack = h.chat.received("slack")[0].to_string();
    assert!(slack.contains("E0425"), "the analysed cause: {slack}");

    // GitFlic's delivery arrives late: the same pipeline, a duplicate; nothing more is posted.
    let (status, _) = h.deliver("31", "uuid-pipeline-31").await;
    assert_eq!(status, StatusCode::OK, "answered as a duplicate");
    let again = reconciler.run(now() + 900, in_time()).await.unwrap();
    assert_eq!(again.failures_queued, 0);
    assert_eq!(h.poll(ENOUGH).await.0, 0);
    assert_eq!(h.chat.received("slack").len(), 1);
}

#[tokio::test]
async fn only_failures_since_the_watch_and_not_brought_by_the_webhook_are_queued() {
    let h = Harness::start(Language::En).await.unwrap();
    let watched = h.store.watches(&h.tenant, &h.connection_id).await.unwrap();
    let watched_at = watched[0].watched_at.expect("recorded when watched");
    failed_pipeline(&h, "40");
    h.gitflic.set_finished_at("40", watched_at - 120); // before the watch
    failed_pipeline(&h, "41");
    h.gitflic
        .add_pipeline("42", vec![job("520", "build", "build", "SUCCESS", None)]);
    failed_pipeline(&h, "43");
    // The webhook brought 43.
    let (status, _) = h.deliver("43", "uuid-pipeline-43").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    h.stack.drain(&h.queue_url).await;

    let reconciler = h.reconciler(settings(100)).unwrap();
    let run = reconciler.run(now() + 300, in_time()).await.unwrap();
    assert_eq!(run.failures_queued, 1);
    let bodies = h.stack.drain(&h.queue_url).await;
    assert_eq!(bodies.len(), 1);
    let message: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(message["pipeline"]["local_id"], "41");
    assert_eq!(message["pipeline"]["id"], "uuid-pipeline-41");
    assert_eq!(message["status"], "failed");
    assert_eq!(message["project"]["id"], "proj-1");

    // Past the de-duplication memory a failure cannot be told from a reported one: left alone.
    failed_pipeline(&h, "44");
    let late = reconciler.run(now() + 3600, in_time()).await.unwrap();
    assert_eq!(late.failures_queued, 0);
}

#[tokio::test]
async fn a_watch_from_before_reconciliation_joins_it_without_reporting_its_past() {
    let h = Harness::start(Language::En).await.unwrap();
    // As written before reconciliation: no index attributes, no watched_at.
    let mut old = h.store.watches(&h.tenant, &h.connection_id).await.unwrap()[0].clone();
    old.watched_at = None;
    old.hook_checked_at = None;
    old.hook_url = None;
    let mut item = serde_dynamo::to_item::<_, std::collections::HashMap<_, _>>(&old).unwrap();
    item.insert(
        "pk".into(),
        aws_sdk_dynamodb::types::AttributeValue::S(format!("TENANT#{}", h.tenant)),
    );
    item.insert(
        "sk".into(),
        aws_sdk_dynamodb::types::AttributeValue::S(format!(
            "WATCH#{}#{}",
            h.connection_id, old.project_id
        )),
    );
    h.stack
        .dynamodb()
        .put_item()
        .table_name(&h.stack.table)
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
    failed_pipeline(&h, "50");
    h.gitflic.set_finished_at("50", now() - 600);

    let reconciler = h.reconciler(settings(100)).unwrap();
    let first = reconciler.run(now(), in_time()).await.unwrap();
    assert_eq!(first.projects_visited, 1, "found through the scan");
    assert_eq!(first.failures_queued, 0, "its past is not news");
    let joined = h.store.watches(&h.tenant, &h.connection_id).await.unwrap();
    assert!(joined[0].watched_at.is_some() && joined[0].visited_at.is_some());
    assert_eq!(
        joined[0].hook_checked_at, joined[0].visited_at,
        "its hook was checked at once (never checked before) and found intact"
    );

    failed_pipeline(&h, "51");
    let next = reconciler.run(now() + 300, in_time()).await.unwrap();
    assert_eq!(next.failures_queued, 1);
}

#[tokio::test]
async fn a_deleted_or_edited_hook_is_registered_again_with_a_fresh_secret() {
    let mut h = Harness::start(Language::En).await.unwrap();
    let reconciler = h.reconciler(settings(100)).unwrap();
    let old_secret = h.hook_secret.clone();

    // Checked every six hours: before that, a deleted hook goes unnoticed.
    h.gitflic.delete_hooks("acme", "service-1");
    let soon = reconciler.run(now() + 3600, in_time()).await.unwrap();
    assert_eq!(soon.hooks_repaired, 0);
    assert!(h.gitflic.hooks("acme", "service-1").is_empty());

    let later = now() + 7 * 3600;
    let run = reconciler.run(later, in_time()).await.unwrap();
    assert_eq!(run.hooks_repaired, 1);
    let hooks = h.gitflic.hooks("acme", "service-1");
    assert_eq!(hooks.len(), 1, "one hook, ours");
    let hook = &hooks[0];
    assert_ne!(hook.secret, old_secret);
    assert!(
        hook.url
            .starts_with("https://exlogare.example.test/webhook/gitflic?secret=")
    );
    assert_eq!(hook.events["PIPELINE_FAIL"], true);
    assert_eq!(hook.events["PIPELINE_SUCCESS"], true);

    // The old secret stops validating; the new one works.
    let (status, _) = h.deliver_failure("60").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    h.hook_secret = hook.secret.clone();
    failed_pipeline(&h, "60");
    let (status, _) = h.deliver_failure("60").await;
    assert_eq!(status, StatusCode::ACCEPTED);

    // Checked again six hours on: intact, left alone.
    let checked = reconciler
        .run(later + 6 * 3600 + 60, in_time())
        .await
        .unwrap();
    assert_eq!(checked.hooks_repaired, 0);
    assert_eq!(h.gitflic.hooks("acme", "service-1")[0].id, hook.id);

    // Someone unticks PIPELINE_FAIL at GitFlic: registered again.
    h.gitflic.untick_event("acme", "service-1", "PIPELINE_FAIL");
    let edited = reconciler
        .run(later + 12 * 3600 + 120, in_time())
        .await
        .unwrap();
    assert_eq!(edited.hooks_repaired, 1);
    let repaired = h.gitflic.hooks("acme", "service-1");
    assert_eq!(repaired.len(), 1);
    assert_ne!(repaired[0].id, hook.id);
    assert_eq!(repaired[0].events["PIPELINE_FAIL"], true);
}

#[tokio::test]
async fn a_refused_token_marks_the_connection_and_stops_the_polling() {
    let h = Harness::start(Language::En).await.unwrap();
    h.gitflic.expire_access_tokens();
    h.gitflic.revoke_refresh_tokens();
    let reconciler = h.reconciler(settings(100)).unwrap();
    let run = reconciler.run(now(), in_time()).await.unwrap();
    assert_eq!((run.projects_visited, run.needs_reconnect), (0, 1));
    let record = h
        .store
        .connection(&h.tenant, &h.connection_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.status, ConnectionStatus::NeedsReconnect);

    let sent = h.gitflic.api_requests().len();
    let next = reconciler.run(now() + 600, in_time()).await.unwrap();
    assert_eq!(next.needs_reconnect, 1);
    assert_eq!(h.gitflic.api_requests().len(), sent, "not polled any more");
}

#[tokio::test]
async fn a_run_while_another_holds_the_lease_does_nothing() {
    let h = Harness::start(Language::En).await.unwrap();
    failed_pipeline(&h, "70");
    let reconciler = h.reconciler(settings(100)).unwrap();
    h.store
        .claim(
            Work::Reconciliation,
            "schedule",
            Duration::from_secs(60),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    let sent = h.gitflic.api_requests().len();
    let skipped = reconciler.run(now() + 300, in_time()).await.unwrap();
    assert_eq!(skipped, RunSummary::skipped());
    assert_eq!(h.gitflic.api_requests().len(), sent);

    h.store
        .release(Work::Reconciliation, "schedule")
        .await
        .unwrap();
    assert_eq!(
        reconciler
            .run(now() + 300, in_time())
            .await
            .unwrap()
            .failures_queued,
        1
    );
    // The lease is given back after each run: the next one proceeds, and queues nothing twice.
    assert_eq!(
        reconciler
            .run(now() + 310, in_time())
            .await
            .unwrap()
            .failures_queued,
        0
    );
    assert_eq!(h.stack.drain(&h.queue_url).await.len(), 1);
}

#[tokio::test]
async fn a_run_short_of_time_starts_no_visit_and_says_what_waits() {
    let h = Harness::start(Language::En).await.unwrap();
    failed_pipeline(&h, "80");
    let reconciler = h.reconciler(settings(100)).unwrap();
    let sent = h.gitflic.api_requests().len();
    let out_of_time = reconciler
        .run(now() + 300, std::time::Instant::now())
        .await
        .unwrap();
    assert_eq!(
        (out_of_time.projects_visited, out_of_time.projects_pending),
        (0, 1)
    );
    assert!(out_of_time.lag_seconds() >= 300);
    assert_eq!(h.gitflic.api_requests().len(), sent);
    // The next run, in time, does the work.
    let next = reconciler.run(now() + 900, in_time()).await.unwrap();
    assert_eq!((next.failures_queued, next.projects_pending), (1, 0));
}

#[tokio::test]
async fn two_hundred_projects_on_a_hundred_requests_an_hour() {
    let h = Harness::start(Language::En).await.unwrap();
    h.gitflic
        .add_pipeline("1", vec![job("10", "build", "build", "SUCCESS", None)]);
    let template = h.store.watches(&h.tenant, &h.connection_id).await.unwrap()[0].clone();
    let start = now();
    const PROJECTS: usize = 200;
    h.gitflic.add_projects(PROJECTS - 1);
    for n in 0..PROJECTS - 1 {
        h.store
            .put_watch(&WatchRecord {
                project_id: format!("bulk-{n}"),
                alias: format!("bulk-{n}"),
                hook_checked_at: Some(start),
                ..template.clone()
            })
            .await
            .unwrap();
    }
    const BUDGET: u32 = 100;
    let reconciler = h.reconciler(settings(BUDGET)).unwrap();

    // Each visit lists one page of pipelines; the burst, then an interval's refill, a run.
    let bucket = RequestBucket::hourly(BUDGET, INTERVAL);
    let per_run = bucket.per_run(INTERVAL);
    let runs = 1 + ((PROJECTS as f64 - bucket.capacity) / per_run).ceil() as usize;
    let mut requests_per_run = Vec::new();
    let mut last = RunSummary::default();
    for run in 0..runs + 6 {
        let before = h.gitflic.api_requests().len();
        last = reconciler
            .run(start + (run as u64 * INTERVAL) as i64, in_time())
            .await
            .unwrap();
        requests_per_run.push(h.gitflic.api_requests().len() - before);
        assert_eq!(last.requests as usize, requests_per_run[run]);
        if run >= runs - 2 && run < runs {
            let watches = h.store.watches(&h.tenant, &h.connection_id).await.unwrap();
            assert_eq!(watches.len(), PROJECTS);
            let unvisited = watches.iter().filter(|w| w.visited_at.is_none()).count();
            if run == runs - 2 {
                assert!(unvisited > 0, "all visited before the computed run");
            } else {
                assert_eq!(unvisited, 0, "all visited by run {runs}");
            }
            // The rest wait: the run says so, and how many runs a full round takes.
            assert_eq!(
                last.projects_pending as usize,
                PROJECTS - last.projects_visited as usize
            );
            assert!(last.lag_seconds() > 0);
            assert_eq!(last.runs_behind() as usize, runs - 1);
        }
    }
    // Every window of an hour (six runs ten minutes apart) stays within the budget.
    for (first, window) in requests_per_run.windows(6).enumerate() {
        let sum: usize = window.iter().sum();
        assert!(
            sum <= BUDGET as usize,
            "runs {first}..{}: {sum} requests",
            first + 6
        );
    }
    // Round-robin: the second round begins with the projects the first round visited first.
    let watches = h.store.watches(&h.tenant, &h.connection_id).await.unwrap();
    let revisited = watches
        .iter()
        .filter(|w| {
            w.visited_at
                .is_some_and(|at| at >= start + (runs * INTERVAL as usize) as i64)
        })
        .count();
    assert_eq!(revisited, requests_per_run[runs..].iter().sum::<usize>());
    assert!(last.projects_visited > 0);
}

#[tokio::test]
async fn every_connection_is_reconciled_each_on_its_own_budget() {
    let h = Harness::start(Language::En).await.unwrap();
    // A second team connects the same GitFlic and watches another project.
    let public = url::Url::parse(exlogare_tests::harness::PUBLIC).unwrap();
    let other = format!("tenant-{}", uuid::Uuid::new_v4());
    let consent = h
        .connect
        .start(&other, Some(&h.gitflic.base_url), &public)
        .await
        .unwrap();
    let state = consent
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let connection = h
        .connect
        .complete(&h.gitflic.approve(), &state)
        .await
        .unwrap();
    h.connect
        .watch(
            &other,
            &connection.id,
            ("acme", "service-2"),
            exlogare_oauth::connect::WatchSettings::default(),
            &public,
        )
        .await
        .unwrap();
    failed_pipeline(&h, "90");

    // Two projects, one request each; each team's failure queued under its own key.
    let reconciler = h.reconciler(settings(100)).unwrap();
    let run = reconciler.run(now() + 300, in_time()).await.unwrap();
    assert_eq!(
        (run.projects_visited, run.failures_queued, run.requests),
        (2, 2, 2)
    );
    let bodies = h.stack.drain(&h.queue_url).await;
    let mut tenants: Vec<String> = bodies
        .iter()
        .map(|b| {
            serde_json::from_str::<serde_json::Value>(b).unwrap()["tenant_id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    tenants.sort();
    let mut expected = vec![h.tenant.clone(), other.clone()];
    expected.sort();
    assert_eq!(tenants, expected);

    // One team's bucket spent does not hold the other back.
    let tiny = h.reconciler(settings(1)).unwrap();
    let first = tiny.run(now() + 400, in_time()).await.unwrap();
    assert_eq!(
        first.projects_visited, 2,
        "each connection's first visit fits its own bucket"
    );
    let second = tiny.run(now() + 500, in_time()).await.unwrap();
    assert_eq!((second.projects_visited, second.projects_pending), (0, 2));
}
