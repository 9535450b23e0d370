//! A CI log, a delivery's payload and GitFlic's answers are hostile input: through the webhook
//! function, SQS and DynamoDB (moto), the analyzer, a GitFlic stand-in and the chat stand-ins.

use axum::http::HeaderMap;
use exlogare_shared::report::Language;
use exlogare_tests::HttpEvent;
use exlogare_tests::harness::{Harness, PROJECT_ID, job};
use lambda_http::http::StatusCode;
use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ENOUGH: Duration = Duration::from_secs(30);

const FAILING: &[u8] =
    b"$ cargo build\nerror[E0425]: cannot find value `x` in this scope\n --> src/main.rs:2:5\nERROR: Job failed: exit code 101\n";

/// Every message the three rooms received, as text.
fn all_received(h: &Harness) -> Vec<String> {
    ["slack", "telegram", "matrix"]
        .iter()
        .flat_map(|c| h.chat.received(c))
        .map(|m| m.to_string())
        .collect()
}

async fn deliver_body(h: &Harness, secret: &str, body: &Value) -> StatusCode {
    let event = HttpEvent::post("/webhook/gitflic")
        .header("gitflic-webhook-secret", secret)
        .json(body);
    exlogare_webhook::handle(&h.ingest, event.request())
        .await
        .expect("webhook answers")
        .status()
}

fn failure(project_id: &str, owner: &str, alias: &str, local_id: &str, url: &str) -> Value {
    json!({
        "action": "PIPELINE_FAIL",
        "project_id": project_id,
        "project": { "project_id": project_id, "alias": alias, "owner_alias": owner },
        "pipeline": { "id": format!("uuid-{}", uuid::Uuid::new_v4()), "local_id": local_id, "url": url }
    })
}

#[tokio::test]
async fn a_project_secret_cannot_make_the_analyzer_read_another_project() {
    let h = Harness::start(Language::En).await.unwrap();
    h.gitflic.add_pipeline(
        "7",
        vec![job("70", "build", "build", "FAILED", Some(FAILING))],
    );
    // Project 1's secret and id, but the path of project 2.
    let body = failure(PROJECT_ID, "acme", "service-2", "7", "https://gitflic.ru/x");
    assert_eq!(
        deliver_body(&h, &h.hook_secret, &body).await,
        StatusCode::ACCEPTED
    );
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    let log = h.gitflic.log();
    assert!(
        log.iter()
            .any(|l| l.contains("/project/acme/service-1/cicd/pipeline/7/jobs")),
        "{log:?}"
    );
    assert!(
        !log.iter().any(|l| l.contains("service-2")),
        "the payload's path was used: {log:?}"
    );
    for message in all_received(&h) {
        assert!(!message.contains("service-2"), "{message}");
    }
}

#[tokio::test]
async fn a_connection_secret_reads_only_the_project_its_path_really_is() {
    let h = Harness::start(Language::En).await.unwrap();
    let manual = h
        .connect
        .manual_webhook(
            &h.tenant,
            &h.connection_id,
            &url::Url::parse(exlogare_tests::harness::PUBLIC).unwrap(),
        )
        .await
        .unwrap();
    h.gitflic.add_pipeline(
        "8",
        vec![job("80", "build", "build", "FAILED", Some(FAILING))],
    );
    // An id that is not the id of the path's project: refused before any job is read.
    let crossed = failure("proj-3", "acme", "service-2", "8", "https://gitflic.ru/x");
    assert_eq!(
        deliver_body(&h, &manual.secret, &crossed).await,
        StatusCode::ACCEPTED
    );
    let (_, response) = h.poll(ENOUGH).await;
    assert_eq!(
        response.batch_item_failures.len(),
        1,
        "poison, not reported"
    );
    assert!(all_received(&h).is_empty());
    let log = h.gitflic.log();
    assert!(
        log.iter()
            .any(|l| l == "GET /rest-api/project/acme/service-2"),
        "{log:?}"
    );
    assert!(!log.iter().any(|l| l.contains("/jobs")), "{log:?}");

    // The project of that path, by its own id: analysed and reported.
    let matching = failure("proj-2", "acme", "service-2", "8", "https://gitflic.ru/x");
    assert_eq!(
        deliver_body(&h, &manual.secret, &matching).await,
        StatusCode::ACCEPTED
    );
    // The crossed message is still on the queue (it failed); drain until the good one is done.
    for _ in 0..3 {
        h.poll(ENOUGH).await;
    }
    assert_eq!(h.chat.received("slack").len(), 1);
}

#[tokio::test]
async fn the_pipeline_link_is_ours_whatever_the_payload_says() {
    let h = Harness::start(Language::En).await.unwrap();
    h.gitflic.add_pipeline(
        "9",
        vec![job("90", "build", "build", "FAILED", Some(FAILING))],
    );
    let body = failure(PROJECT_ID, "acme", "service-1", "9", "javascript:alert(1)");
    assert_eq!(
        deliver_body(&h, &h.hook_secret, &body).await,
        StatusCode::ACCEPTED
    );
    h.poll(ENOUGH).await;
    let ours = format!(
        "{}/project/acme/service-1/cicd/pipeline/9",
        h.gitflic.base_url
    );
    let slack = &h.chat.received("slack")[0];
    assert_eq!(
        slack["blocks"].as_array().unwrap().last().unwrap()["elements"][0]["url"],
        ours.as_str()
    );
    let telegram = &h.chat.received("telegram")[0];
    assert_eq!(
        telegram["reply_markup"]["inline_keyboard"][0][0]["url"],
        ours.as_str()
    );
    let matrix = &h.chat.received("matrix")[0]["content"];
    assert!(
        matrix["formatted_body"]
            .as_str()
            .unwrap()
            .contains(&format!("<a href=\"{ours}\">"))
    );
    for message in all_received(&h) {
        assert!(!message.contains("javascript"), "{message}");
    }
    // A pipeline number that is not a number is refused at the door.
    let body = failure(
        PROJECT_ID,
        "acme",
        "service-1",
        "9?x=1",
        "https://gitflic.ru/x",
    );
    assert_eq!(
        deliver_body(&h, &h.hook_secret, &body).await,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_truncated_jobs_page_is_retried_never_read_as_no_failed_jobs() {
    let h = Harness::start(Language::En).await.unwrap();
    h.gitflic.add_pipeline(
        "10",
        vec![job("100", "build", "build", "FAILED", Some(FAILING))],
    );
    assert_eq!(h.deliver_failure("10").await.0, StatusCode::ACCEPTED);
    // Token use first, then the jobs page: answer it with a cut-off body, three times (every
    // attempt of the first poll is the same page).
    h.gitflic
        .answer_next_raw(200, r#"{"_embedded":{"restPipelineJobModelList":[{"id":"#);
    let (_, response) = h.poll(ENOUGH).await;
    assert_eq!(response.batch_item_failures.len(), 1, "retried");
    assert!(all_received(&h).is_empty(), "nothing was posted");
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    let slack = h.chat.received("slack");
    assert_eq!(slack.len(), 1);
    assert!(slack[0].to_string().contains("E0425"), "{}", slack[0]);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn compressed_binary_and_control_laden_logs_reach_no_room_as_bytes() {
    let h = Harness::start(Language::En).await.unwrap();
    let mut noisy = b"$ make\n".to_vec();
    noisy.extend_from_slice(
        b"main.c:3:5: error: expected ';' \x00\x07\x1b]8;;https://evil.example\x07 \xe2\x80\xae\n",
    );
    noisy.extend_from_slice(b"ERROR: Job failed: exit code 2\n");
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    h.gitflic.add_pipeline(
        "11",
        vec![
            job("110", "gz", "build", "FAILED", Some(&gzip(FAILING))),
            job("112", "binary", "build", "FAILED", Some(&binary)),
        ],
    );
    assert_eq!(h.deliver_failure("11").await.0, StatusCode::ACCEPTED);
    h.poll(ENOUGH).await;
    let received = all_received(&h);
    assert_eq!(received.len(), 3);
    for message in &received {
        for bad in [
            "\\u0000", "\\u0007", "\\u001b", "\u{202E}", "\\u001f", "\u{FFFD}",
        ] {
            assert!(!message.contains(bad), "{bad:?} in {message}");
        }
    }
    let matrix = h.chat.received("matrix");
    let body = matrix[0]["content"]["body"].as_str().unwrap();
    assert!(body.contains("E0425"), "the gzip trace was read: {body}");
    assert!(body.contains("binary — no log available"), "{body}");

    // Control and bidirectional characters of a text log are shown, not sent.
    h.gitflic.add_pipeline(
        "14",
        vec![job("140", "noisy", "build", "FAILED", Some(&noisy))],
    );
    assert_eq!(h.deliver_failure("14").await.0, StatusCode::ACCEPTED);
    h.poll(ENOUGH).await;
    let received = all_received(&h);
    assert_eq!(received.len(), 6);
    for message in &received {
        for bad in ["\\u0000", "\\u0007", "\\u001b", "\u{202E}"] {
            assert!(!message.contains(bad), "{bad:?} in {message}");
        }
    }
    let matrix = h.chat.received("matrix");
    let body = matrix[1]["content"]["body"].as_str().unwrap();
    assert!(
        body.contains("<U+0000>") && body.contains("<U+202E>"),
        "{body}"
    );
}

/// Object storage a download may be redirected to: serves any log and records the headers.
async fn object_store(headers: Arc<Mutex<Vec<HeaderMap>>>) -> String {
    let app = axum::Router::new().route(
        "/objects/{job}",
        axum::routing::get(move |request_headers: HeaderMap| {
            let headers = headers.clone();
            async move {
                headers.lock().unwrap().push(request_headers);
                FAILING.to_vec()
            }
        }),
    );
    exlogare_tests::serve(app).await
}

#[tokio::test]
async fn redirected_downloads_are_followed_without_our_token_and_refused_where_unsafe() {
    let h = Harness::start(Language::En).await.unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let store = object_store(seen.clone()).await;
    h.gitflic.add_pipeline(
        "12",
        vec![job("120", "build", "build", "FAILED", Some(b"unused"))],
    );
    h.gitflic
        .redirect_downloads(&format!("{store}/objects/{{job}}?signature=abc"));
    assert_eq!(h.deliver_failure("12").await.0, StatusCode::ACCEPTED);
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    let slack = h.chat.received("slack");
    assert!(slack[0].to_string().contains("E0425"), "{}", slack[0]);
    let authorized: Vec<bool> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|headers| headers.contains_key("authorization"))
        .collect();
    assert_eq!(
        authorized,
        [false],
        "one download, without our GitFlic token (the redirect left the host)"
    );

    // A redirect to another scheme is refused: the job is reported without a log, once.
    h.gitflic.redirect_downloads("ftp://objects.example/log");
    assert_eq!(h.deliver_failure("12").await.0, StatusCode::ACCEPTED);
    let (_, response) = h.poll(ENOUGH).await;
    assert!(
        response.batch_item_failures.is_empty(),
        "not retried into the DLQ"
    );
    let stored = h.chat.received("matrix");
    let last = stored.last().unwrap()["content"]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        last.contains("redirected to an address that is refused"),
        "{last}"
    );

    // The stand-ins live on loopback, so this harness allows private networks; the cloud's
    // metadata service is refused even so, and nothing reaches it.
    let before = h.chat.received("matrix").len();
    h.gitflic
        .redirect_downloads("http://169.254.169.254/latest/meta-data/iam/security-credentials/");
    assert_eq!(h.deliver_failure("12").await.0, StatusCode::ACCEPTED);
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    let stored = h.chat.received("matrix");
    assert_eq!(stored.len(), before + 1, "reported once");
    let last = stored.last().unwrap()["content"]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        last.contains("redirected to an address that is refused"),
        "{last}"
    );
}

#[tokio::test]
async fn matrix_lists_the_other_failed_jobs_too() {
    let h = Harness::start(Language::En).await.unwrap();
    h.gitflic.add_pipeline(
        "13",
        vec![
            job("130", "build", "build", "FAILED", Some(FAILING)),
            job(
                "131",
                "lint",
                "test",
                "FAILED",
                Some(b"$ ruff\nx.py:1:1: F401 unused\nERROR: Job failed: exit code 1\n"),
            ),
        ],
    );
    assert_eq!(h.deliver_failure("13").await.0, StatusCode::ACCEPTED);
    h.poll(ENOUGH).await;
    let matrix = &h.chat.received("matrix")[0]["content"];
    let body = matrix["body"].as_str().unwrap();
    assert!(body.contains("Other failed jobs"), "{body}");
    assert!(
        matrix["formatted_body"]
            .as_str()
            .unwrap()
            .contains("Other failed jobs")
    );
}
