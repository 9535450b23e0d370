//! The analysis engine: why did this CI job fail?
//!
//! Input: the raw bytes of a job log and what is known of the job. Output: a [`Report`] (the
//! JSON contract of `docs/design.md`): category, one-sentence summary, the decisive excerpts with
//! 1-based raw line numbers, file locations, failing tests, a hint, a fingerprint and a
//! confidence. Deterministic, offline, one pass, memory bounded by the blocks kept (not by the
//! log's size). Everything a report shows is redacted (see [`redact`]).

mod baseline;
mod engine;
mod extract;
mod gaps;
mod keywords;
pub mod lines;
mod localized;
mod patterns;
pub mod redact;
pub(crate) mod rules;
mod shell;

pub use baseline::{Baseline, BaselineBuilder, MAX_DISTINCT_LINES};
pub use extract::Location;
pub use rules::Category;

use engine::{Block, Engine, Finished, Step};
use rules::{Rules, Shape};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::io::Read;

/// [`Report::rule`] of an empty log.
pub const RULE_EMPTY: &str = "empty";
/// [`Report::rule`] when no line looked like an error and the step's last output is shown.
pub const RULE_TAIL: &str = "tail";
/// [`Report::rule`] when every command the log shows passed, yet the job failed.
pub const RULE_ALL_PASSED: &str = "all-passed";

/// Lines shown at most in one report's excerpts.
pub const MAX_SHOWN_LINES: usize = 30;

/// What is known of the job besides its log.
#[derive(Debug, Clone, Default)]
pub struct JobMeta {
    pub name: Option<String>,
    pub stage: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Excerpt {
    pub start_line: u64,
    pub end_line: u64,
    /// The lines as a terminal shows them, redacted, runs of identical lines collapsed.
    pub text: String,
    /// With a baseline: whether the excerpt holds a line the passing run did not print.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_since_baseline: Option<bool>,
}

/// The passing run a report was compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineUsed {
    /// What the caller named it (e.g. the pipeline and job), if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// Lines in the passing log.
    pub lines: u64,
    /// Whether the passing log had more distinct lines than the summary keeps.
    #[serde(default)]
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub category: Category,
    pub summary: String,
    pub excerpts: Vec<Excerpt>,
    pub locations: Vec<Location>,
    pub failing_tests: Vec<String>,
    pub hint: String,
    pub fingerprint: String,
    pub confidence: f64,
    /// The command of the failing step, as the CI echoed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_command: Option<String>,
    /// Lines in the log.
    #[serde(default)]
    pub lines_total: u64,
    /// The rule that chose the primary block (`empty` for an empty log, `tail` when no line
    /// looked like an error): what a translated hint is looked up by.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rule: String,
    /// The decisive line (redacted, shortened), or the last words for `tail`: the summary
    /// without its English framing, for chat text in other languages.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub headline: String,
    /// The passing run the log was compared with, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineUsed>,
}

/// Streaming analysis: feed every raw line (numbered from 1), then [`Analyzer::finish`].
pub struct Analyzer {
    engine: Engine,
    meta: JobMeta,
}

impl Analyzer {
    pub fn new(meta: JobMeta) -> Self {
        Self {
            engine: Engine::new(),
            meta,
        }
    }

    /// Compares with a passing run of the same job: lines it printed too are not causes, and
    /// the new lines nearest the failure are preferred.
    pub fn with_baseline(meta: JobMeta, baseline: Baseline) -> Self {
        Self {
            engine: Engine::with_baseline(baseline),
            meta,
        }
    }

    /// One raw line, numbered as in the whole log (see [`lines::for_each_line`]).
    pub fn line(&mut self, line: lines::RawLine<'_>) {
        self.engine.line(line);
    }

    pub fn finish(self) -> Report {
        build_report(self.engine.finish(), &self.meta)
    }

    /// Analyses everything `reader` yields.
    pub fn read<R: Read>(mut self, reader: R) -> std::io::Result<Report> {
        lines::for_each_line(reader, |line| self.line(line))?;
        Ok(self.finish())
    }

    /// Analyses a log held in memory.
    pub fn read_bytes(mut self, log: &[u8]) -> Report {
        lines::for_each_line_in(log, |line| self.line(line));
        self.finish()
    }
}

/// The names of every rule (what [`Report::rule`] may hold besides [`RULE_EMPTY`] and
/// [`RULE_TAIL`]), for tables keyed by rule such as translated hints.
pub fn rule_names() -> impl Iterator<Item = &'static str> {
    rules::RULES
        .iter()
        .copied()
        .chain([
            &rules::LOGGED_BELOW_ERROR,
            &rules::NAMED_REPORT,
            &rules::FATAL_WARNING,
        ])
        .map(|r| r.name)
}

/// Compiles the engine's pattern tables now rather than during the first analysis (about 50 ms
/// of CPU): a Lambda's init phase is the place for it.
pub fn compile_patterns() {
    rules::Rules::get();
    engine::exit_pointer();
    extract::location_patterns();
    extract::test_patterns();
    extract::volatile();
    redact::redactor();
}

/// Analyses everything `reader` yields.
pub fn analyze_reader<R: Read>(reader: R, meta: JobMeta) -> std::io::Result<Report> {
    Analyzer::new(meta).read(reader)
}

/// Analyses a log held in memory.
pub fn analyze_bytes(log: &[u8], meta: JobMeta) -> Report {
    Analyzer::new(meta).read_bytes(log)
}

fn label(category: Category) -> &'static str {
    match category {
        Category::Compilation => "Compilation failed",
        Category::TestFailure => "Tests failed",
        Category::Dependency => "Dependency resolution failed",
        Category::Network => "Network failure",
        Category::OutOfMemory => "Out of memory",
        Category::Timeout => "Timed out",
        Category::Lint => "Lint or format check failed",
        Category::Infrastructure => "Runner infrastructure failure",
        Category::DockerBuild => "Docker build failed",
        Category::Permission => "Permission denied",
        Category::Configuration => "Configuration error",
        Category::Unknown => "The job failed",
    }
}

/// The category, refined where the rule alone cannot tell.
fn category_of(primary: &Block, step: &Step, meta: &JobMeta) -> Category {
    let rule = primary.rule;
    let text = |pred: &dyn Fn(&str) -> bool| primary.lines.iter().any(|(_, l)| pred(l));
    let command = step.told_command().unwrap_or_default();
    let said = headline(primary);
    if rule.category == Category::Compilation
        && (text(&|l| l.contains("clippy::")) || engine::runs_a_linter(command))
    {
        return Category::Lint;
    }
    if rule.category == Category::Compilation && failed_check(said) {
        return Category::TestFailure;
    }
    // A place in a running method (Ruby's frame, `test/cart_test.rb:9:in `test_total'`) is where a
    // program failed, not a line a compiler rejected.
    if rule.category == Category::Compilation && (in_method(said) || raised_as_it_ran(said)) {
        if !step.failing_tests.is_empty() {
            return Category::TestFailure;
        }
        return from_context(step, meta);
    }
    if rule.shape == Shape::Traceback {
        // The exception line says more than the traceback around it (MemoryError, ImportError…).
        if let Some(r) = rules::Rules::get().classify(said)
            && r.category != Category::Unknown
        {
            return r.category;
        }
    }
    if rule.category != Category::Unknown {
        return rule.category;
    }
    if !step.failing_tests.is_empty() {
        return Category::TestFailure;
    }
    step.decisive
        .iter()
        .chain(step.generic.iter())
        .flat_map(|b| b.lines.iter())
        .find_map(|(_, l)| maven_plugin_category(l))
        .unwrap_or_else(|| from_context(step, meta))
}

/// What the Maven plugin whose goal failed does (`Failed to execute goal
/// org.apache.maven.plugins:maven-enforcer-plugin:3.1.0:enforce …`), when its name says it.
fn maven_plugin_category(line: &str) -> Option<Category> {
    let (_, goal) = line.split_once("Failed to execute goal ")?;
    let plugin = goal.split(':').nth(1)?;
    let named = |words: &[&str]| words.iter().any(|w| plugin.contains(w));
    Some(if named(&["surefire", "failsafe", "jacoco"]) {
        Category::TestFailure
    } else if named(&[
        "checkstyle",
        "pmd",
        "spotbugs",
        "findbugs",
        "spotless",
        "formatter",
        "license",
        "rat-plugin",
    ]) {
        Category::Lint
    } else if named(&["compiler", "javadoc", "animal-sniffer", "japicmp", "revapi"]) {
        Category::Compilation
    } else if named(&["dependency"]) {
        Category::Dependency
    } else if named(&["enforcer"]) {
        Category::Configuration
    } else {
        return None;
    })
}

/// Whether a diagnostic's level, after its location, is a failed check rather than a compiler's
/// error: Catch2's `test.cpp:7: FAILED:`, GoogleTest's `cart_test.cc:7: Failure`, Unity's
/// `test_cart.c:12:test_adds:FAIL: Expected 5 Was 3` (the test's name between), doctest's
/// `Cart.hs:5: failure in expression …`.
fn failed_check(line: &str) -> bool {
    let mut fields = line.trim_start().split(':').skip(1).peekable();
    let mut numbered = false;
    while fields
        .next_if(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
        .is_some()
    {
        numbered = true;
    }
    // The level is the message's first word (Haskell's doctest: `failure in expression …`).
    let level = |f: &str| {
        matches!(
            f.split_whitespace().next(),
            Some("FAILED" | "FAIL" | "Failure" | "failure")
        )
    };
    numbered
        && fields
            .next()
            .is_some_and(|f| level(f) || !f.contains(' ') && fields.next().is_some_and(level))
}

/// Whether a line is a Ruby frame: a file's place, then `in` and the method's name quoted.
fn in_method(line: &str) -> bool {
    line.split_once(":in ")
        .is_some_and(|(place, method)| rules::located(place) && method.starts_with(['`', '\'']))
}

/// Whether a diagnostic is an exception the program raised as it ran (Haxe's `path:4:
/// characters 24-29 : Uncaught exception …`, D's `core.exception.ArraySliceError@path(6): …`),
/// not a line a compiler rejected.
fn raised_as_it_ran(line: &str) -> bool {
    line.contains("Uncaught exception")
        || line.split_once('@').is_some_and(|(thrown, place)| {
            (thrown.ends_with("Error") || thrown.ends_with("Exception"))
                && !thrown.contains(char::is_whitespace)
                && rules::located(place)
        })
}

fn from_context(step: &Step, meta: &JobMeta) -> Category {
    // timeout(1) exits with 124 when it kills the command; so does xargs when a command it ran
    // exits with 255, which is no time limit.
    if step.exit_code == Some(124) && !step.command.as_deref().is_some_and(|c| c.contains("xargs"))
    {
        return Category::Timeout;
    }
    let of = |command: Option<&str>| {
        command
            .map(engine::category_from_job)
            .filter(|c| *c != Category::Unknown)
    };
    let command = of(step.told_command());
    // An install runs the packages' own scripts (npm's postinstall), an image build its RUN
    // steps: their failure is the install's, the build's.
    if let Some(whole @ (Category::Dependency | Category::DockerBuild)) = command {
        return whole;
    }
    // Otherwise the command a wrapper ran (`npm run ci`'s script, a Dockerfile's RUN step) says
    // more than the wrapper's.
    let wrapped = engine::wrapped_command(&step.tail, step.tail.len(), step.recipe_echo)
        .map(|(_, command)| command)
        .filter(|command| !command.is_empty());
    of(wrapped)
        .or(command)
        .or_else(|| of(meta.name.as_deref()))
        .or_else(|| of(meta.stage.as_deref()))
        .unwrap_or(Category::Unknown)
}

/// The line that best names the cause within a block.
fn headline(block: &Block) -> &str {
    let lines = block.anchored_lines();
    let body = || lines.iter().skip(1).map(|l| l.1.trim());
    // A tag alone (Maven's and sbt's empty `[ERROR]` lines) says nothing: the next line that
    // does heads the block.
    let first = lines
        .iter()
        .map(|l| l.1.as_str())
        .find(|l| !engine::without_level_tag(l).is_empty())
        .unwrap_or_default();
    // A report's error line (pytest's `E   …`) names the cause best; else an assertion.
    // Not a frame of a stack trace (`at org.junit…assertEquals(…)`), even behind a tree's
    // rules (JUnit 5's `│  │  │   at …`).
    let says_what = |l: &str| {
        let t = extract::outside_tree(l);
        // Nor a diff's header (`--- expected.txt`), nor a line of source under its number.
        !t.starts_with("at ")
            && !t.starts_with("--- ")
            && !t.starts_with("+++ ")
            && !engine::numbered_source(t)
            && (l.contains("Error")
                || l.contains("assert")
                || l.contains("Assert")
                || l.contains("Exception:")
                || l.contains("expected")
                || l.contains("Expected")
                || l.starts_with("panicked"))
    };
    let e_line = || body().find(|l| l.starts_with("E ") && l.len() > 2);
    // What happened `at` a place, announced for the next line (Rust's `panicked at
    // src/lib.rs:14:5:` over proptest's `Test failed: …`): that message.
    let announced = || {
        body()
            .zip(body().skip(1))
            .find(|(l, _)| {
                l.rsplit_once(" at ")
                    .is_some_and(|(_, w)| w.ends_with(':') && rules::located(w))
            })
            .map(|(_, message)| message)
            .filter(|m| m.contains(char::is_alphabetic) && !engine::code_frame(m))
    };
    let error_line = || {
        e_line()
            .or_else(|| body().find(|l| says_what(l)))
            .or_else(announced)
    };
    match block.rule.shape {
        // A report titled by the failed test's name: the name says which test, its body's lines
        // are labels and values (AVA's `Difference (- actual, + expected):`).
        _ if std::ptr::eq(block.rule, &rules::NAMED_REPORT) => first,
        // A title ruled off to the line's width (Biome's `path:3:8 lint/style/noVar ━━━`) names
        // the place; the first line under it says what is wrong.
        _ if first.trim_end().ends_with("━━━") => {
            body().find(|l| !l.is_empty()).unwrap_or(first)
        }
        // A driver's report of how the program it ran exited (collect2's `ld returned 1 exit
        // status`) says less than what that program printed above it.
        _ if engine::reported_program(first).is_some() && lines.len() < block.lines.len() => {
            block.lines.first().map_or(first, |l| l.1.as_str())
        }
        // A verdict that warnings failed the build (`warnings found and -Werror specified`):
        // the first warning says what to fix.
        _ if block.rule.lead == rules::Lead::Warnings && lines.len() < block.lines.len() => block
            .lines
            .iter()
            .map(|l| l.1.as_str())
            .find(|l| {
                l.split(|c: char| !c.is_alphanumeric())
                    .any(|w| w.eq_ignore_ascii_case("warning"))
            })
            .unwrap_or(first),
        // A location under its message (`--> path:line`, cfn-lint's bare `path:line:col`): the
        // message says what is wrong.
        _ if block.rule.lead == rules::Lead::Line && lines.len() < block.lines.len() => {
            block.lines.first().map_or(first, |l| l.1.as_str())
        }
        // A heading (`Failed tests:`, `[ERROR] COMPILATION ERROR :`) announces what is wrong:
        // the error line under it says it, else its first line of words (not a rule line under
        // a tag of its own, `[INFO] -----`).
        _ if lines.len() > 1 && engine::announces(first) => error_line().unwrap_or_else(|| {
            body()
                .find(|l| {
                    l.split_whitespace()
                        .any(|w| !w.starts_with('[') && w.contains(char::is_alphabetic))
                })
                .unwrap_or(first)
        }),
        // A location heading its message (`./app/page.tsx:4:30` over `Type error: …`).
        Shape::Diagnostic if engine::heads_a_message(block) && lines.len() > 1 => &lines[1].1,
        // The exception line: the first unindented line after the frames.
        Shape::Traceback => engine::exception_line(lines).unwrap_or(first),
        // A report is headed by its `E` line, else by its anchor when that says what is wrong
        // (`… expected: <5> but was: <3>`), else by its error line; under a shouted banner
        // (`APPLICATION FAILED TO START`), which says only that it failed, by its first sentence.
        Shape::Section | Shape::Report => e_line()
            .or_else(|| says_what(first).then_some(first))
            .or_else(error_line)
            .or_else(|| {
                engine::shouted(first)
                    .then(|| {
                        body().find(|l| {
                            l.split_whitespace().count() >= 4 && l.contains(char::is_lowercase)
                        })
                    })
                    .flatten()
            })
            .unwrap_or(first),
        // A test's bare verdict over what it printed (Go's `--- FAIL: TestTwo`): what it
        // printed, the error or the message at its place (`cart_test.go:14: … want 5`), not a
        // line it logged below error level.
        // So is what it printed above its verdict (Nim's `tcart.nim(11, 24): Check failed: …`).
        // Not a verdict that says it after the function's name (QTest's `FAIL!  :
        // TestCart::twoItems() Compared values are not the same`).
        Shape::Line
            if block.rule.category == Category::TestFailure
                && block.lines.len() > 1
                && !says_what(first)
                && first
                    .split_once("() ")
                    .is_none_or(|(_, said)| said.split_whitespace().count() < 3) =>
        {
            let rules = rules::Rules::get();
            let lead = &block.lines[..block.lines.len() - lines.len()];
            let printed = || body().chain(lead.iter().map(|l| l.1.trim()));
            // A message at a place: `path:14: message`, or ScalaTest's `message (Spec.scala:14)`.
            let placed = |l: &str| {
                rules::located(l)
                    && l.split_once(": ")
                        .is_some_and(|(_, m)| m.contains(char::is_alphabetic))
                    || l.strip_suffix(')')
                        .and_then(|l| l.rsplit_once(" ("))
                        .is_some_and(|(m, at)| {
                            rules::located(at) && m.contains(char::is_alphabetic)
                        })
            };
            // The exception it raised, over a frame's source line that asserts (subunit-trace's
            // captured traceback under the verdict).
            printed()
                .find(|l| engine::raised(l))
                .or_else(|| printed().find(|l| says_what(l)))
                .or_else(|| printed().find(|l| placed(l) && !rules.logged_below_error(l)))
                .unwrap_or(first)
        }
        // A check's bare verdict (twine's `Checking dist/shop.tar.gz: FAILED`) over the lines
        // that say why: the first of them.
        _ if lines.len() > 1
            && first
                .trim_end()
                .rsplit([' ', ':'])
                .next()
                .is_some_and(|verdict| matches!(verdict, "FAILED" | "FAIL" | "ERROR")) =>
        {
            body().find(|l| !l.is_empty()).unwrap_or(first)
        }
        _ => first,
    }
    // A boxed title (`│ 1 Code Finding │`) without its box.
    .trim_matches(|c: char| c.is_whitespace() || c == '│')
}

/// The headline, and when it announces its message on the next line (`java.lang.AssertionError:`
/// over Hamcrest's `Expected: is <750>`), that line too — or that line alone, when the headline
/// says nothing of its own; not a frame.
fn with_its_message(block: &Block, headline: &str) -> String {
    if !headline.ends_with(':') {
        return headline.to_owned();
    }
    // A heading of plain words (Gradle's `* What went wrong:`, `Description:`) says nothing of
    // its own; nor does a shouted banner (`APPLICATION FAILED TO START`).
    let plain_heading = |l: &str| {
        l.ends_with(':')
            && l.split_whitespace().count() <= 4
            && l.chars()
                .all(|c| c.is_alphabetic() || matches!(c, ' ' | '*' | ':'))
    };
    // The message: the next line that has words, past rule lines and the report's own
    // banner and headings (Spring Boot's failure analysis under the record that logs it).
    let next = block
        .lines
        .iter()
        .map(|l| l.1.trim())
        .skip_while(|l| *l != headline)
        .skip(1)
        .filter(|l| !l.is_empty())
        .take(6)
        .find(|l| l.contains(char::is_alphanumeric) && !engine::shouted(l) && !plain_heading(l));
    // Not a frame, a diff's or a code frame's line, nor a heading or an opening; a sentence
    // that announces a list is a message (Gradle's `Plugin [id: …] was not found in any of
    // the following sources:`).
    let sentence = |l: &str| l.split_whitespace().count() >= 4;
    let message = |l: &&str| {
        !l.starts_with("at ")
            && !l.starts_with(['+', '-', '|', '│', '^', '~', '='])
            && (!l.ends_with([':', '{', '[']) || l.ends_with(':') && sentence(l))
            && !engine::code_frame(l)
    };
    // A heading that names nothing, or a log record whose message is empty (`… Reporter   :`,
    // the logger's separator and nothing after it), gives way to a sentence under it; one
    // that names something (`In function ‘main’:`, `TWO-ITEMS in CART []:`) or labels a value
    // (`Expected:` over `5`) stays in front of it.
    let says_nothing = plain_heading(headline) || headline.ends_with(" :");
    match next.filter(message) {
        Some(next) if says_nothing && sentence(next) => next.to_owned(),
        Some(next) => format!("{headline} {next}"),
        None => headline.to_owned(),
    }
}

/// The lines of `block` worth showing within `budget` raw lines, in one piece or two: a report
/// too long to show whole whose rule knows where it states what was found (pytest's `E` lines,
/// after the source of every frame) is shown from its title and with that conclusion.
fn report_ends(block: &Block, budget: usize) -> Vec<Vec<&(u64, String)>> {
    let whole = || vec![block_lines(block, budget)];
    let lines = &block.lines;
    let (Some(prefix), Some(first), Some(last)) =
        (block.rule.conclusion_prefix, lines.first(), lines.last())
    else {
        return whole();
    };
    if ((last.0 - first.0) as usize) < budget {
        return whole();
    }
    let concludes = |l: &(u64, String)| l.1.starts_with(prefix);
    let Some(run_end) = lines.iter().rposition(concludes) else {
        return whole();
    };
    let mut run_start = run_end;
    while run_start > 0
        && concludes(&lines[run_start - 1])
        && lines[run_start - 1].0 + 1 == lines[run_start].0
    {
        run_start -= 1;
    }
    // The location under the run (pytest's `path:12: AssertionError`, after a blank line).
    let end = lines[run_end + 1..]
        .iter()
        .take(2)
        .rposition(|l| !l.1.is_empty() && l.0 <= lines[run_end].0 + 2)
        .map_or(run_end, |i| run_end + 1 + i);
    let conclusion: Vec<&(u64, String)> = lines[run_start..=end]
        .iter()
        .rev()
        .take(budget / 2)
        .rev()
        .collect();
    let Some(from) = conclusion.first().map(|l| l.0) else {
        return whole();
    };
    // The head runs from the title to the first place the report names: the end of the test's
    // own frame (pytest's `tests/test_x.py:8: ` before the library's frames).
    let mut head: Vec<&(u64, String)> = block_lines(block, budget - conclusion.len())
        .into_iter()
        .filter(|l| l.0 < from)
        .collect();
    let anchor = block.anchored_lines().first().map_or(0, |l| l.0);
    if let Some(end) = head
        .iter()
        .position(|l| l.0 > anchor && names_a_place(&l.1))
    {
        head.truncate(end + 1);
    }
    vec![head, conclusion]
}

/// Whether a line starts with a place in a file (`tests/test_cart.py:12:`).
fn names_a_place(line: &str) -> bool {
    line.split_once(':').is_some_and(|(path, rest)| {
        path.contains('.')
            && !path.contains(char::is_whitespace)
            && rest.split_once(':').is_some_and(|(number, _)| {
                !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
            })
    })
}

/// What the program printed right above its traceback, when it says what the exception says
/// (pytest-benchmark's `Performance has regressed:` and the benchmark that did, over the
/// plugin's frames and `PerformanceRegression: Performance has regressed.`): the report the
/// exception only names. Empty otherwise.
fn echoed_preface(block: &Block) -> Vec<&(u64, String)> {
    let bare = |text: &str| text.trim().trim_end_matches(['.', ':', '!']).to_owned();
    let message = engine::exception_line(&block.lines)
        .and_then(|l| l.split_once(": "))
        .map(|(_, message)| bare(message))
        .filter(|m| m.split_whitespace().count() >= 2);
    match (message, block.preface.first()) {
        (Some(message), Some(first)) if bare(&first.1) == message => block.preface.iter().collect(),
        _ => Vec::new(),
    }
}

/// The lines of `block` worth showing within `budget` raw lines.
fn block_lines(block: &Block, budget: usize) -> Vec<&(u64, String)> {
    // A traceback is read from its end, and so is a report too long to show whole that quotes
    // one (its title is the test's name, its end the exception); everything else from its
    // anchor. The budget counts raw lines, so lines the block skipped (a long traceback's
    // middle) count too.
    let budget = budget as u64;
    let too_long = (block.lines.first())
        .zip(block.lines.last())
        .is_some_and(|(first, last)| last.0 - first.0 >= budget);
    let from_end =
        block.rule.shape == Shape::Traceback || block.quoted_traceback.is_some() && too_long;
    let mut lines: Vec<&(u64, String)> = if from_end {
        let Some(last) = block.lines.last().map(|l| l.0) else {
            return Vec::new();
        };
        let mut lines: Vec<_> = block
            .lines
            .iter()
            .rev()
            .take_while(|l| last - l.0 < budget)
            .collect();
        lines.reverse();
        lines
    } else {
        let Some(first) = block.lines.first().map(|l| l.0) else {
            return Vec::new();
        };
        block
            .lines
            .iter()
            .take_while(|l| l.0 - first < budget)
            .collect()
    };
    // A stack's outermost callers under its last frame in the project's own code (the test
    // runner's, the interpreter's) say nothing of where it failed.
    if block.rule.shape == Shape::Stack {
        // Each line's place, once: in installed code (`Some(true)`), the project's own
        // (`Some(false)`), or none.
        let installed: Vec<Option<bool>> = lines
            .iter()
            .map(|l| {
                let place = extract::locations([l.1.as_str()], 1).pop();
                place.map(|at| extract::is_foreign(&at.path))
            })
            .collect();
        // Python names code that has no file of its own `<frozen runpy>`, `<string>`.
        let foreign = |i: usize| {
            installed[i] == Some(true) || lines[i].1.trim_start().starts_with("File \"<")
        };
        if let Some(last_own) = installed.iter().rposition(|p| *p == Some(false)) {
            let callers = last_own + 1..lines.len();
            if callers.len() >= 3 && callers.clone().all(|i| lines[i].1.is_empty() || foreign(i)) {
                lines.truncate(last_own + 1);
            }
        }
    }
    while lines.last().is_some_and(|l| l.1.is_empty()) {
        lines.pop();
    }
    lines
}

/// What a report shows, as excerpts in the order they were added. A piece that touches or
/// overlaps an excerpt already there, or is parted from it by blank lines only or by a single
/// line, joins it, so no line is shown twice, an error's title found after the error still
/// reads above it, the findings a tool separates with blank lines read as one excerpt, and two
/// parts of one report (git's `remote: error:` and `! [remote rejected]` under its `To url`)
/// read as one rather than as two excerpts a line apart.
struct Shown<'a> {
    excerpts: Vec<Vec<&'a (u64, String)>>,
    /// The step's last blank lines (see [`Step::blanks`]).
    blanks: &'a VecDeque<(u64, String)>,
    /// The step's last lines (see [`Step::tail`]).
    tail: &'a VecDeque<(u64, String)>,
}

impl<'a> Shown<'a> {
    fn new(step: &'a Step) -> Self {
        Self {
            excerpts: Vec::new(),
            blanks: &step.blanks,
            tail: &step.tail,
        }
    }

    /// Line `n`, if it is one of the step's last blank lines.
    fn blank(blanks: &'a VecDeque<(u64, String)>, n: u64) -> Option<&'a (u64, String)> {
        blanks.iter().find(|l| l.0 == n)
    }

    /// The lines between `end` and `start` when all of them are blank (an empty gap: `Some` of
    /// none); `None` when one is not.
    fn blank_gap(
        blanks: &'a VecDeque<(u64, String)>,
        end: u64,
        start: u64,
    ) -> Option<Vec<&'a (u64, String)>> {
        let gap = start.saturating_sub(end + 1);
        if gap > blanks.len() as u64 {
            return None;
        }
        (end + 1..start).map(|n| Self::blank(blanks, n)).collect()
    }

    /// The line between `end` and `start`, when one remembered line parts them.
    fn one_line_gap(
        tail: &'a VecDeque<(u64, String)>,
        end: u64,
        start: u64,
    ) -> Option<&'a (u64, String)> {
        if start != end + 2 {
            return None;
        }
        tail.get(tail.partition_point(|l| l.0 <= end))
            .filter(|l| l.0 == end + 1)
    }

    /// Whether what ends at line `end` runs on into what starts at line `start`.
    fn runs_on(&self, end: u64, start: u64) -> bool {
        end + 1 >= start
            || Self::blank_gap(self.blanks, end, start).is_some()
            || Self::one_line_gap(self.tail, end, start).is_some()
    }

    fn add(&mut self, mut piece: Vec<&'a (u64, String)>) {
        let (Some(start), Some(end)) = (piece.first().map(|l| l.0), piece.last().map(|l| l.0))
        else {
            return;
        };
        let (blanks, tail) = (self.blanks, self.tail);
        let touching = self.excerpts.iter().position(|e| {
            e.first().is_some_and(|first| self.runs_on(end, first.0))
                && e.last().is_some_and(|last| self.runs_on(last.0, start))
        });
        let excerpt = match touching {
            Some(i) => {
                let excerpt = &mut self.excerpts[i];
                excerpt.append(&mut piece);
                excerpt.sort_by_key(|l| l.0);
                excerpt.dedup_by_key(|l| l.0);
                excerpt
            }
            None => {
                self.excerpts.push(piece);
                self.excerpts.last_mut().expect("just pushed")
            }
        };
        // The lines between its lines (blank, or the one that parted two pieces) are shown as
        // the log has them.
        let gaps: Vec<&'a (u64, String)> = excerpt
            .windows(2)
            .filter_map(|w| {
                Self::blank_gap(blanks, w[0].0, w[1].0)
                    .or_else(|| Some(vec![Self::one_line_gap(tail, w[0].0, w[1].0)?]))
            })
            .flatten()
            .collect();
        if !gaps.is_empty() {
            excerpt.extend(gaps);
            excerpt.sort_by_key(|l| l.0);
        }
    }

    /// Adds a piece shown before the others: the root cause of what they show.
    fn lead_with(&mut self, piece: Vec<&'a (u64, String)>) {
        let Some(start) = piece.first().map(|l| l.0) else {
            return;
        };
        self.add(piece);
        if let Some(i) = self
            .excerpts
            .iter()
            .position(|e| e.iter().any(|l| l.0 == start))
        {
            let excerpt = self.excerpts.remove(i);
            self.excerpts.insert(0, excerpt);
        }
    }

    /// Raw lines the excerpts span.
    fn spanned(&self) -> usize {
        self.excerpts
            .iter()
            .filter_map(|e| Some((e.last()?.0 - e.first()?.0 + 1) as usize))
            .sum()
    }

    fn contains(&self, n: u64) -> bool {
        self.excerpts.iter().any(|e| {
            e.first().is_some_and(|first| first.0 <= n) && e.last().is_some_and(|last| n <= last.0)
        })
    }

    fn into_excerpts(self) -> Vec<Excerpt> {
        Excerpt::within_budget(self.excerpts.iter().map(Vec::as_slice))
    }
}

impl Excerpt {
    /// The excerpts of `pieces`, in order, within the budget of lines shown: pieces that each
    /// kept to it can merge across the blank lines between them into more (a TeX error's `!`
    /// lines far apart), or come with an earlier step's cause, and the budget is the report's
    /// promise, so what runs past it is cut, later pieces first.
    fn within_budget<'a>(pieces: impl IntoIterator<Item = &'a [&'a (u64, String)]>) -> Vec<Self> {
        let mut left = MAX_SHOWN_LINES as u64;
        pieces
            .into_iter()
            .filter_map(|piece| {
                let first = piece.first()?.0;
                let kept: Vec<&(u64, String)> = piece
                    .iter()
                    .take_while(|l| l.0 - first < left)
                    .copied()
                    .collect();
                let excerpt = Self::of(&kept)?;
                left -= excerpt.end_line - excerpt.start_line + 1;
                Some(excerpt)
            })
            .collect()
    }

    /// The excerpt of consecutive kept lines; `None` for none.
    fn of(lines: &[&(u64, String)]) -> Option<Self> {
        let (first, last) = (lines.first()?, lines.last()?);
        Some(Self {
            start_line: first.0,
            end_line: last.0,
            text: collapse_repeats(lines.iter().map(|l| l.1.as_str())),
            new_since_baseline: None,
        })
    }
}

/// Joins lines, turning a run of identical lines into one with a count.
fn collapse_repeats<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut previous: Option<&str> = None;
    let mut run = 0usize;
    let flush = |out: &mut Vec<String>, line: &str, run: usize| {
        out.push(if run > 1 {
            format!("{line}  (×{run})")
        } else {
            line.to_owned()
        });
    };
    for line in lines {
        if previous == Some(line) {
            run += 1;
            continue;
        }
        if let Some(p) = previous {
            flush(&mut out, p, run);
        }
        previous = Some(line);
        run = 1;
    }
    if let Some(p) = previous {
        flush(&mut out, p, run);
    }
    out.join("\n")
}

/// `summary`, then what the failure an earlier command went on after said: its root cause.
fn after_earlier_failure(summary: &str, cause: &Block) -> String {
    let said = headline(cause).trim();
    format!("{summary}; earlier in the job: {}", shorten(said, 120))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}

/// The error of an earlier step worth showing with this step's failure: a failure an earlier step
/// went on after (`pip install x || true`) is often what this one lacks. It is the earlier error
/// that names something the symptom names (`names`: a quoted name, a file, a library), or the one
/// of an earlier command that does; under a `weak` symptom (a mere pointer, or no rule at all),
/// any failure the script said to ignore (`./configure || echo failed`). The step is redacted
/// before its lines are shown, and only then: looking costs less than redacting.
fn earlier_cause<'a>(earlier: &'a mut Step, names: &[&str], weak: bool) -> Vec<&'a Block> {
    let names_it = |l: &str| names.iter().any(|n| mentions(l, n));
    // Not in the code an error quotes (a traceback's line under its frame, a compiler's code
    // frame): a keyword a diagnostic quotes (gcc's `before ‘return’`) is in most code.
    let quotes_code = |above: Option<&(u64, String)>, line: &str| {
        engine::code_frame(line) || above.is_some_and(|(_, l)| engine::file_line_title(l))
    };
    let names_a_block = |step: &Step| {
        step.decisive
            .iter()
            .chain(step.generic.iter())
            .position(|b| {
                (b.lines.iter().enumerate()).any(|(i, (_, l))| {
                    names_it(l) && !quotes_code(i.checked_sub(1).map(|i| &b.lines[i]), l)
                })
            })
    };
    // A program the later step runs by its path (`./cart: No such file or directory`) is the
    // one an earlier command was to build (`gplc cart.pl -o cart`, `gcc -o cart …`).
    let builds_it = |command: &str| {
        let words: Vec<&str> = command.split_whitespace().collect();
        names
            .iter()
            .filter_map(|n| n.strip_prefix("./"))
            .any(|program| {
                words
                    .windows(2)
                    .any(|w| w[0] == "-o" && w[1].trim_start_matches("./") == program)
            })
    };
    let by_command = earlier
        .command
        .as_deref()
        .is_some_and(|c| names_it(c) || builds_it(c) || weak && earlier.lets_fail);
    let named = names_a_block(earlier);
    if !by_command && named.is_none() {
        return Vec::new();
    }
    // Redaction rewrites lines in place: the blocks and their order stay.
    earlier.redact();
    let earlier: &'a Step = earlier;
    let blocks = || earlier.decisive.iter().chain(earlier.generic.iter());
    let Some(cause) = named
        .and_then(|i| blocks().nth(i))
        .or_else(|| earlier.choose().first().copied())
    else {
        return Vec::new();
    };
    // The error's other lines printed right with it (pip's `No matching distribution` under its
    // `Could not find a version`) are the same error.
    let span = |b: &Block| Some((b.lines.first()?.0, b.lines.last()?.0));
    let Some((start, end)) = span(cause) else {
        return Vec::new();
    };
    let mut touching: Vec<&Block> = blocks()
        .filter(|b| span(b).is_some_and(|(s, e)| s <= end + 1 && e + 1 >= start))
        .collect();
    touching.sort_by_key(|b| b.lines.first().map(|l| l.0));
    touching
}

/// The cause (see [`earlier_cause`]) in the latest of the `earlier` steps that has one, `weak`
/// as that step makes the symptom, and whether the script let that step's command fail.
fn root_cause<'a>(
    earlier: &'a mut [Step],
    names: &[&str],
    weak: impl Fn(&Step) -> bool,
) -> (bool, Vec<&'a Block>) {
    (earlier.iter_mut().rev())
        .find_map(|step| {
            let let_fail = step.lets_fail;
            let weak = weak(step);
            let cause = earlier_cause(step, names, weak);
            (!cause.is_empty()).then_some((let_fail, cause))
        })
        .unwrap_or_default()
}

/// Whether a symptom says something is not there (`Cannot find module './generated/api.js'`,
/// `c.String undefined`, `no such table: orders`): what an earlier command the script let fail
/// (a code generator, a migration) was to make.
fn says_missing(line: &str) -> bool {
    rules::says_any(
        line,
        &[
            "cannot find",
            "can't find",
            "could not find",
            "not found",
            "no such",
            "undefined",
            "does not exist",
            "no module named",
            "unresolved",
        ],
    )
}

/// Whether a command is one that makes what later steps use (a generator, a migration, an
/// install or fetch, a build), by the words it is run with; a checker (`./lint.sh`) makes nothing.
fn makes_things(command: &str) -> bool {
    rules::says_any(
        command,
        &[
            "gen",
            "migrat",
            "install",
            "fetch",
            "download",
            "build",
            "compile",
            "configure",
            "setup",
            "bootstrap",
            "restore",
            "sync",
        ],
    )
}

/// Whether `line` mentions `name` as a word of its own: not `cart` in `carts`, nor `shop` in
/// `workshop`.
pub(crate) fn mentions(line: &str, name: &str) -> bool {
    let part_of_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    line.match_indices(name).any(|(at, _)| {
        !part_of_word(line[..at].chars().next_back())
            && !part_of_word(line[at + name.len()..].chars().next())
    })
}

/// What a line names in quotes (`'shopx'`, `"lib.so"`, `` `x_total` ``, `‘main’`): a module, a
/// file, a symbol. Names shorter than 3 characters or with white space are left out: they are
/// punctuation and prose, not names; so are short lowercase words (checkstyle's `'for'
/// construct`, jq's `"port"`), as often the prose of another line as a name in it, and numbers
/// and addresses (`"127.0.0.1"`), values many lines hold.
fn quoted_names(line: &str) -> Vec<&str> {
    const PAIRS: [(char, char); 5] = [('\'', '\''), ('"', '"'), ('`', '`'), ('‘', '’'), ('“', '”')];
    let mut names = Vec::new();
    for (open, close) in PAIRS {
        let mut rest = line;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + open.len_utf8()..];
            let Some(end) = after.find(close) else { break };
            let name = &after[..end];
            let word = name.len() < 5 && name.bytes().all(|b| b.is_ascii_lowercase());
            if name.chars().count() >= 3
                && !word
                && !name.contains(char::is_whitespace)
                && name.chars().any(char::is_alphabetic)
            {
                names.push(name);
            }
            rest = &after[end + close.len_utf8()..];
        }
    }
    names
}

/// What a line names: its quoted names, and unquoted files (`release.json`, `dist/app.js`) and
/// libraries (`-lyaml` names `yaml`), which tools print bare.
fn named_things(line: &str) -> Vec<&str> {
    let mut names = quoted_names(line);
    for word in line.split_whitespace() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric() && !"._/-".contains(c));
        let word = word.trim_end_matches(['.', ':']);
        if let Some(library) = word.strip_prefix("-l").filter(|l| l.len() >= 3) {
            names.push(library);
        } else if word.len() >= 5
            && word.contains(['.', '/'])
            && !word.starts_with('/')
            && word.chars().any(char::is_alphabetic)
            && !names.contains(&word)
        {
            names.push(word);
        }
    }
    names
}

/// Lines of the step's end shown when no strong rule names the cause.
const TAIL_SHOWN: usize = 8;
/// Lines kept for the end of a chain's first traceback (its exception) under the last one.
const ROOT_CAUSE_LINES: usize = 8;
/// Lines a command may print after an environment event, up to the step's end, to be shown as
/// its last words.
const LAST_WORDS: usize = 4;

/// Whether `lines` are few enough to be a command's last words: wrappers' reports of the exit
/// among them count apart (tox's three lines under buildah's `Error: building at STEP …`).
fn fits_last_words(lines: &[&(u64, String)]) -> bool {
    lines.len() <= 2 * LAST_WORDS
        && lines.iter().filter(|l| !engine::reports_exit(&l.1)).count() <= LAST_WORDS
}

/// The last run of consecutive lines of `lines` (in the log's order), up to `max`. With
/// `bridge`, a run of one or two lines also takes the run one blank line above it: a tool's
/// closing count (`Total: 3 warnings / 0 errors`) is about what it counts.
fn last_run<'a>(
    lines: impl DoubleEndedIterator<Item = &'a (u64, String)>,
    max: usize,
    bridge: bool,
) -> Vec<&'a (u64, String)> {
    let mut run: Vec<&(u64, String)> = Vec::new();
    let mut bridged = !bridge;
    for line in lines.rev() {
        if run.len() == max {
            break;
        }
        if let Some(next) = run.last() {
            let gap = next.0 - line.0;
            let over_blank = gap == 2 && !bridged && run.len() < 3;
            if gap != 1 && !over_blank {
                break;
            }
            bridged |= over_blank;
        }
        run.push(line);
    }
    run.reverse();
    run
}

/// Whether a line speaks of warnings (pandoc's `Failing because there were warnings.`, clang's
/// `1 warning generated.`), not of one it labels so (hadolint's `Dockerfile:2 DL3008 warning:
/// …`) nor of a field (ESLint's `"warningCount"`).
fn speaks_of_warnings(line: &str) -> bool {
    let line = line.to_ascii_lowercase();
    line.match_indices("warning").any(|(at, word)| {
        let after = line[at + word.len()..].chars().next();
        !line[..at].ends_with(|c: char| c.is_alphanumeric())
            && after.is_none_or(|c| c == 's' || !c.is_alphanumeric() && c != ':')
    })
}

/// How many of the lines that open `run` a command logged below error level as it started, on
/// line `from` and under (pip's warning about running as root, the JVM's `Picked up
/// JAVA_TOOL_OPTIONS`), to be left out: they are no part of what it said after, when something
/// said after is neither at such a level nor a report of the exit, nothing after speaks of
/// warnings (pandoc's `Failing because there were warnings.`: a tool's warnings and their
/// verdict are shown together), and the line after them is not the same program's (npm's `npm
/// error` under its `npm warn audit 405 …`).
fn opening_records(run: &[&(u64, String)], from: u64) -> usize {
    let rules = Rules::get();
    let records = (run.iter())
        .take_while(|l| rules.logged_below_error(&l.1))
        .count();
    fn program(line: &str) -> Option<&str> {
        line.split_whitespace().next()
    }
    let rest = &run[records..];
    if records > 0
        && run[0].0 == from
        && rest.iter().any(|l| !engine::reports_exit(&l.1))
        && !rest
            .iter()
            .any(|l| rules.logged_below_error(&l.1) || speaks_of_warnings(&l.1))
        && program(&run[records - 1].1) != rest.first().and_then(|l| program(&l.1))
    {
        records
    } else {
        0
    }
}

/// `lines`, the command's last words, and the report of how the command exited right under
/// them (xargs' `sh: exited with status 255; aborting`, make's `*** [ci] Error 1`, npm's block):
/// one wrapper's, its lines under the same tag. The wrappers around that one (a task runner's
/// over npm's) report the same exit again.
fn with_exit_reports<'a>(step: &'a Step, lines: &[&'a (u64, String)]) -> Vec<&'a (u64, String)> {
    let Some(last) = lines.last().map(|l| l.0) else {
        return Vec::new();
    };
    let tag = |l: &str| l.split_whitespace().next().unwrap_or_default().to_owned();
    let mut end = last;
    let mut wrapper = None;
    let reports = step
        .tail
        .iter()
        .skip_while(|l| l.0 <= last)
        .take_while(|l| {
            let under = l.0 == end + 1
                && engine::reports_exit(&l.1)
                && *wrapper.get_or_insert_with(|| tag(&l.1)) == tag(&l.1);
            end = l.0;
            under
        });
    lines.iter().copied().chain(reports).collect()
}

/// The step's last run of consecutive lines, bridging a closing count (see [`last_run`]): of the
/// lines new since the passing run, when the log was `compared` with one and printed any. Up to
/// `max` lines, or the whole unified diff the step ends with (a formatter's check printing
/// `gofmt -d`'s, `isort --diff`'s or `git diff`'s output as its verdict).
fn last_paragraph(step: &Step, compared: bool, max: usize) -> Vec<&(u64, String)> {
    let source = if compared && !step.new_tail.is_empty() {
        &step.new_tail
    } else {
        &step.tail
    };
    let mut said = engine::said_last(source, step.recipe_echo);
    let start = engine::wrapped_output_start(source, said, step.recipe_echo);
    let from = source.get(start).map_or(0, |l| l.0);
    let mut run = last_run(source.range(start..said), MAX_SHOWN_LINES.max(max), true);
    // (Unless the links are all the step printed.)
    if references(&run) && said - run.len() > start {
        said -= run.len();
        run = last_run(source.range(start..said), MAX_SHOWN_LINES.max(max), true);
    }
    let start = start + opening_records(&run, from);
    let shown = paragraph_shown(source, source.range(start..said), max);
    // A step that printed nothing after its own echo: the echo is its last words.
    match (shown.is_empty(), &step.announcement) {
        (true, Some(announcement)) => vec![announcement],
        _ => shown,
    }
}

/// A closing list of links under its heading (`For more information:` over `  https://…` lines,
/// as linters print their rules' pages): it says where to read about what was found above it. A
/// heading that says something else (`Could not download from:`) is the error itself.
fn references(run: &[&(u64, String)]) -> bool {
    const SAY_WHERE_TO_READ: [&str; 6] =
        ["info", "details", "documentation", "docs", "learn", "see "];
    run.len() >= 2
        && run[0].1.trim_end().ends_with(':')
        && rules::says_any(&run[0].1, &SAY_WHERE_TO_READ)
        && run[1..].iter().all(|l| {
            l.1.trim_start().starts_with("https://") || l.1.trim_start().starts_with("http://")
        })
}

/// What is shown of `output`, what a command printed (in `source`, from under a wrapper's echo
/// of it): of its last run of consecutive lines (see [`last_run`]), up to `max` last lines, or
/// the whole of what they end (a diff, a value, an outline, a titled report).
fn paragraph_shown<'a>(
    source: &'a VecDeque<(u64, String)>,
    output: impl DoubleEndedIterator<Item = &'a (u64, String)>,
    max: usize,
) -> Vec<&'a (u64, String)> {
    // (Nothing above the output's first line is looked up: not the wrapper's echo.)
    let mut output = output.peekable();
    let from = output.peek().map_or(0, |l| l.0);
    let mut run = last_run(output, MAX_SHOWN_LINES.max(max), true);
    if let Some(section) = first_section_before_advice(source, &run, max) {
        return section;
    }
    let cut = run.len().saturating_sub(max);
    // (A diff with a weak verdict under it, cram's `# Ran 2 tests, 0 skipped, 1 failed.`.)
    if let Some(start) = whole_diff(&run, 2).filter(|start| *start < cut) {
        return run.split_off(diff_introduced(start));
    }
    if let Some(diff) = diff_over_blank_context(source, from, &run, 2) {
        return diff;
    }
    if let Some(start) = whole_value(&run).filter(|start| *start < cut) {
        return run.split_off(start);
    }
    let line = |n: u64| source.iter().rev().find(|l| l.0 == n).filter(|_| n >= from);
    // An outline (abidiff's changed function over how each of its types changed), or a report
    // under its underlined title (write-good's `In README.md` over `=====`): its root or title
    // says what the lines are about, so it is shown whole when it fits, with the sentence a
    // blank line above that announces it (`1 function with some indirect sub-type change:`).
    if cut > 0
        && run.len() < MAX_SHOWN_LINES
        && (run[1..]
            .iter()
            .all(|l| engine::indent_of(&l.1) > engine::indent_of(&run[0].1))
            || engine::underline(&run[1].1) && !engine::underline(&run[0].1))
    {
        let first = run[0].0;
        if let Some(sentence) = first
            .checked_sub(2)
            .and_then(line)
            .filter(|l| {
                l.1.ends_with(':') && engine::indent_of(&l.1) <= engine::indent_of(&run[0].1)
            })
            .filter(|_| line(first - 1).is_none())
        {
            run.insert(0, sentence);
        }
        return run;
    }
    let cut = box_table_start(&run, status_column_start(&run, cut));
    let mut run = run.split_off(cut);
    if cut == 0
        && let Some(first) = run.first().map(|l| l.0)
        && first > 3
        && line(first - 1).is_none()
        && let Some(title) = line(first - 2)
    {
        // The line one blank line above a whole paragraph that names its file titles it
        // (luacheck's `Checking src/cart.lua   3 warnings` over its findings), and so does an
        // underlined title (import-linter's broken contract over its `-----`).
        if engine::names_same_file(&run[0].1, &title.1) {
            run.insert(0, title);
        } else if engine::underline(&title.1)
            && let Some(text) = line(first - 3)
            && text.1.trim().chars().count() == title.1.trim().chars().count()
        {
            run.splice(0..0, [text, title]);
        }
    }
    // Findings grouped under titles ruled off (djLint's template name over `───`): the groups
    // above the last, a blank line apart, are the same report.
    let ruled_title = |run: &[&(u64, String)]| run.len() >= 2 && engine::underline(&run[1].1);
    while cut == 0 && ruled_title(&run) {
        let first = run[0].0;
        let above = last_run(
            source.iter().filter(|l| l.0 >= from && l.0 + 1 < first),
            max,
            false,
        );
        if above.last().is_none_or(|l| l.0 + 2 != first)
            || !ruled_title(&above)
            || above.len() + run.len() > max
        {
            break;
        }
        run.splice(0..0, above);
    }
    // A table drawn in a box says which cases, not what is wrong: the sentence a blank line or
    // two above it does (attw's `Import resolved to JavaScript files, but no type declarations
    // were found.` over its table of resolutions).
    if cut == 0
        && let Some(first) = run
            .first()
            .filter(|l| l.1.trim_start().starts_with(['┌', '╭', '╔']))
        && let Some(sentence) = (2..=3)
            .filter_map(|up| first.0.checked_sub(up))
            .find_map(line)
            .filter(|l| l.1.split_whitespace().count() >= 4 && !l.1.contains(['│', '┘', '╯']))
        && ((sentence.0 + 1)..first.0).all(|n| line(n).is_none())
    {
        run.insert(0, sentence);
    }
    run
}

/// Where the list the cut falls into starts, when its lines open with one status word in capitals
/// (cargo-mutants' `MISSED   src/lib.rs:3:17: replace > with ==`, one line per finding): the
/// list is the report, so it is not cut in the middle. A logger's low level (`INFO`, `DEBUG`) is
/// no status; `cut` itself otherwise.
fn status_column_start(run: &[&(u64, String)], cut: usize) -> usize {
    fn status(text: &str) -> Option<&str> {
        text.split_once(' ').map(|(word, _)| word).filter(|word| {
            word.len() >= 3
                && word.bytes().all(|b| b.is_ascii_uppercase())
                && !Rules::get().logged_below_error(text)
        })
    }
    let Some(word) = run.get(cut).and_then(|l| status(&l.1)) else {
        return cut;
    };
    let above = run[..cut]
        .iter()
        .rev()
        .take_while(|l| status(&l.1) == Some(word))
        .count();
    cut - above
}

/// Where the table drawn in a box that the cut falls into starts, at its top border
/// (frictionless' table of invalid rows, `┏━━━┳━━━┓` over the header and the rows): the rows are
/// the report, so it is not cut in the middle; `cut` itself otherwise.
fn box_table_start(run: &[&(u64, String)], cut: usize) -> usize {
    let in_box = |text: &str| {
        text.trim_start()
            .starts_with(['│', '┃', '├', '┡', '╞', '║', '┣'])
    };
    if !run.get(cut).is_some_and(|l| in_box(&l.1)) {
        return cut;
    }
    let above = run[..cut].iter().rev().take_while(|l| in_box(&l.1)).count();
    match cut.checked_sub(above + 1) {
        Some(top) if run[top].1.trim_start().starts_with(['┌', '┏', '╭', '╔']) => top,
        _ => cut,
    }
}

/// The cells of a row of a table drawn in a box (`│ 3   │ type-error │ Type error in … │`), the
/// empty ones left out, in words; `None` for a line that is no such row.
fn box_row(line: &str) -> Option<String> {
    let row = line.trim();
    let cells = row.strip_prefix(['│', '┃'])?.strip_suffix(['│', '┃'])?;
    let cells: Vec<&str> = cells
        .split(['│', '┃'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    (!cells.is_empty()).then(|| cells.join(" · "))
}

/// A report in sections under headings in capitals (REUSE's `# MISSING COPYRIGHT AND LICENSING
/// INFORMATION`, `# SUMMARY`, `# RECOMMENDATIONS`) that ends in advice: the advice is the same
/// whatever failed, and the first section says what is wrong. Its heading and up to `max` of its
/// lines; `None` when the run is not under a heading of advice.
fn first_section_before_advice<'a>(
    source: &'a std::collections::VecDeque<(u64, String)>,
    run: &[&(u64, String)],
    max: usize,
) -> Option<Vec<&'a (u64, String)>> {
    let heading = |l: &str| {
        l.strip_prefix("# ").is_some_and(|title| {
            title.len() >= 4
                && title
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b == b' ' || b == b'/')
        })
    };
    let start = run.first()?.0;
    let headings: Vec<&(u64, String)> = source.iter().filter(|l| heading(&l.1)).collect();
    let last = headings.iter().rev().find(|l| l.0 <= start)?;
    let advice = [
        "RECOMMENDATION",
        "SUGGESTION",
        "HINT",
        "NEXT STEPS",
        "HOW TO FIX",
    ]
    .iter()
    .any(|w| last.1.contains(w));
    let first = headings
        .first()
        .filter(|first| advice && first.0 < last.0)?;
    let end = headings.get(1).map_or(start, |next| next.0);
    Some(
        source
            .iter()
            .filter(|l| l.0 >= first.0 && l.0 < end)
            .take(max)
            .collect(),
    )
}

/// Where the bracketed value a run of lines ends with begins (a JavaScript object or a JSON
/// array dumped over many lines, ajv's errors), with the line that introduces it; `None` when
/// the run does not end by closing one.
fn whole_value(run: &[&(u64, String)]) -> Option<usize> {
    let last = run.last()?.1.trim_start();
    if !last.starts_with([']', '}', ')']) {
        return None;
    }
    let mut depth = 0i64;
    for (i, line) in run.iter().enumerate().rev() {
        for b in line.1.bytes() {
            match b {
                b']' | b'}' | b')' => depth += 1,
                b'[' | b'{' | b'(' => depth -= 1,
                _ => {}
            }
        }
        if depth == 0 {
            return Some(i.saturating_sub(1));
        }
        if depth < 0 {
            return None;
        }
    }
    None
}

/// The whole unified diff a run of its lines ends, when blank lines part it from its headers:
/// a context line that is a lone space reads as a blank line (`git diff` of a go.mod tidied).
/// Not above line `from`, where the command's output starts.
fn diff_over_blank_context<'a>(
    source: &'a VecDeque<(u64, String)>,
    from: u64,
    run: &[&'a (u64, String)],
    trailing: usize,
) -> Option<Vec<&'a (u64, String)>> {
    let first = run
        .first()
        .filter(|l| l.1.starts_with([' ', '+', '-', '@']))?;
    let mut diff: Vec<&(u64, String)> = run.to_vec();
    let mut next = first.0;
    for line in source.iter().rev().skip_while(|l| l.0 >= first.0) {
        if diff.len() == MAX_SHOWN_LINES || next - line.0 > 2 || line.0 < from {
            break;
        }
        diff.insert(0, line);
        next = line.0;
    }
    let start = whole_diff(&diff, trailing)?;
    Some(diff.split_off(diff_introduced(start)))
}

/// Where the unified diff a run of lines ends with begins: its `---`/`+++` header, or the
/// `diff --git`/`index` lines over it; `None` when the run ends otherwise, after at most
/// `trailing` lines of something else (cram's `.` for the next test, which passed).
fn whole_diff(run: &[&(u64, String)], trailing: usize) -> Option<usize> {
    let header = run
        .windows(2)
        .rposition(|w| w[0].1.starts_with("--- ") && w[1].1.starts_with("+++ "))?;
    let body = &run[header + 2..];
    let diff_lines = body
        .iter()
        .take_while(|l| l.1.starts_with(['+', '-', ' ', '@', '\\']))
        .count();
    let is_diff =
        body.first().is_some_and(|l| l.1.starts_with("@@")) && body.len() - diff_lines <= trailing;
    const GIT_HEADER: [&str; 8] = [
        "diff ",
        "index ",
        "new file mode",
        "deleted file mode",
        "old mode",
        "new mode",
        "similarity index",
        "rename ",
    ];
    let above = run[..header]
        .iter()
        .rev()
        .take_while(|l| GIT_HEADER.iter().any(|h| l.1.starts_with(h)))
        .count();
    is_diff.then_some(header - above)
}

/// Where a diff that starts at `start` in a run is shown from: the few lines the tool printed
/// right over it in the same run say what it compared (dune's `File "test/total.t", line 1,
/// characters 0-0:` and the command it ran; cram's `!` for the test that failed).
fn diff_introduced(start: usize) -> usize {
    const INTRODUCTION: usize = 3;
    start.saturating_sub(INTRODUCTION)
}

/// The run of consecutive lines of the step that ends right above line `anchor` (or a blank line
/// above it, `over_blank`): its last few lines, and above them the lines of the same form as its
/// top one (a linter's findings, one per line: `rules/es6.js failed indent_char: …`), up to `max`.
fn paragraph_above(step: &Step, anchor: u64, over_blank: bool, max: usize) -> Vec<&(u64, String)> {
    // From the output of the last command a wrapper echoed, not its echo.
    let above = step.tail.partition_point(|l| l.0 < anchor);
    let start = engine::wrapped_output_start(&step.tail, above, step.recipe_echo);
    let from = step.tail.get(start).map_or(0, |l| l.0);
    let mut run = last_run(step.tail.range(start..above), max, false);
    run.drain(..opening_records(&run, from));
    let gap = if over_blank { 2 } else { 1 };
    if run.last().is_none_or(|l| l.0 + gap < anchor) {
        return Vec::new();
    }
    // A weak verdict under a diff (cram's `# Ran 2 tests, 0 skipped, 1 failed.`): the diff is
    // what failed.
    if let Some(start) = whole_diff(&run, 2) {
        return run.split_off(diff_introduced(start));
    }
    if let Some(diff) = diff_over_blank_context(&step.tail, from, &run, 2) {
        return diff;
    }
    let cut = run.len().saturating_sub(TAIL_SHOWN);
    let form_run = run[..cut]
        .iter()
        .rev()
        .zip(run[..=cut].iter().rev())
        .take_while(|(line, below)| same_form(&line.1, &below.1))
        .count();
    run.split_off(cut - form_run)
}

/// A unit of work a build tool's verdict names: the header it printed when the unit started.
enum Unit {
    /// Maven's goal, as its section header names it: `:3.0.5:check (default) @ shop`.
    MavenGoal(String),
    /// Gradle's task (`:checkstyleMain`).
    GradleTask(String),
}

impl Unit {
    /// The unit a verdict line names: Maven's `Failed to execute goal g:a:3.0.5:check (default)
    /// on project shop: …`, Gradle's `Execution failed for task ':checkstyleMain'.`
    fn named_by(line: &str) -> Option<Unit> {
        if let Some(rest) = line.split_once("Failed to execute goal ").map(|(_, r)| r) {
            let (coordinates, project) = rest.split_once(" on project ")?;
            let project = project.split(':').next()?;
            let (goal, execution) = coordinates.split_once(" (")?;
            let mut parts = goal.rsplit(':');
            let (goal, version) = (parts.next()?, parts.next()?);
            return Some(Unit::MavenGoal(format!(
                ":{version}:{goal} ({execution} @ {project}"
            )));
        }
        let task = line
            .strip_prefix("Execution failed for task '")?
            .strip_suffix("'.")?;
        Some(Unit::GradleTask(task.to_owned()))
    }

    /// Whether `line` is the unit's header (Gradle prints a task's again, `FAILED`, after it).
    fn opens(&self, line: &str) -> bool {
        match self {
            Unit::MavenGoal(needle) => line.starts_with("[INFO] --- ") && line.contains(needle),
            Unit::GradleTask(task) => {
                let name = line.strip_prefix("> Task ").unwrap_or(line);
                name.strip_suffix(" FAILED").unwrap_or(name) == task
            }
        }
    }

    /// Whether `line` ends the unit's output: the next unit's header, the tool's closing lines.
    fn ends(&self, line: &str) -> bool {
        match self {
            Unit::MavenGoal(_) => {
                line.starts_with("[INFO] --- ") && line.contains(" @ ")
                    || line == "[INFO] BUILD FAILURE"
                    || line.starts_with("[INFO] ---------------")
            }
            Unit::GradleTask(_) => {
                line.starts_with("> Task :")
                    || line.starts_with(':') && !line.contains(char::is_whitespace)
                    || line.starts_with("FAILURE: ")
            }
        }
    }
}

/// What the unit of work a verdict names printed (a Maven goal's section, a Gradle task's
/// output): its findings, which plugins often log at INFO or WARN level (FindBugs' bug, JaCoCo's
/// violated rule, Checkstyle's warnings under `maxWarnings = 0`), as the verdict's cause. Up to
/// `max` lines: from its first line at a place in a file (javadoc's warnings come before its
/// pages of progress), else its last. Gradle's `What went wrong` only ever sums up the task's failure; a
/// Maven goal's failure often says the cause itself (`Error locating assembly descriptor: …`), so
/// its section counts only when the primary block is a pointer (`You have 2 Checkstyle
/// violations.`, or Maven's `[INFO] BUILD FAILURE` under it), and then the last goal the step
/// names. None when the verdict names no unit, or its start is not in the tail; no lines when
/// the unit printed none that may be a finding (Surefire's goal under `-Dtest=` that ran no
/// test): then nothing above the verdict is its cause either.
fn pointed_unit<'a>(step: &'a Step, primary: &Block, max: usize) -> Option<Vec<&'a (u64, String)>> {
    let pointer = primary.rule.tier >= 3;
    // (With whether the verdict, or the line right under it, reports how a command the unit
    // ran exited: Maven's `… Process exited with an error: 1`, Gradle's `> Process 'command
    // 'cram'' finished with non-zero exit value 1` under `Execution failed for task ':ci'.`)
    let exit_under = |n: u64| {
        (step.tail.iter())
            .find(|l| l.0 == n + 1)
            .is_some_and(|l| engine::reports_exit(&l.1))
    };
    let name = |(n, l): &(u64, String)| {
        let unit = Unit::named_by(l.trim())?;
        Some((unit, *n, engine::reports_exit(l) || exit_under(*n)))
    };
    let named = if pointer {
        step.tail.iter().rev().find_map(name)
    } else {
        primary.anchored_lines().iter().find_map(name)
    };
    let (unit, anchor, verdict_reports_exit) =
        named.filter(|(unit, ..)| pointer || matches!(unit, Unit::GradleTask(_)))?;
    let above: Vec<&(u64, String)> = step.tail.iter().filter(|l| l.0 < anchor).collect();
    let start = above.iter().position(|l| unit.opens(&l.1))?;
    let output: Vec<&(u64, String)> = above[start..]
        .iter()
        .copied()
        .filter(|l| !unit.opens(&l.1))
        .take_while(|l| !unit.ends(&l.1))
        .collect();
    // Without its empty lines and bare level tags at either end.
    let says = |l: &&(u64, String)| !engine::without_level_tag(&l.1).is_empty();
    let (Some(first), Some(last)) = (output.iter().position(says), output.iter().rposition(says))
    else {
        return Some(Vec::new());
    };
    // Not the report of how the command a goal ran exited (the exec plugin's), which points
    // at what the command printed above it.
    let mut last = last;
    while last > first && engine::reports_exit(&output[last].1) {
        last -= 1;
    }
    let said = &output[first..=last];
    // What a goal that ran a command printed (the exec plugin's, whose report of the exit ends
    // its output; AntRun's, which Maven's verdict on the goal reports: `An Ant BuildException
    // has occured: exec returned: 1`) is the command's last words, shown as a step's are.
    let ran_a_command = said.len() < output.len() - first || verdict_reports_exit;
    let Some(first_finding) = said.iter().position(|l| finding(&l.1)) else {
        return Some(Vec::new());
    };
    if ran_a_command {
        return Some(command_output_shown(
            step,
            primary,
            &said[first_finding..],
            max,
        ));
    }
    let shown = match said
        .iter()
        .position(|l| rules::located(engine::without_level_tag(&l.1)))
    {
        Some(place) => said[place..].iter().take(max).copied().collect(),
        // (Not the plugin's progress before it: AntRun's `[INFO] Executing tasks`.)
        None => said[said.len().saturating_sub(max).max(first_finding)..].to_vec(),
    };
    Some(shown)
}

/// What is shown of what the command a goal or task ran printed (`output`, from its first
/// finding): its last words, as a step's are (see [`paragraph_shown`]).
fn command_output_shown<'a>(
    step: &'a Step,
    primary: &Block,
    output: &[&'a (u64, String)],
    max: usize,
) -> Vec<&'a (u64, String)> {
    let mut shown = paragraph_shown(&step.tail, output.iter().copied(), max);
    // A weak anchor in what the command printed, above its last words (pub's verdict, its
    // advice two blank lines down; RSpec's `Failure/Error:` in a load error's report): from
    // its paragraph down, all of it is shown when it fits, as a step's would be.
    if primary.rule.tier >= 3
        && let Some(anchor) = primary.lines.first().map(|l| l.0)
        && let Some(first) = shown.first().map(|l| l.0)
        && output.first().is_some_and(|l| l.0 <= anchor)
        && anchor < first
        && let Some(start) = last_run(output.iter().copied().filter(|l| l.0 <= anchor), max, false)
            .first()
            .map(|l| l.0)
        && shown
            .last()
            .is_some_and(|l| l.0 - start < MAX_SHOWN_LINES as u64)
    {
        shown = output.iter().copied().filter(|l| l.0 >= start).collect();
    }
    // With the report of the exit right under them by what ran the command in turn (xargs'
    // `sh: exited with status 255; aborting`, npm's block), as a step's last words are; not
    // the plugin's own (`[ERROR] Command execution failed.`, Commons Exec's exception).
    let mut shown = with_exit_reports(step, &shown);
    while shown.len() > 1
        && shown.last().is_some_and(|l| {
            engine::reports_exit(&l.1) && (l.1.starts_with('[') || engine::raised(&l.1))
        })
    {
        shown.pop();
    }
    shown
}

/// The first of `lines` that names a place, else the last that is `said`, trimmed.
fn first_place_else_last<'a>(
    lines: &[&'a (u64, String)],
    said: impl Fn(&str) -> bool,
) -> Option<&'a str> {
    (lines.iter().find(|l| extract::names_a_place(&l.1)))
        .or_else(|| lines.iter().rev().find(|l| said(&l.1)))
        .map(|l| l.1.trim())
}

/// Whether a line a unit of work printed may be a finding: it names a place, or it is not
/// logged at INFO level (where a build tool's plugins log their progress).
fn finding(line: &str) -> bool {
    extract::names_a_place(line) || !(line.starts_with("[INFO]") || line.starts_with("[info]"))
}

/// Whether two lines are items of one list: the same words after the first (`a.js failed
/// indent_char: found …` and `b.js failed indent_char: found …`).
fn same_form(a: &str, b: &str) -> bool {
    let mut a = a.split_whitespace().skip(1).take(2);
    let mut b = b.split_whitespace().skip(1).take(2);
    (0..2).all(|_| matches!((a.next(), b.next()), (Some(x), Some(y)) if x == y))
}

fn build_report(finished: Finished, meta: &JobMeta) -> Report {
    let Finished {
        step,
        earlier,
        lines_total,
        baseline,
        checkout,
        last_passed,
        gaps,
    } = finished;
    // Which kept lines the passing run printed too (of this step and of an earlier one whose
    // failure may be shown with it), read before redaction changes them.
    let known = baseline.as_ref().map(|b| {
        step.iter()
            .chain(earlier.iter())
            .flat_map(|s| s.known_lines(b))
            .collect::<std::collections::HashSet<u64>>()
    });
    let mut report = step_report(
        step,
        earlier,
        lines_total,
        meta,
        baseline.is_some(),
        checkout.as_deref(),
    )
    .unwrap_or_else(|| passed_report(last_passed, lines_total));
    if let Some(known) = known {
        for e in &mut report.excerpts {
            e.new_since_baseline = Some((e.start_line..=e.end_line).any(|n| !known.contains(&n)));
        }
    }
    for e in &mut report.excerpts {
        (e.start_line, e.end_line) = (gaps.opened(e.start_line), gaps.opened(e.end_line));
    }
    report.baseline = baseline.map(|b| BaselineUsed {
        identity: b.identity().map(str::to_owned),
        lines: b.lines(),
        truncated: b.truncated(),
    });
    report
}

/// The report when no step failed: every command the log shows passed (the job failed after
/// them: a deploy stage that printed nothing, the CI's own check), or the log holds none.
fn passed_report(last_passed: Option<String>, lines_total: u64) -> Report {
    let (rule, summary, hint, headline) = match last_passed {
        Some(command) => {
            // (Taken from the log, as a step's text is: redacted the same way.)
            let command = redact::redact(&command).into_owned();
            (
                RULE_ALL_PASSED,
                format!(
                    "Every command the log shows exited with 0 (the last: {command}), yet the job failed."
                ),
                "The job failed outside its commands' output: check the stages that print nothing (a deploy's conditions, an after_script), the CI's configuration and its settings.",
                format!("$ {command}"),
            )
        }
        None => (
            RULE_EMPTY,
            "The log is empty: the job failed before it printed anything.".to_owned(),
            "Check the job's configuration and the runner: it produced no output.",
            String::new(),
        ),
    };
    Report {
        category: Category::Unknown,
        summary,
        excerpts: vec![],
        locations: vec![],
        failing_tests: vec![],
        hint: hint.into(),
        fingerprint: extract::fingerprint(rule, []),
        confidence: 0.0,
        failing_command: None,
        lines_total,
        rule: rule.into(),
        headline,
        baseline: None,
    }
}

/// The report on the failing `step`, if any.
fn step_report(
    step: Option<Step>,
    mut earlier: Vec<Step>,
    lines_total: u64,
    meta: &JobMeta,
    compared: bool,
    checkout: Option<&str>,
) -> Option<Report> {
    let mut step = step?;
    // Everything below is taken from the step's text, so this covers every field.
    step.redact();
    // Of a collapsed block the runner showed the first line: the ellipsis says more ran.
    let failing_command = (step.command.as_deref()).map(|c| match step.collapsed {
        true => format!("{} …", c.trim_end().trim_end_matches('\\').trim_end()),
        false => c.to_owned(),
    });
    let failing_tests: Vec<String> = step.failing_tests.iter().take(20).cloned().collect();
    let chosen = step.choose();
    let Some(primary) = chosen.first().copied() else {
        // Nothing looked like an error: show the step's last paragraph (its last run of
        // consecutive lines, up to a few; of new lines, when compared with a passing run).
        let tail = last_paragraph(&step, compared, TAIL_SHOWN);
        // A step that printed nothing: its command is all there is to show.
        let command = step
            .command_line
            .zip(step.command.as_ref())
            .map(|(n, c)| (n, format!("$ {c}")));
        let silent: Vec<&(u64, String)> = command.iter().filter(|_| tail.is_empty()).collect();
        // The step's last words: the line that introduces the value it ends with (ajv's
        // `products/pen.json invalid` over its errors), else the first line where a program or
        // file is given an error (`src/calc.y: error: …` over bison's `note:`), else its last
        // line that has words.
        // An assignment a script traced last (`+ port=`) took a command substitution's output:
        // the substitution's command failed, and what it printed says why.
        let assignment = |l: &str| {
            engine::traced_command(l).is_some_and(|c| shell::assigned_variable(c).is_some())
        };
        let said_error = |l: &str| {
            l.split_once(": ").is_some_and(|(name, said)| {
                !name.contains(char::is_whitespace)
                    && ["error", "fatal"]
                        .iter()
                        .any(|s| rules::starts_with_ignoring_case(said, s))
            })
        };
        let last_words = whole_value(&tail)
            .and_then(|i| tail.get(i))
            .or_else(|| tail.iter().find(|l| said_error(&l.1)))
            // A tool that says it gives up with a failing code (Jest's and Vitest's `No tests
            // found, exiting with code 1`): that sentence is its verdict.
            .or_else(|| {
                tail.iter().find(|l| {
                    l.1.to_ascii_lowercase()
                        .split_once("exiting with code ")
                        .is_some_and(|(_, code)| {
                            code.starts_with(|c: char| ('1'..='9').contains(&c))
                        })
                })
            })
            // A sentence that announces the list under it (REUSE's `The following files have no
            // copyright and licensing information:` over `* pyproject.toml`).
            .or_else(|| {
                tail.windows(2)
                    .find(|pair| {
                        let (sentence, item) = (&pair[0].1, pair[1].1.trim_start());
                        sentence.ends_with(':')
                            && sentence.split_whitespace().count() >= 4
                            && !sentence.starts_with(' ')
                            && ["* ", "- ", "• "].iter().any(|m| item.starts_with(m))
                    })
                    .map(|pair| &pair[0])
            })
            // A table drawn in a box (frictionless' invalid rows): its first row under the
            // header's rule.
            .or_else(|| {
                tail.windows(2)
                    .find(|pair| {
                        pair[0].1.trim_start().starts_with(['┡', '├', '╞'])
                            && box_row(&pair[1].1).is_some()
                    })
                    .map(|pair| &pair[1])
            })
            // The last line that has words; a wrapper's report of the exit rather than the
            // advice it logs right under it (yarn's `error Command failed with exit code 124.`
            // over `info Visit … for documentation about this command.`).
            .or_else(|| {
                let last = tail
                    .iter()
                    .rposition(|l| l.1.contains(char::is_alphabetic) && !assignment(&l.1))?;
                let advised = last > 0
                    && engine::reports_exit(&tail[last - 1].1)
                    && Rules::get().logged_below_error(&tail[last].1);
                tail.get(last - usize::from(advised))
            })
            .or(tail.last());
        let said_last = last_words.map(|l| l.0) == tail.last().map(|l| l.0);
        let last_words = last_words
            .map(|l| box_row(&l.1).unwrap_or_else(|| l.1.clone()))
            .unwrap_or_default();
        let (_, cause) = root_cause(&mut earlier, &named_things(&last_words), |_| true);
        let cause_lines: Vec<&(u64, String)> = cause
            .iter()
            .flat_map(|b| block_lines(b, TAIL_SHOWN))
            .collect();
        // A script whose last words are its own `echo` (`echo "checking signatures"; git
        // verify-commit HEAD`): the command after that echo failed without a word; it is shown
        // with them when its line is close above.
        let quiet = (step.command.as_deref())
            .zip(tail.last())
            .and_then(|(command, last)| shell::after_own_echo(command, last.1.trim()));
        let with_command: Option<Vec<&(u64, String)>> =
            match (quiet, command.as_ref(), tail.first()) {
                (Some(_), Some(line), Some(first)) if first.0 - line.0 <= TAIL_SHOWN as u64 => {
                    Some(std::iter::once(line).chain(tail.iter().copied()).collect())
                }
                _ => None,
            };
        // The earlier failure is the root cause: it comes first.
        let last = if tail.is_empty() {
            &silent
        } else {
            with_command.as_ref().unwrap_or(&tail)
        };
        let last = with_exit_reports(&step, last);
        let excerpts = Excerpt::within_budget([cause_lines.as_slice(), last.as_slice()]);
        let category = from_context(&step, meta);
        // A script that traced its commands (`set -x`) and stopped right after one: that
        // command failed without a word (`grep -q`, `test -f`).
        let traced_last = tail
            .last()
            .filter(|l| !assignment(&l.1))
            .and_then(|l| engine::traced_command(&l.1));
        let mut summary = match (&failing_command, silent.is_empty(), traced_last) {
            (Some(command), false, _) => {
                format!("{}: `{command}` printed nothing", label(category))
            }
            (_, _, Some(traced)) => format!(
                "{}: the script stopped at `{traced}`, which printed nothing",
                label(category)
            ),
            _ if let Some(quiet) = quiet => {
                format!("{}: `{quiet}` printed nothing", label(category))
            }
            // A step that ends with a unified diff (a formatter's check, `git diff --exit-code`
            // after a generator) says which files differ: its last context line says nothing.
            _ if whole_diff(&tail, 0).is_some_and(|start| diff_introduced(start) == 0) => {
                let files: Vec<&str> = tail
                    .iter()
                    .filter_map(|l| l.1.strip_prefix("+++ "))
                    .map(|f| {
                        f.strip_prefix("b/")
                            .unwrap_or(f)
                            .split('\t')
                            .next()
                            .unwrap_or(f)
                    })
                    .collect();
                format!(
                    "{}; it printed a diff of {}",
                    label(category),
                    files.join(", ")
                )
            }
            _ if said_last => format!("{}; its last output was: {last_words}", label(category)),
            _ => format!("{}; it printed: {last_words}", label(category)),
        };
        if let Some(root) = cause.first() {
            summary = after_earlier_failure(&shorten(&summary, 110), root);
        }
        return Some(Report {
            category,
            summary: shorten(&summary, 240),
            headline: shorten(&last_words, 200),
            rule: RULE_TAIL.into(),
            locations: extract::relative(
                extract::locations(tail.iter().map(|l| l.1.as_str()), 3),
                checkout,
            ),
            fingerprint: extract::fingerprint(RULE_TAIL, tail.iter().map(|l| l.1.as_str())),
            excerpts,
            failing_tests,
            hint: "No line of the failing step looks like an error: its last output is shown. Run the step locally with more verbose output.".into(),
            confidence: 0.2,
            failing_command,
            lines_total,
            baseline: None,
        });
    };

    let mut shown = Shown::new(&step);
    // The output of the goal or task the verdict names is its cause, shown first.
    let unit = pointed_unit(&step, primary, TAIL_SHOWN);
    let pointed = unit.is_some();
    let unit = unit.unwrap_or_default();
    shown.add(unit.clone());
    let preface = chosen.first().map_or_else(Vec::new, |b| echoed_preface(b));
    for (i, block) in chosen.iter().enumerate() {
        let mut budget = MAX_SHOWN_LINES.saturating_sub(shown.spanned());
        // The last traceback of a chain leaves room for the end of the first, the root cause;
        // a traceback under the report its exception names leaves room for that report.
        if i == 0 && block.chained {
            budget = budget.saturating_sub(ROOT_CAUSE_LINES);
        }
        if i == 0 {
            budget = budget.saturating_sub(preface.len());
        }
        if budget == 0 {
            break;
        }
        for piece in report_ends(block, budget) {
            shown.add(piece);
        }
    }
    shown.lead_with(preface);
    let anchor = primary.lines.first().map_or(0, |l| l.0);
    // The weakest anchors are pointers (`make: *** … Error 1`, a bare FAILED): what they point
    // at is the unknown tool's output right above them, shown with them.
    let budget = MAX_SHOWN_LINES.saturating_sub(shown.spanned());
    if primary.rule.tier >= 3 && !pointed && budget > 0 {
        let over_blank = primary.rule.parts_from_output_by_a_blank_line();
        shown.add(paragraph_above(&step, anchor, over_blank, budget));
    }
    // A weak anchor (a generic shape or word) is a guess: the step's last lines after it, where
    // it gave up, are shown too, since an unknown tool's verdict is most often there.
    // A line logged below error level (Maven's `[INFO] BUILD FAILURE` footer) is no verdict.
    // So is what a command printed in the few lines between an environment event and the step's
    // end: what it gave up on (rsync's `rsync error: … (code 255)`, buildah's `Error: building
    // at STEP "RUN …"` under wget's refused connection).
    let budget = MAX_SHOWN_LINES.saturating_sub(shown.spanned());
    let event_end = (primary.rule.category.masquerade_rank().is_some() && primary.lines.len() <= 2)
        .then(|| primary.lines.last().map(|l| l.0))
        .flatten();
    // A wrapper's title (pre-commit's `hook.....Failed`, Ninja's `FAILED: a.o`) that is the
    // answer heads output no rule reads: the output is shown with it, as under a weak anchor.
    let heads_output = primary.rule.tier >= 2 || primary.rule.titles_output;
    let mut titled: Vec<&(u64, String)> = Vec::new();
    if (heads_output || event_end.is_some()) && budget > 0 {
        let rules = Rules::get();
        // Under a weak anchor, all the step printed after it, when that fits, is the report the
        // anchor heads (sqlfluff's `== [file] FAIL` over its table of violations, detect-secrets'
        // findings under its `ERROR:`); otherwise its last few lines.
        let said_end = engine::said_last(&step.tail, step.recipe_echo);
        let said = step.tail.range(..said_end);
        let fits = heads_output
            && step.tail.front().is_some_and(|l| l.0 <= anchor)
            && said
                .clone()
                .next_back()
                .is_some_and(|l| l.0 > anchor && l.0 - anchor < budget as u64);
        // After an environment event, the few lines that run on from it to the step's end, or
        // to its wrappers' closing (Gradle's block, a blank line below), are what the command
        // gave up on, its wrappers' reports of the exit among them (buildah's `Error: building
        // at STEP "RUN …": exit status 1`).
        let gave_up: Vec<&(u64, String)> = event_end
            .map(|end| {
                (step.tail.iter().skip_while(|l| l.0 <= end))
                    .zip(end + 1..)
                    .take_while(|(l, next)| l.0 == *next)
                    .map(|(l, _)| l)
                    .collect()
            })
            .unwrap_or_default();
        let closing = step.tail.len() - said_end;
        let runs_on = gave_up
            .last()
            .is_some_and(|last| step.tail.iter().filter(|l| l.0 > last.0).count() <= closing);
        let words_end = said.clone().next_back().map_or(0, |l| l.0);
        let mut last: Vec<&(u64, String)> = if fits {
            said.filter(|l| l.0 > anchor).collect()
        } else if runs_on && fits_last_words(&gave_up) {
            gave_up
        } else {
            last_paragraph(&step, compared, budget.min(TAIL_SHOWN))
        };
        // What the passing run printed too at the end (a script's `Stopping test database...`
        // once its tests are over) is no more of the command's words.
        if compared {
            let new = |l: &&(u64, String)| step.new_tail.iter().any(|n| n.0 == l.0);
            last.truncate(last.iter().rposition(new).map_or(0, |i| i + 1));
        }
        let last = with_exit_reports(&step, &last);
        // (Under a title, all the output is the hook's: a warning may be what it failed on. A
        // wrapper's report of the exit in a warning's words, grunt's `Warning: Command failed:
        // isort --diff app`, is no log record the verdict comes after.) Records at the end
        // are a wrapper's advice after the verdict (yarn's `info Visit …`), not before it.
        let logged = |l: &&(u64, String)| {
            rules.logged_below_error(&l.1)
                && !primary.rule.titles_output
                && !engine::reports_exit(&l.1)
        };
        let before_advice = &last[..last.iter().rposition(|l| !logged(l)).map_or(0, |i| i + 1)];
        let verdict = (before_advice.iter())
            .rposition(logged)
            .map_or(before_advice, |i| &before_advice[i + 1..]);
        let after: Vec<&(u64, String)> = verdict
            .iter()
            .copied()
            .filter(|l| l.0 > anchor && !shown.contains(l.0))
            .collect();
        // What the wrappers around the command reported after it (npm's block under a
        // monorepo runner's) is no more of its words: only its own count.
        let own_after: Vec<_> = after.iter().copied().filter(|l| l.0 <= words_end).collect();
        let last_words =
            |end: u64| fits_last_words(&own_after) && after.first().is_some_and(|l| l.0 == end + 1);
        // What a title heads is what went wrong; the title says only where.
        if primary.rule.titles_output {
            titled.clone_from(&after);
            shown.lead_with(after);
        } else if heads_output || event_end.is_some_and(last_words) {
            shown.add(after);
        }
    }
    // A failure an earlier step went on after (`pip install x || true`) is often what this one
    // lacks: when the decisive line names something (a quoted name, a file, a library) that an
    // earlier error or the earlier failing command names too, that error is shown first, as the
    // root cause; so is any error of a command the script let fail, when the decisive line is
    // weak, or says that something is missing that the command was to make.
    let budget = MAX_SHOWN_LINES.saturating_sub(shown.spanned());
    let mut root = None;
    if budget > 0 {
        let symptom = headline(primary);
        let (let_fail, cause) = root_cause(&mut earlier, &named_things(symptom), |earlier| {
            primary.rule.tier >= 3
                || says_missing(symptom) && earlier.command.as_deref().is_some_and(makes_things)
        });
        // An error (a headline, up to its numbers) that this step prints again, printed earlier
        // by a command the script did not let fail (a mirror's 404 while the machine was set
        // up, and again in the build), is a repeat; by one it let fail (`cargo fetch || true`),
        // the root cause.
        let said_here = |line: &str| {
            let key = baseline::key(line);
            (chosen.iter()).any(|b| b.lines.iter().any(|l| baseline::key(&l.1) == key))
        };
        if let_fail || !cause.iter().any(|b| said_here(headline(b))) {
            root = cause.first().copied();
            shown.lead_with(cause.iter().flat_map(|b| block_lines(b, budget)).collect());
        }
    }
    let excerpts = shown.into_excerpts();
    // Python prints the innermost frame last: read tracebacks bottom-up for locations.
    let shown: Vec<&str> = (unit.iter().chain(&titled))
        .map(|l| l.1.as_str())
        .chain(chosen.iter().flat_map(|b| {
            let lines = b.lines.iter().map(|l| l.1.as_str());
            if b.rule.shape == Shape::Traceback {
                lines.rev().collect::<Vec<_>>()
            } else {
                lines.collect()
            }
        }))
        .collect();
    let locations = extract::relative(extract::locations(shown, 3), checkout);
    // A place where the program only printed (Haxe's `trace`, `path:9: loading prices`) says
    // nothing of the failure: the first diagnostic shown with it that has a word of failure
    // tells it. Words in another alphabet (a Russian locale's `неизвестное ключевое слово`)
    // are not known to say nothing.
    let says_failure = |b: &Block| {
        b.lines.iter().any(|l| {
            rules::Rules::get().keywords.contains(l.1.as_bytes())
                || l.1.chars().any(|c| c.is_alphabetic() && !c.is_ascii())
        })
    };
    let telling = match primary.rule.shape {
        Shape::Diagnostic if !says_failure(primary) => chosen
            .iter()
            .copied()
            .find(|b| b.rule.shape == Shape::Diagnostic && says_failure(b))
            .unwrap_or(primary),
        _ => primary,
    };
    let category = category_of(telling, &step, meta);
    // What the pointed unit printed names the cause: its first finding at a place, else its
    // last finding (not the report of the exit under it).
    let unit_finding =
        first_place_else_last(&unit, |l| finding(l) && !engine::reports_exit(l)).map(str::to_owned);
    // What a hook printed under its title says why it failed (its first finding at a place,
    // else its last words), and the title which hook it was.
    let titled_finding = first_place_else_last(&titled, |l| {
        l.contains(char::is_alphabetic) && !engine::reports_exit(l)
    })
    .map(|l| format!("{}: {l}", engine::hook_name(headline(primary))));
    let headline = (unit_finding.or(titled_finding))
        .unwrap_or_else(|| with_its_message(telling, headline(telling)));
    let mut summary = format!("{}: {}", label(category), shorten(&headline, 200));
    // A place in a library's own file (a gem's, `/usr/share/…/block_body.rb:70`) is where it
    // raised, not what to fix.
    if let Some(loc) = locations.first()
        && !headline.contains(&loc.path)
        && !extract::is_foreign(&loc.path)
    {
        summary.push_str(&format!(" ({}:{})", loc.path, loc.line));
    }
    if let Some(root) = root {
        summary = after_earlier_failure(&summary, root);
    }
    let confidence = match (primary.rule.tier, step.exit_pointer.is_some()) {
        (0, true) => 0.9,
        (0, false) => 0.8,
        (1, _) => 0.7,
        (2, _) => 0.5,
        _ => 0.35,
    };
    Some(Report {
        category,
        summary,
        fingerprint: extract::fingerprint(
            primary.rule.name,
            primary
                .anchored_lines()
                .iter()
                .take(5)
                .map(|l| l.1.as_str()),
        ),
        excerpts,
        locations,
        failing_tests,
        hint: primary.rule.hint.to_owned(),
        confidence,
        failing_command,
        lines_total,
        rule: primary.rule.name.to_owned(),
        headline: shorten(&headline, 200),
        baseline: None,
    })
}
