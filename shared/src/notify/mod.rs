//! Delivering a pipeline report to chat: Slack (incoming webhook, Block Kit), Telegram (Bot API,
//! HTML) and Matrix (client-server API, `org.matrix.custom.html`), each readable on a phone.
//!
//! Every channel answers with a [`Delivery`]: delivered, retry later (429, 5xx, timeouts) or
//! rejected for good (other 4xx: a revoked webhook, a wrong chat id), which is recorded and not
//! retried forever.

mod matrix;
mod slack;
mod telegram;

use crate::analysis::Category;
use crate::crypto::EncryptionContext;
use crate::http_outcome::{self, Outcome};
use crate::queue::PipelineRef;
use crate::report::{Language, PipelineReport};
use exlogare_chat::{EXCERPT_CHARS, EXCERPT_LINES, HINT_CHARS, LINE_CHARS, LogText};
pub use exlogare_chat::{Link, Message, gitflic_discussion};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Where a tenant's chat credentials are kept: the tenant's room of a kind, or one project's
/// override of it. Stored as `kind` or `kind@project`; the KMS encryption context names it, so
/// a ciphertext decrypts only under the tenant and slot it was sealed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub kind: String,
    /// The project whose deliveries this room takes instead of the tenant's room of the kind.
    pub project: Option<String>,
}

/// A project id that cannot name a slot.
#[derive(Debug, thiserror::Error)]
#[error("project_id is not a valid project id")]
pub struct InvalidProject;

impl Slot {
    /// A slot from the API's words; a blank project means the tenant's room.
    pub fn new(kind: &str, project: Option<&str>) -> Result<Self, InvalidProject> {
        let project = match project.map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) if p.len() <= 128 && !p.contains(['#', '@', '/']) => Some(p.to_owned()),
            Some(_) => return Err(InvalidProject),
        };
        Ok(Self {
            kind: kind.to_owned(),
            project,
        })
    }

    /// The slot as the store keeps it.
    pub fn parse(stored: &str) -> Self {
        match stored.split_once('@') {
            Some((kind, project)) => Self {
                kind: kind.to_owned(),
                project: Some(project.to_owned()),
            },
            None => Self {
                kind: stored.to_owned(),
                project: None,
            },
        }
    }

    pub fn encryption_context(&self, tenant: &str) -> EncryptionContext {
        EncryptionContext {
            purpose: "chat-credentials",
            tenant: tenant.to_owned(),
            subject: self.to_string(),
        }
    }

    /// The rooms a delivery of `project` goes to: its overrides, and the tenant's rooms of the
    /// kinds it does not override; other projects' overrides are not its business.
    pub fn rooms_for<T>(slots: Vec<(Slot, T)>, project: &str) -> Vec<(Slot, T)> {
        let overridden: Vec<String> = slots
            .iter()
            .filter(|(slot, _)| slot.project.as_deref() == Some(project))
            .map(|(slot, _)| slot.kind.clone())
            .collect();
        slots
            .into_iter()
            .filter(|(slot, _)| match &slot.project {
                Some(p) => p == project,
                None => !overridden.contains(&slot.kind),
            })
            .collect()
    }
}

impl std::fmt::Display for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.project {
            Some(project) => write!(f, "{}@{project}", self.kind),
            None => f.write_str(&self.kind),
        }
    }
}

/// What an analysis notes of a room (its idempotency progress): the report reached it (with the
/// post's id, when the platform gave one), or the room refused it for good; either way a retry
/// leaves it alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomOutcome {
    Reached(Slot, Option<String>),
    Refused(Slot),
}

impl RoomOutcome {
    /// As noted in the progress: `slot`, `slot <post id>` or `rejected:slot`. Neither a slot nor
    /// a post id holds a space.
    pub fn step(&self) -> String {
        match self {
            RoomOutcome::Reached(slot, None) => slot.to_string(),
            RoomOutcome::Reached(slot, Some(post)) => format!("{slot} {post}"),
            RoomOutcome::Refused(slot) => format!("rejected:{slot}"),
        }
    }

    pub fn parse(step: &str) -> Self {
        match step.strip_prefix("rejected:") {
            Some(slot) => RoomOutcome::Refused(Slot::parse(slot)),
            None => match step.split_once(' ') {
                Some((slot, post)) => RoomOutcome::Reached(Slot::parse(slot), Some(post.into())),
                None => RoomOutcome::Reached(Slot::parse(step), None),
            },
        }
    }

    pub fn slot(&self) -> &Slot {
        match self {
            RoomOutcome::Reached(slot, _) | RoomOutcome::Refused(slot) => slot,
        }
    }
}

/// Characters of one other failed job's line.
const OTHER_CHARS: usize = 120;

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
    /// Posted; `message` is the platform's id of the post where it gives one (Telegram's
    /// `message_id`, Matrix's `event_id`; a Slack incoming webhook gives none), for replies.
    Delivered { message: Option<String> },
    /// Worth trying again, after `after` if the service said so.
    Retry {
        after: Option<Duration>,
        reason: String,
    },
    /// Will not work by retrying.
    Rejected { status: u16, reason: String },
}

/// The chat message of a report in `language`. Everything that came from the log or GitFlic
/// enters it as [`LogText`] (redacted, invisible characters shown); the link is `link`, ours.
pub fn compose(report: &PipelineReport, language: Language, link: Link) -> Message {
    let words = language.words();
    let primary = report.jobs.first();
    let analysis = primary.and_then(|j| j.report.as_ref());
    let (category, summary) = match (primary, analysis) {
        (None, _) => (
            language.category(Category::Unknown),
            words.no_failed_job.to_owned(),
        ),
        (Some(job), Some(r)) => (
            language.category(r.category),
            match job.skipped_bytes {
                0 => format!("{}: {}", job.name, language.summary(r)),
                skipped => format!(
                    "{}: {} ({})",
                    job.name,
                    language.summary(r),
                    language.skipped(skipped)
                ),
            },
        ),
        (Some(job), None) => (
            language.category(Category::Unknown),
            format!(
                "{}: {}",
                job.name,
                job.note.as_deref().unwrap_or(words.no_log)
            ),
        ),
    };
    let others = report
        .jobs
        .iter()
        .skip(1)
        .take(5)
        .map(|j| {
            let outcome = match &j.report {
                Some(r) => language.category(r.category),
                None => words.no_log,
            };
            LogText::line(&format!("{} — {outcome}", j.name), OTHER_CHARS)
        })
        .collect();
    let hint = analysis.map(|r| match &report.explanation {
        Some(e) => format!(
            "{}\n{}: {} {}",
            language.hint(r),
            words.model_says,
            e.root_cause,
            e.fix
        ),
        None => language.hint(r).to_owned(),
    });
    Message {
        heading: "❌",
        verb: words.failed,
        pipeline_number: Some(report.pipeline.number()),
        project: LogText::line(&report.project_name(), LINE_CHARS),
        category,
        summary: LogText::line(&summary, LINE_CHARS),
        excerpt: analysis
            .and_then(|r| r.excerpts.first())
            .map(|e| LogText::block(&e.text, EXCERPT_LINES, EXCERPT_CHARS)),
        location: analysis
            .and_then(|r| r.locations.first())
            .map(|l| LogText::line(&format!("{}:{}", l.path, l.line), LINE_CHARS)),
        history: history(report, language),
        hint: hint.map(|h| LogText::block(&h, 20, HINT_CHARS)),
        others,
        link,
        words,
    }
}

/// The short notice, in the rooms that got a failure, that green pipeline `pipeline` of the same
/// branch fixed it. The project's name is a pusher's word, like everything GitFlic says.
pub fn compose_fixed(
    project: &str,
    pipeline: &PipelineRef,
    failed: &str,
    language: Language,
    link: Link,
) -> Message {
    let words = language.words();
    let summary = language.fixed(&pipeline.local_id, pipeline.commit_id.as_deref(), failed);
    Message {
        heading: "✅",
        verb: words.passed,
        pipeline_number: Some(pipeline.number()),
        project: LogText::line(project, LINE_CHARS),
        category: words.fixed,
        summary: LogText::line(&summary, LINE_CHARS),
        excerpt: None,
        location: None,
        history: None,
        hint: None,
        others: vec![],
        link,
        words,
    }
}

/// Whether the failure is new or recurring, and what it was compared with. The branch is a
/// pusher's word, so the line is text from outside like the log's.
fn history(report: &PipelineReport, language: Language) -> Option<LogText> {
    let parts: Vec<String> = [
        report
            .recurrence
            .as_ref()
            .map(|r| language.recurrence(r, &report.pipeline.local_id)),
        report.comparison.as_ref().map(|c| language.comparison(c)),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| LogText::line(&parts.join("; "), LINE_CHARS))
}

/// How a message is posted to one room.
#[derive(Debug, Clone, Copy)]
pub struct Post<'a> {
    /// Stable across retries of the same message, so Matrix never shows it twice.
    pub transaction: &'a str,
    /// The room's earlier post (its [`Delivery::Delivered`] id) this one answers, shown as a
    /// reply where the platform threads (Telegram, Matrix); Slack's incoming webhooks cannot.
    pub reply_to: Option<&'a str>,
}

/// Sends `message` to `channel`.
pub async fn deliver(
    http: &reqwest::Client,
    telegram_api: &str,
    channel: &Channel,
    message: &Message,
    post: Post<'_>,
) -> Delivery {
    match channel {
        Channel::Slack { webhook_url } => slack::send(http, webhook_url, message).await,
        Channel::Telegram { bot_token, chat_id } => {
            telegram::send(
                http,
                telegram_api,
                bot_token,
                chat_id,
                message,
                post.reply_to,
            )
            .await
        }
        Channel::Matrix {
            homeserver,
            access_token,
            room_id,
        } => matrix::send(http, homeserver, access_token, room_id, message, post).await,
    }
}

/// Maps a chat service's answer to a [`Delivery`] by the one HTTP outcome policy; `status` as
/// the service reported it (in its body, for Telegram), `retry_after` likewise, `detail` its
/// own words.
fn classify(status: u16, retry_after: Option<Duration>, detail: String) -> Delivery {
    match http_outcome::classify(status) {
        Outcome::Done => Delivery::Delivered { message: None },
        Outcome::Transient => Delivery::Retry {
            after: retry_after,
            reason: format!("HTTP {status}: {detail}"),
        },
        Outcome::Refused => Delivery::Rejected {
            status,
            reason: detail,
        },
    }
}

fn transport(e: reqwest::Error) -> Delivery {
    Delivery::Retry {
        after: None,
        reason: e.without_url().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_name_a_tenants_room_or_a_projects_override() {
        let slot = Slot::new("slack", Some(" proj-1 ")).unwrap();
        assert_eq!(slot.to_string(), "slack@proj-1");
        assert_eq!(Slot::parse("slack@proj-1"), slot);
        assert_eq!(Slot::new("slack", Some("")).unwrap(), Slot::parse("slack"));
        assert!(Slot::new("slack", Some("a@b")).is_err());
        assert_eq!(slot.encryption_context("t").subject, "slack@proj-1");

        let rooms = vec![
            (Slot::parse("slack"), 1),
            (Slot::parse("telegram"), 2),
            (Slot::parse("slack@proj-1"), 3),
            (Slot::parse("matrix@proj-9"), 4),
        ];
        let taken: Vec<i32> = Slot::rooms_for(rooms.clone(), "proj-1")
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        assert_eq!(
            taken,
            [2, 3],
            "the override replaces the tenant's Slack room"
        );
        let taken: Vec<i32> = Slot::rooms_for(rooms, "proj-2")
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        assert_eq!(taken, [1, 2], "other projects' overrides are not ours");

        for step in [
            "slack",
            "rejected:slack@proj-1",
            "matrix@p $ev3nt:example.org",
        ] {
            assert_eq!(RoomOutcome::parse(step).step(), step);
        }
        assert_eq!(
            RoomOutcome::parse("rejected:telegram"),
            RoomOutcome::Refused(Slot::parse("telegram"))
        );
        assert_eq!(
            RoomOutcome::parse("telegram 42"),
            RoomOutcome::Reached(Slot::parse("telegram"), Some("42".into()))
        );
    }
    use crate::analysis::{JobMeta, analyze_bytes};
    use crate::queue::ProjectRef;
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
            comparison: None,
            recurrence: None,
            gitflic_requests: 0,
        }
    }

    fn link() -> Link {
        Link::new(
            url::Url::parse("https://gitflic.ru/project/acme/shop/cicd/pipeline/118").unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn russian_chat_text_is_russian_around_the_log_s_own_words() {
        let log = b"$ pytest\n____ test_total ____\n\n    def test_total():\n>       assert total([1, 2]) == 4\nE       assert 3 == 4\n\ntests/test_cart.py:7: AssertionError\n";
        let report = pipeline_report(&[log, b"", b"all good\n"]);
        let ru = compose(&report, Language::Ru, link());
        let summary = ru.summary.as_str();
        assert_eq!(ru.category, "упали тесты");
        assert!(summary.starts_with("job0: "), "{summary}");
        assert!(!summary.contains("Tests failed"), "{summary}");
        assert!(
            summary.contains("assert 3 == 4") || summary.contains("test_total"),
            "{summary}"
        );
        let hint = |m: &Message| m.hint.as_ref().map(|h| h.as_str().to_owned());
        assert!(
            hint(&ru).is_some_and(|h| h.starts_with("Упал тест pytest")),
            "{:?}",
            hint(&ru)
        );
        let en = compose(&report, Language::En, link());
        assert!(
            en.summary.as_str().starts_with("job0: Tests failed"),
            "{:?}",
            en.summary
        );
        assert!(hint(&en).is_some_and(|h| h.starts_with("A pytest test failed")));
        // The other jobs' outcomes: an empty log and one with no error line.
        let mut empty_first = report.clone();
        empty_first.jobs.swap(0, 1);
        assert_eq!(
            compose(&empty_first, Language::Ru, link()).summary.as_str(),
            "job1: лог пуст: задача упала, ничего не напечатав"
        );
        empty_first.jobs.swap(0, 2);
        assert_eq!(
            compose(&empty_first, Language::Ru, link()).summary.as_str(),
            "job2: последний вывод: all good"
        );
    }

    #[test]
    fn a_report_without_a_failed_job_says_so() {
        let mut report = pipeline_report(&[]);
        let en = compose(&report, Language::En, link());
        assert_eq!(
            en.summary.as_str(),
            "GitFlic lists no failed job in this pipeline"
        );
        assert_eq!(en.category, "unknown");
        report.jobs = pipeline_report(&[b"x"]).jobs;
        report.jobs[0].report = None;
        report.jobs[0].note = Some("no log available".into());
        assert_eq!(
            compose(&report, Language::En, link()).summary.as_str(),
            "job0: no log available"
        );
    }

    /// Attacker lines in a real log, in job names and in the failing command, through the
    /// engine and the three real builders.
    #[test]
    fn a_hostile_log_reaches_no_room_alive() {
        let hostile = [
            "<!channel> <@U123ABC> <https://evil.example|click here> @room @here",
            "<a href=\"https://evil.example\">x</a> [x](https://evil.example) *bold* `tick`",
            "a\u{202E}gnp.exe\u{200B}\u{0}\u{1b}[31m",
            "https://user:s3cr3tpass@host/ghp_0123456789abcdefghijklmnopqrstuvwxyz/x.c:3:5: error: boom",
        ];
        for line in hostile {
            let log = format!(
                "$ make CMD='{line}'\n{line}\nsrc/{line}.c:3:5: error: {line}\nmake: *** [all] Error 1\nERROR: Job failed: exit code 2\n"
            );
            let mut report = pipeline_report(&[log.as_bytes(), log.as_bytes()]);
            for job in &mut report.jobs {
                job.name = format!("build {line}");
            }
            let message = compose(&report, Language::En, link());
            if let Err(e) = exlogare_chat::invariants::check(&message) {
                panic!("{line:?}: {e}");
            }
            let sent = [
                exlogare_chat::slack_payload(&message).to_string(),
                exlogare_chat::telegram_text(&message),
                exlogare_chat::matrix_content(&message).to_string(),
            ];
            for json in sent {
                assert!(
                    !json.contains("s3cr3tpass") && !json.contains("ghp_0123"),
                    "{json}"
                );
            }
        }
    }
}
