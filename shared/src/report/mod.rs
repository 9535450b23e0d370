//! One report per failed pipeline: the primary failed job first, then the others; and the words
//! of its chat text in each language.

mod hints_ru;

use crate::analysis::{RULE_ALL_PASSED, RULE_EMPTY, RULE_TAIL, Report};
use crate::queue::{PipelineRef, ProjectRef};
pub use exlogare_chat::Words;
use serde::{Deserialize, Serialize};

/// A language model's reading of a job's failure (see `llm`), shown under the hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub root_cause: String,
    pub fix: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobOutcome {
    pub name: String,
    pub stage: Option<String>,
    pub local_id: String,
    /// `None` when no log could be read; `note` says why.
    pub report: Option<Report>,
    /// Why there is no report ("no log available").
    pub note: Option<String>,
    /// Bytes skipped in the middle of a log larger than the cap: the analysis saw its head and
    /// tail (line numbers after the gap still count the skipped lines).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped_bytes: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Whether the failure was compared with the project's last green run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Comparison {
    /// With this passing pipeline (its number and branch); each job's report names the job
    /// it was compared with.
    Compared { pipeline: String, branch: String },
    /// No passing pipeline of the branch, or of the default branch, among the newest ones.
    NoGreenRun,
    /// Not looked for, or given up on, and why (GitFlic's budget, a 429, an error).
    Skipped { reason: String },
}

/// How often the primary job's failure (by its fingerprint) has been seen in the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    pub fingerprint: String,
    /// Failed pipelines with this fingerprint in the last 7 days, this one included.
    pub seen_in_7_days: u32,
    /// The first pipeline it was seen in (since it was last absent for 30 days).
    pub first_pipeline: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_commit: Option<String>,
    /// RFC 3339, UTC.
    pub first_seen_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineReport {
    pub project: ProjectRef,
    pub pipeline: PipelineRef,
    /// Where the pipeline is on GitFlic.
    pub link: String,
    /// Failed jobs, the primary one first.
    pub jobs: Vec<JobOutcome>,
    /// The language model's reading of the primary job, when one is configured and answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
    /// Absent when no job had a log to compare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    /// Whether the failure is new; absent when it could not be counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// GitFlic API requests the analysis made (GitFlic allows a user 500 an hour).
    #[serde(default)]
    pub gitflic_requests: u32,
}

impl PipelineReport {
    /// The job the report leads with: the first failed job with a confident analysis.
    pub fn order_jobs(&mut self) {
        self.jobs.sort_by(|a, b| {
            let score = |j: &JobOutcome| j.report.as_ref().map_or(-1.0, |r| r.confidence);
            score(b).total_cmp(&score(a))
        });
    }

    pub fn project_name(&self) -> String {
        match (&self.project.owner_alias, &self.project.alias) {
            (Some(o), Some(a)) => format!("{o}/{a}"),
            _ => self
                .project
                .title
                .clone()
                .unwrap_or_else(|| self.project.id.clone()),
        }
    }
}

/// Chat language of the surrounding text; excerpts are never translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    Ru,
}

impl Language {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "ru" => Some(Language::Ru),
            _ => None,
        }
    }
}

/// "раз" or "раза" after a number (1 раз, 2 раза, 5 раз, 12 раз, 22 раза).
fn russian_times(n: u32) -> &'static str {
    match (n % 10, n % 100) {
        (2..=4, tens) if !(12..=14).contains(&tens) => "раза",
        _ => "раз",
    }
}

impl Language {
    pub fn words(self) -> Words {
        match self {
            Language::En => Words::EN,
            Language::Ru => Words::RU,
        }
    }

    /// The report's one-line summary. The engine's own is English; other languages say the
    /// decisive line alone (the category and the location have lines of their own in chat).
    pub fn summary(self, report: &Report) -> String {
        let words = self.words();
        match (self, report.rule.as_str()) {
            (Language::En, _) => report.summary.clone(),
            (_, RULE_EMPTY) => words.empty_log.to_owned(),
            (_, RULE_ALL_PASSED) => format!("{} ({})", words.all_passed, report.headline),
            (_, RULE_TAIL) => format!("{}: {}", words.last_output, report.headline),
            // `headline` is optional in the report's JSON form.
            _ if report.headline.is_empty() => report.summary.clone(),
            _ => report.headline.clone(),
        }
    }

    /// Says that the middle of a log was not read.
    pub fn skipped(self, bytes: u64) -> String {
        let mb = bytes as f64 / 1e6;
        match self {
            Language::En => format!("{mb:.1} MB from the middle of the log were not read"),
            Language::Ru => format!("{mb:.1} МБ из середины лога не прочитаны"),
        }
    }

    /// Whether the failure is new, or how often it was seen, for the chat's history line.
    pub fn recurrence(self, recurrence: &Recurrence, pipeline: &str) -> String {
        if recurrence.first_pipeline == pipeline {
            return match self {
                Language::En => "new failure".into(),
                Language::Ru => "новая ошибка".into(),
            };
        }
        let n = recurrence.seen_in_7_days;
        let first = match &recurrence.first_commit {
            Some(commit) => format!(
                "#{} ({})",
                recurrence.first_pipeline,
                commit.chars().take(7).collect::<String>()
            ),
            None => format!("#{}", recurrence.first_pipeline),
        };
        match self {
            Language::En if n == 1 => format!("seen once in 7 days, first in {first}"),
            Language::En => format!("seen {n} times in 7 days, first in {first}"),
            Language::Ru => format!(
                "встречалась {n} {} за 7 дней, впервые в {first}",
                russian_times(n)
            ),
        }
    }

    /// The line of a "fixed" notice: the green pipeline (and its commit) after the failed one.
    pub fn fixed(self, pipeline: &str, commit: Option<&str>, failed: &str) -> String {
        let commit = commit
            .map(|c| format!(" ({})", c.chars().take(7).collect::<String>()))
            .unwrap_or_default();
        match self {
            Language::En => format!("fixed in #{pipeline}{commit}; #{failed} had failed"),
            Language::Ru => format!("исправлено в #{pipeline}{commit}; #{failed} упал"),
        }
    }

    /// What the comparison with the last green run came to, for the chat's history line.
    pub fn comparison(self, comparison: &Comparison) -> String {
        match (self, comparison) {
            (Language::En, Comparison::Compared { pipeline, branch }) => {
                format!("compared with the last green run, #{pipeline} on {branch}")
            }
            (Language::Ru, Comparison::Compared { pipeline, branch }) => {
                format!("сравнено с последним зелёным запуском, #{pipeline} на {branch}")
            }
            (Language::En, Comparison::NoGreenRun) => {
                "no green run of this branch or the default branch to compare with".into()
            }
            (Language::Ru, Comparison::NoGreenRun) => {
                "нет зелёного запуска этой ветки или основной ветки для сравнения".into()
            }
            (Language::En, Comparison::Skipped { reason }) => {
                format!("not compared with a green run: {reason}")
            }
            (Language::Ru, Comparison::Skipped { .. }) => {
                "без сравнения с зелёным запуском (подробности в отчёте)".into()
            }
        }
    }

    /// What to do next, in this language where a translation exists.
    pub fn hint(self, report: &Report) -> &str {
        match self {
            Language::En => &report.hint,
            Language::Ru => hints_ru::hint(&report.rule).unwrap_or(&report.hint),
        }
    }

    pub fn category(self, category: crate::analysis::Category) -> &'static str {
        use crate::analysis::Category::*;
        match (self, category) {
            (Language::En, Compilation) => "compilation error",
            (Language::En, TestFailure) => "failing tests",
            (Language::En, Dependency) => "dependencies",
            (Language::En, Network) => "network",
            (Language::En, OutOfMemory) => "out of memory",
            (Language::En, Timeout) => "timeout",
            (Language::En, Lint) => "lint or format",
            (Language::En, Infrastructure) => "infrastructure",
            (Language::En, DockerBuild) => "Docker build",
            (Language::En, Permission) => "permission denied",
            (Language::En, Configuration) => "configuration",
            (Language::En, Unknown) => "unknown",
            (Language::Ru, Compilation) => "ошибка компиляции",
            (Language::Ru, TestFailure) => "упали тесты",
            (Language::Ru, Dependency) => "зависимости",
            (Language::Ru, Network) => "сеть",
            (Language::Ru, OutOfMemory) => "нехватка памяти",
            (Language::Ru, Timeout) => "тайм-аут",
            (Language::Ru, Lint) => "линтер или формат",
            (Language::Ru, Infrastructure) => "инфраструктура",
            (Language::Ru, DockerBuild) => "сборка Docker",
            (Language::Ru, Permission) => "нет доступа",
            (Language::Ru, Configuration) => "конфигурация",
            (Language::Ru, Unknown) => "неизвестно",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Category::*;

    #[test]
    fn categories_read_as_words_distinct_in_each_language() {
        let all = [
            Compilation,
            TestFailure,
            Dependency,
            Network,
            OutOfMemory,
            Timeout,
            Lint,
            Infrastructure,
            DockerBuild,
            Permission,
            Configuration,
            Unknown,
        ];
        for language in [Language::En, Language::Ru] {
            let names: std::collections::HashSet<&str> =
                all.iter().map(|c| language.category(*c)).collect();
            assert_eq!(names.len(), all.len(), "{names:?}");
            assert!(names.iter().all(|n| !n.contains('_')), "{names:?}");
        }
    }

    #[test]
    fn a_job_whose_commands_all_passed_says_so_in_russian_with_the_last_command() {
        // A Travis log whose only command passed, and the job failed after it.
        let log = "$ npm test\n  1 passing (8ms)\n\nThe command \"npm test\" exited with 0.\n\nDone. Your build exited with 1.\n";
        let report = crate::analysis::analyze_bytes(log.as_bytes(), Default::default());
        assert_eq!(report.rule, RULE_ALL_PASSED, "{report:#?}");
        assert_eq!(
            Language::Ru.summary(&report),
            "все команды в логе завершились с кодом 0, но задача упала ($ npm test)"
        );
        assert!(report.summary.contains("npm test"), "{report:#?}");
        // A log with no line at all is still an empty one.
        let empty = crate::analysis::analyze_bytes(b"", Default::default());
        assert_eq!(empty.rule, RULE_EMPTY, "{empty:#?}");
    }

    #[test]
    fn recurrence_reads_in_both_languages_with_russian_plurals() {
        let seen = |n: u32| Recurrence {
            fingerprint: "f".into(),
            seen_in_7_days: n,
            first_pipeline: "112".into(),
            first_commit: Some("3f7a1c2d9e".into()),
            first_seen_at: "2026-12-01T10:00:00Z".into(),
        };
        assert_eq!(Language::En.recurrence(&seen(1), "112"), "new failure");
        assert_eq!(Language::Ru.recurrence(&seen(1), "112"), "новая ошибка");
        assert_eq!(
            Language::En.recurrence(&seen(4), "118"),
            "seen 4 times in 7 days, first in #112 (3f7a1c2)"
        );
        assert_eq!(
            Language::En.recurrence(&seen(1), "118"),
            "seen once in 7 days, first in #112 (3f7a1c2)"
        );
        for (n, word) in [
            (1, "раз"),
            (2, "раза"),
            (4, "раза"),
            (5, "раз"),
            (12, "раз"),
            (22, "раза"),
        ] {
            assert_eq!(
                Language::Ru.recurrence(&seen(n), "118"),
                format!("встречалась {n} {word} за 7 дней, впервые в #112 (3f7a1c2)")
            );
        }
    }
}
