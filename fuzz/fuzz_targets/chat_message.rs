//! A report built from arbitrary log bytes and arbitrary names, through the Slack, Telegram and
//! Matrix builders: no mention, no link but ours, no markup from outside, no invisible
//! character, no credential-looking string, within each platform's limits.

#![no_main]

use exlogare_analysis::{JobMeta, analyze_bytes};
use exlogare_chat::{
    EXCERPT_CHARS, EXCERPT_LINES, HINT_CHARS, LINE_CHARS, Link, LogText, Message, Words,
    invariants,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first bytes name the job and the project (as a pipeline's YAML and GitFlic would), the
    // rest is the log.
    let (names, log) = data.split_at(data.len().min(64));
    let names = String::from_utf8_lossy(names);
    let (job, project) = names.split_once('\n').unwrap_or((&names, ""));
    let report = analyze_bytes(log, JobMeta::default());
    let excerpt = report.excerpts.first().map(|e| e.text.as_str()).unwrap_or("");
    let location = report
        .locations
        .first()
        .map(|l| format!("{}:{}", l.path, l.line))
        .unwrap_or_else(|| String::from_utf8_lossy(log).chars().take(40).collect());
    let message = Message {
        words: Words::EN,
        heading: "❌",
        pipeline_number: Some(u64::from(data.first().copied().unwrap_or(0))),
        project: LogText::line(project, LINE_CHARS),
        category: "failing tests",
        summary: LogText::line(&format!("{job}: {}", report.summary), LINE_CHARS),
        excerpt: Some(LogText::block(excerpt, EXCERPT_LINES, EXCERPT_CHARS)),
        location: Some(LogText::line(&location, LINE_CHARS)),
        hint: Some(LogText::block(
            &format!("{}\n{}", report.hint, String::from_utf8_lossy(log)),
            20,
            HINT_CHARS,
        )),
        others: vec![
            LogText::line(&format!("{job} — lint"), 120),
            LogText::line(&report.failing_tests.join(", "), 120),
            LogText::line(report.failing_command.as_deref().unwrap_or(""), 120),
        ],
        link: Link::new(url::Url::parse("https://gitflic.ru/project/a/b/cicd/pipeline/1").unwrap())
            .unwrap(),
    };
    if let Err(broken) = invariants::check(&message) {
        panic!("{broken}");
    }
});
