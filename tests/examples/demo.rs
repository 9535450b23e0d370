//! `make demo`: the product's main job on this machine. A GitFlic stand-in replays a failed
//! pipeline (real failing logs from tests/fixtures/logs); the webhook function takes GitFlic's
//! PIPELINE_FAIL delivery and queues it on SQS (moto); the analyzer function consumes it, finds
//! why each job failed, stores the report and posts it to Slack, Telegram and Matrix stand-ins;
//! the fix earns a "fixed" reply; a failure whose delivery is lost is found by the reconciler.
//! Run inside the local stack: `python3 scripts/local_stack.py run -- cargo run -p exlogare-tests --example demo`.

use exlogare_reconciler::config::ReconcileSettings;
use exlogare_shared::report::Language;
use exlogare_shared::store::epoch_now;
use exlogare_tests::harness::{Harness, Options, job};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> anyhow::Result<Vec<u8>> {
    Ok(std::fs::read(format!(
        "{}/fixtures/logs/{name}.log",
        env!("CARGO_MANIFEST_DIR")
    ))?)
}

/// A real run of a job, passing or failing (analysis/tests/fixtures/pairs).
fn run(name: &str) -> anyhow::Result<Vec<u8>> {
    Ok(std::fs::read(format!(
        "{}/../analysis/tests/fixtures/pairs/{name}.log",
        env!("CARGO_MANIFEST_DIR")
    ))?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let language = std::env::var("REPORT_LANGUAGE")
        .ok()
        .and_then(|l| Language::parse(&l))
        .unwrap_or(Language::En);
    let h = Harness::start_with(Options {
        discussions: true,
        ..Options::new(language)
    })
    .await?;
    // The failing commit is the head of an open merge request.
    h.gitflic.add_merge_request(
        15,
        "feature/cart",
        "3f786850e387550fdab836ed7e6dc881de23001b",
        "OPENED",
    );
    h.gitflic.add_pipeline(
        "117",
        vec![
            job(
                "391",
                "build",
                "build",
                "SUCCESS",
                Some(b"Finished release build"),
            ),
            job(
                "392",
                "unit-tests",
                "test",
                "SUCCESS",
                Some(&run("pytest.pass")?),
            ),
        ],
    );
    h.gitflic.add_pipeline(
        "118",
        vec![
            job(
                "401",
                "build",
                "build",
                "SUCCESS",
                Some(b"Finished release build"),
            ),
            job(
                "402",
                "unit-tests",
                "test",
                "FAILED",
                Some(&run("pytest.fail")?),
            ),
            job(
                "403",
                "lint",
                "lint",
                "FAILED",
                Some(&fixture("rust-clippy")?),
            ),
        ],
    );
    println!("== GitFlic (stand-in at {})", h.gitflic.base_url);
    println!(
        "   connected by OAuth as tenant {}, connection {}",
        h.tenant, h.connection_id
    );
    println!("   watching acme/service-1: PIPELINE_FAIL webhook registered with a fresh secret");
    println!("   pipeline #117 on main passed: build, unit-tests");
    println!(
        "   pipeline #118 on main failed: unit-tests (pytest), lint (cargo clippy, a new job)"
    );

    // The pipeline's UUID as GitFlic's pipeline list gives it: the reconciler keys on it too.
    let (status, key) = h.deliver("118", "uuid-pipeline-118").await;
    println!(
        "\n== webhook function: POST /webhook/gitflic (PIPELINE_FAIL) -> HTTP {}",
        status.as_u16()
    );
    anyhow::ensure!(
        status.as_u16() == 202,
        "the webhook did not queue the failure"
    );

    let (seen, response) = h.poll(Duration::from_secs(60)).await;
    println!(
        "== analyzer function: {seen} SQS record(s), {} failed",
        response.batch_item_failures.len()
    );
    anyhow::ensure!(
        seen == 1 && response.batch_item_failures.is_empty(),
        "the analyzer did not complete"
    );

    let report = h.stored_report(&key).await?;
    println!("\n== stored report ({key}), {}", report.link);
    println!(
        "   compared with the last green run: {}",
        serde_json::to_string(&report.comparison)?
    );
    if let Some(r) = &report.recurrence {
        println!(
            "   seen {} time(s) in 7 days in this project, first in #{} (fingerprint {})",
            r.seen_in_7_days, r.first_pipeline, r.fingerprint
        );
    }
    println!(
        "   GitFlic requests this analysis made: {} (of a user's 500 an hour)",
        report.gitflic_requests
    );
    for job in &report.jobs {
        match &job.report {
            Some(r) => {
                println!(
                    "\n-- job {} [{} · confidence {:.2}]",
                    job.name,
                    r.category.as_str(),
                    r.confidence
                );
                println!("   {}", r.summary);
                match r.baseline.as_ref().and_then(|b| b.identity.as_deref()) {
                    Some(identity) => println!("   compared with {identity}"),
                    None => println!("   no passing run of this job to compare with"),
                }
                for e in &r.excerpts {
                    let new = match e.new_since_baseline {
                        Some(true) => ", new since the green run",
                        Some(false) => ", printed by the green run too",
                        None => "",
                    };
                    println!("   lines {}–{}{new}:", e.start_line, e.end_line);
                    for line in e.text.lines() {
                        println!("   │ {line}");
                    }
                }
                if let Some(l) = r.locations.first() {
                    println!("   where: {}:{}", l.path, l.line);
                }
                println!("   hint: {}", r.hint);
            }
            None => println!(
                "\n-- job {}: {}",
                job.name,
                job.note.clone().unwrap_or_default()
            ),
        }
    }

    println!("\n== Slack received (Block Kit):");
    for message in h.chat.received("slack") {
        println!("{}", serde_json::to_string_pretty(&message)?);
    }
    println!("\n== Telegram received (sendMessage, HTML):");
    for message in h.chat.received("telegram") {
        println!("{}", message["text"].as_str().unwrap_or_default());
        println!(
            "[button] {}",
            message["reply_markup"]["inline_keyboard"][0][0]
        );
    }
    println!("\n== Matrix received (m.room.message, org.matrix.custom.html):");
    for message in h.chat.received("matrix") {
        println!(
            "{}",
            message["content"]["formatted_body"]
                .as_str()
                .unwrap_or_default()
        );
    }
    let rooms = ["slack", "telegram", "matrix"]
        .iter()
        .filter(|r| h.chat.received(r).len() == 1)
        .count();
    anyhow::ensure!(rooms == 3, "not every room got the report");
    let discussions = h.gitflic.discussions();
    anyhow::ensure!(
        discussions.len() == 1,
        "the merge request was not discussed"
    );
    println!(
        "\n== GitFlic received a discussion on merge request !{} (Markdown):\n{}",
        discussions[0].merge_request, discussions[0].message
    );

    // The fix lands: pipeline #119 on main passes; the rooms that got the failure hear it.
    h.gitflic.add_pipeline(
        "119",
        vec![job(
            "411",
            "unit-tests",
            "test",
            "SUCCESS",
            Some(&run("pytest.pass")?),
        )],
    );
    let (status, _) = h
        .deliver_event("PIPELINE_SUCCESS", "119", "uuid-pipeline-119")
        .await;
    println!(
        "\n== webhook function: POST /webhook/gitflic (PIPELINE_SUCCESS, #119) -> HTTP {}",
        status.as_u16()
    );
    let (seen, response) = h.poll(Duration::from_secs(60)).await;
    anyhow::ensure!(
        seen == 1 && response.batch_item_failures.is_empty(),
        "the success was not processed"
    );
    let telegram = h.chat.received("telegram");
    let notice = telegram.last().map(|m| m.to_string()).unwrap_or_default();
    println!("== Telegram received, as a reply to the failure's post:\n{notice}");
    let resolved = h.gitflic.discussions().first().is_some_and(|d| d.resolved);
    println!("== the merge request's discussion resolved: {resolved}");
    anyhow::ensure!(resolved, "the discussion was not resolved");
    let fixed = ["slack", "telegram", "matrix"]
        .iter()
        .filter(|r| h.chat.received(r).len() == 2)
        .count();
    anyhow::ensure!(fixed == 3, "not every room heard of the fix");

    // #120 fails, and GitFlic's delivery is lost on the way: the reconciler's schedule finds it.
    h.gitflic.add_pipeline(
        "120",
        vec![job(
            "421",
            "unit-tests",
            "test",
            "FAILED",
            Some(&fixture("rust-test")?),
        )],
    );
    let reconciler = h.reconciler(ReconcileSettings {
        dedupe_ttl: Duration::from_secs(3600),
        interval: Duration::from_secs(600),
        grace: Duration::from_secs(180),
        requests_per_hour: 100,
        hook_check_every: Duration::from_secs(6 * 3600),
    })?;
    let before = h.gitflic.api_requests().len();
    // As the schedule would run it, past the grace period the webhook had.
    let at = epoch_now() as i64 + 240;
    let summary = reconciler
        .run(at, Instant::now() + Duration::from_secs(60))
        .await?;
    println!(
        "\n== reconciler (scheduled): #120's PIPELINE_FAIL never came; {} project visited, {} failure queued, {} GitFlic request(s)",
        summary.projects_visited,
        summary.failures_queued,
        h.gitflic.api_requests().len() - before
    );
    let (seen, response) = h.poll(Duration::from_secs(60)).await;
    anyhow::ensure!(
        seen == 1 && response.batch_item_failures.is_empty(),
        "the reconciled failure was not processed"
    );
    let slack = h.chat.received("slack");
    let header = slack
        .last()
        .and_then(|m| m["blocks"][0]["text"]["text"].as_str().map(str::to_owned));
    println!("== Slack received: {}", header.unwrap_or_default());
    let late = h.deliver("120", "uuid-pipeline-120").await.0;
    println!(
        "== the delivery arrives after all: HTTP {} (a duplicate; nothing more is posted)",
        late.as_u16()
    );
    let reconciled = ["slack", "telegram", "matrix"]
        .iter()
        .filter(|r| h.chat.received(r).len() == 3)
        .count();
    println!(
        "\n== done: one report, delivered once to {rooms} of 3 rooms; \"fixed\" once to {fixed}; the lost delivery's report to {reconciled}"
    );
    anyhow::ensure!(reconciled == 3, "not every room got the reconciled failure");
    anyhow::ensure!(
        h.poll(Duration::from_secs(5)).await.0 == 0,
        "the late delivery was queued again"
    );
    Ok(())
}
