//! The report as a GitFlic merge-request discussion: found by branch or by commit, posted once
//! across SQS redeliveries, hostile log text never live, a 403 recorded, resolved on success.

use exlogare_shared::report::Language;
use exlogare_tests::harness::{Harness, Options, job};
use lambda_http::http::StatusCode;
use std::time::Duration;

const ENOUGH: Duration = Duration::from_secs(30);
const COMMIT: &str = "3f786850e387550fdab836ed7e6dc881de23001b";
const RUST_ERROR: &[u8] = b"   Compiling demo v0.1.0\nerror[E0425]: cannot find value `total` in this scope\n --> src/cart.rs:14:5\nerror: could not compile `demo` (lib) due to 1 previous error\n";
const PYTEST_ERROR: &[u8] = b"============ FAILURES ============\n___ test_total ___\n    def test_total():\n>       assert total([2, 3]) == 5\nE       AssertionError: assert 3 == 5\ntests/test_cart.py:4: AssertionError\n=== 1 failed in 0.12s ===\n";

async fn harness() -> Harness {
    Harness::start_with(Options {
        discussions: true,
        ..Options::new(Language::En)
    })
    .await
    .expect("harness")
}

fn failing(h: &Harness, local: &str, branch: &str, log: &[u8]) {
    h.gitflic.add_pipeline_on(
        local,
        branch,
        vec![job(
            &format!("{local}1"),
            "unit-tests",
            "test",
            "FAILED",
            Some(log),
        )],
    );
}

fn discussion_requests(h: &Harness, what: &str) -> usize {
    h.gitflic
        .api_requests()
        .iter()
        .filter(|r| r.contains(what))
        .count()
}

#[tokio::test]
async fn a_failure_is_discussed_once_on_its_branch_open_merge_request() {
    let h = harness().await;
    h.gitflic
        .add_merge_request(7, "feature/login", "0000000aaaa", "OPENED");
    h.gitflic
        .add_merge_request(8, "feature/login", "0000000bbbb", "MERGED");
    h.gitflic
        .add_merge_request(9, "feature/other", "0000000cccc", "OPENED");
    failing(&h, "21", "feature/login", RUST_ERROR);
    let (status, _) = h.deliver("21", "uuid-pipeline-21").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    // GitFlic is down for the first discussion; then SQS delivers the message twice.
    let body = h.stack.drain(&h.queue_url).await.remove(0);
    h.enqueue_raw(&body).await;
    h.gitflic.fail_next_discussions(&[503, 503, 503]);
    let (_, first) = h.poll(ENOUGH).await;
    assert!(!first.batch_item_failures.is_empty(), "retried");
    assert!(h.gitflic.discussions().is_empty());
    assert_eq!(
        h.chat.received("slack").len(),
        1,
        "the rooms are not held back"
    );
    h.enqueue_raw(&body).await;
    while h.poll(ENOUGH).await.0 > 0 {}

    let discussions = h.gitflic.discussions();
    assert_eq!(discussions.len(), 1, "{discussions:?}");
    assert_eq!(discussions[0].merge_request, "7");
    let text = &discussions[0].message;
    assert!(
        text.starts_with("### ❌ Pipeline #21 failed · `acme/service-1`"),
        "{text}"
    );
    assert!(text.contains("**Category:** compilation error"), "{text}");
    assert!(
        text.contains("```text\n") && text.contains("E0425"),
        "{text}"
    );
    assert!(text.contains("- **Where:** `src/cart.rs:14`"), "{text}");
    assert!(
        text.contains("/project/acme/service-1/cicd/pipeline/21)"),
        "{text}"
    );
    assert_eq!(h.chat.received("slack").len(), 1, "each room once");
    assert_eq!(h.chat.received("telegram").len(), 1);
}

#[tokio::test]
async fn a_merge_request_is_found_by_its_head_commit_and_none_is_not_an_error() {
    let h = harness().await;
    // Its branch was renamed since; the pipeline's commit is its head.
    h.gitflic.add_merge_request(11, "renamed", COMMIT, "OPENED");
    failing(&h, "31", "feature/x", RUST_ERROR);
    h.deliver("31", "uuid-pipeline-31").await;
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    let discussions = h.gitflic.discussions();
    assert_eq!(discussions.len(), 1);
    assert_eq!(discussions[0].merge_request, "11");

    // A branch with only a merged request: one list page, no discussion, a report all the same.
    let h = harness().await;
    h.gitflic
        .add_merge_request(12, "feature/y", "0000000dddd", "MERGED");
    failing(&h, "32", "feature/y", RUST_ERROR);
    h.deliver("32", "uuid-pipeline-32").await;
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    assert!(h.gitflic.discussions().is_empty());
    assert_eq!(discussion_requests(&h, "merge-request/list"), 1);
    assert_eq!(discussion_requests(&h, "discussions/create"), 0);
    assert_eq!(h.chat.received("matrix").len(), 1);
}

#[tokio::test]
async fn hostile_log_text_is_never_live_in_a_discussion() {
    let h = harness().await;
    h.gitflic
        .add_merge_request(5, "main", "0000000eeee", "OPENED");
    let log = b"error: @all look [click](https://evil.example) <img src=x onerror=alert(1)> ``` **bold** ![i](https://evil.example/i.png) #1 !2\n --> src/lib.rs:3:1\nerror: could not compile `x`\n";
    failing(&h, "41", "main", log);
    h.deliver("41", "uuid-pipeline-41").await;
    h.poll(ENOUGH).await;
    let discussions = h.gitflic.discussions();
    assert_eq!(discussions.len(), 1);
    let text = &discussions[0].message;
    assert!(!text.contains('@'), "no mention: {text}");
    assert!(text.contains("＠all"), "shown, not live: {text}");
    assert_eq!(
        text.matches("```").count(),
        2,
        "one fenced block, not closed by the log: {text}"
    );
    // Outside the fenced block and the code spans, nothing of the log's, and our link alone.
    let (before, rest) = text.split_once("```text\n").unwrap();
    let (_, after) = rest.split_once("\n```\n").unwrap();
    let outside: String = format!("{before}{after}").split('`').step_by(2).collect();
    assert!(
        !outside.contains("evil") && !outside.contains('<'),
        "{outside}"
    );
    assert_eq!(outside.matches("](").count(), 1, "only our link: {outside}");
}

#[tokio::test]
async fn a_refusal_is_recorded_and_not_tried_again() {
    let h = harness().await;
    h.gitflic
        .add_merge_request(3, "main", "0000000ffff", "OPENED");
    h.gitflic.forbid_discussions();
    failing(&h, "51", "main", RUST_ERROR);
    h.deliver("51", "uuid-pipeline-51").await;
    let (_, response) = h.poll(ENOUGH).await;
    assert!(
        response.batch_item_failures.is_empty(),
        "a 403 is not retried"
    );
    assert_eq!(h.chat.received("slack").len(), 1);
    let watch = h
        .store
        .watches(&h.tenant, &h.connection_id)
        .await
        .unwrap()
        .remove(0);
    assert!(watch.discussions_refused_at.is_some());
    assert!(!watch.discusses_merge_requests());

    failing(&h, "52", "main", PYTEST_ERROR);
    h.deliver("52", "uuid-pipeline-52").await;
    h.poll(ENOUGH).await;
    assert_eq!(
        discussion_requests(&h, "discussions/create"),
        1,
        "tried once"
    );
    assert_eq!(discussion_requests(&h, "merge-request/list"), 1);
    assert_eq!(h.chat.received("slack").len(), 2);
}

#[tokio::test]
async fn the_same_failure_is_not_discussed_twice_and_a_success_resolves_the_discussion() {
    let h = harness().await;
    h.gitflic
        .add_merge_request(4, "feature/pay", "0000000abcd", "OPENED");
    failing(&h, "61", "feature/pay", RUST_ERROR);
    h.deliver("61", "uuid-pipeline-61").await;
    h.poll(ENOUGH).await;
    // A re-run fails the same way: no new discussion.
    failing(&h, "62", "feature/pay", RUST_ERROR);
    h.deliver("62", "uuid-pipeline-62").await;
    h.poll(ENOUGH).await;
    assert_eq!(h.gitflic.discussions().len(), 1);
    // It fails otherwise: a new one.
    failing(&h, "63", "feature/pay", PYTEST_ERROR);
    h.deliver("63", "uuid-pipeline-63").await;
    h.poll(ENOUGH).await;
    let discussions = h.gitflic.discussions();
    assert_eq!(discussions.len(), 2);
    assert!(discussions[1].message.contains("AssertionError"));
    assert!(discussions[0].resolved, "superseded by the new failure's");
    assert!(!discussions[1].resolved);

    h.gitflic.add_pipeline_on(
        "64",
        "feature/pay",
        vec![job("641", "unit-tests", "test", "SUCCESS", Some(b"ok"))],
    );
    let (status, _) = h
        .deliver_event("PIPELINE_SUCCESS", "64", "uuid-pipeline-64")
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    let discussions = h.gitflic.discussions();
    assert!(
        discussions[1].resolved,
        "the open failure's discussion is resolved"
    );
}

#[tokio::test]
async fn with_the_switch_off_merge_requests_are_not_even_listed() {
    let h = Harness::start(Language::En).await.unwrap();
    h.gitflic.add_merge_request(6, "main", COMMIT, "OPENED");
    failing(&h, "71", "main", RUST_ERROR);
    h.deliver("71", "uuid-pipeline-71").await;
    h.poll(ENOUGH).await;
    assert_eq!(h.chat.received("slack").len(), 1);
    assert_eq!(discussion_requests(&h, "merge-request"), 0);
}
