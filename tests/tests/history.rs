//! The analyzer compares a failed job with the project's last green run (the GitFlic stand-in's
//! pipeline list, jobs and logs; DynamoDB and SQS on moto): which run it finds, what it costs in
//! GitFlic requests, what it remembers, and that a spent budget or a 429 costs the comparison,
//! never the report.

use aws_sdk_dynamodb::types::AttributeValue;
use exlogare_shared::report::{Comparison, Language, PipelineReport};
use exlogare_shared::store::Store;
use exlogare_tests::LocalStack;
use exlogare_tests::harness::{Harness, Options, job};
use std::time::Duration;

const ENOUGH: Duration = Duration::from_secs(30);

fn pair(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../analysis/tests/fixtures/pairs/{name}.log",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn green(h: &Harness, local: &str, branch: &str, job_id: &str) {
    h.gitflic.add_pipeline_on(
        local,
        branch,
        vec![job(
            job_id,
            "unit-tests",
            "test",
            "SUCCESS",
            Some(&pair("pytest.pass")),
        )],
    );
}

fn red(h: &Harness, local: &str, branch: &str, job_id: &str) {
    h.gitflic.add_pipeline_on(
        local,
        branch,
        vec![
            job(
                &format!("{job_id}0"),
                "build",
                "build",
                "SUCCESS",
                Some(b"built"),
            ),
            job(
                job_id,
                "unit-tests",
                "test",
                "FAILED",
                Some(&pair("pytest.fail")),
            ),
        ],
    );
}

/// Delivers pipeline `local`'s failure and runs the analyzer; the report and the REST requests
/// the analysis made.
async fn analyse(h: &Harness, local: &str) -> (PipelineReport, Vec<String>) {
    let before = h.gitflic.api_requests().len();
    let (_, key) = h.deliver_failure(local).await;
    let (seen, response) = h.poll(ENOUGH).await;
    assert_eq!(seen, 1);
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    let report = h.stored_report(&key).await.unwrap();
    let requests = h.gitflic.api_requests()[before..].to_vec();
    assert_eq!(
        report.gitflic_requests as usize,
        requests.len(),
        "the report counts what GitFlic received: {requests:#?}"
    );
    (report, requests)
}

fn compared(pipeline: &str, branch: &str) -> Option<Comparison> {
    Some(Comparison::Compared {
        pipeline: pipeline.into(),
        branch: branch.into(),
    })
}

fn list_requests(requests: &[String]) -> usize {
    requests
        .iter()
        .filter(|r| r.contains("/cicd/pipeline?"))
        .count()
}

#[tokio::test]
async fn a_failure_is_compared_with_the_latest_green_run_of_its_branch() {
    let h = Harness::start(Language::En).await.unwrap();
    green(&h, "114", "feature", "140");
    green(&h, "115", "main", "150");
    red(&h, "116", "feature", "160");
    red(&h, "118", "feature", "180");
    // A newer green run, but not older than the failure: not a baseline for it.
    green(&h, "119", "feature", "190");

    // The delivery names no branch: GitFlic's list says 118 ran on `feature`.
    let (report, requests) = analyse(&h, "118").await;
    assert_eq!(report.comparison, compared("114", "feature"));
    let job = report.jobs[0].report.as_ref().unwrap();
    let used = job.baseline.as_ref().expect("the job was compared");
    assert_eq!(
        used.identity.as_deref(),
        Some("pipeline #114 (feature), job unit-tests")
    );
    // The pair's cause (expected.tsv: lines 26-33), marked as new since the green run.
    let first = &job.excerpts[0];
    assert!(
        first.start_line <= 26 && first.end_line >= 33,
        "{:?}",
        job.excerpts
    );
    assert_eq!(first.new_since_baseline, Some(true));
    assert!(
        requests.len() <= 8,
        "at most 8 requests with a baseline: {requests:#?}"
    );
    assert_eq!(list_requests(&requests), 1);
    let slack = h.chat.received("slack")[0].to_string();
    assert!(
        slack.contains("compared with the last green run, #114 on feature"),
        "{slack}"
    );

    // Another failure compared with the same run: its jobs are not listed again.
    h.gitflic.state.lock().unwrap().pipelines.remove("119");
    red(&h, "120", "feature", "200");
    let (report, again) = analyse(&h, "120").await;
    assert_eq!(report.comparison, compared("114", "feature"));
    assert!(
        !again.iter().any(|r| r.contains("/pipeline/114/jobs")),
        "{again:#?}"
    );
    assert_eq!(again.len(), requests.len() - 1, "{again:#?}");

    // A newer green run of the branch is the baseline from then on.
    green(&h, "121", "feature", "210");
    red(&h, "122", "feature", "220");
    let (report, _) = analyse(&h, "122").await;
    assert_eq!(report.comparison, compared("121", "feature"));
}

#[tokio::test]
async fn a_branch_without_a_green_run_is_compared_with_the_default_branch() {
    let h = Harness::start(Language::Ru).await.unwrap();
    green(&h, "115", "main", "150");
    red(&h, "116", "feature", "160");
    let (report, _) = analyse(&h, "116").await;
    assert_eq!(report.comparison, compared("115", "main"));
    let telegram = h.chat.received("telegram")[0]["text"].to_string();
    assert!(
        telegram.contains("сравнено с последним зелёным запуском, #115 на main"),
        "{telegram}"
    );
}

#[tokio::test]
async fn no_green_run_in_two_pages_is_said_and_costs_at_most_the_pages() {
    let h = Harness::start(Language::En).await.unwrap();
    h.gitflic.state.lock().unwrap().pipeline_page_size = 2;
    // Newest first: 116, 115 on page 0; 114, 113 on page 1; the green 112 on page 2.
    green(&h, "112", "main", "120");
    for (local, job_id) in [("113", "130"), ("114", "140"), ("115", "150")] {
        red(&h, local, "main", job_id);
    }
    red(&h, "116", "main", "160");
    let (report, requests) = analyse(&h, "116").await;
    assert_eq!(report.comparison, Some(Comparison::NoGreenRun));
    assert_eq!(list_requests(&requests), 2, "{requests:#?}");
    assert!(report.jobs[0].report.as_ref().unwrap().baseline.is_none());
    let slack = h.chat.received("slack")[0].to_string();
    assert!(slack.contains("no green run of this branch"), "{slack}");

    // With one page holding all of a small project's pipelines: four requests in all.
    let h = Harness::start(Language::En).await.unwrap();
    red(&h, "7", "main", "70");
    let (report, requests) = analyse(&h, "7").await;
    assert_eq!(report.comparison, Some(Comparison::NoGreenRun));
    assert!(requests.len() <= 4, "{requests:#?}");
}

#[tokio::test]
async fn a_green_run_on_the_second_page_is_found() {
    let h = Harness::start(Language::En).await.unwrap();
    h.gitflic.state.lock().unwrap().pipeline_page_size = 2;
    green(&h, "113", "main", "130");
    for (local, job_id) in [("114", "140"), ("115", "150"), ("116", "160")] {
        red(&h, local, "main", job_id);
    }
    let (report, requests) = analyse(&h, "116").await;
    assert_eq!(report.comparison, compared("113", "main"));
    assert_eq!(list_requests(&requests), 2);
    assert!(requests.len() <= 8, "{requests:#?}");
}

#[tokio::test]
async fn a_spent_budget_or_a_429_skips_the_comparison_never_the_report() {
    let h = Harness::start_with(Options {
        baseline_requests_per_hour: 5,
        ..Options::new(Language::En)
    })
    .await
    .unwrap();
    green(&h, "115", "main", "150");
    red(&h, "116", "main", "160");
    let (report, requests) = analyse(&h, "116").await;
    assert!(
        matches!(&report.comparison, Some(Comparison::Skipped { reason }) if reason.contains("budget")),
        "{:?}",
        report.comparison
    );
    assert_eq!(list_requests(&requests), 0);
    assert!(report.jobs[0].report.is_some());
    assert_eq!(h.chat.received("slack").len(), 1);

    let h = Harness::start(Language::En).await.unwrap();
    green(&h, "115", "main", "150");
    red(&h, "116", "main", "160");
    h.gitflic.state.lock().unwrap().throttle = Some("/cicd/pipeline?".into());
    let (report, requests) = analyse(&h, "116").await;
    assert!(
        matches!(&report.comparison, Some(Comparison::Skipped { reason }) if reason.contains("slow down")),
        "{:?}",
        report.comparison
    );
    assert_eq!(
        list_requests(&requests),
        1,
        "a 429 on the baseline's lookup is not waited out"
    );
    assert_eq!(h.chat.received("slack").len(), 1, "the report went out");
}

#[tokio::test]
async fn a_failure_is_counted_once_per_pipeline_per_project_and_fingerprint() {
    let stack = LocalStack::from_env().await;
    let store = Store::new(&stack.sdk, &stack.table);
    let project = format!("proj-{}", uuid::Uuid::new_v4().simple());
    let count = |fp: &'static str, pipeline: &'static str, project: String| {
        let store = store.clone();
        async move {
            store
                .count_sighting("tenant", &project, fp, pipeline, Some("3f7a1c2d"))
                .await
                .unwrap()
        }
    };
    let first = count("fp-a", "112", project.clone()).await;
    assert_eq!((first.in_7_days, first.first_pipeline.as_str()), (1, "112"));
    assert_eq!(first.first_commit.as_deref(), Some("3f7a1c2d"));
    assert!(first.first_seen_at.starts_with("20"), "{first:?}");
    assert_eq!(count("fp-a", "113", project.clone()).await.in_7_days, 2);
    // A retried analysis of pipeline 113 is not counted again.
    let again = count("fp-a", "113", project.clone()).await;
    assert_eq!((again.in_7_days, again.first_pipeline.as_str()), (2, "112"));
    assert_eq!(count("fp-a", "114", project.clone()).await.in_7_days, 3);
    // Another failure, and the same failure in another project, are counted apart.
    assert_eq!(count("fp-b", "114", project.clone()).await.in_7_days, 1);
    assert_eq!(
        count("fp-a", "114", format!("{project}-2")).await.in_7_days,
        1
    );

    // A failure forgotten (expired, not yet deleted by DynamoDB) is new again.
    stack
        .dynamodb()
        .update_item()
        .table_name(&stack.table)
        .key("pk", AttributeValue::S(format!("RECUR#tenant#{project}")))
        .key("sk", AttributeValue::S("FP#fp-a".into()))
        .update_expression("SET expires_at = :past")
        .expression_attribute_values(":past", AttributeValue::N("1000".into()))
        .send()
        .await
        .unwrap();
    let renewed = count("fp-a", "300", project.clone()).await;
    assert_eq!(
        (renewed.in_7_days, renewed.first_pipeline.as_str()),
        (1, "300")
    );
}

#[tokio::test]
async fn chat_says_whether_a_failure_is_new_or_how_often_it_was_seen() {
    let h = Harness::start(Language::En).await.unwrap();
    red(&h, "112", "main", "120");
    let (report, _) = analyse(&h, "112").await;
    let recurrence = report.recurrence.expect("counted");
    assert_eq!(recurrence.seen_in_7_days, 1);
    let slack = h.chat.received("slack")[0].to_string();
    assert!(slack.contains("new failure; no green run"), "{slack}");

    red(&h, "113", "main", "130");
    let (report, _) = analyse(&h, "113").await;
    let recurrence = report.recurrence.expect("counted");
    assert_eq!(
        (
            recurrence.seen_in_7_days,
            recurrence.first_pipeline.as_str()
        ),
        (2, "112")
    );
    assert_eq!(
        recurrence.fingerprint,
        report.jobs[0].report.as_ref().unwrap().fingerprint
    );
    let slack = h.chat.received("slack")[1].to_string();
    assert!(
        slack.contains("seen 2 times in 7 days, first in #112 (3f78685)"),
        "{slack}"
    );
}

fn passing(h: &Harness, local: &str, branch: &str, job_id: &str) {
    green(h, local, branch, job_id);
}

/// Delivers pipeline `local`'s success and runs the analyzer on what was queued.
async fn succeed(h: &Harness, local: &str) -> (lambda_http::http::StatusCode, usize) {
    let (status, _) = h.deliver_success(local).await;
    let (seen, response) = h.poll(Duration::from_secs(5)).await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    (status, seen)
}

#[tokio::test]
async fn a_green_pipeline_after_a_failure_says_fixed_once_as_a_reply() {
    let h = Harness::start(Language::En).await.unwrap();
    red(&h, "118", "main", "180");
    analyse(&h, "118").await;
    let telegram_post = h.chat.received("telegram")[0].clone();
    assert!(telegram_post.get("reply_parameters").is_none());

    // A success with nothing open on its branch is not even queued; here one is.
    passing(&h, "119", "main", "190");
    let (status, seen) = succeed(&h, "119").await;
    assert_eq!((status.as_u16(), seen), (202, 1));

    let slack = h.chat.received("slack");
    assert_eq!(slack.len(), 2);
    let notice = slack[1].to_string();
    assert!(notice.contains("Pipeline #119 passed"), "{notice}");
    assert!(
        notice.contains("fixed in #119 (3f78685); #118 had failed"),
        "{notice}"
    );
    let button = slack[1]["blocks"].as_array().unwrap().last().unwrap()["elements"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        button.ends_with("/project/acme/service-1/cicd/pipeline/119"),
        "{button}"
    );

    // Telegram and Matrix thread it under the failure's post.
    let telegram = h.chat.received("telegram");
    assert_eq!(telegram.len(), 2);
    assert_eq!(
        telegram[1]["reply_parameters"]["message_id"].as_u64(),
        Some(101),
        "the failure's post was the chat's first: {:?}",
        telegram[1]
    );
    let matrix = h.chat.received("matrix");
    assert_eq!(matrix.len(), 2);
    assert_eq!(
        matrix[1]["content"]["m.relates_to"]["m.in_reply_to"]["event_id"],
        "$event0"
    );
    assert!(
        matrix[1]["content"]["body"]
            .as_str()
            .unwrap()
            .contains("fixed in #119")
    );

    // Once: the same delivery again is a duplicate, a later success has nothing to fix.
    let before = h.gitflic.api_requests().len();
    passing(&h, "120", "main", "200");
    let (status, seen) = succeed(&h, "120").await;
    assert_eq!((status.as_u16(), seen), (200, 0), "nothing open: ignored");
    assert_eq!(h.chat.received("slack").len(), 2);
    assert_eq!(
        h.gitflic.api_requests().len(),
        before,
        "a success costs no GitFlic request when nothing is open"
    );
}

#[tokio::test]
async fn a_fixed_notice_survives_sqs_redelivery_and_a_chat_outage_posting_once() {
    let h = Harness::start(Language::Ru).await.unwrap();
    red(&h, "118", "main", "180");
    analyse(&h, "118").await;
    passing(&h, "119", "main", "190");
    let (status, _) = h.deliver_success("119").await;
    assert_eq!(status.as_u16(), 202);
    // Matrix is down for the first attempt: the others are noted, Matrix is retried.
    h.chat.fault("matrix", &[500]);
    let (_, response) = h.poll(ENOUGH).await;
    assert_eq!(response.batch_item_failures.len(), 1);
    let (_, response) = h.poll(ENOUGH).await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    for room in ["slack", "telegram", "matrix"] {
        assert_eq!(h.chat.received(room).len(), 2, "{room}");
    }
    let telegram = h.chat.received("telegram")[1]["text"].to_string();
    assert!(
        telegram.contains("исправлено в #119 (3f78685); #118 упал"),
        "{telegram}"
    );
}

#[tokio::test]
async fn successes_on_other_branches_or_before_the_failure_post_nothing() {
    let h = Harness::start(Language::En).await.unwrap();
    red(&h, "118", "feature", "180");
    analyse(&h, "118").await;
    // Queued (the project has an open failure), but main had none.
    passing(&h, "119", "main", "190");
    let (status, seen) = succeed(&h, "119").await;
    assert_eq!((status.as_u16(), seen), (202, 1));
    // A success of the branch older than the failure, delivered late.
    passing(&h, "117", "feature", "170");
    let (_, seen) = succeed(&h, "117").await;
    assert_eq!(seen, 1);
    assert_eq!(
        h.chat.received("slack").len(),
        1,
        "only the failure's report"
    );

    // The branch's own later success does fix it.
    passing(&h, "121", "feature", "210");
    succeed(&h, "121").await;
    assert_eq!(h.chat.received("slack").len(), 2);
}

#[tokio::test]
async fn sync_registers_a_hook_from_before_successes_were_heard_again() {
    let h = Harness::start(Language::En).await.unwrap();
    // A watch from before: its hook heard failures only.
    let mut watch = h
        .store
        .watches(&h.tenant, &h.connection_id)
        .await
        .unwrap()
        .remove(0);
    watch.hook_version = 1;
    h.store.put_watch(&watch).await.unwrap();

    let public = url::Url::parse(exlogare_tests::harness::PUBLIC).unwrap();
    h.connect
        .sync(&h.tenant, &h.connection_id, false, &public)
        .await
        .unwrap();
    let hooks = h.gitflic.hooks("acme", "service-1");
    assert_eq!(hooks.len(), 1, "replaced, not added");
    assert_eq!(
        hooks[0].events,
        serde_json::json!({"PIPELINE_FAIL": true, "PIPELINE_SUCCESS": true})
    );
    assert_ne!(hooks[0].secret, h.hook_secret, "a fresh secret");
    let upgraded = h
        .store
        .watches(&h.tenant, &h.connection_id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(upgraded.hook_version, 2);
    // The old secret no longer opens the door.
    let (status, _) = h.deliver_failure("118").await;
    assert_eq!(status.as_u16(), 401);

    // A second sync leaves the upgraded hook alone.
    h.connect
        .sync(&h.tenant, &h.connection_id, false, &public)
        .await
        .unwrap();
    assert_eq!(h.gitflic.hooks("acme", "service-1")[0].id, hooks[0].id);
}

#[tokio::test]
async fn every_analysis_adds_its_gitflic_requests_to_the_connection_s_hour() {
    let h = Harness::start(Language::En).await.unwrap();
    green(&h, "115", "main", "150");
    red(&h, "116", "main", "160");
    red(&h, "117", "main", "170");
    let (first, _) = analyse(&h, "116").await;
    let (second, _) = analyse(&h, "117").await;
    let hour = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 3600;
    // This hour's count, and the last hour's in case the analyses straddled the turn.
    let mut counted = 0u32;
    for at in [hour - 1, hour] {
        let item = h
            .stack
            .dynamodb()
            .get_item()
            .table_name(&h.stack.table)
            .key(
                "pk",
                AttributeValue::S(format!("BUDGET#{}#{}", h.tenant, h.connection_id)),
            )
            .key("sk", AttributeValue::S(format!("HOUR#{at}")))
            .send()
            .await
            .unwrap()
            .item;
        if let Some(item) = item {
            counted += item["requests"].as_n().unwrap().parse::<u32>().unwrap();
        }
    }
    assert_eq!(counted, first.gitflic_requests + second.gitflic_requests);
}
