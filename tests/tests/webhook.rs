//! The webhook function against moto_server: real DynamoDB and SQS wire protocol.

use exlogare_shared::gitflic::webhook::{Action, WebhookPayload};
use exlogare_shared::queue::{
    self, PipelineMessage, PipelineRef, PipelineStatus, ProjectRef, Queue,
};
use exlogare_shared::secret::{self, SecretDigest};
use exlogare_shared::store::{Claim, SecretBinding, Store, Work};
use exlogare_tests::{HttpEvent, LocalStack, LogCapture, request_from_event};
use exlogare_webhook::ingest::{Ingest, MAX_BODY_BYTES};
use exlogare_webhook::{ROUTE, SECRET_HEADER, handle};
use lambda_http::Body;
use lambda_http::http::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/gitflic-webhooks");

fn fixture_payload(action: &str) -> Value {
    let path = format!("{FIXTURES}/{action}.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture exists")).expect("JSON")
}

struct Setup {
    stack: LocalStack,
    store: Store,
    queue_url: String,
    ingest: Ingest,
    secret: String,
    binding: SecretBinding,
}

impl Setup {
    /// A fresh queue, and a fresh project secret bound in the table.
    async fn new() -> Self {
        let stack = LocalStack::from_env().await;
        let queue_url = stack.fresh_queue().await;
        Self::with_queue(stack, queue_url, true).await
    }

    async fn with_queue(stack: LocalStack, queue_url: String, project_scoped: bool) -> Self {
        let store = Store::new(&stack.sdk, &stack.table);
        let secret = secret::generate();
        let binding = SecretBinding {
            tenant_id: format!("tenant-{}", uuid::Uuid::new_v4()),
            connection_id: format!("conn-{}", uuid::Uuid::new_v4()),
            project_id: project_scoped.then(|| uuid::Uuid::new_v4().to_string()),
        };
        store
            .put_secret_binding(&SecretDigest::of(&secret), &binding)
            .await
            .expect("bind secret");
        let ingest = Ingest::new(
            store.clone(),
            Queue::new(&stack.sdk, &queue_url),
            Duration::from_secs(3600),
        );
        Self {
            stack,
            store,
            queue_url,
            ingest,
            secret,
            binding,
        }
    }

    fn project_id(&self) -> String {
        self.binding
            .project_id
            .clone()
            .unwrap_or_else(|| "any-project".into())
    }

    /// The delivery key of this setup's pipeline `pipeline_id`.
    fn key(&self, pipeline_id: &str) -> String {
        queue::delivery_key(&self.binding.tenant_id, &self.project_id(), pipeline_id)
    }

    /// A PIPELINE_FAIL body for this setup's project and a new pipeline.
    fn failure(&self) -> (Value, String) {
        let pipeline_id = uuid::Uuid::new_v4().to_string();
        let mut body = fixture_payload("PIPELINE_FAIL");
        body["project_id"] = json!(self.project_id());
        body["project"]["project_id"] = json!(self.project_id());
        body["pipeline"]["id"] = json!(pipeline_id);
        (body, pipeline_id)
    }

    fn authed(&self, body: &Value) -> HttpEvent {
        HttpEvent::post(ROUTE)
            .header(SECRET_HEADER, &self.secret)
            .query("secret", &self.secret)
            .json(body)
    }

    async fn call(&self, event: HttpEvent) -> (StatusCode, Value) {
        call(&self.ingest, event.request()).await
    }

    async fn queued(&self) -> Vec<PipelineMessage> {
        self.stack
            .drain(&self.queue_url)
            .await
            .iter()
            .map(|b| serde_json::from_str(b).expect("queued message is a PipelineMessage"))
            .collect()
    }
}

async fn call(ingest: &Ingest, request: lambda_http::Request) -> (StatusCode, Value) {
    let response = handle(ingest, request).await.expect("handler never errors");
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "every answer is JSON"
    );
    let body = match response.body() {
        Body::Text(t) => serde_json::from_str(t).expect("JSON body"),
        other => panic!("unexpected body {other:?}"),
    };
    (response.status(), body)
}

#[tokio::test]
async fn pipeline_failure_puts_the_exact_message_on_the_queue() {
    let setup = Setup::new().await;
    let (body, pipeline_id) = setup.failure();
    let (status, answer) = setup.call(setup.authed(&body)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(answer, json!({"status": "queued"}));

    let mut messages = setup.queued().await;
    assert_eq!(messages.len(), 1);
    let message = messages.remove(0);
    let received = OffsetDateTime::parse(&message.received_at, &Rfc3339).expect("RFC 3339");
    assert!((OffsetDateTime::now_utc() - received).whole_seconds().abs() < 60);
    let project_id = setup.project_id();
    assert_eq!(
        message,
        PipelineMessage {
            version: 1,
            status: PipelineStatus::Failed,
            tenant_id: setup.binding.tenant_id.clone(),
            connection_id: setup.binding.connection_id.clone(),
            project: ProjectRef {
                id: project_id.clone(),
                owner_alias: Some("acme".into()),
                alias: Some("demo-service".into()),
                title: Some("Demo service".into()),
            },
            pipeline: PipelineRef {
                id: pipeline_id.clone(),
                local_id: "118".into(),
                url: Some("https://gitflic.ru/project/acme/demo-service/cicd/pipeline/118".into()),
                commit_id: Some("3f786850e387550fdab836ed7e6dc881de23001b".into()),
                git_ref: None,
            },
            delivery_key: setup.key(&pipeline_id),
            received_at: message.received_at.clone(),
        }
    );
    // The raw wire form carries the version and the GitFlic-style "ref" key.
    let raw: Value = serde_json::to_value(&message).unwrap();
    assert_eq!(raw["version"], 1);
    assert!(raw["pipeline"].as_object().unwrap().contains_key("ref"));
}

#[tokio::test]
async fn a_repeated_delivery_is_answered_duplicate_and_queued_once() {
    let setup = Setup::new().await;
    let (body, _) = setup.failure();
    assert_eq!(
        setup.call(setup.authed(&body)).await.0,
        StatusCode::ACCEPTED
    );
    let (status, answer) = setup.call(setup.authed(&body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer, json!({"status": "duplicate"}));
    // Another pipeline of the same project is not a duplicate.
    let (other, _) = setup.failure();
    assert_eq!(
        setup.call(setup.authed(&other)).await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(setup.queued().await.len(), 2);
}

#[tokio::test]
async fn concurrent_duplicates_queue_exactly_one_message() {
    let setup = Setup::new().await;
    let (body, _) = setup.failure();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (ingest, request) = (setup.ingest.clone(), setup.authed(&body).request());
        calls.spawn(async move { call(&ingest, request).await.0 });
    }
    let statuses = calls.join_all().await;
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count();
    assert_eq!(accepted, 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::ACCEPTED || *s == StatusCode::OK)
    );
    assert_eq!(setup.queued().await.len(), 1);
}

#[tokio::test]
async fn a_failed_send_answers_503_and_leaves_no_dedupe_record() {
    let stack = LocalStack::from_env().await;
    let missing_queue = format!("{}-does-not-exist", stack.queue_url);
    let broken = Setup::with_queue(stack, missing_queue, true).await;
    let (body, pipeline_id) = broken.failure();
    let (status, answer) = broken.call(broken.authed(&body)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer["error"].as_str().unwrap().contains("retry"));
    let key = broken.key(&pipeline_id);
    assert!(
        !broken
            .store
            .held_or_complete(Work::Delivery, &key)
            .await
            .unwrap()
    );

    // GitFlic's retry, once SQS is back, is queued rather than taken for a duplicate.
    let queue_url = broken.stack.fresh_queue().await;
    let healthy = Ingest::new(
        broken.store.clone(),
        Queue::new(&broken.stack.sdk, &queue_url),
        Duration::from_secs(3600),
    );
    let (status, _) = call(&healthy, broken.authed(&body).request()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(
        broken
            .store
            .held_or_complete(Work::Delivery, &key)
            .await
            .unwrap()
    );
    assert_eq!(broken.stack.drain(&queue_url).await.len(), 1);
}

#[tokio::test]
async fn test_webhook_is_answered_ok_and_queues_nothing() {
    let setup = Setup::new().await;
    let mut body = fixture_payload("TEST_WEBHOOK");
    body["project_id"] = json!(setup.project_id());
    let event = HttpEvent::post(ROUTE)
        .header(SECRET_HEADER, &setup.secret)
        .json(&body);
    assert_eq!(
        setup.call(event).await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
    assert!(setup.queued().await.is_empty());
}

#[tokio::test]
async fn every_documented_event_decodes_and_all_but_failures_are_ignored() {
    let setup = Setup::new().await;
    for action in Action::DOCUMENTED {
        let mut body = fixture_payload(action.as_str());
        let decoded: WebhookPayload = serde_json::from_value(body.clone()).expect("decodes");
        assert_eq!(&decoded.action, action);
        assert!(decoded.project_id().is_some(), "{action}: project id");
        if *action != Action::TestWebhook {
            let project = decoded.project.as_ref().expect("project object");
            assert_eq!(project.owner_alias.as_deref(), Some("acme"), "{action}");
        }
        body["project_id"] = json!(setup.project_id());
        if body.get("project").is_some() {
            body["project"]["project_id"] = json!(setup.project_id());
        }
        let (status, answer) = setup.call(setup.authed(&body)).await;
        let expected = match action {
            Action::PipelineFail => (StatusCode::ACCEPTED, "queued"),
            Action::TestWebhook => (StatusCode::OK, "ok"),
            _ => (StatusCode::OK, "ignored"),
        };
        assert_eq!(
            (status, answer["status"].as_str()),
            (expected.0, Some(expected.1)),
            "{action}"
        );
    }
    // An event GitFlic may add later is ignored too, not refused.
    let body = json!({"action": "PIPELINE_EXPLODED", "project_id": setup.project_id()});
    assert_eq!(setup.call(setup.authed(&body)).await.1["status"], "ignored");
    assert_eq!(
        setup.queued().await.len(),
        1,
        "only PIPELINE_FAIL is queued"
    );
}

#[tokio::test]
async fn the_secret_may_come_in_the_header_the_query_or_both() {
    let setup = Setup::new().await;
    for (header, query) in [(true, false), (false, true), (true, true)] {
        let (body, _) = setup.failure();
        let mut event = HttpEvent::post(ROUTE).json(&body);
        if header {
            event = event.header(SECRET_HEADER, &setup.secret);
        }
        if query {
            event = event.query("secret", &setup.secret);
        }
        assert_eq!(setup.call(event).await.0, StatusCode::ACCEPTED);
    }
    assert_eq!(setup.queued().await.len(), 3);
}

#[tokio::test]
async fn a_connection_secret_serves_any_project_and_a_project_secret_only_its_own() {
    let stack = LocalStack::from_env().await;
    let queue_url = stack.fresh_queue().await;
    let connection = Setup::with_queue(stack, queue_url, false).await;
    let (mut body, _) = connection.failure();
    body["project_id"] = json!("some-other-project");
    body["project"]["project_id"] = json!("some-other-project");
    assert_eq!(
        connection.call(connection.authed(&body)).await.0,
        StatusCode::ACCEPTED
    );

    let project = Setup::new().await;
    assert_eq!(
        project.call(project.authed(&body)).await,
        (StatusCode::UNAUTHORIZED, json!({"error": "unauthorized"}))
    );
    assert!(project.queued().await.is_empty());
}

#[tokio::test]
async fn a_revoked_secret_stops_validating_at_once() {
    let setup = Setup::new().await;
    let (body, _) = setup.failure();
    setup
        .store
        .delete_secret_binding(&SecretDigest::of(&setup.secret))
        .await
        .unwrap();
    assert_eq!(
        setup.call(setup.authed(&body)).await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// Bad input of every kind: the right status, a JSON error that never quotes the secret, nothing
/// queued and no panic.
#[tokio::test]
async fn bad_input_gets_the_right_status_and_queues_nothing() {
    let setup = Setup::new().await;
    let s = setup.secret.clone();
    let (good, _) = setup.failure();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut body = good.clone();
        f(&mut body);
        body
    };
    let raw = |bytes: &[u8]| {
        HttpEvent::post(ROUTE)
            .header(SECRET_HEADER, &s)
            .body(bytes.to_vec())
    };
    let big = vec![b' '; MAX_BODY_BYTES + 1];
    let deep = "[".repeat(10_000);
    let cases: Vec<(&str, HttpEvent, StatusCode)> = vec![
        (
            "unknown path",
            HttpEvent::post("/webhook/gitlab").json(&good),
            StatusCode::NOT_FOUND,
        ),
        (
            "root path",
            HttpEvent::post("/").json(&good),
            StatusCode::NOT_FOUND,
        ),
        (
            "prefix path",
            HttpEvent::post("/webhook").json(&good),
            StatusCode::NOT_FOUND,
        ),
        (
            "longer path",
            HttpEvent::post("/webhook/gitflic/x").json(&good),
            StatusCode::NOT_FOUND,
        ),
        (
            "GET",
            setup.authed(&good).method("GET"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "PUT",
            setup.authed(&good).method("PUT"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "DELETE",
            setup.authed(&good).method("DELETE"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "PATCH",
            setup.authed(&good).method("PATCH"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "no secret",
            HttpEvent::post(ROUTE).json(&good),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "wrong header secret",
            HttpEvent::post(ROUTE)
                .header(SECRET_HEADER, "nope")
                .json(&good),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "wrong query secret",
            HttpEvent::post(ROUTE).query("secret", "nope").json(&good),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "empty secret",
            HttpEvent::post(ROUTE).header(SECRET_HEADER, "").json(&good),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "header right, query wrong",
            HttpEvent::post(ROUTE)
                .header(SECRET_HEADER, &s)
                .query("secret", "nope")
                .json(&good),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "header wrong, query right",
            HttpEvent::post(ROUTE)
                .header(SECRET_HEADER, "nope")
                .query("secret", &s)
                .json(&good),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "secret in other case",
            HttpEvent::post(ROUTE)
                .header(SECRET_HEADER, &s.to_uppercase())
                .json(&good),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "secret with a suffix",
            HttpEvent::post(ROUTE)
                .query("secret", &format!("{s} "))
                .json(&good),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "over-long secret",
            HttpEvent::post(ROUTE)
                .header(SECRET_HEADER, &"a".repeat(4096))
                .json(&good),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "bad secret and bad JSON",
            HttpEvent::post(ROUTE)
                .header(SECRET_HEADER, "nope")
                .body("{"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "body over the cap",
            raw(&big),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "body over the cap, no secret",
            HttpEvent::post(ROUTE).body(big.clone()),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        ("empty body", raw(b""), StatusCode::BAD_REQUEST),
        ("not JSON", raw(b"hello"), StatusCode::BAD_REQUEST),
        (
            "truncated JSON",
            raw(br#"{"action": "PIPELINE_FAIL""#),
            StatusCode::BAD_REQUEST,
        ),
        (
            "trailing comma, as in GitFlic's docs",
            raw(br#"{"action": "PIPELINE_FAIL",}"#),
            StatusCode::BAD_REQUEST,
        ),
        ("JSON array", raw(b"[1, 2]"), StatusCode::BAD_REQUEST),
        (
            "JSON string",
            raw(br#""PIPELINE_FAIL""#),
            StatusCode::BAD_REQUEST,
        ),
        ("JSON null", raw(b"null"), StatusCode::BAD_REQUEST),
        ("JSON number", raw(b"42"), StatusCode::BAD_REQUEST),
        (
            "deeply nested JSON",
            raw(deep.as_bytes()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "invalid UTF-8",
            raw(b"{\"action\": \"\xff\xfe\"}").base64(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "no action",
            setup.authed(&with(&|b| {
                b.as_object_mut().unwrap().remove("action");
            })),
            StatusCode::BAD_REQUEST,
        ),
        (
            "numeric action",
            setup.authed(&with(&|b| b["action"] = json!(5))),
            StatusCode::BAD_REQUEST,
        ),
        (
            "null action",
            setup.authed(&with(&|b| b["action"] = json!(null))),
            StatusCode::BAD_REQUEST,
        ),
        (
            "object action",
            setup.authed(&with(&|b| b["action"] = json!({"x": 1}))),
            StatusCode::BAD_REQUEST,
        ),
        (
            "failure without pipeline",
            setup.authed(&with(&|b| {
                b.as_object_mut().unwrap().remove("pipeline");
            })),
            StatusCode::BAD_REQUEST,
        ),
        (
            "pipeline without local_id",
            setup.authed(&with(&|b| {
                b["pipeline"].as_object_mut().unwrap().remove("local_id");
            })),
            StatusCode::BAD_REQUEST,
        ),
        (
            "pipeline as a string",
            setup.authed(&with(&|b| b["pipeline"] = json!("118"))),
            StatusCode::BAD_REQUEST,
        ),
        (
            "over-long pipeline id",
            setup.authed(&with(&|b| b["pipeline"]["id"] = json!("x".repeat(300)))),
            StatusCode::BAD_REQUEST,
        ),
        (
            "pipeline id with a control character",
            setup.authed(&with(&|b| b["pipeline"]["id"] = json!("a\u{7}b"))),
            StatusCode::BAD_REQUEST,
        ),
        (
            "another project's delivery",
            setup.authed(&with(&|b| {
                b["project_id"] = json!("other");
                b["project"]["project_id"] = json!("other");
            })),
            StatusCode::UNAUTHORIZED,
        ),
    ];
    assert!(cases.len() >= 30);
    for (name, event, expected) in cases {
        let (status, answer) = setup.call(event).await;
        assert_eq!(status, expected, "{name}: {answer}");
        let text = answer["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: error field"));
        assert!(!text.is_empty() && !text.contains(&s), "{name}: {text}");
    }
    assert!(setup.queued().await.is_empty());
}

#[tokio::test]
async fn accepted_variants_of_a_good_delivery() {
    let setup = Setup::new().await;
    let variants = [
        setup.authed(&setup.failure().0).base64(),
        setup
            .authed(&setup.failure().0)
            .header("content-type", "application/json; charset=UTF-8"),
        setup
            .authed(&setup.failure().0)
            .header("content-type", "text/plain"),
        HttpEvent::post(&format!("{ROUTE}/"))
            .header(SECRET_HEADER, &setup.secret)
            .json(&setup.failure().0),
    ];
    for event in variants {
        assert_eq!(setup.call(event).await.0, StatusCode::ACCEPTED);
    }
    assert_eq!(setup.queued().await.len(), 4);
}

#[tokio::test]
async fn logs_are_json_with_ids_and_never_carry_secrets_or_payloads() {
    let (logs, _guard) = LogCapture::install();
    let setup = Setup::new().await;
    let (body, pipeline_id) = setup.failure();
    setup.call(setup.authed(&body)).await;
    setup.call(setup.authed(&body)).await;
    setup
        .call(
            HttpEvent::post(ROUTE)
                .header(SECRET_HEADER, "wrong-secret-value")
                .json(&body),
        )
        .await;
    let broken = Setup::with_queue(
        LocalStack::from_env().await,
        format!("{}-missing", setup.stack.queue_url),
        true,
    )
    .await;
    broken.call(broken.authed(&broken.failure().0)).await;

    let text = logs.text();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("every log line is JSON"))
        .collect();
    assert!(lines.iter().any(|l| l["message"] == "queued pipeline"
        && l["status"] == "Failed"
        && l["pipeline_id"] == json!(pipeline_id)
        && l["project_id"] == json!(setup.project_id())));
    assert!(lines.iter().any(|l| l["level"] == "ERROR"));
    for forbidden in [
        &setup.secret,
        &broken.secret,
        "wrong-secret-value",
        "ssh_transport_url",
        "git@gitflic.ru",
    ] {
        assert!(!text.contains(forbidden), "log output contains {forbidden}");
    }
}

/// The files in events/ are what `sam local invoke -e` and `cargo lambda invoke` send.
#[tokio::test]
async fn the_sample_events_get_their_documented_answers() {
    let stack = LocalStack::from_env().await;
    let queue_url = stack.fresh_queue().await;
    let store = Store::new(&stack.sdk, &stack.table);
    let events = concat!(env!("CARGO_MANIFEST_DIR"), "/../events");
    let read = |name: &str| std::fs::read_to_string(format!("{events}/{name}")).expect(name);
    let event: Value = serde_json::from_str(&read("webhook-pipeline-fail.json")).unwrap();
    let secret = event["headers"][SECRET_HEADER].as_str().unwrap();
    let payload: Value = serde_json::from_str(event["body"].as_str().unwrap()).unwrap();
    let project_id = payload["project_id"].as_str().unwrap();
    // A tenant of this run's own: the sample's fixed pipeline id is then a new delivery.
    let tenant = format!("demo-tenant-{}", uuid::Uuid::new_v4().simple());
    store
        .put_secret_binding(
            &SecretDigest::of(secret),
            &SecretBinding {
                tenant_id: tenant,
                connection_id: "demo-connection".into(),
                project_id: Some(project_id.into()),
            },
        )
        .await
        .unwrap();
    let ingest = Ingest::new(
        store,
        Queue::new(&stack.sdk, &queue_url),
        Duration::from_secs(60),
    );

    for (file, status, answer) in [
        (
            "webhook-pipeline-fail.json",
            StatusCode::ACCEPTED,
            json!({"status": "queued"}),
        ),
        (
            "webhook-pipeline-fail.json",
            StatusCode::OK,
            json!({"status": "duplicate"}),
        ),
        ("webhook-test.json", StatusCode::OK, json!({"status": "ok"})),
        (
            "webhook-ignored-event.json",
            StatusCode::OK,
            json!({"status": "ignored"}),
        ),
        (
            "webhook-wrong-secret.json",
            StatusCode::UNAUTHORIZED,
            json!({"error": "unauthorized"}),
        ),
    ] {
        assert_eq!(
            call(&ingest, request_from_event(&read(file))).await,
            (status, answer),
            "{file}"
        );
    }
    assert_eq!(stack.drain(&queue_url).await.len(), 1);
}

#[tokio::test]
async fn a_queued_delivery_is_remembered_for_the_full_ttl_and_a_stale_claim_for_a_minute() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let setup = Setup::new().await;
    let (body, pipeline_id) = setup.failure();
    assert_eq!(
        setup.call(setup.authed(&body)).await.0,
        StatusCode::ACCEPTED
    );
    let ddb = setup.stack.dynamodb();
    let item = ddb
        .get_item()
        .table_name(&setup.stack.table)
        .key(
            "pk",
            AttributeValue::S(format!("DELIVERY#{}", setup.key(&pipeline_id))),
        )
        .key("sk", AttributeValue::S("DELIVERY".into()))
        .send()
        .await
        .unwrap()
        .item
        .expect("delivery record");
    let expires: u64 = match &item["expires_at"] {
        AttributeValue::N(n) => n.parse().unwrap(),
        other => panic!("{other:?}"),
    };
    let now = exlogare_shared::store::epoch_now();
    assert!(
        expires > now + 3000,
        "the full de-duplication TTL (3600 s here), not the claim's"
    );

    // A claim whose send failed and whose release failed too only blocks until it expires.
    let (body, pipeline_id) = setup.failure();
    let key = setup.key(&pipeline_id);
    assert!(matches!(
        setup
            .store
            .claim(Work::Delivery, &key, Duration::ZERO, Duration::ZERO)
            .await
            .unwrap(),
        Claim::Claimed { .. }
    ));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        setup.call(setup.authed(&body)).await.0,
        StatusCode::ACCEPTED
    );
}
