//! A pipeline report as a chat message, for Slack (Block Kit), Telegram (HTML) and Matrix
//! (`org.matrix.custom.html` with a plain body), and as a GitFlic merge-request discussion
//! (Markdown).
//!
//! Every byte of a CI log is written by whoever can push a commit, and so are the names a
//! pipeline carries (job names, the failing command, test names). Such text enters a [`Message`]
//! only as [`LogText`], which is redacted and has its invisible and control characters made
//! visible when it is made; it leaves only through one escaping function per platform, which
//! shows it as code, where no mention, link or markup is live. The one link of a message is a
//! [`Link`] that we built.

#[cfg(any(test, feature = "invariants"))]
pub mod invariants;
mod markdown;
mod matrix;
mod slack;
mod telegram;

pub use markdown::discussion as gitflic_discussion;
pub use matrix::content as matrix_content;
pub use slack::payload as slack_payload;
pub use telegram::text as telegram_text;

use exlogare_analysis::redact::redact;
use std::fmt::Write as _;

/// Lines of an excerpt shown in chat.
pub const EXCERPT_LINES: usize = 30;
/// Characters of an excerpt shown in chat (Slack sections hold 3000; Telegram messages 4096).
pub const EXCERPT_CHARS: usize = 2500;
/// Characters of one line of text (a summary, a location, a job name).
pub const LINE_CHARS: usize = 300;
/// Characters of a hint (the rule's and the model's reading together).
pub const HINT_CHARS: usize = 1200;

/// Text from outside (the log, the pipeline's names): redacted, clipped, with every character a
/// reader could not see shown as `<U+XXXX>`. It has no `Display`: the platform modules render it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogText(String);

impl LogText {
    /// One line of text (line breaks become spaces), at most `max_chars` characters.
    pub fn line(raw: &str, max_chars: usize) -> Self {
        let flat = raw.replace(['\n', '\r'], " ");
        Self::block(&flat, 1, max_chars)
    }

    /// Lines of text, at most `max_lines` and `max_chars`.
    pub fn block(raw: &str, max_lines: usize, max_chars: usize) -> Self {
        let mut visible = String::with_capacity(raw.len());
        for (i, line) in raw.split('\n').take(max_lines).enumerate() {
            if i > 0 {
                visible.push('\n');
            }
            for c in line.chars() {
                if is_hidden(c) {
                    let _ = write!(visible, "<U+{:04X}>", u32::from(c));
                } else {
                    visible.push(c);
                }
            }
        }
        // Redact what is shown (a character made visible can complete a credential's shape),
        // before clipping (a clipped secret may no longer look like one), and once more after
        // (a clipped line may look like one where the whole did not).
        let mut shown = redact(&visible).into_owned();
        if shown.chars().count() > max_chars {
            shown = shown.chars().take(max_chars).collect::<String>() + "…";
        }
        LogText(redact(shown.trim_end()).into_owned())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text as shown, unescaped: for reading and tests. Into a message it goes only through
    /// a platform's builder, never raw into markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn chars(&self) -> usize {
        self.0.chars().count()
    }
}

/// Characters a reader cannot see or that change how the text around them reads: controls
/// (but tab and line feed), bidirectional overrides and isolates, zero-width and other invisible
/// format characters, and Unicode tags (which can smuggle text past a reader).
fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}')
}

/// The pipeline's page on GitFlic: the one link a message carries. Only `https` (or `http`, for
/// a GitFlic inside the operator's network), with a host and no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link(url::Url);

impl Link {
    pub fn new(url: url::Url) -> Option<Self> {
        let fit = matches!(url.scheme(), "https" | "http")
            && url.host_str().is_some_and(|h| !h.is_empty())
            && url.username().is_empty()
            && url.password().is_none();
        fit.then_some(Link(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// The words around a report, in one language.
#[derive(Debug, Clone)]
pub struct Words {
    pub failed: &'static str,
    pub passed: &'static str,
    /// The category of a "fixed" notice.
    pub fixed: &'static str,
    pub pipeline: &'static str,
    pub category: &'static str,
    pub where_: &'static str,
    pub history: &'static str,
    pub hint: &'static str,
    pub open: &'static str,
    pub other_jobs: &'static str,
    pub no_log: &'static str,
    pub no_failed_job: &'static str,
    pub model_says: &'static str,
    pub empty_log: &'static str,
    /// A log whose every command passed, though the job failed.
    pub all_passed: &'static str,
    pub last_output: &'static str,
    /// The category and text of a channel's test message.
    pub test_category: &'static str,
    pub test_message: &'static str,
}

impl Words {
    pub const EN: Words = Words {
        failed: "failed",
        passed: "passed",
        fixed: "fixed",
        pipeline: "Pipeline",
        category: "Category",
        where_: "Where",
        history: "History",
        hint: "Hint",
        open: "Open pipeline",
        other_jobs: "Other failed jobs",
        no_log: "no log available",
        no_failed_job: "GitFlic lists no failed job in this pipeline",
        model_says: "Model's reading",
        empty_log: "the log is empty: the job failed before it printed anything",
        all_passed: "every command in the log exited with 0, yet the job failed",
        last_output: "its last output",
        test_category: "test",
        test_message: "This room will receive the reports of failed GitFlic pipelines.",
    };

    pub const RU: Words = Words {
        failed: "упал",
        passed: "прошёл",
        fixed: "исправлено",
        pipeline: "Конвейер",
        category: "Категория",
        where_: "Где",
        history: "История",
        hint: "Подсказка",
        open: "Открыть конвейер",
        other_jobs: "Другие упавшие задачи",
        no_log: "лог недоступен",
        no_failed_job: "GitFlic не показывает в этом конвейере упавших задач",
        model_says: "Мнение модели",
        empty_log: "лог пуст: задача упала, ничего не напечатав",
        all_passed: "все команды в логе завершились с кодом 0, но задача упала",
        last_output: "последний вывод",
        test_category: "проверка",
        test_message: "В эту комнату будут приходить отчёты об упавших конвейерах GitFlic.",
    };
}

/// A chat message: our words, text from outside, and our link.
#[derive(Debug, Clone)]
pub struct Message {
    pub words: Words,
    /// A heading of our own ("❌ Pipeline #118 failed"), without the project.
    pub heading: &'static str,
    /// What the pipeline did, in the title: `words.failed` or `words.passed`.
    pub verb: &'static str,
    /// GitFlic's number of the failed pipeline in its project (`localId`); none in a test message.
    pub pipeline_number: Option<u64>,
    pub project: LogText,
    /// The category's name in the message's language.
    pub category: &'static str,
    /// The primary job and what failed there.
    pub summary: LogText,
    pub excerpt: Option<LogText>,
    pub location: Option<LogText>,
    /// What the project's history says: the green run compared with, or that there was none.
    pub history: Option<LogText>,
    pub hint: Option<LogText>,
    /// The other failed jobs, each with its category.
    pub others: Vec<LogText>,
    pub link: Link,
}

impl Message {
    /// The title as one plain line: heading, pipeline number, project.
    fn title_parts(&self) -> (String, &str) {
        let title = match self.pipeline_number {
            Some(number) => format!(
                "{} {} #{number} {}",
                self.heading, self.words.pipeline, self.verb
            ),
            None => self.heading.to_owned(),
        };
        (title, self.project.as_str())
    }

    /// The labelled lines under the excerpt, in order: where, history, hint.
    fn labelled(&self) -> impl Iterator<Item = (&'static str, &LogText)> {
        [
            (self.words.where_, &self.location),
            (self.words.history, &self.history),
            (self.words.hint, &self.hint),
        ]
        .into_iter()
        .filter_map(|(label, text)| Some((label, text.as_ref()?)))
    }
}

/// `&`, `<`, `>` and quotes as HTML entities (Telegram and Matrix).
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_control_characters_are_shown() {
        let t = LogText::line("a\u{202E}gnp.exe\u{200B}b\u{0}c\u{1b}[31md\te", 100);
        assert_eq!(
            t.as_str(),
            "a<U+202E>gnp.exe<U+200B>b<U+0000>c<U+001B>[31md\te"
        );
        assert_eq!(LogText::line("x\ny\r\nz", 100).as_str(), "x y  z");
        assert_eq!(
            LogText::block("1\n2\n3", 2, 100).as_str(),
            "1\n2",
            "lines beyond the budget are dropped"
        );
        assert_eq!(LogText::line(&"é".repeat(50), 10).chars(), 11);
    }

    #[test]
    fn text_is_redacted_before_it_is_clipped() {
        let secret = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
        let t = LogText::line(&format!("token {secret}"), 20);
        assert!(!t.as_str().contains("ghp_0123"), "{t:?}");
    }

    #[test]
    fn showing_a_character_cannot_make_a_credential_appear() {
        // Found by fuzzing: `\x0b` is white space, `<U+000B>` is not.
        let t = LogText::line("-ure\u{0}A:\u{b}: The log is empty", 100);
        assert_eq!(redact(t.as_str()), t.as_str());
    }

    #[test]
    fn only_web_links_are_links() {
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "https://user:pw@gitflic.ru/x",
            "file:///etc/passwd",
        ] {
            assert!(Link::new(url::Url::parse(bad).unwrap()).is_none(), "{bad}");
        }
        assert!(Link::new(url::Url::parse("https://gitflic.ru/project/a/b").unwrap()).is_some());
    }
}
