//! Delivering a pipeline report to chat: Slack (incoming webhook, Block Kit), Telegram (Bot API,
//! HTML) and Matrix (client-server API, `org.matrix.custom.html`), each readable on a phone.
//!
//! Every channel answers with a [`Delivery`]: delivered, retry later (429, 5xx, timeouts) or
//! rejected for good (other 4xx: a revoked webhook, a wrong chat id), which is recorded and not
//! retried forever.

mod matrix;
mod slack;
mod telegram;

use crate::analysis::redact::redact;
use crate::report::{Language, PipelineReport};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Lines of the excerpt shown in chat.
const EXCERPT_LINES: usize = 30;
/// Characters of the excerpt shown in chat (Slack sections hold 3000; Telegram messages 4096).
const EXCERPT_CHARS: usize = 2500;

/// A tenant's chat channel and its credentials (stored KMS-encrypted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Channel {
    Slack {
        webhook_url: String,
    },
    Telegram {
        bot_token: String,
        chat_id: String,
    },
    Matrix {
        homeserver: String,
        access_token: String,
        room_id: String,
    },
}

impl Channel {
    pub fn kind(&self) -> &'static str {
        match self {
            Channel::Slack { .. } => "slack",
            Channel::Telegram { .. } => "telegram",
            Channel::Matrix { .. } => "matrix",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Delivered,
    /// Worth trying again, after `after` if the service said so.
    Retry {
        after: Option<Duration>,
        reason: String,
    },
    /// Will not work by retrying.
    Rejected {
        status: u16,
        reason: String,
    },
}

/// The parts of a chat message, in the chosen language, redacted.
#[derive(Debug, Clone)]
pub struct Message {
    pub title: String,
    pub category: String,
    pub summary: String,
    pub excerpt: Option<String>,
    pub location: Option<String>,
    pub hint: Option<String>,
    pub others: Vec<String>,
    pub link: String,
    pub open_label: String,
    pub words: crate::report::Words,
}

fn clip(text: &str, lines: usize, chars: usize) -> String {
    let mut out: String = text.lines().take(lines).collect::<Vec<_>>().join("\n");
    if out.chars().count() > chars {
        out = out.chars().take(chars).collect::<String>() + "…";
    }
    out
}

pub fn compose(report: &PipelineReport, language: Language) -> Message {
    let words = language.words();
    let title = format!(
        "❌ {} #{} {} · {}",
        words.pipeline,
        report.pipeline.local_id,
        words.failed,
        report.project_name()
    );
    let primary = report.jobs.first();
    let analysis = primary.and_then(|j| j.report.as_ref());
    let job_name = primary.map(|j| j.name.clone()).unwrap_or_default();
    let (category, summary) = match analysis {
        Some(r) => (
            language.category(r.category).to_owned(),
            match primary.map_or(0, |j| j.skipped_bytes) {
                0 => format!("{job_name}: {}", language.summary(r)),
                skipped => format!(
                    "{job_name}: {} ({})",
                    language.summary(r),
                    language.skipped(skipped)
                ),
            },
        ),
        None => (
            language
                .category(crate::analysis::Category::Unknown)
                .to_owned(),
            format!("{job_name}: {}", words.no_log),
        ),
    };
    let others = report
        .jobs
        .iter()
        .skip(1)
        .take(5)
        .map(|j| match &j.report {
            Some(r) => format!("{} — {}", j.name, language.category(r.category)),
            None => format!("{} — {}", j.name, words.no_log),
        })
        .collect();
    Message {
        title: redact(&title).into_owned(),
        category,
        summary: redact(&summary).into_owned(),
        excerpt: analysis
            .and_then(|r| r.excerpts.first())
            .map(|e| clip(&redact(&e.text), EXCERPT_LINES, EXCERPT_CHARS)),
        location: analysis
            .and_then(|r| r.locations.first())
            .map(|l| format!("{}:{}", l.path, l.line)),
        hint: analysis.map(|r| match &report.explanation {
            Some(e) => format!(
                "{}\n{}: {} {}",
                language.hint(r),
                words.model_says,
                e.root_cause,
                e.fix
            ),
            None => language.hint(r).to_owned(),
        }),
        others,
        link: report.link.clone(),
        open_label: words.open.to_owned(),
        words,
    }
}

/// Sends `message` to `channel`. `transaction` is stable across retries of the same report, so
/// Matrix never shows it twice.
pub async fn deliver(
    http: &reqwest::Client,
    telegram_api: &str,
    channel: &Channel,
    message: &Message,
    transaction: &str,
) -> Delivery {
    match channel {
        Channel::Slack { webhook_url } => slack::send(http, webhook_url, message).await,
        Channel::Telegram { bot_token, chat_id } => {
            telegram::send(http, telegram_api, bot_token, chat_id, message).await
        }
        Channel::Matrix {
            homeserver,
            access_token,
            room_id,
        } => {
            matrix::send(
                http,
                homeserver,
                access_token,
                room_id,
                transaction,
                message,
            )
            .await
        }
    }
}

/// Maps an HTTP answer to a [`Delivery`]; `retry_after` as the service reported it.
fn classify(
    status: reqwest::StatusCode,
    retry_after: Option<Duration>,
    detail: String,
) -> Delivery {
    if status.is_success() {
        Delivery::Delivered
    } else if status.as_u16() == 429 || status.is_server_error() {
        Delivery::Retry {
            after: retry_after,
            reason: format!("HTTP {}: {detail}", status.as_u16()),
        }
    } else {
        Delivery::Rejected {
            status: status.as_u16(),
            reason: detail,
        }
    }
}

fn transport(e: reqwest::Error) -> Delivery {
    Delivery::Retry {
        after: None,
        reason: e.without_url().to_string(),
    }
}

fn retry_after_header(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// HTML with `&`, `<`, `>` and quotes escaped (Telegram and Matrix).
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{JobMeta, analyze_bytes};
    use crate::queue::{PipelineRef, ProjectRef};
    use crate::report::JobOutcome;

    fn pipeline_report(logs: &[&[u8]]) -> PipelineReport {
        PipelineReport {
            project: ProjectRef {
                id: "p1".into(),
                owner_alias: Some("acme".into()),
                alias: Some("shop".into()),
                title: None,
            },
            pipeline: PipelineRef {
                id: "9".into(),
                local_id: "118".into(),
                url: None,
                commit_id: None,
                git_ref: None,
            },
            link: "https://gitflic.ru/project/acme/shop/cicd/pipeline/118".into(),
            jobs: logs
                .iter()
                .enumerate()
                .map(|(i, log)| JobOutcome {
                    name: format!("job{i}"),
                    stage: None,
                    local_id: i.to_string(),
                    report: Some(analyze_bytes(log, JobMeta::default())),
                    note: None,
                    skipped_bytes: 0,
                })
                .collect(),
            explanation: None,
        }
    }

    #[test]
    fn russian_chat_text_is_russian_around_the_log_s_own_words() {
        let log = b"$ pytest\n____ test_total ____\n\n    def test_total():\n>       assert total([1, 2]) == 4\nE       assert 3 == 4\n\ntests/test_cart.py:7: AssertionError\n";
        let report = pipeline_report(&[log, b"", b"all good\n"]);
        let ru = compose(&report, Language::Ru);
        assert_eq!(ru.category, "упали тесты");
        assert!(ru.summary.starts_with("job0: "), "{}", ru.summary);
        assert!(!ru.summary.contains("Tests failed"), "{}", ru.summary);
        assert!(
            ru.summary.contains("assert 3 == 4") || ru.summary.contains("test_total"),
            "{}",
            ru.summary
        );
        assert!(
            ru.hint
                .as_deref()
                .is_some_and(|h| h.starts_with("Упал тест pytest")),
            "{:?}",
            ru.hint
        );
        let en = compose(&report, Language::En);
        assert!(
            en.summary.starts_with("job0: Tests failed"),
            "{}",
            en.summary
        );
        assert!(
            en.hint
                .as_deref()
                .is_some_and(|h| h.starts_with("A pytest test failed"))
        );
        // The other jobs' outcomes: an empty log and one with no error line.
        let mut empty_first = report.clone();
        empty_first.jobs.swap(0, 1);
        assert_eq!(
            compose(&empty_first, Language::Ru).summary,
            "job1: лог пуст: задача упала, ничего не напечатав"
        );
        empty_first.jobs.swap(0, 2);
        assert_eq!(
            compose(&empty_first, Language::Ru).summary,
            "job2: последний вывод: all good"
        );
    }

    #[test]
    fn html_is_escaped_and_excerpts_are_clipped() {
        assert_eq!(escape_html("<b> & \"x\""), "&lt;b&gt; &amp; &quot;x&quot;");
        let long = (0..100)
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(clip(&long, 30, 10_000).lines().count(), 30);
        assert!(clip(&"x".repeat(5000), 30, 2500).chars().count() <= 2501);
    }
}
