//! What failure lines look like, tool by tool: each rule is a regular expression over a cleaned
//! line, with the category it points to, how decisive it is (its tier) and the shape of the block
//! that follows it.
//!
//! Tiers: 0 names a root cause precisely (a compiler diagnostic, a failing test, a missing
//! package); 1 is a strong signal (an exception, a test runner's failure header); 2 is a generic
//! error line; 3 a weak one (a summary or a pointer such as `make: *** Error 2`). The engine takes
//! the first block of the best tier in the failing step (see `engine.rs` for the precedence rules).
//!
//! This file holds what a rule is and how lines are classified; the rules themselves are in
//! `rules/`, one file per family (the environment, dependencies, compilers, test runners, lint,
//! docker, configuration, generic shapes), tried in the order [`RULES`] lists the families.

use super::keywords::Keywords;
use super::patterns::utf8_words;
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};
use std::sync::{LazyLock, OnceLock};

/// The start of GNU make's report on a recipe, under any of its names (`gmake`, as the BSDs and
/// CMake on Red Hat's systems call it; `mingw32-make`) and from a sub-make too: `make[2]: *** `;
/// SCons writes its own in make's words (`scons: *** [check] Error 1`). (`engine/shape.rs`'s
/// `make_reports_exit` reads the same names.)
macro_rules! make_report {
    () => {
        r"^((g|mingw32-)?make(\[\d+\])?|scons): \*\*\* "
    };
}

/// A failure the program says it went on past (`…, skipping`, `… (falling back to a cold start)`,
/// `(ignored)`, `…, using defaults`): noise where a generic rule reads the line, and what makes
/// an environment's failure as weak as a line logged below error. In `NOISE`'s extended syntax.
macro_rules! went_past {
    () => {
        r",\ (skipping|ignoring|continuing|falling\ back|using\ defaults?)\b
  | \ \((skipping|ignoring|ignored|continuing|falling\ back|using\ defaults?)\b[^)]*\)\s*$"
    };
}

mod compilers;
mod configuration;
mod dependencies;
mod docker;
mod environment;
mod generic;
mod lint;
mod test_runners;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
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
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Compilation => "compilation",
            Category::TestFailure => "test_failure",
            Category::Dependency => "dependency",
            Category::Network => "network",
            Category::OutOfMemory => "out_of_memory",
            Category::Timeout => "timeout",
            Category::Lint => "lint",
            Category::Infrastructure => "infrastructure",
            Category::DockerBuild => "docker_build",
            Category::Permission => "permission",
            Category::Configuration => "configuration",
            Category::Unknown => "unknown",
        }
    }

    /// Failures of the environment that make the build's own errors mere symptoms: when one of
    /// these is in the failing step, it is the cause (documented precedence, highest first).
    pub fn masquerade_rank(self) -> Option<u8> {
        match self {
            Category::Infrastructure => Some(0),
            Category::OutOfMemory => Some(1),
            Category::Network => Some(2),
            Category::Timeout => Some(3),
            _ => None,
        }
    }
}

/// How the lines after an anchor belong to its block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The anchor and the lines indented under it.
    Line,
    /// A compiler diagnostic: the anchor and its code frame (`-->`, `|`, `^`, `= note`), up to a
    /// blank line.
    Diagnostic,
    /// A Python traceback: indented frames up to and including the unindented exception line.
    Traceback,
    /// An exception and its `at …` frames and `Caused by:` chain.
    Stack,
    /// A titled section (a failing test's report): everything up to a blank line or the next
    /// anchor of the same kind.
    Section,
    /// A test runner's full report of one failure (pytest, cargo test): blank lines included,
    /// up to the next report or the runner's summary banner.
    Report,
    /// A header and the list items under it.
    List,
}

use Category::*;
use Shape::*;

#[derive(Debug)]
pub struct Rule {
    pub name: &'static str,
    pub pattern: &'static str,
    pub category: Category,
    pub tier: u8,
    pub shape: Shape,
    pub hint: &'static str,
    /// What the block takes from the lines just above its anchor.
    pub lead: Lead,
    /// Whether a line that also looks like known noise (a warning, a zero count, an echoed
    /// command) is not this rule's: generic shapes and words, whatever their tier.
    pub yields_to_noise: bool,
    /// Whether the pattern names a log level itself (`WARNING: DATA RACE`): a line at that
    /// level is then this rule's, not a line logged below error.
    pub names_its_level: bool,
    /// The prefix of the lines in which the report states what was found, when they can come
    /// after pages of code (pytest's `E ` lines): a long report is shown with them.
    pub conclusion_prefix: Option<&'static str>,
    /// The prefix of the line that, with the line under it, closes the report (TeX's `l.N`,
    /// the input line up to the error over the rest of it).
    pub closing_prefix: Option<&'static str>,
    /// The program that exits with the line the rule matches (git, with its `fatal:`): what the
    /// step prints after it is another program's, which went on past it unless it names it.
    pub ends_its_program: Option<&'static str>,
    /// Whether the line is a wrapper's title over the output of what it ran (pre-commit's
    /// `hook.....Failed`, Ninja's `FAILED: a.o`): a block in that output is the cause, the
    /// title its heading; with none, the title is the answer and the output is shown with it.
    pub titles_output: bool,
}

/// Lines above an anchor that belong to its block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lead {
    /// A header line, if the line right above is one: it ends with `:` (gcc's `In function …:`,
    /// ld's `in function `main':`), names a Go package (`# pkg`), numbers a test (`1) name`) or
    /// says where an include came from.
    Header,
    /// The file-path or class-name lines printed just above (ESLint and Prettier name the file
    /// on a line of its own, xcpretty the test case), reached through the file's other items
    /// (ESLint's warnings above its first error).
    Paths,
    /// The line right above, whatever it says: the anchor is a diagnostic's second line (the
    /// `--> path:line` under a message).
    Line,
    /// The lines just above that are indented deeper than the anchor.
    Indented,
    /// The unified diff printed just above (`---`/`+++`/`@@` headers and `+`/`-`/` ` lines).
    Diff,
    /// The lines from the nearest warning just above: the anchor says warnings failed the build
    /// (javac's `warnings found and -Werror specified`), so they are its cause.
    Warnings,
    /// What the test printed since its runner announced it (GoogleTest's `[ RUN      ] name`,
    /// Ansible's `TASK [name]`): the anchor closes that test's or task's output.
    TestRun,
    /// The findings a count closes (Grunt's JSHint: the file, the code frame and the message,
    /// a blank line, then `>> 1 error in 2 files`): the paragraph just above, when it names a
    /// file or a place in one.
    Findings,
    /// The delimited section the anchor closes: PHP's `run-tests.php` prints a failed test's
    /// diff between `========DIFF========` and `========DONE========`, then `FAIL name [file]`.
    Section,
}

const fn rule(
    name: &'static str,
    pattern: &'static str,
    category: Category,
    tier: u8,
    shape: Shape,
    hint: &'static str,
) -> Rule {
    Rule {
        name,
        pattern,
        category,
        tier,
        shape,
        hint,
        lead: Lead::Header,
        yields_to_noise: tier >= 2,
        names_its_level: false,
        conclusion_prefix: None,
        closing_prefix: None,
        ends_its_program: None,
        titles_output: false,
    }
}

impl Rule {
    /// Whether the rule reads nothing but a build tool's error tag (`[error] …`): inside that
    /// tool's tagged report it says no more than the tag does.
    pub fn reads_only_a_tag(&self) -> bool {
        self.name == "generic-error"
    }

    /// Whether the tool parts the summary the rule reads from the script's output by a blank
    /// line (npm's `npm error code ELSPROBLEMS` under `npm ls`' tree, `npm error audit endpoint
    /// returned an error` under the registry's 405): what it points at is the paragraph above it.
    pub fn parts_from_output_by_a_blank_line(&self) -> bool {
        self.name == "npm-summary"
    }
}

/// A rule whose block starts with the delimited section just above its anchor.
const fn with_section_lead(rule: Rule) -> Rule {
    Rule {
        lead: Lead::Section,
        ..rule
    }
}

/// A rule whose block starts with the file paths printed just above its anchor.
const fn with_path_lead(rule: Rule) -> Rule {
    Rule {
        lead: Lead::Paths,
        ..rule
    }
}

/// A wrapper's title over the output of what it ran (see [`Rule::titles_output`]).
const fn titling_output(rule: Rule) -> Rule {
    Rule {
        titles_output: true,
        ..rule
    }
}

/// The hint of a line that only says which test failed.
const TESTS_FAILED: &str = "Tests failed: see the failing test's report for the assertion.";

/// The rules, family by family. The first rule that matches a line wins: specific before
/// generic, wrappers before what they wrap.
pub static RULES: LazyLock<Vec<&'static Rule>> = LazyLock::new(|| {
    [
        environment::RULES,
        dependencies::RULES,
        compilers::RULES,
        test_runners::RULES,
        lint::RULES,
        docker::RULES,
        configuration::RULES,
        generic::RULES,
    ]
    .into_iter()
    .flatten()
    .collect()
});

/// Lines that look like errors and are not: commands echoed by the CI, summaries of zero
/// failures, compiler flags (not the `[-Werror=…]` a diagnostic names its flag by), progress
/// output, a failure the program says it will retry or went on past (`…, skipping`, `…, falling
/// back to …`, `… (ignored)`), a place followed by a name alone (type-coverage's
/// list of untyped identifiers: `src/cart.ts:1:23: prices`), SLF4J's warnings about its own
/// binding (`SLF4J: Failed to load class "org.slf4j.impl.StaticLoggerBinder".`, its documented
/// diagnostics, which a passing program prints).
static NOISE: &str = concat!(
    r"(?ix)
    ^\$\s
  | ^\+\s
  | ^--\s
  | ^\s*-\ (installing|updating|downloading|removing|loading)\b
  | \b0\ (errors?|failures?|failed)\b
  | \b(errors?|failures?|failed):?\ 0\b
  | \bno\ errors?\b
  | (^|[^\[])-W(no-)?error
  | -fmax-errors
  | ^\s*(compiling|checking|downloading|downloaded|fresh|running|installing|collecting|requirement\ already)\s
  | ^\s*(warning|warn|npm\ warn|\[warning\]|\[warn\]|note):?\s
  | error_reporting|error\.(log|rs|go|js|ts|py|h|c)\b|errors\.(rs|go|js|ts|py)\b
  | retrying|will\ retry|retry\ \d
  | ",
    went_past!(),
    r"
  | ^\s*(ok|pass|passed|✓|√)\b
  | ^\S+(:\d+)+:?\s*(warning|note|info|hint|remark|deprecated|\w+Warning)\b
  | ^\S+\(\d+(,\d+)?\):\s*(warning|note|info|message)\b
  | ^\S+:\d+:\d+:\ \w+$
  | ^SLF4J:\s
"
);

/// A log line written at a level below error (`[INFO]`, `WARN:`, `Warning:`, PHP's `PHP Notice:`,
/// Python's `path:12: DeprecationWarning:`, `level=debug`, a timestamp then `DEBUG`, after
/// bracketed fields too with the level cut to five letters (`[MainThread  ] [WARNI]`), glog's
/// `I1201 …`, zerolog's console `10:12:33AM WRN`, sbt's and Ivy's lower-case `[warn]`, though not
/// their `[info]`, under which ScalaTest reports its failures; yarn's bare `info` and `warning`
/// tags; Node's process warnings, `(node:412) [DEP0040] DeprecationWarning: …`, and the JVM's
/// notes as it starts, `Picked up JAVA_TOOL_OPTIONS: …`, `OpenJDK 64-Bit Server VM warning: …`):
/// a test or an application logging a `connection refused` at INFO is not the job's failure
/// while another candidate exists.
static BELOW_ERROR: &str = r"(?x)
    ^\s*(\d{4}-\d\d-\d\d[T\ ][\d:.,]+(Z|[+-]\d\d:?\d\d)?\s+)?
     (\[\s*(TRACE|DEBUG|INFO|WARN|WARNING|NOTICE|warn|warning|notice)\s*\]|(TRACE|DEBUG|INFO|WARN|WARNING|NOTICE)(:|\s))
  | ^\S*\s*\[[^\]]{1,40}\]\s+(TRACE|DEBUG|INFO|WARN|WARNING)\s
  | ^\s*(\d{4}-\d\d-\d\d[T\ ][\d:.,]+\s+)?(\[[^\]]{1,40}\]\s*){1,3}\[(TRACE|DEBUG|INFO|WARN)[A-Z]{0,3}\s*\]
  | ^\d\d:\d\d(:\d\d)?(AM|PM)?\ (TRC|DBG|INF|WRN)\ 
  | ^\s*(PHP\ )?(Trace|Debug|Info|Warn|Warning|Notice|Deprecated):\s
  | ^warning:\ 
  | ^\S+:\d+:\ \w*Warning:\s
  | \blevel=(trace|debug|info|warn|warning)\b
  | ^[IWD]\d{4}\ \d\d:\d\d:\d\d\.\d+\s
  | ^npm\ (notice|WARN|warn|info|http|timing|verb)\b
  | ^(info|warning)\ \S
  | ^\(node:\d+\)\ (\[\w+\]\ )?\w*Warning:\ 
  | ^\(Use\ `node\ --trace-
  | ^Picked\ up\ (_JAVA_OPTIONS|JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS):
  | ^(OpenJDK|Java\ HotSpot\(TM\))\ (64-Bit\ )?(Server|Client)\ VM\ warning:\ 
";

/// What a line logged below error level is at most: a weak signal.
pub(crate) static LOGGED_BELOW_ERROR: Rule = rule(
    "logged-below-error",
    "",
    Unknown,
    3,
    Line,
    "Only lines logged below error level look like failures: read the lines shown and the output just above them.",
);

/// The flags that make a tool's warnings fatal.
const FATAL_WARNING_FLAGS: [&str; 6] = [
    "--fail-on-warning",
    "-Werror",
    "--warnings-as-errors",
    "-warnaserror",
    "--max-warnings 0",
    "--max-warnings=0",
];

/// `[1] openapi.yaml:14:5 …`: a problem's number in brackets, then its place.
fn numbered_place(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('[') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && rest[digits..].strip_prefix("] ").is_some_and(located)
}

/// Whether `line` says that what failed will be tried again (`retrying`, `will retry`, `retry in
/// 5s`), as a client says of a connection it has not given up on.
pub(crate) fn says_it_retries(line: &str) -> bool {
    says_any(line, &["retrying", "will retry", "retry in "])
}

/// Whether `text` holds any of `words` (ASCII, lower case), ASCII case aside.
pub(crate) fn says_any(text: &str, words: &[&str]) -> bool {
    let text = text.to_ascii_lowercase();
    words.iter().any(|word| text.contains(word))
}

/// A progress line that ends in its verdict (amtool's `Checking 'alertmanager.yml'  FAILED:
/// undefined receiver …`): a result, not the progress noise its first word reads as.
fn progress_verdict(line: &str) -> bool {
    let t = line.trim_start();
    ["checking ", "compiling ", "running "]
        .iter()
        .any(|p| starts_with_ignoring_case(t, p))
        && t.split_whitespace()
            .any(|w| matches!(w.trim_end_matches(':'), "FAILED" | "ERROR"))
}

/// Whether `text` starts with `prefix`, ASCII case aside, without building a lower-cased copy.
pub(crate) fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// A warning under a command that made warnings fatal (`yard doc --fail-on-warning`, `-Werror`,
/// `--max-warnings 0`): the warning is the failure, unless the tool says more (a verdict of its
/// own, a compiler's error): a weak block.
pub(crate) static FATAL_WARNING: Rule = rule(
    "fatal-warning",
    "",
    Lint,
    2,
    Line,
    "The command treats warnings as errors: fix the warning shown, or drop the flag that makes it fatal.",
);

/// The report a runner prints, further down, under the name of a test it marked failed as it ran
/// (AVA's `✘ [fail]: adds prices`, then `adds prices` over its location, code and difference).
pub(crate) static NAMED_REPORT: Rule = rule(
    "named-report",
    "",
    TestFailure,
    0,
    Report,
    "A test failed: its report, under the name the runner marked failed, shows the assertion and the values.",
);

pub struct Rules {
    pub keywords: Keywords,
    /// The rules whose every alternative starts at the line's start, and the rest, each with
    /// the indexes of its rules in [`RULES`]: apart, the lazy DFA of each stays small, where
    /// one set's states multiplied the two kinds' threads.
    anchored: RuleSet,
    unanchored: RuleSet,
    noise: Regex,
    went_past: Regex,
    below_error: Regex,
}

/// Some of the rules in one regex set, with their indexes in [`RULES`].
struct RuleSet {
    set: RegexSet,
    rule_index: Vec<usize>,
}

impl RuleSet {
    fn new(rule_index: Vec<usize>) -> Self {
        RuleSet {
            // ASCII classes and word boundaries keep the whole set on the lazy DFA (a Unicode
            // `\b` sends it to the slow PikeVM on any non-ASCII line); a cache big enough for
            // the set keeps it there.
            set: RegexSetBuilder::new(rule_index.iter().map(|&i| utf8_words(RULES[i].pattern)))
                .unicode(false)
                .dfa_size_limit(32 << 20)
                .build()
                .expect("rule patterns compile"),
            rule_index,
        }
    }

    /// The index in [`RULES`] of the first rule that matches `line`.
    fn first_match(&self, line: &str) -> Option<usize> {
        // Most candidates match no rule: a plain search, which stops at its first match, tells
        // so faster than the overlapping search that finds every rule that matches.
        if !self.set.is_match(line.as_bytes()) {
            return None;
        }
        let first = self.set.matches(line.as_bytes()).into_iter().next()?;
        Some(self.rule_index[first])
    }
}

/// Whether every top-level alternative of `pattern` starts with `^`.
fn anchored_at_start(pattern: &str) -> bool {
    let (mut depth, mut in_class, mut escaped, mut alternative_starts) = (0, false, false, true);
    for c in pattern.chars() {
        if alternative_starts && c != '^' {
            return false;
        }
        alternative_starts = false;
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth -= 1,
            '|' if !in_class && depth == 0 => alternative_starts = true,
            _ => {}
        }
    }
    true
}

impl Rules {
    pub fn get() -> &'static Rules {
        static RULES_CELL: OnceLock<Rules> = OnceLock::new();
        RULES_CELL.get_or_init(|| {
            let (anchored, unanchored) =
                (0..RULES.len()).partition(|&i| anchored_at_start(RULES[i].pattern));
            Rules {
                keywords: Keywords::new(),
                anchored: RuleSet::new(anchored),
                unanchored: RuleSet::new(unanchored),
                noise: RegexBuilder::new(&utf8_words(NOISE))
                    .unicode(false)
                    .build()
                    .expect("noise pattern compiles"),
                went_past: RegexBuilder::new(concat!("(?ix)", went_past!()))
                    .unicode(false)
                    .build()
                    .expect("went-past pattern compiles"),
                below_error: RegexBuilder::new(&utf8_words(BELOW_ERROR))
                    .unicode(false)
                    .build()
                    .expect("log level pattern compiles"),
            }
        })
    }

    /// Whether `command` makes warnings fatal (`--fail-on-warning`, `-Werror`, `--max-warnings 0`).
    pub fn makes_warnings_fatal(command: &str) -> bool {
        FATAL_WARNING_FLAGS
            .iter()
            .any(|flag| command.contains(flag))
    }

    /// Whether a line of output may be a wrapper's bare echo of a command that makes warnings
    /// fatal (make's recipe line `yard doc --fail-on-warning lib`): one of the flags is a word
    /// of its own, not part of a diagnostic's (GCC's `[-Werror=unused-variable]`). Not a
    /// compiler's `-Werror` in a recipe: the compiler reports such warnings as errors itself,
    /// and the other tools a recipe runs after it (pip's `WARNING: …`) do not fail on theirs.
    pub fn echo_makes_warnings_fatal(line: &str) -> bool {
        let mut words = line.split_whitespace();
        !words.next().is_some_and(|program| program.ends_with(':'))
            && words.any(|word| {
                word != "-Werror"
                    && (FATAL_WARNING_FLAGS.contains(&word) || word.starts_with("-warnaserror"))
            })
    }

    /// Whether `line` is a warning by its first word (`[warn]: …`, `WARNING: …`, `warning: …`);
    /// not a build tool's `[WARNING]` tag, which it puts on whatever it logs at that level.
    pub fn is_warning(line: &str) -> bool {
        let t = line.trim_start();
        !t.starts_with("[WARNING]")
            && ["[warn", "warn:", "warning:", "warning[", "warn "]
                .iter()
                .any(|w| starts_with_ignoring_case(t, w))
    }

    /// Whether `line` was logged at a level below error (`[INFO] …`, `WARN:`).
    pub fn logged_below_error(&self, line: &str) -> bool {
        self.below_error.is_match(line.as_bytes())
    }

    /// The first rule of the table that matches `line`, if any.
    pub fn classify(&self, line: &str) -> Option<&'static Rule> {
        self.classify_scanned(line, self.keywords.contains(line.as_bytes()))
    }

    /// [`Rules::classify`] for a line whose keywords were looked for already (in a batch, see
    /// [`Keywords::scan_lines`]).
    pub fn classify_scanned(&self, line: &str, has_keyword: bool) -> Option<&'static Rule> {
        let candidate = has_keyword || {
            // Most lines get here: trim ASCII white space cheaply, Unicode only where it starts.
            let trimmed = line.trim_ascii_start();
            let trimmed = match trimmed.as_bytes().first() {
                Some(b) if !b.is_ascii() => trimmed.trim_start(),
                _ => trimmed,
            };
            numbered(trimmed)
                || trimmed.starts_with("e: ")
                || trimmed.starts_with("--> ")
                // ShellCheck's `In deploy.sh line 2:` titles and TeX's `! Missing $ inserted.`
                // have no keyword.
                || trimmed.starts_with("In ") && trimmed.ends_with(':')
                // Raku's backtrace frame (`in sub price-of at bin/report.raku line 3`).
                || trimmed.starts_with("in ") && trimmed.ends_with(|c: char| c.is_ascii_digit())
                // ReScript's report has none either: `  We've found a bug for you!`; nor a
                // numbered problem at a place (Redocly's `[1] openapi.yaml:14:5 at #/…`).
                || trimmed.starts_with("We've found a bug")
                || numbered_place(trimmed)
                || line.starts_with("File \"")
                || line.starts_with("! ")
                || located(line)
        };
        if !candidate {
            return None;
        }
        let best = [&self.anchored, &self.unanchored]
            .into_iter()
            .filter_map(|set| set.first_match(line))
            .min()
            .map(|i| RULES[i])?;
        // Specific rules are precise enough to stand; generic ones yield to known noise.
        if best.yields_to_noise && self.noise.is_match(line.as_bytes()) && !progress_verdict(line) {
            return None;
        }
        // An error's or a diagnostic's shape on a line that only reports how a command
        // exited (grunt-exec's `Error executing child process: Error: Process exited with
        // code 1.`, Ant's `build.xml:3: exec returned: 1`) is a wrapper's report: it points at
        // what the command printed, and is read as such (see `engine::reports_exit`).
        if matches!(best.shape, Stack | Diagnostic) && crate::engine::reports_exit(line) {
            return None;
        }
        // tox 3's banner over each environment's verdict is not a failed test's title.
        if best.name == "pytest-section" && tox_summary(line) {
            return None;
        }
        // A source line quoted in a code frame is what the code says, not what happened.
        if best.category.masquerade_rank().is_some() && quoted_source(line) {
            return None;
        }
        // A network error the program says it will try again after (`db: connection refused
        // (retrying)`) is an attempt, not the outcome, and an environment's failure it says it
        // went on past (`ERROR cache: connection refused (falling back)`) did not stop it:
        // both as weak as a line logged below error.
        if !best.names_its_level && self.below_error.is_match(line.as_bytes())
            || best.category == Category::Network && says_it_retries(line)
            || best.category.masquerade_rank().is_some() && self.went_past.is_match(line.as_bytes())
        {
            return Some(&LOGGED_BELOW_ERROR);
        }
        Some(best)
    }
}

/// tox 3's banner over its environments' verdicts, `_____ summary _____`, at the end of its run.
pub(crate) fn tox_summary(line: &str) -> bool {
    let t = line.trim();
    t.starts_with("___") && t.ends_with("___") && t.trim_matches('_').trim() == "summary"
}

/// Whether `line` starts with a file location (`name.ext:12`, `name.ext(12`), which the
/// `diagnostic` rule reads whether or not the line holds a keyword.
pub(crate) fn located(line: &str) -> bool {
    // An error glyph and spaces may come first (see the `diagnostic` rule).
    let line = line.trim_start_matches(|c: char| !c.is_ascii() || c == ' ');
    let head = &line.as_bytes()[..line.len().min(256)];
    let Some(end) = head
        .iter()
        .position(|&c| c == b':' || c == b'(' || c.is_ascii_whitespace())
    else {
        return false;
    };
    end > 2
        && !head[end].is_ascii_whitespace()
        && head.get(end + 1).is_some_and(u8::is_ascii_digit)
        && head[..end].contains(&b'.')
}

/// `1) name`, the numbered failure lists of mocha, PHPUnit and RSpec, which have no keyword.
/// Whether `line` is a source line in a code frame: a line number, then a gutter (`12 |`,
/// `> 12 | `, `12 │`) or the source after two or more spaces (`7         msg: …`).
fn quoted_source(line: &str) -> bool {
    let t = line.trim_start().trim_start_matches('>').trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &t[digits..];
    digits > 0
        && (rest.trim_start().starts_with(['|', '│'])
            || rest.starts_with("  ") && !rest.trim_start().is_empty())
}

pub(crate) fn numbered(trimmed: &str) -> bool {
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && trimmed[digits..].starts_with(") ")
}

#[cfg(test)]
mod tests;
