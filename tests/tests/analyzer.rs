//! From GitFlic's PIPELINE_FAIL delivery to Slack, Telegram and Matrix: the webhook function, SQS
//! (moto), the analyzer function, DynamoDB and KMS (moto), a GitFlic stand-in and chat stand-ins.

use exlogare_shared::report::Language;
use exlogare_tests::LogCapture;
use exlogare_tests::fake_chat::{MATRIX_TOKEN, TELEGRAM_TOKEN};
use exlogare_tests::harness::{Harness, Options, job};
use lambda_http::http::StatusCode;
use serde_json::Value;
use std::time::Duration;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/fixtures/logs/{name}.log",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

async fn harness_with_pipeline(language: Language) -> Harness {
    let h = Harness::start(language).await.expect("harness");
    h.gitflic.add_pipeline(
        "118",
        vec![
            job("401", "build", "build", "SUCCESS", Some(b"all good")),
            job(
                "402",
                "unit-tests",
                "test",
                "FAILED",
                Some(&fixture("rust-test")),
            ),
            job(
                "403",
                "clippy",
                "lint",
                "FAILED",
                Some(&fixture("rust-clippy")),
            ),
            job("404", "deploy", "deploy", "SKIPPED", None),
        ],
    );
    h
}

const ENOUGH: Duration = Duration::from_secs(30);

#[tokio::test]
async fn a_failed_pipeline_reaches_all_three_rooms_once() {
    let (logs, _guard) = LogCapture::install();
    let h = harness_with_pipeline(Language::En).await;
    let (status, key) = h.deliver_failure("118").await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (seen, response) = h.poll(ENOUGH).await;
    assert_eq!(seen, 1);
    assert!(response.batch_item_failures.is_empty());

    let stored = h.stored_report(&key).await.unwrap();
    assert_eq!(
        stored.jobs.len(),
        2,
        "the two failed jobs, not the skipped or successful ones"
    );
    let names: Vec<&str> = stored.jobs.iter().map(|j| j.name.as_str()).collect();
    assert!(names.contains(&"unit-tests") && names.contains(&"clippy"));
    assert!(stored.jobs.iter().all(|j| j.report.is_some()));
    assert!(
        stored
            .link
            .ends_with("/project/acme/service-1/cicd/pipeline/118")
    );

    let slack = h.chat.received("slack");
    assert_eq!(slack.len(), 1);
    let blocks = slack[0]["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    assert!(
        blocks[0]["text"]["text"]
            .as_str()
            .unwrap()
            .contains("#118 failed · acme/service-1")
    );
    let all = slack[0].to_string();
    assert!(all.contains("```"), "the excerpt is a code block");
    assert_eq!(
        blocks.last().unwrap()["elements"][0]["url"],
        Value::String(stored.link.clone())
    );

    let telegram = h.chat.received("telegram");
    assert_eq!(telegram.len(), 1);
    let text = telegram[0]["text"].as_str().unwrap();
    assert!(text.contains("<pre>") && text.chars().count() <= 4096);
    assert_eq!(
        telegram[0]["reply_markup"]["inline_keyboard"][0][0]["url"],
        Value::String(stored.link.clone())
    );

    let matrix = h.chat.received("matrix");
    assert_eq!(matrix.len(), 1);
    assert_eq!(matrix[0]["content"]["format"], "org.matrix.custom.html");
    assert!(
        matrix[0]["content"]["formatted_body"]
            .as_str()
            .unwrap()
            .contains("<pre><code>")
    );

    // The primary job's decisive line is in every room.
    let primary = &stored.jobs[0];
    let decisive = primary.report.as_ref().unwrap().excerpts[0]
        .text
        .lines()
        .next()
        .unwrap()
        .to_owned();
    for room in [all, text.to_owned(), matrix[0].to_string()] {
        let plain = room
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        assert!(
            plain.contains(&*decisive.replace('"', "\\\"")) || plain.contains(&decisive),
            "{decisive} missing"
        );
    }

    let text = logs.text();
    for secret in h.gitflic.issued_tokens().iter().map(String::as_str).chain([
        TELEGRAM_TOKEN,
        MATRIX_TOKEN,
        h.hook_secret.as_str(),
        "XXXXXXXXXXXXXXXXXXXXXXXX",
    ]) {
        assert!(!text.contains(secret), "a secret reached the logs");
    }
}

#[tokio::test]
async fn the_same_message_twice_posts_once() {
    let h = harness_with_pipeline(Language::Ru).await;
    h.deliver_failure("118").await;
    let body = h.stack.drain(&h.queue_url).await.pop().unwrap();
    h.enqueue_raw(&body).await;
    h.enqueue_raw(&body).await;
    let mut seen = 0;
    for _ in 0..3 {
        let (n, response) = h.poll(ENOUGH).await;
        seen += n;
        // Two copies in one batch go one after the other: the second finds the work done.
        assert!(response.batch_item_failures.is_empty(), "{response:?}");
    }
    assert!(seen >= 2);
    for room in ["slack", "telegram", "matrix"] {
        assert_eq!(h.chat.received(room).len(), 1, "{room}");
    }
    // Russian around the excerpt.
    assert!(
        h.chat.received("telegram")[0]["text"]
            .as_str()
            .unwrap()
            .contains("Конвейер #118 упал")
    );
}

#[tokio::test]
async fn a_chat_429_is_waited_out_and_a_permanent_400_is_not_retried() {
    let h = harness_with_pipeline(Language::En).await;
    h.chat.fault("slack", &[429]);
    h.chat.fault("telegram", &[400]);
    h.deliver_failure("118").await;
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    assert_eq!(h.chat.received("slack").len(), 1);
    assert_eq!(h.chat.attempts("slack"), 2, "retried after Retry-After");
    assert_eq!(h.chat.received("telegram").len(), 0);
    assert_eq!(
        h.chat.attempts("telegram"),
        1,
        "a permanent 400 is recorded, not retried"
    );
    let (seen, _) = h.poll(ENOUGH).await;
    assert_eq!(seen, 0, "nothing left to retry");
}

#[tokio::test]
async fn a_retry_after_a_partial_failure_posts_only_where_missing() {
    let h = harness_with_pipeline(Language::En).await;
    h.chat.fault("matrix", &[500]);
    h.deliver_failure("118").await;
    let (_, response) = h.poll(ENOUGH).await;
    assert_eq!(
        response.batch_item_failures.len(),
        1,
        "Matrix is retried later"
    );
    assert_eq!(h.chat.received("slack").len(), 1);
    let (seen, response) = h.poll(ENOUGH).await;
    assert_eq!(seen, 1);
    assert!(response.batch_item_failures.is_empty());
    for room in ["slack", "telegram", "matrix"] {
        assert_eq!(h.chat.received(room).len(), 1, "{room}");
    }
    assert_eq!(
        h.chat.attempts("slack"),
        1,
        "Slack had it and was not asked again"
    );
}

#[tokio::test]
async fn gitflic_outages_and_expired_tokens_end_delivered_once() {
    let h = harness_with_pipeline(Language::En).await;
    h.deliver_failure("118").await;
    h.gitflic.fail_next(&[500, 500, 500]);
    let (_, response) = h.poll(ENOUGH).await;
    assert_eq!(
        response.batch_item_failures.len(),
        1,
        "GitFlic down: retried later"
    );
    assert!(h.chat.received("slack").is_empty());
    // Meanwhile the access token expired: GitFlic answers 403 AuthenticationException.
    h.gitflic.expire_access_tokens();
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    assert!(
        h.gitflic
            .log()
            .iter()
            .any(|l| l == "POST /api/token/refresh")
    );
    for room in ["slack", "telegram", "matrix"] {
        assert_eq!(h.chat.received(room).len(), 1, "{room}");
    }
}

#[tokio::test]
async fn a_job_without_a_log_still_gets_an_honest_report() {
    let h = Harness::start(Language::En).await.unwrap();
    h.gitflic
        .add_pipeline("7", vec![job("70", "integration", "test", "FAILED", None)]);
    h.deliver_failure("7").await;
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    let slack = h.chat.received("slack");
    assert_eq!(slack.len(), 1);
    assert!(slack[0].to_string().contains("no log available"));
}

#[tokio::test]
async fn poison_messages_fail_alone_and_end_in_the_dead_letter_queue() {
    let h = harness_with_pipeline(Language::En).await;
    let marker = uuid::Uuid::new_v4().to_string();
    h.enqueue_raw(&format!("not json {marker}")).await;
    h.enqueue_raw(&format!(r#"{{"version": 99, "marker": "{marker}"}}"#))
        .await;
    h.deliver_failure("118").await;
    let (seen, response) = h.poll(ENOUGH).await;
    assert_eq!(seen, 3);
    assert_eq!(
        response.batch_item_failures.len(),
        2,
        "the good record is not failed with them"
    );
    assert_eq!(h.chat.received("slack").len(), 1);
    // SQS redrives after maxReceiveCount receives.
    for _ in 0..6 {
        h.poll(ENOUGH).await;
    }
    let dlq = exlogare_tests::env("STACK_OUTPUT_FAILURE_DEAD_LETTER_QUEUE_URL");
    let mut found = 0;
    for _ in 0..5 {
        found += h
            .stack
            .drain(&dlq)
            .await
            .iter()
            .filter(|b| b.contains(&marker))
            .count();
        if found == 2 {
            break;
        }
    }
    assert_eq!(found, 2);
}

#[tokio::test]
async fn an_undecryptable_channel_does_not_block_the_others() {
    let h = harness_with_pipeline(Language::En).await;
    h.store
        .put_channel(&h.tenant, "matrix", b"not a KMS ciphertext")
        .await
        .unwrap();
    h.deliver_failure("118").await;
    let (_, response) = h.poll(ENOUGH).await;
    assert_eq!(
        response.batch_item_failures.len(),
        1,
        "retried, and in the DLQ if it never decrypts"
    );
    assert_eq!(h.chat.received("slack").len(), 1);
    assert_eq!(h.chat.received("telegram").len(), 1);
    assert_eq!(h.chat.received("matrix").len(), 0);
}

fn model(base: String) -> exlogare_shared::llm::LlmSettings {
    exlogare_shared::llm::LlmSettings {
        base_url: base,
        api_key: Some("sk-test-llm-key-0123456789abcdef".into()),
        model: "test-model".into(),
        timeout: Duration::from_millis(800),
    }
}

#[tokio::test]
async fn a_language_model_adds_its_reading_from_the_excerpt_only() {
    let h = Harness::start_with(Options {
        llm: Some(model),
        ..Options::new(Language::Ru)
    })
    .await
    .unwrap();
    h.gitflic.add_pipeline(
        "9",
        vec![job(
            "90",
            "unit-tests",
            "test",
            "FAILED",
            Some(&fixture("python-pytest")),
        )],
    );
    h.deliver_failure("9").await;
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    let asked = h.chat.received("llm");
    assert_eq!(asked.len(), 1);
    let request = asked[0].to_string();
    assert!(
        request.contains("ValueError: could not convert string to float"),
        "the excerpt is sent"
    );
    assert!(
        !request.contains("Running with gitflic-runner"),
        "the log itself is not"
    );
    assert_eq!(asked[0]["model"], "test-model");
    let system = asked[0]["messages"][0]["content"].as_str().unwrap();
    assert!(system.ends_with("Write in Russian."), "{system}");
    let slack = h.chat.received("slack")[0].to_string();
    assert!(
        slack.contains("Мнение модели: parse_price does not strip the thousands separator"),
        "{slack}"
    );
}

#[tokio::test]
async fn a_slow_language_model_does_not_hold_the_report_back() {
    let h = Harness::start_with(Options {
        llm: Some(model),
        ..Options::new(Language::En)
    })
    .await
    .unwrap();
    h.chat.state.lock().unwrap().llm_delay = Duration::from_secs(20);
    h.gitflic.add_pipeline(
        "9",
        vec![job(
            "90",
            "unit-tests",
            "test",
            "FAILED",
            Some(&fixture("python-pytest")),
        )],
    );
    h.deliver_failure("9").await;
    let started = std::time::Instant::now();
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "bounded by the model's timeout, not its delay"
    );
    let slack = h.chat.received("slack")[0].to_string();
    assert!(!slack.contains("Model's reading"));
    assert!(slack.contains("ValueError"));
}

/// Two teams with their own webhooks on one project: GitFlic sends each its delivery, and each
/// gets the report, once.
#[tokio::test]
async fn two_teams_that_watch_one_project_each_get_its_report() {
    let teams = [
        harness_with_pipeline(Language::En).await,
        harness_with_pipeline(Language::En).await,
    ];
    let pipeline_id = format!("uuid-pipeline-{}", uuid::Uuid::new_v4());
    for team in &teams {
        assert_eq!(
            team.deliver("118", &pipeline_id).await.0,
            StatusCode::ACCEPTED
        );
    }
    for team in &teams {
        let (seen, response) = team.poll(ENOUGH).await;
        assert_eq!(seen, 1);
        assert!(response.batch_item_failures.is_empty(), "{response:?}");
        assert_eq!(team.chat.received("slack").len(), 1);
        // GitFlic's retry to the same team is still a duplicate.
        assert_eq!(team.deliver("118", &pipeline_id).await.0, StatusCode::OK);
    }
}

/// The files in events/ for the analyzer, as `sam local invoke -e` sends them.
#[tokio::test]
async fn the_sample_sqs_events_are_processed() {
    use aws_lambda_events::event::sqs::SqsEvent;
    let h = harness_with_pipeline(Language::En).await;
    let events = concat!(env!("CARGO_MANIFEST_DIR"), "/../events");
    let read = |name: &str| std::fs::read_to_string(format!("{events}/{name}")).expect(name);

    // The sample names a demo tenant and connection; point it at the harness's.
    let mut event: SqsEvent =
        serde_json::from_str(&read("analyzer-pipeline-failure.json")).unwrap();
    let mut message: Value =
        serde_json::from_str(event.records[0].body.as_deref().unwrap()).unwrap();
    message["tenant_id"] = Value::String(h.tenant.clone());
    message["connection_id"] = Value::String(h.connection_id.clone());
    message["delivery_key"] = Value::String(exlogare_shared::queue::delivery_key(
        &h.tenant,
        message["project"]["id"].as_str().unwrap(),
        message["pipeline"]["id"].as_str().unwrap(),
    ));
    event.records[0].body = Some(message.to_string());
    let deadline = std::time::Instant::now() + ENOUGH;
    let response = exlogare_analyzer::handle(h.analyzer.clone(), event, deadline, 2).await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    assert_eq!(h.chat.received("slack").len(), 1);

    let poison: SqsEvent = serde_json::from_str(&read("analyzer-poison.json")).unwrap();
    let response = exlogare_analyzer::handle(h.analyzer.clone(), poison, deadline, 2).await;
    assert_eq!(response.batch_item_failures.len(), 2);
}

#[tokio::test]
async fn a_projects_own_room_replaces_the_tenants_for_that_project_only() {
    use exlogare_shared::notify::{Channel, Slot};
    let h = harness_with_pipeline(Language::En).await;
    let room = Channel::Slack {
        webhook_url: format!("{}/slack/services/T0001/B0002/PROJECTROOM", h.chat.base_url),
    };
    let other = Channel::Slack {
        webhook_url: format!(
            "{}/slack/services/T0001/B0003/OTHERPROJECT",
            h.chat.base_url
        ),
    };
    for (slot, channel) in [("slack@proj-1", &room), ("slack@proj-9", &other)] {
        let sealed = h
            .kms
            .encrypt(
                &serde_json::to_vec(channel).unwrap(),
                &Slot::parse(slot).encryption_context(&h.tenant),
            )
            .await
            .unwrap();
        h.store.put_channel(&h.tenant, slot, &sealed).await.unwrap();
    }
    h.deliver_failure("118").await;
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());
    let slack = h.chat.received("slack");
    assert_eq!(
        slack.len(),
        1,
        "the override replaces the tenant's Slack room, once"
    );
    assert_eq!(slack[0]["_hook"], "PROJECTROOM");
    assert_eq!(
        h.chat.received("telegram").len(),
        1,
        "other kinds are unaffected"
    );
}

#[tokio::test]
async fn a_hanging_or_rate_limiting_gitflic_is_retried_later_not_waited_for() {
    let h = Harness::start_with(Options {
        http_timeout: Duration::from_millis(500),
        ..Options::new(Language::En)
    })
    .await
    .unwrap();
    h.gitflic.add_pipeline(
        "118",
        vec![job(
            "402",
            "unit-tests",
            "test",
            "FAILED",
            Some(&fixture("rust-test")),
        )],
    );
    h.deliver_failure("118").await;
    // Every attempt of the jobs call times out.
    h.gitflic.state.lock().unwrap().delay_next = vec![Duration::from_secs(3); 3];
    let started = std::time::Instant::now();
    let (_, response) = h.poll(ENOUGH).await;
    assert_eq!(
        response.batch_item_failures.len(),
        1,
        "a timeout is retried later"
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "bounded by the request timeouts"
    );
    assert!(h.chat.received("slack").is_empty());
    // Then GitFlic rate-limits twice and recovers within one call's retries.
    h.gitflic.state.lock().unwrap().delay_next.clear();
    h.gitflic.fail_next(&[429, 429]);
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    assert_eq!(h.chat.received("slack").len(), 1);
}

#[tokio::test]
async fn a_log_over_the_cap_is_read_head_and_tail_and_the_report_says_so() {
    let h = Harness::start_with(Options {
        log_cap: 20_000,
        ..Options::new(Language::Ru)
    })
    .await
    .unwrap();
    // 600 kB of chatter, CRLF lines and a progress bar redrawn with lone `\r`s, then the real
    // failure at the end.
    let mut log: Vec<u8> = (0..10_000)
        .flat_map(|i| {
            format!("   Compiling crate-{i} v0.1.0\r\nDownloading 40%\rDownloading 100%\n")
                .into_bytes()
        })
        .collect();
    // Two lines per round: a lone `\r` is a carriage return inside a line, not a line end.
    let chatter_lines: u64 = 20_000;
    log.extend_from_slice(&fixture("rust-test"));
    h.gitflic.add_pipeline(
        "9",
        vec![job("90", "unit-tests", "test", "FAILED", Some(&log))],
    );
    let (_, key) = h.deliver_failure("9").await;
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty());

    let stored = h.stored_report(&key).await.unwrap();
    let job = &stored.jobs[0];
    assert_eq!(job.skipped_bytes, log.len() as u64 - 20_000);
    let report = job.report.as_ref().unwrap();
    assert_eq!(
        report.category,
        exlogare_shared::analysis::Category::TestFailure
    );
    // The lines after the gap keep the numbers they have in the whole log.
    let whole = exlogare_shared::analysis::analyze_bytes(&log, Default::default());
    assert!(whole.excerpts[0].start_line > chatter_lines);
    assert_eq!(report.excerpts[0].start_line, whole.excerpts[0].start_line);
    assert_eq!(report.excerpts, whole.excerpts);

    let slack = h.chat.received("slack")[0].to_string();
    assert!(
        slack.contains("МБ из середины лога не прочитаны"),
        "{slack}"
    );
    assert!(slack.contains("Упал тест на Rust"), "{slack}");
}
