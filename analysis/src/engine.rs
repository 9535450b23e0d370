//! The streaming state machine: one pass over the lines, memory bounded by the blocks it keeps.
//!
//! The log is cut into *steps* at the commands the CI echoes (`$ cmd`). The *failing step* is the
//! one that ends in the first non-zero exit pointer (Travis' `The command "…" exited with 1.`,
//! GitLab/GitFlic's `ERROR: Job failed: exit code 1`, GitHub's `Process completed with exit code
//! 1`); without a pointer, the last step that reported an error. An exit pointer is never the
//! answer: the cause is inside the step it closes.
//!
//! Inside the failing step, anchor lines (see `rules.rs`, and the rules under `rules/`) open
//! blocks that grow by the shape of their rule. The primary block is chosen by this precedence:
//! 1. an environment failure of tier 0–1, by rank: disk full, out of memory, network, timeout —
//!    these masquerade as build or test errors and are the real cause when present;
//! 2. otherwise the best tier; among tier 0–1 blocks the first (later errors often follow from
//!    the first), among generic tier 2–3 blocks the last (closest to where the step gave up).

mod boilerplate;
mod lead;
mod shape;

use super::baseline::Baseline;
use super::lines::{RawLine, clean_into, kept, source_key};
use super::localized::in_english;
use super::rules::{Category, FATAL_WARNING, Lead, NAMED_REPORT, Rule, Rules, Shape};
use crate::gaps::Gaps;
use boilerplate::{runner_boilerplate, tool_epilogue};
pub(crate) use lead::file_line_title;
use lead::{
    announced_test_above, caret_frame_above, cause_chain_above, completed_by, decorated_title,
    died_script_above, diff_line, failed_test_report_above, findings_above, frame_above,
    framed_heading_above, is_header, is_parent, logged_error_above, python_frames_above, quoted_by,
    recorded_at_error, ruled_frame_above, run_up_from, same_item_shape, same_program_above,
    section_above, test_run_above, verdict_on_file, warnings_above,
};
use regex::Regex;
use shape::{
    aftermath_len, asserts_failed, code_fence, continues, echoing_tool_says, ends_report,
    ends_with_hook_title, error_tag, framed_title, gradle_reports_failure, gradle_task_failed,
    hook_passed, in_titled_section, looks_like_path, make_ignored_error, passed_unit_title,
    program_prefix, reads_as_echo, runs_echoing_tool, says_only_that_it_failed, starts_test_class,
    summarises_failures, task_header, task_ids, task_runner_heading, test_run_verdict, untagged,
    usage_heading, wrapper_heading, wrapper_reports,
};
pub(crate) use shape::{
    announces, code_frame, exception_line, heads_a_message, indent_of, names_same_file,
    numbered_source, raised, shouted, underline, without_level_tag,
};
pub(crate) use shape::{hook_name, reported_program, reports_exit, traced_command};
use std::collections::{HashSet, VecDeque};
use std::sync::OnceLock;

/// Lines kept per block; longer blocks are cut (an excerpt must fit a chat message).
pub const MAX_BLOCK_LINES: usize = 40;
/// Lines GitHub Actions' echo of a step may take: the script, its shell, its environment.
const STEP_ECHO_LINES: u64 = 60;
/// What GitLab's and GitFlic's runners put after the first line of a multi-line script entry,
/// the only line of it they echo (`$ if [ -n "$CI" ]; then # collapsed multi-line command`).
pub const COLLAPSED_BLOCK: &str = " # collapsed multi-line command";
/// Blocks kept per tier and step: the first ones (the engine prefers early decisive errors).
const BLOCKS_PER_TIER: usize = 6;
/// Generic (tier 2–3) blocks are kept as a sliding window of the most recent ones.
const RECENT_GENERIC: usize = 6;
/// Non-blank lines remembered at the end of each step, for logs without a recognisable error
/// and for the file-path lines some tools print above their findings.
const TAIL_LINES: usize = 40;
/// Earlier steps that reported errors and went on, kept for the failing step's root cause.
const EARLIER_STEPS: usize = 3;

#[derive(Debug, Clone)]
pub struct Block {
    pub rule: &'static Rule,
    /// How the block reads the lines after its anchor: its rule's shape, or a report's when
    /// the anchor is a line of a failed test's report under its title (see
    /// [`lead::failed_test_report_above`]).
    shape: Shape,
    pub lines: Vec<(u64, String)>,
    indent: usize,
    pending_blank: Option<u64>,
    /// A traceback whose exception line has been seen: only the message's indented
    /// continuation lines may follow.
    exception_seen: bool,
    /// Order of the anchor within the step, to find "first" and "last".
    pub seq: u64,
    /// Lines taken from above the anchor (see [`Lead`]).
    lead: usize,
    /// Printed inside a test run that then reported no failure: a passing test's noise.
    passed_over: bool,
    /// Last line of the run of same-rule blocks this one begins (see [`Step::keep`]).
    run_end: u64,
    /// A traceback Python printed under `The above exception was the direct cause of the
    /// following exception:` (or `During handling of …`): the next link of a chain.
    pub chained: bool,
    /// Inside a fenced code block (```` ``` ````, as xcpretty quotes a failed assertion's code):
    /// everything up to the closing fence belongs, blank lines included.
    in_fence: bool,
    /// Where a Python traceback begins inside a report that quotes one (pytest's
    /// `--tb=native`, unittest's `FAIL:` sections): a long report then loses its frames from
    /// that traceback's middle, as a traceback does, and keeps the exception at its end.
    pub quoted_traceback: Option<usize>,
    /// A traceback printed right under a record logged below error (Python's `logger.warning(…,
    /// exc_info=True)`), or the chain it begins: the record's, not a crash, once the program
    /// goes on printing (see [`Step::pass_over_logged`]).
    logged: bool,
    /// What the program printed right above a traceback (see [`lead::paragraph_above`]): the
    /// report its exception may only name.
    pub preface: Vec<(u64, String)>,
}

impl Block {
    /// Whether its line was logged below error level (see [`crate::rules::LOGGED_BELOW_ERROR`]).
    fn logged_below_error(&self) -> bool {
        std::ptr::eq(self.rule, &crate::rules::LOGGED_BELOW_ERROR)
    }

    /// The anchor and the lines after it (without the lines taken from above it).
    pub fn anchored_lines(&self) -> &[(u64, String)] {
        &self.lines[self.lead.min(self.lines.len())..]
    }

    /// Drops the lines the block ends with that its step printed once its command was over (see
    /// [`aftermath`]), and the blank lines among them.
    fn drop_aftermath(&mut self) {
        let after_lead = &self.lines[(self.lead + 1).min(self.lines.len())..];
        let len = aftermath_len(after_lead.iter().rev().map(|l| l.1.as_str()));
        self.lines.truncate(self.lines.len() - len);
    }

    /// Drops the lines after its anchor, level with it or left of it, that the block ends with
    /// and that the passing run printed too (a script's `Stopping test database...` once its
    /// tests are over), and the blank lines among them; not what is indented under the anchor
    /// (an exception's frames, which a handled one in the passing run may share).
    fn drop_known_after(&mut self, baseline: &Baseline) {
        let Some((_, anchor)) = self.lines.get(self.lead) else {
            return;
        };
        let level = indent_of(anchor);
        let after_lead = self.lines.len() - self.lead - 1;
        let known = (self.lines.iter().rev().take(after_lead))
            .take_while(|(_, l)| {
                l.trim().is_empty() || indent_of(l) <= level && baseline.contains(l)
            })
            .count();
        self.lines.truncate(self.lines.len() - known);
    }

    /// Drops the lines level with its anchor or left of it that the block ends with and that
    /// were logged below error level (`npm notice …`): records of their own. Not from a block
    /// whose anchor was logged so too (a list of warnings), nor one about the anchor's file (the
    /// same tool's next finding in it).
    fn drop_logged_below_error_after(&mut self, rules: &Rules) {
        // Most blocks end with their anchor, or with a line logged at no level: nothing to drop.
        let Some((_, anchor)) = self.lines.get(self.lead) else {
            return;
        };
        if self.lines.len() <= self.lead + 1
            || self
                .lines
                .last()
                .is_none_or(|(_, l)| !rules.logged_below_error(l))
        {
            return;
        }
        // A location alone on its line heads its message, whatever level that is at.
        if rules.logged_below_error(anchor) || heads_a_message(self) {
            return;
        }
        // (Under an error tag, a level is quoted: Maven's `[ERROR] [2] [INFO] File: …`.)
        let own_record = |l: &str| {
            indent_of(l) <= self.indent
                && rules.logged_below_error(l)
                && error_tag(l).is_none()
                && !names_same_file(anchor, l)
        };
        let mut end = self.lines.len();
        while end > self.lead + 1 && own_record(&self.lines[end - 1].1) {
            end -= 1;
        }
        // Under a heading that announces what follows (Maven's `[ERROR] COMPILATION ERROR :`
        // over its `[INFO] ---` rule), they are the heading's.
        if !announces(&self.lines[end - 1].1) {
            self.lines.truncate(end);
        }
    }

    /// Whether the block is a test's report whose message is only a count of failed cases
    /// (`1 of 2 tests failed`, `3 tests failed`): the cases' verdicts say which and why.
    fn only_counts_failures(&self) -> bool {
        self.rule.category == Category::TestFailure
            && self
                .anchored_lines()
                .iter()
                .any(|(_, l)| counts_failures(l))
    }
}

/// Whether a line only counts the tests that failed (`1 of 2 tests failed`, `3 tests failed.`),
/// behind whatever names the program or suite (`error: cart_total: 1 of 2 tests failed`).
fn counts_failures(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let number = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
    let Some(count) = words
        .iter()
        .rposition(|w| matches!(*w, "tests" | "test"))
        .filter(|&i| matches!(&words[i + 1..], ["failed" | "failed."]))
    else {
        return false;
    };
    match &words[..count] {
        [.., n, "of", m] => number(n) && number(m),
        [.., n] => number(n),
        _ => false,
    }
}

/// Whether a block is a count of findings (`1 error`) that found none of its own above it: the
/// block above it that took them is what it counts.
fn counts_nothing_shown(block: &Block) -> bool {
    block.rule.lead == Lead::Findings && block.lines.len() == 1
}

#[derive(Debug, Default, Clone)]
pub struct Step {
    /// The command, cut short for the report.
    pub command: Option<String>,
    /// The runner echoed only the first line of a multi-line script entry (see
    /// [`COLLAPSED_BLOCK`]): any of its lines may be the command that failed.
    pub collapsed: bool,
    /// The whole command goes on when it fails (see `ignores_failure`).
    pub lets_fail: bool,
    /// The variables the whole command notes its failure in (see `failure_variables`).
    failure_variables: Vec<String>,
    /// The line the CI echoed the command on.
    pub command_line: Option<u64>,
    /// What the command echoes before anything else runs (`echo "Running checks"; make`), until
    /// its first line of output is read.
    announces: Option<String>,
    /// That first line, when it was the echo: the script's own word, which no paragraph of the
    /// command's output takes; the step's last words only when nothing came after it.
    pub announcement: Option<(u64, String)>,
    /// The spaces (four or more) every line of the step's output so far began with (a script
    /// that indents what a command prints, `cmd | sed 's/^/    /'`): read without them; 0 once
    /// a line has fewer than four.
    uniform_indent: Option<usize>,
    /// The exit code its pointer reported, if any.
    pub exit_code: Option<u32>,
    /// Decisive blocks: the first few of tiers 0 and 1.
    pub decisive: Vec<Block>,
    /// Generic blocks: the most recent few of tiers 2 and 3.
    pub generic: VecDeque<Block>,
    pub tail: VecDeque<(u64, String)>,
    /// With a baseline: the last lines that the passing run did not print.
    pub new_tail: VecDeque<(u64, String)>,
    /// The last blank lines, as empty lines: excerpts split only by them are shown as one.
    pub blanks: VecDeque<(u64, String)>,
    pub failing_tests: Vec<String>,
    /// Tests a runner marked failed on a line of their own, whose report may come further down
    /// under the test's name (see [`Step::reported_under_awaited_name`]).
    awaited_reports: Vec<String>,
    /// The last numbered suite title of a failure list (mocha's `1) cart`), while the lines
    /// under it go on the test's name (see `Engine::title_goes_on`).
    suite_title: Option<SuiteTitle>,
    tier_counts: [usize; 4],
    seq: u64,
    /// The anchor count at the last test-run verdict line: what a passing verdict covers.
    last_verdict: u64,
    /// Whether the last line in the tail has a keyword, and whether the lines now read are the
    /// frames of a wrapper's exception under it (see `Engine::push_tail`).
    keyword_above: bool,
    skipping_frames: bool,
    /// Inside Maven's trace of a failed goal (see `Engine::in_maven_trace`).
    maven_trace: bool,
    /// Inside a section of failures the runner expects (RSpec's `Pending:`): what it prints is
    /// not a cause while another candidate exists.
    expected_failures: bool,
    /// Under a unit's title that says it passed (Ansible's `ok: [host] => {`, Jest's `PASS
    /// file`): what is indented under it is the unit's noise.
    in_passed_unit: bool,
    /// The exit pointer that closed it, if any.
    pub exit_pointer: Option<u64>,
    /// Its command makes warnings fatal (see [`Rules::makes_warnings_fatal`]).
    warnings_fatal: bool,
    /// Its command runs a build tool that echoes the commands it runs (see
    /// [`shape::runs_echoing_tool`]).
    echoes_commands: bool,
    /// The line such a tool echoed the command it ran last on (make's recipe line), if read.
    pub recipe_echo: Option<u64>,
    /// BuildKit reported that a RUN step failed: what it prints after that (the step's last
    /// lines again, the Dockerfile around the step, `ERROR: failed to solve: …`) repeats what
    /// the step showed.
    build_step_failed: bool,
    /// The tasks a monorepo task runner headed its output with (Nx's `> nx run web:test`), and
    /// the lines they start on.
    task_sections: Vec<(u64, String)>,
}

/// How many task headers a step remembers: more packages than most monorepos hold.
const MAX_TASK_SECTIONS: usize = 256;

/// A failure list's numbered title and the lines that went on it so far.
#[derive(Debug, Clone)]
struct SuiteTitle {
    /// The last line of the title so far.
    line: u64,
    /// Where that line's words start: a line under it goes on the title only indented past it.
    words_at: usize,
    /// The name the numbered line was recorded under, among the failing tests.
    recorded: String,
    /// The title so far: the suites', then the test's own.
    name: String,
}

/// Marks `block` as noise, not a cause while another candidate exists, and gives its slot back:
/// noise must not crowd out the decisive errors printed after it.
fn pass_over(block: &mut Block, tier_counts: &mut [usize; 4]) {
    block.passed_over = true;
    let tier = usize::from(block.rule.tier.min(3));
    if tier <= 1 {
        tier_counts[tier] = tier_counts[tier].saturating_sub(1);
    }
}

impl Step {
    /// Passes over the tracebacks a program logged (see [`Block::logged`]) and then went on
    /// from: a crash's traceback is the last thing its program prints, and a step whose output
    /// ends on an exception (`KeyError: 'coffee'`, a message's last line) crashed.
    fn pass_over_logged(&mut self) {
        if !self.decisive.iter().any(|b| b.logged && !b.passed_over) {
            return;
        }
        // The program's last output, not a wrapper's report of how it exited after it (make's
        // `*** [ci] Error 1`, Maven's exec plugin's closing).
        let said = said_last(&self.tail, self.recipe_echo);
        let last = match self.tail.range(said..).any(|l| reports_exit(&l.1)) {
            true => said.checked_sub(1).and_then(|at| self.tail.get(at)),
            false => self.tail.back(),
        };
        let Some((last_output, last_line)) = last else {
            return;
        };
        let exception = last_line
            .split(':')
            .next()
            .and_then(|name| name.rsplit('.').next())
            .is_some_and(|name| {
                ["Error", "Exception", "Exit", "Interrupt"]
                    .iter()
                    .any(|k| name.ends_with(k))
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            });
        if exception {
            return;
        }
        let last_output = *last_output;
        for block in &mut self.decisive {
            if block.logged
                && !block.passed_over
                && block.lines.last().is_some_and(|l| l.0 < last_output)
            {
                pass_over(block, &mut self.tier_counts);
            }
        }
    }

    /// The command, where it tells what ran: of a collapsed block, only a first line that goes
    /// on to the next (`pytest \`); another first line (`cd web`, `pip install … || true`) may
    /// not be what failed.
    pub fn told_command(&self) -> Option<&str> {
        let command = self.command.as_deref()?;
        (!self.collapsed || command.trim_end().ends_with('\\')).then_some(command)
    }

    /// A step that prints files (`cat`, `tail`, `find … -exec cat`): CI configurations run
    /// these after a failure to show logs, so their errors are quotes, not the failure.
    fn dumps_files(&self) -> bool {
        self.told_command().is_some_and(|c| {
            let c = c.trim_start();
            ["cat ", "tail ", "head ", "less ", "more "]
                .iter()
                .any(|p| c.starts_with(p))
                || c.contains(";cat ")
                || c.contains("; cat ")
                || c.contains("do cat ")
                || c.contains("-exec cat")
                || c.contains("xargs cat")
        })
    }

    /// Masks credential-looking text in everything a report can show of this step: the blocks'
    /// lines (and so the excerpts, locations and headline taken from them), the tail, the
    /// command and the test names. Done once, before the report is built from them.
    pub fn redact(&mut self) {
        let lines = |lines: &mut dyn Iterator<Item = &mut (u64, String)>| {
            for (_, text) in lines {
                if let std::borrow::Cow::Owned(masked) = super::redact::redact(text) {
                    *text = masked;
                }
            }
        };
        for block in self.decisive.iter_mut().chain(self.generic.iter_mut()) {
            lines(&mut block.lines.iter_mut());
        }
        lines(&mut self.tail.iter_mut().chain(self.new_tail.iter_mut()));
        for text in self.command.iter_mut().chain(self.failing_tests.iter_mut()) {
            if let std::borrow::Cow::Owned(masked) = super::redact::redact(text) {
                *text = masked;
            }
        }
    }

    /// Numbers of the kept lines (blocks and tails) that the passing run printed too, or that
    /// are blank: what an excerpt made only of them shows nothing new. Before [`Step::redact`].
    pub fn known_lines(&self, baseline: &Baseline) -> HashSet<u64> {
        self.decisive
            .iter()
            .chain(self.generic.iter())
            .flat_map(|b| b.lines.iter())
            .chain(self.tail.iter())
            .filter(|(_, text)| text.trim().is_empty() || baseline.contains(text))
            .map(|(n, _)| *n)
            .collect()
    }

    /// Whether `text` names a test marked failed above, alone or after a path's separator
    /// (`adds prices`, `cart.test.mjs › adds prices`): the title of its report. Each name
    /// titles one report.
    fn reported_under_awaited_name(&mut self, text: &str) -> bool {
        let t = text.trim();
        // The name inside a title framed by rules, with a word on what the report holds
        // (libtest's `---- tests::two stdout ----`); alone or after a marker; or before its
        // place (Deno's `two prices => ./cart_test.ts:8:6`).
        let framed = framed_title(t);
        let titled = |name: &String| {
            framed.is_some_and(|inside| {
                inside.strip_prefix(name.as_str()).is_some_and(|after| {
                    after.is_empty() || after.starts_with(' ') && !after[1..].contains(' ')
                })
            }) || t.strip_suffix(name.as_str()).is_some_and(|before| {
                before.is_empty()
                    || before.ends_with(' ')
                        && before.trim_end().ends_with(['›', '>', '▶', '●', ')'])
            }) || t
                .strip_prefix(name.as_str())
                .and_then(|after| after.strip_prefix(" => "))
                .is_some_and(shape::location_only)
        };
        let Some(i) = self.awaited_reports.iter().position(titled) else {
            return false;
        };
        self.awaited_reports.swap_remove(i);
        true
    }

    /// How many spaces to read `text`, a line of the step's output, without (see
    /// [`Step::uniform_indent`]).
    #[inline(never)]
    fn uniform_indent(&mut self, text: &str) -> usize {
        let spaces = text.len() - text.trim_start_matches(' ').len();
        match self.uniform_indent {
            None => {
                let indent = if (4..=8).contains(&spaces) { spaces } else { 0 };
                self.uniform_indent = Some(indent);
                indent
            }
            Some(indent) if spaces >= indent => indent,
            // (The first line may be indented more than the rest: cargo's `    Updating`.)
            Some(_) => {
                let indent = if spaces >= 4 { spaces } else { 0 };
                self.uniform_indent = Some(indent);
                indent
            }
        }
    }

    /// The step's command runs again: what it printed so far is done with.
    fn restart(&mut self) {
        *self = Step {
            command: self.command.take(),
            collapsed: self.collapsed,
            lets_fail: self.lets_fail,
            failure_variables: std::mem::take(&mut self.failure_variables),
            command_line: self.command_line,
            warnings_fatal: self.warnings_fatal,
            echoes_commands: self.echoes_commands,
            ..Step::default()
        };
    }

    fn has_errors(&self) -> bool {
        !self.decisive.is_empty() || !self.generic.is_empty()
    }

    fn keep(&mut self, block: Block) {
        let tier = usize::from(block.rule.tier.min(3));
        if tier <= 1 {
            let environment = block.rule.category.masquerade_rank().is_some();
            // A block of the same rule on the very next line goes on the run the last one
            // began (a compiler's errors one per line): it does not count as one more.
            let goes_on_run = self.decisive.last().is_some_and(|last| {
                std::ptr::eq(last.rule, block.rule)
                    && last.lines.last().map(|l| l.0 + 1) == block.lines.first().map(|l| l.0)
            });
            self.pass_over_survived_error(&block);
            if block.passed_over {
                // Kept to be shown only when nothing else is, without taking a slot.
                if self.decisive.len() < 4 * BLOCKS_PER_TIER {
                    self.decisive.push(block);
                }
            } else if self.tier_counts[tier] < BLOCKS_PER_TIER || environment || goes_on_run {
                self.tier_counts[tier] += usize::from(!goes_on_run);
                // Environment failures are always kept, but boundedly so.
                if self.decisive.len() < 4 * BLOCKS_PER_TIER {
                    self.decisive.push(block);
                }
            }
        } else {
            // A block of the same rule right under the last, or a blank line and a line of
            // no block under it (npm's `npm error` lines, cut into blocks by length, by a blank
            // line, by its `A complete log of this run…`), continues its run: the run's first
            // block says what went wrong, and it stays the one kept, with the run's lines while
            // they fit.
            let end = block.lines.last().map_or(0, |l| l.0);
            let last_decisive = self
                .decisive
                .last()
                .and_then(|b| b.lines.last())
                .map_or(0, |l| l.0);
            if let Some(run) = self.generic.back_mut()
                && std::ptr::eq(run.rule, block.rule)
                && let Some(start) = block.lines.first().map(|l| l.0)
                && start <= run.run_end + 3
                && last_decisive < run.run_end
            {
                if start == run.run_end + 1
                    && run.lines.last().is_some_and(|l| l.0 == run.run_end)
                    && run.lines.len() + block.lines.len() <= MAX_BLOCK_LINES
                {
                    run.lines.extend(block.lines);
                }
                run.run_end = end;
                return;
            }
            if self.generic.len() == RECENT_GENERIC {
                self.generic.pop_front();
            }
            self.generic.push_back(block);
        }
    }

    /// An error line of one program that the command printed more of its own output after, before
    /// another program failed (a script's `rm … || true`, then its `tar`), is one the command went
    /// on past: the later error stopped it. (A compiler's errors name no program, and one
    /// program's errors are one story.)
    fn pass_over_survived_error(&mut self, next: &Block) {
        // A severity (`Error: building at STEP …`) names no program.
        fn program(b: &Block) -> Option<&str> {
            let severities = [
                "error",
                "warning",
                "fatal",
                "failure",
                "failed",
                "exception",
                "panic",
            ];
            b.anchored_lines()
                .first()
                .and_then(|(_, l)| program_prefix(l))
                .filter(|p| !severities.iter().any(|w| p.eq_ignore_ascii_case(w)))
        }
        let Some(last) = self.decisive.last() else {
            return;
        };
        let (Some(end), Some(start)) = (last.lines.last().map(|l| l.0), next.lines.first()) else {
            return;
        };
        // Lines that only report how a process exited carry the failure on; they are not the
        // command going on.
        let went_on = (self.tail.iter()).any(|(n, l)| end < *n && *n < start.0 && !reports_exit(l));
        // The later error naming what the earlier one names (a file, a quoted name) is one story:
        // `cp` could not copy `config.yml`, `make` then has no `config.yml`.
        let next_names = next
            .anchored_lines()
            .first()
            .map(|(_, l)| crate::named_things(l))
            .unwrap_or_default();
        let one_story =
            (last.lines.iter()).any(|(_, l)| next_names.iter().any(|n| crate::mentions(l, n)));
        let survived = last.shape == Shape::Line
            && !last.passed_over
            && went_on
            && !one_story
            && program(last).is_some_and(|p| program(next).is_some_and(|q| p != q));
        if survived && let Some(last) = self.decisive.last_mut() {
            pass_over(last, &mut self.tier_counts);
        }
    }

    /// A test run's verdict (JUnit's console, sbt, Surefire): when it reports no failure, what
    /// was printed since the previous verdict came from passing tests — an exception a test
    /// provokes and catches, a connection a test expects to be refused — and is not a cause
    /// while another candidate exists.
    fn verdict(&mut self, passed: bool) {
        if passed {
            let since = self.last_verdict;
            for block in self.decisive.iter_mut().chain(self.generic.iter_mut()) {
                if block.seq > since
                    && block.rule.category != Category::TestFailure
                    && !block.passed_over
                {
                    pass_over(block, &mut self.tier_counts);
                }
            }
        }
        self.last_verdict = self.seq;
    }

    /// The primary block and the blocks worth showing with it, by the precedence above.
    pub fn choose<'s>(&'s self) -> Vec<&'s Block> {
        fn said(b: &Block) -> Option<&str> {
            b.anchored_lines().first().map(|(_, l)| untagged(l))
        }
        // The blocks that are an application's log record, or an exception logged under one
        // (read once: the checks below ask of every pair of blocks).
        let records: Vec<u64> = (self.decisive.iter().chain(&self.generic))
            .filter(|b| {
                (b.lines.first().into_iter().map(|(_, l)| untagged(l)))
                    .chain(said(b))
                    .any(recorded_at_error)
            })
            .map(|b| b.seq)
            .collect();
        let recorded = |b: &Block| records.contains(&b.seq);
        // What passing tests printed is not a cause. When it is all there is, the step's last
        // output says more (a coverage gate after a passing suite's console noise).
        let decisive: Vec<&Block> = self.decisive.iter().filter(|b| !b.passed_over).collect();
        let last_words = self.tail.range(..said_last(&self.tail, self.recipe_echo));
        // When a test runner reports failed tests, the tests are the verdict: a network error
        // a passing test printed, or one quoted in a failure's report, is the test's business
        // (a test that failed because of the network says so in its own report).
        // A diagnostic that a check failed (`tests/test_tls.py:93: AssertionError`) is a failed
        // test's verdict whatever ran it.
        let tests_failed = decisive.iter().any(|b| {
            b.rule.tier <= 1
                && (b.rule.category == Category::TestFailure
                    || b.anchored_lines().iter().any(|(_, l)| asserts_failed(l)))
        });
        // An application's record (its anchor: one over another program's crash, `Exception in
        // thread "main"`, only heads that crash) that the step's own words went on well past,
        // none of them logged: a check's findings after the line a server the script started
        // logged.
        let outlived = |b: &Block| {
            let rules = Rules::get();
            let logged = |l: &str| recorded_at_error(l) || rules.logged_below_error(l);
            said(b).is_some_and(recorded_at_error)
                && b.lines.last().is_some_and(|end| {
                    let mut after = last_words.clone().filter(|l| l.0 > end.0);
                    after.clone().count() > WENT_ON_PAST && !after.any(|(_, l)| logged(l))
                })
        };
        // A program's dying words (git's `fatal:` in a build's version stamp) with more of the
        // step after them: the script went on past that failure, unless what follows names the
        // program (its caller's report of its exit: dep's `command failed: [git clone …]`); and
        // an outlived record.
        let went_past = |b: &Block| {
            if outlived(b) {
                return true;
            }
            // make's report that it ignored the failure right above it (a `-` recipe line, `make
            // -i`): the build went on.
            let ignored = b.lines.last().is_some_and(|end| {
                last_words
                    .clone()
                    .find(|l| l.0 > end.0)
                    .is_some_and(|next| next.0 <= end.0 + 2 && make_ignored_error(&next.1))
            });
            if ignored {
                return true;
            }
            let (Some(program), Some(end)) = (b.rule.ends_its_program, b.lines.last()) else {
                return false;
            };
            let mut after = last_words.clone().filter(|l| l.0 > end.0).peekable();
            after.peek().is_some()
                && !after.take(3).any(|(_, l)| {
                    l.split(|c: char| !c.is_ascii_alphanumeric())
                        .any(|word| word == program)
                })
        };
        let candidate = |b: &&Block| !b.passed_over && !went_past(b);
        // The primary by the precedence above, among `decisive` and the generic blocks.
        let pick = |decisive: &[&'s Block]| -> Option<&'s Block> {
            // An application's record of an event, logged after another failure was reported
            // (a server's log a script prints once the build failed), did not cause it.
            let recorded_after = |b: &Block| {
                said(b).is_some_and(recorded_at_error)
                    && (self.decisive.iter().chain(&self.generic)).any(|o| {
                        o.seq < b.seq
                            && !o.passed_over
                            && o.rule.tier <= 2
                            && o.rule.category.masquerade_rank().is_none()
                    })
            };
            // An application's record (and an exception logged under one) is what a program
            // said as it ran, whatever it went on to do: a failure the step reports after it, in
            // a tool's words (a compiler's error, a test's verdict), is what failed.
            let reported_after = |b: &Block| {
                recorded(b)
                    && (decisive.iter().copied().chain(&self.generic)).any(|o| {
                        o.seq > b.seq
                            && o.rule.tier <= 2
                            && !o.passed_over
                            && o.rule.category.masquerade_rank().is_none()
                            && !recorded(o)
                            && !went_past(o)
                            && !said(o).is_some_and(reports_exit)
                    })
            };
            let environment = decisive
                .iter()
                .copied()
                .filter(|b| !tests_failed && !went_past(b) && !recorded_after(b))
                .filter(|b| !reported_after(b))
                .filter_map(|b| b.rule.category.masquerade_rank().map(|rank| (rank, b)))
                .min_by_key(|(rank, b)| (*rank, b.seq))
                .map(|(_, b)| b);
            environment.or_else(|| {
                decisive
                    .iter()
                    .copied()
                    .filter(|b| !tests_failed || b.rule.category.masquerade_rank().is_none())
                    .filter(|b| b.rule.category.masquerade_rank().is_none() || !recorded_after(b))
                    .filter(|b| !reported_after(b))
                    // A test whose failure only counts the cases it ran (trybuild's `1 of 2 tests
                    // failed`) comes after the cases' own verdicts; a program's dying words the
                    // script went on past (git's `fatal:` in a build's version stamp) after what
                    // failed later.
                    .filter(|b| !went_past(b))
                    .min_by_key(|b| (b.rule.tier + 2 * u8::from(b.only_counts_failures()), b.seq))
                    .or_else(|| {
                        // A wrapper's report of how the command it ran exited (make's `*** [ci]
                        // Error 1`, BuildKit's `did not complete successfully`) points at what the
                        // command printed: its errors, or else its last words.
                        let last = self
                            .generic
                            .iter()
                            .filter(candidate)
                            .filter(|b| {
                                !b.anchored_lines().first().is_some_and(|(_, l)| {
                                    reports_exit(l)
                                        || shouted(l) && wrapper_heading(l)
                                        || gradle_reports_failure(l)
                                })
                            })
                            // A line logged below error level is the weakest of its tier.
                            .min_by_key(|b| {
                                (b.rule.tier, b.logged_below_error(), u64::MAX - b.seq)
                            })?;
                        // A line logged below error level that the step went on well past says
                        // less than the step's own last words; a retry's warning says less than
                        // any line after it, which tells what became of the attempt.
                        if last.logged_below_error() {
                            let end = last.lines.last().map_or(0, |l| l.0);
                            let retried = said(last).is_some_and(crate::rules::says_it_retries);
                            let past = if retried { 0 } else { WENT_ON_PAST as u64 };
                            if last_words
                                .clone()
                                .next_back()
                                .is_some_and(|l| l.0 > end + past)
                            {
                                return None;
                            }
                        }
                        // A line that only reports how a subprocess exited (`build`'s `ERROR Backend
                        // subprocess exited when trying to invoke …`) points at the error the
                        // subprocess printed above it.
                        // A count of the tests that failed (octave's `error: cart_total: 1 of 2 tests
                        // failed`), or of errors none of which it found above it (`1 error` under a
                        // report a weaker rule read), points at the blocks just above it; a
                        // run's closing summary of its failures (`Failed: 1.  Passed: 7.`,
                        // `failures:` over their names), at the first failure the run reported,
                        // however far above; a verdict that names nothing that failed (`ERROR:
                        // Build failed`), at the latest error above it.
                        let earlier =
                            || (self.generic.iter().filter(candidate)).filter(|b| b.seq < last.seq);
                        let last = if last.shape == Shape::Line
                            && said(last).is_some_and(summarises_failures)
                        {
                            earlier()
                                .filter(|b| !said(b).is_some_and(summarises_failures))
                                .min_by_key(|b| b.seq)
                                .unwrap_or(last)
                        } else if said(last).is_some_and(says_only_that_it_failed) {
                            // The latest error, before a line logged below error level.
                            earlier()
                                .max_by_key(|b| (!b.logged_below_error(), b.seq))
                                .unwrap_or(last)
                        } else if said(last).is_some_and(counts_failures)
                            || counts_nothing_shown(last)
                        {
                            let end = last.lines.first().map_or(0, |l| l.0);
                            earlier()
                                .filter(|b| b.lines.last().is_some_and(|l| l.0 + 10 >= end))
                                .filter(|b| !said(b).is_some_and(counts_failures))
                                .max_by_key(|b| b.seq)
                                .unwrap_or(last)
                        } else {
                            last
                        };
                        // A tool that repeats its error in its closing summary (Maven under
                        // `Failed to execute goal`) said it first where it happened: shown there.
                        let message = said(last);
                        self.generic
                            .iter()
                            .filter(candidate)
                            .find(|b| {
                                b.seq < last.seq
                                    && b.anchored_lines()
                                        .iter()
                                        .any(|(_, l)| Some(untagged(l)) == message)
                            })
                            .or(Some(last))
                    })
            })
        };
        // A wrapper's title over the output of what it ran (pre-commit's `hook.....Failed`)
        // heads what that output says: the cause the wrapped tool printed comes first, the
        // title with it. When the output says nothing a rule reads, the title is the answer.
        let untitled: Vec<&Block> = (decisive.iter().copied())
            .filter(|b| !b.rule.titles_output)
            .collect();
        let title_over = |b: &Block| {
            (decisive.iter().copied())
                .filter(|t| t.rule.titles_output && t.seq < b.seq)
                .max_by_key(|t| t.seq)
        };
        let (primary, title) = match pick(&untitled) {
            Some(cause) if let Some(title) = title_over(cause) => (Some(cause), Some(title)),
            _ => (pick(&decisive), None),
        };
        let Some(primary) = primary else {
            return Vec::new();
        };
        let mut chosen = vec![primary];
        let mut budget = 30usize.saturating_sub(primary.lines.len());
        // Blocks that end right above the primary are its beginning: a test's title over its
        // traceback (unittest's `FAIL: test`, ctest's `***Failed`), the first diagnostics of
        // the run it closes. Whatever their rule, they are shown with it.
        let first_line = |b: &Block| b.lines.first().map(|l| l.0).unwrap_or(0);
        let mut top = first_line(primary);
        for _ in 0..3 {
            let above = self
                .decisive
                .iter()
                .chain(self.generic.iter())
                .filter(candidate)
                // A line logged below error level (a retry's warning) titles nothing, nor does
                // an application's record of a cause of its own (an environment event, an
                // exception it logged over its traceback or frames) over another failure.
                .filter(|b| !b.logged_below_error())
                .filter(|b| {
                    let own_cause = b.rule.category.masquerade_rank().is_some()
                        || matches!(b.shape, Shape::Traceback | Shape::Stack);
                    !(recorded(b) && own_cause) || recorded(primary)
                })
                .find(|b| {
                    b.lines.last().is_some_and(|l| {
                        l.0 + 1 == top
                            // A title a blank line above (Next.js' and webpack's `Failed to
                            // compile.` over the file's diagnostic, Bun's `error:` under its
                            // frame): one line and what leads to it, in the first column, not
                            // a test's verdict nor a warning.
                            || b.anchored_lines().len() == 1
                                && b.rule.tier >= 2
                                && b.rule.category != Category::TestFailure
                                && !l.1.starts_with(char::is_whitespace)
                                && l.0 + 2 == top
                                && self.blanks.iter().any(|(n, _)| n + 1 == top)
                    })
                });
            // A line that reports a command's exit status points at the output, it does not
            // title it (BuildKit's `#5 ERROR: process … did not complete successfully`).
            let Some(above) = above.filter(|b| {
                b.lines.len() <= budget.min(8) && !b.lines.iter().any(|(_, l)| reports_exit(l))
            }) else {
                break;
            };
            budget -= above.lines.len();
            top = first_line(above);
            chosen.push(above);
        }
        // Decisive blocks that follow on the very next line belong to the same story (an error
        // and the harness line that reports it), and so does a short error line of the generic
        // shape right under it (sbt's `[error] (Test / test) …` naming the task that failed).
        let mut following: Vec<&Block> = decisive
            .iter()
            .copied()
            .chain(
                self.generic
                    .iter()
                    .filter(|b| b.rule.tier == 2 && b.lines.len() <= 2 && !b.passed_over),
            )
            .filter(|b| b.seq > primary.seq)
            .collect();
        following.sort_by_key(|b| b.seq);
        let short = primary.lines.len() <= 2;
        follow_on(primary, &following, short, &mut chosen, &mut budget);
        // More failures of the same kind (a second failing test, a second compile error), while
        // they fit the excerpt budget; not one a tool repeats in its summary (Maven prints each
        // compile error twice).
        for other in decisive.iter().copied().filter(|b| b.seq > primary.seq) {
            if chosen.len() >= 3
                || other.rule.name != primary.rule.name
                || chosen.iter().any(|c| std::ptr::eq(*c, other))
                || chosen.iter().any(|c| said(c) == said(other))
            {
                continue;
            }
            if other.lines.len() <= budget {
                budget -= other.lines.len();
                chosen.push(other);
                follow_on(other, &following, short, &mut chosen, &mut budget);
            }
        }
        // A chain of Python exceptions is one story, told by its last traceback (what the
        // program died of, as Python reports it) with its first (the root cause) under it.
        if primary.shape == Shape::Traceback {
            // Decisive blocks are kept in the order they were read.
            let chain = decisive.iter().copied().filter(|b| b.seq > primary.seq);
            if let Some(last) = chain.take_while(|b| b.chained).last() {
                chosen.retain(|c| !std::ptr::eq(*c, last));
                chosen.insert(0, last);
            }
        }
        if let Some(title) = title
            && !chosen.iter().any(|c| std::ptr::eq(*c, title))
        {
            chosen.push(title);
        }
        chosen
    }
}

/// Adds the blocks in `following` that start on the line after `from` ends, one under the
/// other, while `budget` lasts: the harness line that reports an error is part of its story.
/// Under a short block (a line or two), one too long for what is left is shown in part (a
/// test's verdict line, then the top of its exception's frames).
fn follow_on<'a>(
    from: &Block,
    following: &[&'a Block],
    short: bool,
    chosen: &mut Vec<&'a Block>,
    budget: &mut usize,
) {
    let mut end = from.lines.last().map(|l| l.0).unwrap_or(0);
    for other in following.iter().copied().filter(|b| b.seq > from.seq) {
        let start = other.lines.first().map(|l| l.0).unwrap_or(0);
        if start != end + 1 || other.lines.len() > *budget && !(short && *budget >= 3) {
            break;
        }
        *budget = budget.saturating_sub(other.lines.len());
        end = other.lines.last().map(|l| l.0).unwrap_or(end);
        if !chosen.iter().any(|c| std::ptr::eq(*c, other)) {
            chosen.push(other);
        }
    }
}

/// Lines a step may print after a line logged below error level with that line still its
/// answer (when nothing stronger is).
const WENT_ON_PAST: usize = 8;

pub(super) fn exit_pointer() -> &'static Regex {
    static CELL: OnceLock<Regex> = OnceLock::new();
    CELL.get_or_init(|| {
        Regex::new(
            r#"^(The command ".*" (failed and )?exited with (?P<a>\d+)|The command ".*" failed \d+ times\.|ERROR: Job failed: (exit code (?P<b>\d+)|(?P<other>.+))|(##\[error\])?Process completed with exit code (?P<c>\d+)|Done\. Your build exited with (?P<d>\d+))"#,
        )
        .expect("exit pointer pattern compiles")
    })
}

/// Lines a wrapper may print after its report of how the command exited (yarn's `info Visit …`,
/// nox's `Session tests failed.`, rake's frames and `Tasks: TOP => ci`).
const WRAPPER_EPILOGUE: usize = 5;

/// How many of `tail`'s lines lead up to its last words: not what the step logged below error
/// level after them (npm's update notice, pip's warning about running as root), which it prints
/// whatever happened, nor a wrapper's report of how the command exited (make's `*** [ci] Error
/// 1`, npm's lifecycle block and its empty `npm ERR!` lines), its heading (rake's `rake
/// aborted!`) and the few lines it says after it, once the command is over, nor Gradle's report
/// on the build; all of them when that is all it printed (under a wrapper's header, up to the
/// wrapper's own lines), and the lines logged below error level too when the first of them is
/// about the file the words are (a list of findings, the last at a lower level).
pub(crate) fn said_last(tail: &VecDeque<(u64, String)>, recipe_echo: Option<u64>) -> usize {
    let rules = Rules::get();
    let closing_line = |l: &(u64, String)| {
        rules.logged_below_error(&l.1)
            || reports_exit(&l.1)
            || untagged(&l.1).is_empty()
            || hook_passed(&l.1)
            || gradle_reports_failure(&l.1)
    };
    let exit_report =
        |l: &(u64, String)| !l.1.starts_with(char::is_whitespace) && reports_exit(&l.1);
    // (What it printed once its command was over, whatever happened, is no part of it.)
    let kept = tail.len() - aftermath_len(tail.iter().rev().map(|l| l.1.as_str()));
    let end = (tail.range(..kept).rev().take(WRAPPER_EPILOGUE + 1))
        .position(exit_report)
        .map_or(kept, |back| kept - 1 - back);
    let mut said = end;
    loop {
        let before = said;
        said -= tail
            .range(..said)
            .rev()
            .take_while(|l| closing_line(l))
            .count();
        said -= aftermath_len(tail.range(..said).rev().map(|l| l.1.as_str()));
        if said == before {
            break;
        }
    }
    if said > 0
        && tail.get(said).is_some_and(exit_report)
        && tail[said].0 == tail[said - 1].0 + 1
        && wrapper_heading(&tail[said - 1].1)
    {
        said -= 1;
    }
    if said == 0 || said == kept {
        return kept;
    }
    // Under a wrapper's header over what it ran (a hook's title, an echoed command, Gradle's
    // `> Task :ci`), output that is all closing lines (the warnings a tool failed on) is what
    // the command said: all of it, up to the wrapper's own lines after it.
    if ends_with_hook_title(tail.range(..said).map(|l| l.1.as_str()))
        || Some(tail[said - 1].0) == recipe_echo
        || echoed_command(
            &tail[said - 1].1,
            said.checked_sub(2).map(|i| tail[i].1.as_str()),
        )
        .is_some()
    {
        let output: Vec<&(u64, String)> = (tail.range(said..kept))
            .take_while(|l| !wrapper_reports(&l.1))
            .collect();
        let blank_end = output
            .iter()
            .rev()
            .take_while(|l| untagged(&l.1).is_empty())
            .count();
        return said + output.len() - blank_end;
    }
    // The last of a list of findings, at a lower level, is one of the words.
    let findings = tail
        .range(said..kept)
        .take_while(|l| !reports_exit(&l.1))
        .count();
    if findings > 0 && names_same_file(&tail[said - 1].1, &tail[said].1) {
        said + findings
    } else {
        said
    }
}

/// The last command a wrapper echoed in `tail[..said]` and where: npm's `> shop@1.0.0 test` and
/// `> jest`, pnpm's `packages/web test$ jest`, Ninja's under `FAILED: a.o`, go-task's `task:
/// [ci] pytest`, nox's `nox > pytest`, tox's `py: commands[0]> pytest`, BuildKit's `#7
/// [3/3] RUN make`, Docker's legacy builder's `Step 3/3 : RUN make` and ` ---> Running in
/// 1a2b3c4d5e6f`, the header over a task's output, Gradle's `> Task :ci`, Grunt's `Running
/// "exec:test" (exec) task` and Docker Compose's `Attaching to app-1, db-1` (the command empty
/// on a line that only heads or follows the echo, or names a task); and a build tool's bare
/// echo (make's recipe line) on line `recipe_echo` (see [`Step::recipe_echo`]).
pub(crate) fn wrapped_command(
    tail: &VecDeque<(u64, String)>,
    said: usize,
    recipe_echo: Option<u64>,
) -> Option<(usize, &str)> {
    (0..said.min(tail.len())).rev().find_map(|i| {
        if Some(tail[i].0) == recipe_echo {
            return Some((i, tail[i].1.trim()));
        }
        let above = i.checked_sub(1).map(|i| tail[i].1.as_str());
        echoed_command(&tail[i].1, above).map(|command| (i, command))
    })
}

/// The command a wrapper's line echoes, or "" when it only heads or follows the echo or names
/// a task (see [`wrapped_command`]); `above` is the line over it, if any.
fn echoed_command<'a>(line: &'a str, above: Option<&str>) -> Option<&'a str> {
    let npm_script = |l: &str| {
        l.strip_prefix("> ")
            .and_then(|rest| rest.split_once(' '))
            .is_some_and(|(package, _)| package.get(1..).is_some_and(|p| p.contains('@')))
    };
    // pnpm's `-r`: the package's directory, its script, then the command.
    fn pnpm_script(l: &str) -> Option<&str> {
        let (package, command) = l.split_once("$ ")?;
        let (directory, script) = package.split_once(' ')?;
        (directory.contains('/')
            && !directory.contains(char::is_whitespace)
            && !script.is_empty()
            && script.bytes().all(crate::lines::in_script_name))
        .then_some(command)
    }
    let l = line.trim();
    let command = if let Some(command) = pnpm_script(l) {
        command
    } else if let Some(command) = l.strip_prefix("> ")
        && above.is_some_and(|above| npm_script(above.trim()))
    {
        command
    } else if npm_script(l)
        || l.starts_with("---> Running in ")
        || l.starts_with("Attaching to ")
        || task_runner_heading(l)
    {
        ""
    } else if above.is_some_and(|above| {
        above
            .trim()
            .strip_prefix("FAILED: ")
            .is_some_and(|target| !target.is_empty())
    }) {
        // Ninja's: the failed edge's title (`FAILED: CMakeFiles/check`), then its command.
        l
    } else if let Some(command) = l
        .strip_prefix("task: [")
        .and_then(|rest| rest.split_once("] "))
        .map(|(_, command)| command)
        .or_else(|| l.strip_prefix("nox > "))
    {
        // go-task's `task: [ci] pytest`, nox's `nox > pytest`.
        command
    } else if l.contains(": commands[") {
        l.split_once("]> ").or_else(|| l.split_once("] | "))?.1
    } else if l.starts_with('#') && l.contains("] RUN ") || l.starts_with("Step ") {
        l.split_once(" : ")
            .map_or(l, |(_, instruction)| instruction)
            .split_once("RUN ")?
            .1
    } else {
        return None;
    };
    Some(command.trim())
}

/// Where the output of the last command a wrapper echoed starts in `tail[..said]`, as the
/// runner's `$ cmd` starts a step's (see [`wrapped_command`]); 0 when there is none, or nothing
/// after it.
pub(crate) fn wrapped_output_start(
    tail: &VecDeque<(u64, String)>,
    said: usize,
    recipe_echo: Option<u64>,
) -> usize {
    wrapped_command(tail, said, recipe_echo)
        .map_or(0, |(i, _)| if i + 1 < said { i + 1 } else { 0 })
}

/// Which of the commands or packages whose output is interleaved in a step printed its last
/// lines (the commands concurrently runs, the packages of a monorepo's task, see
/// [`crate::lines::clean_into`]), and which of them a wrapper reported failed.
#[derive(Default)]
struct Sources {
    /// Line, source, and whether the line reports that the source failed (`[api] npm test
    /// exited with code 1`, `packages/web test: Failed`, npm's report behind a package's name;
    /// not an exit with 0).
    lines: VecDeque<(u64, u64, bool)>,
}

impl Sources {
    fn note(&mut self, number: u64, text: &str, source: u64) {
        if text.is_empty() {
            return;
        }
        if self.lines.len() == MAX_SOURCED_LINES {
            self.lines.pop_front();
        }
        let failed = text == "Failed" || reports_failed_exit(text);
        self.lines.push_back((number, source, failed));
    }

    /// The step's tail without the lines of other sources than the one that failed last in
    /// it, when one did: what a command or package that passed printed after it is not its
    /// last words.
    fn keep_failed(&self, step: &mut Step) {
        let first = step.command_line.unwrap_or(0);
        let last = step.tail.back().map_or(0, |l| l.0);
        let in_step = || {
            (self.lines.iter().rev())
                .skip_while(|l| l.0 > last)
                .take_while(|l| l.0 > first)
        };
        // Docker Compose reports a container's exit on a line of its own, by the name its
        // lines are tagged with (`app-1 exited with code 1`), as BuildKit does a step's (`#8
        // ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2`).
        let named = || {
            step.tail.iter().rev().find_map(|l| {
                let (name, status) = l.1.split_once(' ')?;
                let key = reports_failed_exit(status).then(|| source_key(name.as_bytes()))?;
                in_step().any(|s| s.1 == key).then_some(key)
            })
        };
        // (Most steps have no tagged line: they skip the search for a named exit.)
        if in_step().next().is_none() {
            return;
        }
        let Some(failed) = in_step().find(|l| l.2).map(|l| l.1).or_else(named) else {
            return;
        };
        let other = |number: u64| {
            (self.lines.binary_search_by_key(&number, |l| l.0))
                .is_ok_and(|i| self.lines[i].1 != failed)
        };
        step.tail.retain(|l| !other(l.0));
        step.new_tail.retain(|l| !other(l.0));
    }
}

/// Tagged lines a step looks back over for a source's report that it failed: the report stays in
/// reach under a long run of the other sources' lines after it.
const MAX_SOURCED_LINES: usize = 1104;

/// Whether a wrapper's line reports that a command exited, not with 0.
fn reports_failed_exit(text: &str) -> bool {
    let exited_zero = || {
        text.trim_end_matches(['.', ')'])
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            == Some("0")
    };
    reports_exit(text) && !exited_zero()
}

/// Cleaned lines waiting for the keyword scan, which runs over many lines at once (see
/// `keywords.rs`). Bounded: flushed at [`BATCH_BYTES`] or [`BATCH_LINES`].
#[derive(Default)]
struct Batch {
    /// The lines' visible text, each followed by `\n`; UTF-8 is checked at the flush.
    text: Vec<u8>,
    /// Line number, and the line's end in `text` (it starts after the previous one's `\n`).
    lines: Vec<(u64, usize)>,
    has_keyword: Vec<bool>,
    /// The lines that carry a source's tag (see [`lines::clean_into`]): their index, the key.
    sources: Vec<(usize, u64)>,
}

impl Batch {
    // Out of the way of every line's path (few lines carry a source), which stays small enough
    // to inline.
    #[cold]
    #[inline(never)]
    fn note_source(&mut self, source: u64) {
        self.sources.push((self.lines.len(), source));
    }
}

const BATCH_BYTES: usize = 32 * 1024;
const BATCH_LINES: usize = 1024;

pub struct Engine {
    rules: &'static Rules,
    batch: Batch,
    current: Step,
    failing: Option<Step>,
    /// The last few steps that reported errors and went on, the latest last (see
    /// [`Finished::earlier`]).
    with_errors: VecDeque<Step>,
    /// The last few steps without errors whose command noted its failure in a variable and went
    /// on (`diff -u want got || FAILED=1`), the latest last (see [`Engine::deferred_failure`]).
    noted_failures: VecDeque<Step>,
    /// The last command the log said exited with 0 (Travis' `The command "npm test" exited
    /// with 0.`): when no step failed, the job failed after its commands passed.
    last_passed: Option<String>,
    open: Option<Block>,
    /// Last line of the most recently closed block.
    last_block_end: u64,
    /// Last line of the most recently closed decisive block (tier 0 or 1): a framed heading may
    /// hold a weaker block's line (Alcotest's boxed `[FAIL] test`), not a decisive one's.
    last_decisive_end: u64,
    pub lines_total: u64,
    /// Lines of another stream left out (see [`crate::gaps`]).
    gaps: Gaps,
    /// A passing run of the same job: its lines are not causes.
    baseline: Option<Baseline>,
    /// The last line GitHub Actions' echo of a step (`##[group]Run cmd` … `##[endgroup]`: the
    /// script, its shell and its environment, not its output) may reach; bounded, since a log
    /// may print the opening line without ever closing the group.
    step_echo_until: u64,
    /// Where the runner checked the project out (`Reinitialized existing Git repository in
    /// /builds/acme/shop/.git/`): paths under it are the project's, relative to it.
    checkout: Option<String>,
    /// The script's last step, set aside when the runner starts the job's after_script: what
    /// after_script prints comes after the failure and is not it.
    before_after_script: Option<Step>,
    /// Inside a Maven goal that relays a process's output line by line under Maven's level
    /// tags (see [`Engine::relayed`]).
    relaying: bool,
    /// The last lines that carried a source's tag (see [`Sources`]).
    sources: Sources,
    /// The last line that carried a source's tag, and the source.
    line_source: Option<(u64, u64)>,
    /// The source whose tagged line opened the open block, if any.
    open_source: Option<u64>,
    /// The last line was a build tool's epilogue that quotes something on the next line (npm 2's
    /// and 3's `Tell the author that this fails on your system:` over the script's command).
    epilogue_quotes_next: bool,
}

/// What the engine found: the failing step, the log's length, and the baseline it compared with.
pub struct Finished {
    pub step: Option<Step>,
    /// The last few earlier steps that reported errors and went on (`|| true`, `make -i`), the
    /// latest last: a failure among them may be what the failing step lacks.
    pub earlier: Vec<Step>,
    pub lines_total: u64,
    pub baseline: Option<Baseline>,
    pub checkout: Option<String>,
    /// The last command the log said passed (see `Engine::last_passed`).
    pub last_passed: Option<String>,
    /// The lines left out, which the numbers above skip.
    pub gaps: Gaps,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    pub fn new() -> Self {
        Self {
            rules: Rules::get(),
            batch: Batch::default(),
            current: Step::default(),
            failing: None,
            with_errors: VecDeque::new(),
            noted_failures: VecDeque::new(),
            last_passed: None,
            open: None,
            last_block_end: 0,
            last_decisive_end: 0,
            lines_total: 0,
            gaps: Gaps::default(),
            baseline: None,
            step_echo_until: 0,
            checkout: None,
            before_after_script: None,
            relaying: false,
            sources: Sources::default(),
            line_source: None,
            open_source: None,
            epilogue_quotes_next: false,
        }
    }

    pub fn with_baseline(baseline: Baseline) -> Self {
        Self {
            baseline: Some(baseline),
            ..Self::new()
        }
    }

    pub fn line(&mut self, line: RawLine<'_>) {
        self.lines_total = line.number;
        if crate::gaps::from_a_service(line.bytes) && self.gaps.leave_out() {
            return;
        }
        let number = self.gaps.closed(line.number);
        let batch = &mut self.batch;
        if let Some(source) = clean_into(line.bytes, &mut batch.text) {
            batch.note_source(source);
        }
        batch.lines.push((number, batch.text.len()));
        batch.text.push(b'\n');
        if batch.text.len() >= BATCH_BYTES || batch.lines.len() >= BATCH_LINES {
            self.flush();
        }
    }

    /// Processes the batched lines, in order.
    fn flush(&mut self) {
        let mut batch = std::mem::take(&mut self.batch);
        let lossy;
        let text = match std::str::from_utf8(&batch.text) {
            Ok(text) => text,
            Err(_) => {
                // A line's invalid bytes become U+FFFD, which moves the lines' ends.
                lossy = String::from_utf8_lossy(&batch.text).into_owned();
                let ends = memchr::memchr_iter(b'\n', lossy.as_bytes());
                for ((_, end), new_end) in batch.lines.iter_mut().zip(ends) {
                    *end = new_end;
                }
                lossy.as_str()
            }
        };
        batch.has_keyword.clear();
        batch.has_keyword.resize(batch.lines.len(), false);
        let (lines, has_keyword) = (&batch.lines, &mut batch.has_keyword);
        self.rules.keywords.scan_lines(text.as_bytes(), |at| {
            if let Some(flag) = has_keyword.get_mut(lines.partition_point(|(_, end)| *end < at)) {
                *flag = true;
            }
        });
        let mut start = 0;
        let mut sourced_at = 0;
        let mut next_sourced = batch.sources.first().map_or(usize::MAX, |s| s.0);
        for (i, (&(number, end), &has_keyword)) in
            batch.lines.iter().zip(&batch.has_keyword).enumerate()
        {
            if i == next_sourced {
                let source = batch.sources[sourced_at].1;
                sourced_at += 1;
                next_sourced = batch.sources.get(sourced_at).map_or(usize::MAX, |s| s.0);
                if !self.reads_sourced_line(number, &text[start..end], source) {
                    start = end + 1;
                    continue;
                }
            }
            self.process(number, &text[start..end], has_keyword);
            start = end + 1;
        }
        batch.text.clear();
        batch.lines.clear();
        batch.sources.clear();
        self.batch = batch;
    }

    /// Notes a line that carries a source's tag (see [`Sources`]), and whether to read it,
    /// noting its source for a block it may open: not another source's line inside a block a
    /// source's tagged line opened (a database's log line amid the app's traceback), which is
    /// neither the block's nor its end.
    // Out of line: few lines carry a source, and every line's loop stays small.
    #[inline(never)]
    fn reads_sourced_line(&mut self, number: u64, text: &str, source: u64) -> bool {
        self.sources.note(number, text, source);
        if self.open.is_some() && self.open_source.is_some_and(|s| s != source) {
            return false;
        }
        self.line_source = Some((number, source));
        true
    }

    fn process(&mut self, number: u64, text: &str, has_keyword: bool) {
        let (text, has_keyword) = match self.relayed(text) {
            Some(said) => (said, self.rules.keywords.contains(said.as_bytes())),
            None => (text, has_keyword),
        };
        // (The trace's first line starts with `o`: other lines skip the call, on this hot path.)
        if (self.current.maven_trace || text.as_bytes().first() == Some(&b'o'))
            && self.in_maven_trace(text)
        {
            // Like a tool's epilogue, it ends the report above it and is never the last output.
            self.close_open();
            return;
        }
        // A tool that speaks Russian (a runner with LANG=ru_RU.UTF-8) is read in English, and
        // its line shown as it printed it.
        match in_english(text) {
            Some(english) => {
                let has_keyword = self.rules.keywords.contains(english.as_bytes());
                self.read(number, text, &english, has_keyword)
            }
            None => self.read(number, text, text, has_keyword),
        }
    }

    /// Whether `text` is a line of Maven's trace of a failed goal under `-e` (its
    /// `LifecycleExecutionException: Failed to execute goal …`, the chain of causes, their
    /// frames): it says again what `[ERROR] Failed to execute goal …` said above it, a tool's
    /// epilogue as its advice is.
    // Out of line, so that the caller on every line's path stays small enough to inline
    // (callgrind: 0.8 % of all instructions otherwise).
    #[inline(never)]
    fn in_maven_trace(&mut self, text: &str) -> bool {
        let step = &mut self.current;
        step.maven_trace = if step.maven_trace {
            let t = text.trim_start();
            java_frame(text)
                || text.starts_with("Caused by: ")
                || t.starts_with("... ") && t.ends_with(" more")
        } else {
            text.starts_with("org.apache.maven.lifecycle.LifecycleExecutionException: ")
        };
        step.maven_trace
    }

    /// Whether `text`, a line carrying a build tool's error tag, goes on the tool's report of how
    /// a command exited on the line above (Maven's `[ERROR] around Ant part ...<exec …>... @
    /// 4:46 in …/build-main.xml` under `… An Ant BuildException has occured: exec returned: 1`).
    fn goes_on_exit_report(&self, number: u64, text: &str) -> bool {
        self.current.tail.back().is_some_and(|(n, above)| {
            n + 1 == number
                && error_tag(above).is_some()
                && error_tag(above) == error_tag(text)
                && reports_exit(above)
        })
    }

    /// What a process printed on `text`, when a Maven goal relays it under Maven's level tags:
    /// the frontend plugin logs each line of the command it runs (`[INFO] Running 'npm run ci'
    /// in /builds/acme/app`) at INFO level, or ERROR for standard error, and WARNING for npm's
    /// warnings; the AntRun plugin, Ant's output (`[INFO] Executing tasks`, then `[INFO]
    /// [exec] …` for each line a command printed). Read without the tag, the lines are what
    /// the command said, as a terminal shows them; Maven's own lines (the next goal's header,
    /// its closing) and the next step end the relay.
    fn relayed<'t>(&mut self, text: &'t str) -> Option<&'t str> {
        // (A line a progress bar drew over has lost its tag: it is the process's too. The
        // runner's echo of the next command is not.)
        if !text.starts_with('[') {
            if self.relaying && text.starts_with("$ ") {
                self.relaying = false;
            }
            return None;
        }
        if !self.relaying {
            self.relaying = text
                .strip_prefix("[INFO] Running '")
                .is_some_and(|rest| rest.contains("' in "))
                || text == "[INFO] Executing tasks";
            return None;
        }
        // Maven's: a goal's header (`--- exec-maven-plugin:3.1.0:exec (ci) @ app ---`), a
        // module's (`---< com.acme:app >---`), its rules and its verdict.
        let maven_s_own = text.strip_prefix("[INFO] ").is_some_and(|said| {
            let between_rules = said.trim_matches('-');
            said.starts_with("--- ") && said.contains(" @ ")
                // (72 wide, as a tool's own rule seldom is; a table's has columns.)
                || said.len() == 72 && between_rules.is_empty()
                || said.len() >= 72
                    && said.starts_with("---")
                    && (between_rules.starts_with("< ") && between_rules.ends_with(" >")
                        || between_rules.starts_with("[ ") && between_rules.ends_with(" ]"))
                || said == "BUILD FAILURE"
                || said == "BUILD SUCCESS"
        });
        if maven_s_own {
            self.relaying = false;
            return None;
        }
        ["[INFO]", "[ERROR]", "[WARNING]"]
            .into_iter()
            .find_map(|tag| text.strip_prefix(tag))
            .map(|said| crate::lines::without_tool_prefix(said.strip_prefix(' ').unwrap_or(said)))
    }

    /// Reads line `number`: `text` decides what it is, `shown` is what is kept of it.
    fn read(&mut self, number: u64, shown: &str, text: &str, has_keyword: bool) {
        if text.is_empty() {
            push_bounded(&mut self.current.blanks, number, "");
            if let Some(block) = self.open.as_mut() {
                if block.in_fence {
                    if block.lines.len() < MAX_BLOCK_LINES {
                        block.lines.push((number, String::new()));
                    }
                    return;
                }
                // A test's report may part its own indented parts with two blank lines
                // (Playwright's call log and code frame): whether the report goes on is for
                // the next line to say.
                let indented_report = block.shape == Shape::Section
                    && block.rule.category == Category::TestFailure
                    && block
                        .lines
                        .last()
                        .is_some_and(|(_, l)| indent_of(l) > block.indent);
                match block.shape {
                    _ if indented_report && block.pending_blank.is_some() => {
                        if let Some(blank) = block.pending_blank.replace(number)
                            && block.lines.len() < MAX_BLOCK_LINES
                        {
                            block.lines.push((blank, String::new()));
                        }
                    }
                    Shape::Report => {
                        if let Some(blank) = block.pending_blank.replace(number)
                            && block.lines.len() < MAX_BLOCK_LINES
                        {
                            block.lines.push((blank, String::new()));
                        }
                    }
                    // One blank line is held: what follows it may still belong (see
                    // `continues`); a second one ends the block.
                    Shape::Section
                    | Shape::Stack
                    | Shape::Traceback
                    | Shape::Line
                    | Shape::Diagnostic
                        if block.pending_blank.is_none() =>
                    {
                        block.pending_blank = Some(number)
                    }
                    _ => self.close_open(),
                }
            }
            return;
        }
        let pointer = matches!(
            text.as_bytes().first(),
            Some(b'T' | b'E' | b'P' | b'#' | b'D')
        ) && [
            "The command",
            "ERROR: Job failed",
            "Process completed",
            "##[error]Process",
            "Done. Your build",
        ]
        .iter()
        .any(|p| text.starts_with(p));
        if let Some(caps) = pointer.then(|| exit_pointer().captures(text)).flatten() {
            let exit = ["a", "b", "c", "d"].iter().find_map(|g| caps.name(g));
            // A pointer without a number (`ERROR: Job failed: <reason>`) is a failure.
            let code = exit.is_none_or(|m| m.as_str() != "0");
            let is_final = caps.name("d").is_some();
            self.close_at_step_end();
            // The job's script ended before its after_script, or before the runner saved its
            // cache or artifacts: the verdict is the script's (and so is a cause the verdict
            // states, a timeout's).
            if let Some(script) = self
                .before_after_script
                .take()
                .or_else(|| self.failing.take_if(|step| step.exit_pointer.is_none()))
            {
                self.current = script;
            }
            if let Some(cause) = caps.name("other") {
                // "ERROR: Job failed: <reason>" states a cause of its own (a timeout, a runner fault).
                if let Some(rule) = self.rules.classify(cause.as_str()) {
                    self.open_block(rule, number, text, text);
                    self.close_open();
                }
            }
            if code && !is_final {
                self.current.exit_pointer = Some(number);
                self.current.exit_code = exit.and_then(|m| m.as_str().parse().ok());
                self.end_step(true);
            } else if !is_final {
                self.last_passed = self.current.command.clone().or(self.last_passed.take());
                self.end_step(false);
            }
            return;
        }
        // Travis' travis_retry runs the command again after `The command "npm ci" failed.
        // Retrying, 2 of 3.`, and travis_wait prints the command's output only after its report
        // of the exit (`The command npm ci exited with 1.`), under `Log:`: in both the step
        // starts again, and what is above is not what failed the job.
        if pointer && text.contains("\" failed. Retrying, ")
            || text == "Log:" && self.current.tail.back().is_some_and(|l| reports_exit(&l.1))
        {
            self.close_open();
            self.current.restart();
            return;
        }
        if let Some(section) = RunnerSection::of(text) {
            self.runner_section(section);
            return;
        }
        // What the job's after_script prints comes after the script's failure: not the cause.
        if self.before_after_script.is_some() {
            return;
        }
        if runner_boilerplate(text) {
            if self.checkout.is_none() {
                self.checkout = checkout_dir(text).map(str::to_owned);
            }
            return;
        }
        // (What npm quotes is on its own next line, behind its tag: a line without the tag, the
        // next command's echo in a log cut short, is not.)
        let quoted = self.epilogue_quotes_next && text.starts_with("npm ERR! ");
        self.epilogue_quotes_next = false;
        if quoted || tool_epilogue(text) {
            // It ends the report above it and is never the last output worth showing.
            self.epilogue_quotes_next =
                text.ends_with("Tell the author that this fails on your system:");
            self.close_open();
            return;
        }
        // A command the CI echoes starts a step: GitLab's and GitFlic's runners (`$ cmd`), and
        // GitHub Actions (and Gitea's, Forgejo's), whose echo is a group of the script, its
        // shell and its environment.
        if number <= self.step_echo_until {
            if text == "##[endgroup]" {
                self.step_echo_until = 0;
            }
            return;
        }
        let command = shown
            .strip_prefix("$ ")
            .or_else(|| shown.strip_prefix("##[group]Run "));
        if let Some(command) = command {
            if let Some(name) = crate::shell::status_variable(command) {
                self.current.failure_variables.push(name.to_owned());
            }
            self.close_at_step_end();
            self.end_step(false);
            let first_line = command.strip_suffix(COLLAPSED_BLOCK);
            let collapsed = first_line.is_some();
            let command = first_line.unwrap_or(command);
            self.current.command = Some(command.chars().take(200).collect());
            self.current.collapsed = collapsed;
            // A `|| true` on the block's first line lets that line fail, not the lines after it.
            self.current.lets_fail = !collapsed && crate::shell::ignores_failure(command);
            self.current.failure_variables = crate::shell::failure_variables(command)
                .map(str::to_owned)
                .collect();
            self.current.warnings_fatal = Rules::makes_warnings_fatal(command);
            self.current.echoes_commands = runs_echoing_tool(command);
            self.current.command_line = Some(number);
            self.current.announces = crate::shell::announcement(command).map(str::to_owned);
            if text.starts_with("##[group]") {
                self.step_echo_until = number + STEP_ECHO_LINES;
            }
            return;
        }

        // (Nearly every step's output is not indented as a whole: one compare on this hot path.)
        let (shown, text) = match self.current.uniform_indent {
            Some(0) => (shown, text),
            _ => match self.current.uniform_indent(text) {
                0 => (shown, text),
                indent => (
                    shown
                        .get(indent..)
                        .filter(|_| shown.starts_with(&text[..indent]))
                        .unwrap_or(shown),
                    &text[indent..],
                ),
            },
        };
        if let Some(said) = self.current.announces.take()
            && text.trim() == said
        {
            self.close_open();
            push_bounded(&mut self.current.blanks, number, "");
            self.current.announcement = Some((number, shown.to_owned()));
            return;
        }
        if self.current.build_step_failed {
            return;
        }
        // Nx and Lerna print each task's output whole under its header, the failed task's
        // among the others, and close by listing the failed tasks (`- @acme/web:test`): what
        // the tasks after the first failed one printed is not its last words. With `--stream`
        // the headers come first, with nothing under them, and the output after, behind each
        // package's name.
        if text.starts_with('>') {
            if let Some(task) = task_header(text)
                && self.current.task_sections.len() < MAX_TASK_SECTIONS
            {
                self.current.task_sections.push((number, task.to_owned()));
            }
        } else if let Some(task) = text.strip_prefix("- ")
            && !self.current.task_sections.is_empty()
            && task_ids(task, ':')
            && let Some(failed) = (self.current.task_sections.iter()).position(|(_, t)| t == task)
            && let Some(&(next, _)) = self.current.task_sections.get(failed + 1)
            && let header = self.current.task_sections[failed].0
            && self.current.tail.iter().any(|l| l.0 > header && l.0 < next)
        {
            self.current.tail.retain(|l| l.0 < next);
            self.current.task_sections.truncate(failed + 1);
        }
        // BuildKit's `#7 ERROR: process "/bin/sh -c make" did not complete successfully: exit
        // code: 2`, under the step's own lines.
        if text.starts_with('#') && text.contains(" ERROR: process ") && reports_exit(text) {
            self.current.build_step_failed = true;
        }

        // What is listed under a heading that says it is allowed (RSpec's pending examples'
        // expected failures, a link checker's white-listed links) is no cause; the next
        // unindented line (`Failures:`, `Issues :-(`) ends the list.
        if allowed_list_heading(text) {
            self.close_open();
            self.current.expected_failures = true;
        } else if self.current.expected_failures && !text.starts_with(char::is_whitespace) {
            self.close_open();
            self.current.expected_failures = false;
        }
        // The passed unit's output is what is indented under its title.
        if passed_unit_title(text) {
            self.close_open();
            self.current.in_passed_unit = true;
        } else if self.current.in_passed_unit && !text.starts_with(char::is_whitespace) {
            self.current.in_passed_unit = false;
        }
        if starts_test_class(text) {
            self.current.last_verdict = self.current.seq;
        }
        if has_keyword && let Some(passed) = test_run_verdict(text) {
            self.close_open();
            self.current.verdict(passed);
        }
        let rule = self
            .rules
            .classify_scanned(text, has_keyword)
            .filter(|_| !usage_heading(text))
            .filter(|r| !(r.reads_only_a_tag() && self.goes_on_exit_report(number, text)));
        // A wrapper's echo of the command it runs (tox's `py: commands[0]> yard doc …`, make's
        // bare recipe line) makes warnings fatal as the step's command does. (An echo has no rule,
        // and the flags have a keyword and `-W` or `warn`: other lines, and those without a flag,
        // skip the echo's reading, on this hot path.)
        if has_keyword
            && rule.is_none()
            && !self.current.warnings_fatal
            && (text.contains("-W") || text.contains("warn"))
            && Rules::makes_warnings_fatal(text)
        {
            let above = self.current.tail.back().map(|l| l.1.as_str());
            self.current.warnings_fatal = match echoed_command(text, above) {
                Some(command) => Rules::makes_warnings_fatal(command),
                None => Rules::echo_makes_warnings_fatal(text),
            };
        }
        // A line the passing run printed too is not a cause, whatever it says.
        let known = self.baseline.as_ref().is_some_and(|b| b.contains(shown));
        let rule = rule.filter(|_| !known).or_else(|| {
            (!self.current.awaited_reports.is_empty()
                && self.current.reported_under_awaited_name(text))
            .then_some(&NAMED_REPORT)
        });
        // Under a command that makes warnings fatal, a warning is the failure.
        let rule = if self.current.warnings_fatal
            && !known
            && rule.is_none_or(|r| r.tier >= 2)
            && Rules::is_warning(text)
        {
            Some(&FATAL_WARNING)
        } else {
            rule
        };
        if let Some(block) = self.open.as_mut() {
            let ends = match block.shape {
                Shape::Section | Shape::Report => ends_report(block, text),
                // A frame repeated a third time (a recursion's thousand identical frames) says
                // nothing more.
                Shape::Stack => {
                    text.starts_with("stack backtrace:")
                        || block.lines.len() >= 3
                            && block.lines[block.lines.len() - 2..]
                                .iter()
                                .all(|(_, l)| l.trim() == text.trim())
                }
                // A second line logged below error level under a line or a diagnostic (npm's
                // update notice, under the error it logged last) makes a run of records of
                // their own, not the error's next lines (closing drops the first).
                Shape::Line | Shape::Diagnostic => {
                    self.rules.logged_below_error(text)
                        && block
                            .lines
                            .last()
                            .is_some_and(|(_, l)| self.rules.logged_below_error(l))
                }
                _ => false,
            };
            // A wrapper's report of how the command exited closes what the command printed
            // (npm's `Lifecycle script `test` failed`, make's `*** [ci] Error 1` under a
            // compiler's error), unless the block is such reports (make's from each sub-make).
            // The report's first line names an error or a failure, which the prefilter sees, and
            // starts at the margin, or a space off it (pnpm's ` ELIFECYCLE  Command failed`).
            // A wrapper's heading announces its report of the exit (rake's `rake aborted!` over
            // `Command failed with status (1)`).
            let heading = block.anchored_lines().len() == 1
                && (block.lines.last()).is_some_and(|(_, l)| wrapper_heading(l));
            // So does one in words of an exit alone (`exit`, `Exited`: tox's `py: exit 1 (0.52
            // seconds) …` under a sanitizer's `SUMMARY:`), but not the causes Gradle's report
            // lists under its verdict (`> Process 'command 'cram'' finished with non-zero exit
            // value 1`).
            let closes = (has_keyword || !text.starts_with("> ") && text.contains("xit"))
                && !text.starts_with("  ")
                && !text.starts_with('\t')
                && (reports_exit(text) || gradle_task_failed(text))
                && !heading
                && !(block.anchored_lines().first()).is_some_and(|(_, l)| reports_exit(l));
            let keep = !ends && !closes && continues(block, text, rule);
            // A traceback's decisive line is its last: a long one drops frames from its middle,
            // and so does a report that quotes one.
            let traceback_at = match block.shape {
                Shape::Traceback => Some(0),
                _ => block.quoted_traceback,
            };
            // A blank line held before the last one kept may have taken the block past its
            // bound: as many lines give way as it takes to make room.
            while keep
                && block.lines.len() >= MAX_BLOCK_LINES
                && let Some(at) = traceback_at
            {
                block.lines.remove(at + 1);
            }
            // A report whose conclusion comes after pages of code (pytest's `E` lines) keeps its
            // head, its conclusion lines and the location under them; the lines between give
            // way to newer ones.
            // Once its conclusion and the place under it are kept, what the report goes on with
            // (pytest's captured logs, thousands of lines) is not read line by line: it costs.
            let concluded = block.lines.len() >= MAX_BLOCK_LINES
                && block.rule.conclusion_prefix.is_some_and(|prefix| {
                    let last: Vec<&(u64, String)> = block.lines.iter().rev().take(4).collect();
                    !text.starts_with(prefix)
                        && last
                            .iter()
                            .position(|(_, l)| l.starts_with(prefix))
                            .is_some_and(|at| {
                                last[..at].iter().any(|(_, l)| crate::names_a_place(l))
                            })
                });
            let mut rolling = false;
            while keep
                && !concluded
                && block.lines.len() >= MAX_BLOCK_LINES
                && let Some(prefix) = block.rule.conclusion_prefix
            {
                rolling = true;
                let lines = &block.lines;
                let concludes = |i: usize| lines[i].1.starts_with(prefix);
                let under_conclusion = |i: usize| {
                    (i.saturating_sub(2)..i).any(|j| concludes(j) && lines[i].0 - lines[j].0 <= 2)
                };
                let Some(i) = (MAX_BLOCK_LINES / 2..lines.len())
                    .find(|&i| !concludes(i) && !under_conclusion(i))
                else {
                    break;
                };
                block.lines.remove(i);
            }
            if keep && block.lines.len() < MAX_BLOCK_LINES {
                if let Some(blank) = block.pending_blank.take() {
                    block.lines.push((blank, String::new()));
                }
                if block.shape != Shape::Traceback
                    && block.quoted_traceback.is_none()
                    && text.starts_with("Traceback (most recent call last):")
                {
                    block.quoted_traceback = Some(block.lines.len());
                }
                block.lines.push((number, truncate(shown)));
                block.in_fence ^= code_fence(text);
                // The first unindented line after the frames is the exception itself.
                if block.shape == Shape::Traceback
                    && !text.starts_with(char::is_whitespace)
                    && !["Traceback ", "During handling", "The above exception"]
                        .iter()
                        .any(|p| text.starts_with(p))
                {
                    block.exception_seen = true;
                }
                // The middle of a report read for its conclusion (pytest's captured logs under a
                // test's source) names no failed test of its own.
                if !rolling {
                    self.note_test(number, text);
                }
                self.push_tail(number, shown, known, has_keyword);
                return;
            }
            // Too long to show: the block ends here, and the rest is not a new anchor unless it
            // is one of the same rule (a run, see `Step::keep`).
            let same_rule = rule.is_some_and(|r| std::ptr::eq(r, block.rule));
            if keep && !same_rule {
                self.close_open();
                self.push_tail(number, shown, known, has_keyword);
                return;
            }
            // A heading between a traceback's exception and a new anchor (go's `# example.com/shop`
            // under a traceback a program logged) heads what comes under it.
            if rule.is_some()
                && block.shape == Shape::Traceback
                && block.exception_seen
                && block.lead + 1 < block.lines.len()
                && block
                    .lines
                    .last()
                    .is_some_and(|(n, l)| *n + 1 == number && is_header(l))
            {
                block.lines.pop();
            }
            self.close_open();
        }
        if let Some(rule) = rule {
            self.open_block(rule, number, shown, text);
            let name = self.note_test(number, text);
            // A one-line verdict may be all a runner prints where the test fails: its report
            // can come later, under the test's name.
            if rule.shape == Shape::Line
                && rule.category == Category::TestFailure
                && let Some(name) = name.filter(|n| n.len() >= 3)
                && self.current.awaited_reports.len() < 16
            {
                self.current.awaited_reports.push(name);
            }
        }
        self.push_tail(number, shown, known, has_keyword);
    }

    /// Opens a block of `rule` at line `number`; `text` decides its lead, `shown` is kept.
    fn open_block(&mut self, rule: &'static Rule, number: u64, shown: &str, text: &str) {
        self.current.seq += 1;
        let mut lines = Vec::new();
        let mut titled = false;
        let python_frames =
            python_frames_above(&self.current.tail, number, text, self.last_block_end);
        // The title over them may name the test that raised (green's `Error in module.Class.test`).
        if let Some((title_number, title)) = python_frames.first()
            && super::extract::failing_test(title).is_some()
        {
            self.note_test(*title_number, title);
        }
        // The lines just above the anchor that are not part of a block already.
        let above = run_up_from(&self.current.tail, number - 1, self.last_block_end)
            .map(|(n, line)| (*n, line));
        let frame = if python_frames.is_empty() {
            caret_frame_above(&self.current.tail, number)
        } else {
            python_frames
        };
        match rule.lead {
            _ if !frame.is_empty() => lines.extend(frame),
            Lead::Paths => {
                let mut lead = run_above(above, |line| {
                    looks_like_path(line) || same_item_shape(line, text)
                });
                // Only from the file's name down: items above it are other findings' business.
                let named = lead.iter().position(|(_, line)| looks_like_path(line));
                lead.drain(..named.unwrap_or(lead.len()));
                lines.extend(lead);
            }
            // Taken even when a weaker block took them (a `Check failed` line the failed word
            // read): indented under the verdict, they are its report.
            Lead::Indented => {
                let indent = indent_of(text);
                let above = run_up_from(&self.current.tail, number - 1, 0).map(|(n, l)| (*n, l));
                lines.extend(run_above(above, |line| indent_of(line) > indent));
                // The test's announcement over its output (Go's `=== RUN   TestTwo` with -v).
                let top = lines.first().map_or(number, |l| l.0);
                let name = text.split_whitespace().nth(2);
                if let Some((n, run)) = self.current.tail.iter().rev().find(|l| l.0 + 1 == top)
                    && let Some(name) = name
                    && run.strip_prefix("=== RUN").map(str::trim) == Some(name)
                {
                    lines.insert(0, (*n, run.clone()));
                }
            }
            Lead::Line => {
                // The line above, and the lines it goes on from when a console wrapped the
                // message at its width (Windows PowerShell's `… or operable` over `program.
                // Check the spelling …`): a line in lower case under a full one.
                let mut above = above.peekable();
                lines.extend(above.next().map(|(n, line)| (n, line.clone())));
                // A trace set off from the message by a blank line (Python's faulthandler's
                // `Fatal Python error: …`, a blank, `Current thread 0x… (most recent call
                // first):`): the message is the line above the blank.
                if rule.shape == Shape::Stack
                    && lines.is_empty()
                    && number > self.last_block_end + 2
                    && self.current.blanks.iter().any(|(n, _)| n + 1 == number)
                    && let Some((n, message)) = self.current.tail.back()
                    && n + 2 == number
                    && !message.trim().is_empty()
                {
                    lines.extend([(*n, message.clone()), (n + 1, String::new())]);
                }
                while let Some(&(top, ref said)) = lines.first()
                    && lines.len() < 4
                    && said.starts_with(|c: char| c.is_lowercase())
                    && let Some((n, line)) =
                        above.next_if(|(n, l)| n + 1 == top && l.chars().count() >= 80)
                {
                    lines.insert(0, (n, line.clone()));
                }
                // A message whose lines are indented under its first (CMake's `CMake Error at
                // …:` over `  Could NOT find Halide …`, then `Call Stack …:`; a loader's `module
                // not found:` over each place it searched): up to that line.
                while let Some(&(top, ref said)) = lines.first()
                    && lines.len() < 16
                    && indent_of(said) > indent_of(text)
                    && let Some((n, line)) =
                        above.next_if(|(n, l)| n + 1 == top && !l.trim().is_empty())
                {
                    lines.insert(0, (n, line.clone()));
                }
                // A message a weaker rule read on its own (a bare `error: …`, any tool's) is
                // this location's message: the block takes it over.
                let message_above = self.current.generic.back().filter(|b| {
                    b.rule.tier > rule.tier && b.lines.len() == 1 && b.lines[0].0 + 1 == number
                });
                if lines.is_empty() && message_above.is_some() {
                    lines.extend(self.current.generic.pop_back().map(|b| b.lines[0].clone()));
                }
            }
            Lead::Warnings => lines.extend(warnings_above(&self.current.tail, number)),
            Lead::Findings => lines.extend(findings_above(
                &self.current.tail,
                number,
                self.last_block_end,
            )),
            Lead::TestRun => lines.extend(test_run_above(&self.current.tail, number)),
            Lead::Diff => {
                let diff = run_above(above, diff_line);
                if diff
                    .iter()
                    .any(|(_, l)| l.starts_with("@@") || l.starts_with("+++ "))
                {
                    lines.extend(diff);
                }
            }
            // The section's lines may have opened blocks of their own (an `ERROR` in the diff):
            // the section is the report they belong to.
            Lead::Section => lines.extend(section_above(&self.current.tail, number)),
            Lead::Header => {
                let two_above: Vec<(u64, &String)> = above.take(2).collect();
                match two_above.as_slice() {
                    // TeX's `Runaway argument?` over the text that ran away, above the error
                    // it ran into.
                    [(n, text_line), (title_n, title)]
                        if title.starts_with("Runaway ") && title.ends_with('?') =>
                    {
                        lines.extend([(*title_n, (*title).clone()), (*n, (*text_line).clone())]);
                    }
                    // A title ruled off over it (Trivy's scanned target over its `=====`).
                    [(n, rule_line), (title_n, title)]
                        if rule_line.trim().starts_with('=')
                            && underline(rule_line)
                            && !title.trim().is_empty()
                            // As long as the title: a full-width rule under a progress line
                            // (`.F`) parts reports.
                            && rule_line.trim().len().abs_diff(title.trim().chars().count())
                                <= 2 =>
                    {
                        lines.extend([(*title_n, (*title).clone()), (*n, (*rule_line).clone())]);
                    }
                    [(n, line), ..]
                        if is_header(line)
                            || verdict_on_file(line, text)
                            || is_parent(line, text)
                            || quoted_by(line, text)
                            || completed_by(line, text)
                            // What a wait that timed out was waiting for, as the tool last
                            // said it (kubectl's `Waiting for deployment "shop" rollout…`).
                            || text.contains("timed out waiting")
                                && line.trim_start().starts_with("Waiting for") =>
                    {
                        // A banner over the header titles them both (Flutter's `══╡ EXCEPTION
                        // CAUGHT BY … ╞══` over `The following TestFailure was thrown …:`).
                        if let Some((title_n, title)) = two_above.get(1)
                            && line.ends_with(':')
                            && decorated_title(title.trim())
                        {
                            lines.push((*title_n, (*title).clone()));
                        }
                        lines.push((*n, (*line).clone()));
                    }
                    _ => {}
                }
                // The logged message over an exception is its heading, when a weaker rule read
                // it on its own too: the block takes it over.
                if lines.is_empty() && matches!(rule.shape, Shape::Traceback | Shape::Stack) {
                    lines.extend(self.lead_over_weaker_line(rule, number, 3, |tail, taken| {
                        logged_error_above(tail, number, taken)
                    }));
                }
                // What a test script printed before it died is more than the TAP comment over
                // Test::Builder's line; what weaker rules read there (`Compilation failed`) is
                // the script's too.
                let died =
                    died_script_above(&self.current.tail, number, text, self.last_decisive_end);
                if died.len() > lines.len() {
                    lines = died;
                }
                if lines.is_empty() {
                    lines.extend(framed_heading_above(
                        &self.current.tail,
                        number,
                        self.last_decisive_end,
                    ));
                }
                if lines.is_empty() {
                    lines.extend(frame_above(&self.current.tail, number));
                }
                if lines.is_empty() {
                    lines.extend(ruled_frame_above(
                        &self.current.tail,
                        number,
                        self.last_block_end,
                    ));
                }
                if lines.is_empty() && rule.category == Category::TestFailure {
                    lines.extend(announced_test_above(&self.current.tail, number, text));
                }
                // (A report's own title is its anchor.)
                if lines.is_empty() && !matches!(rule.shape, Shape::Report | Shape::Section) {
                    let reach = lead::FAILED_TEST_REACH as u64;
                    lines.extend(
                        self.lead_over_weaker_line(rule, number, reach, |tail, taken| {
                            failed_test_report_above(tail, number, text, taken)
                        }),
                    );
                    titled = !lines.is_empty();
                }
                if lines.is_empty() {
                    lines.extend(same_program_above(
                        &self.current.tail,
                        number,
                        text,
                        self.last_block_end,
                    ));
                }
            }
        }
        if lines.is_empty() {
            // The chain's links may have opened blocks of their own (`Caused by:`): it is the
            // story they belong to.
            lines.extend(cause_chain_above(&self.current.tail, number));
        }
        // The command a script traced (`set -x`) right before the line is the one that printed
        // it, whatever the rule: `+ yc storage s3 cp …` over `yc: command not found`.
        if lines.is_empty()
            && traced_command(text).is_none()
            && let Some((n, line)) =
                run_up_from(&self.current.tail, number - 1, self.last_block_end)
                    .next()
                    .filter(|(_, l)| traced_command(l).is_some())
        {
            lines.push((*n, line.clone()));
        }
        let lead = lines.len();
        lines.push((number, truncate(shown)));
        let above = self.current.tail.iter().rev().find(|l| l.0 < number);
        let chained = rule.shape == Shape::Traceback
            && above.is_some_and(|(n, line)| n + 2 >= number && chains_exceptions(line));
        let preface = if rule.shape == Shape::Traceback {
            lead::paragraph_above(&self.current.tail, number)
        } else {
            Vec::new()
        };
        let logged = rule.shape == Shape::Traceback
            && (above
                .is_some_and(|(n, line)| n + 1 == number && self.rules.logged_below_error(line))
                || chained && self.current.decisive.last().is_some_and(|b| b.logged));
        // A line of a failed test's report, under its title: what follows is the report's too,
        // to the next test's title or the run's verdict.
        let shape = match rule.shape {
            Shape::Line | Shape::Diagnostic if titled => Shape::Report,
            shape => shape,
        };
        self.open = Some(Block {
            lead,
            rule,
            shape,
            lines,
            indent: indent_of(text),
            pending_blank: None,
            exception_seen: false,
            seq: self.current.seq,
            passed_over: self.current.expected_failures || self.current.in_passed_unit,
            run_end: number,
            chained,
            in_fence: false,
            quoted_traceback: None,
            logged,
            preface,
        });
        self.open_source =
            (self.line_source).and_then(|(line, source)| (line == number).then_some(source));
    }

    /// The lines `lead` finds above line `number` among those no block took, for a block of
    /// `rule`'s. What a weaker rule read on its own within `reach` lines above, a line or two, is
    /// open to it (the logged message over an exception, a test's `FAIL` title over its report,
    /// a framed title under its section's heading): when the lead starts there, the block takes
    /// those lines over.
    fn lead_over_weaker_line(
        &mut self,
        rule: &Rule,
        number: u64,
        reach: u64,
        lead: impl FnOnce(&VecDeque<(u64, String)>, u64) -> Vec<(u64, String)>,
    ) -> Vec<(u64, String)> {
        // (Only the last block: the lead is not to reach into a block that came after it. Two
        // lines at most: a weak word's line and the heading over it, `==== ERRORS ====` over
        // `____ ERROR at setup of test_orders ____`.)
        let weaker = self.current.generic.back().and_then(|b| {
            let (first, _) = b.lines.first()?;
            let (last, _) = b.lines.last()?;
            (b.rule.tier > rule.tier
                && b.lines.len() <= 2
                && first + reach >= number
                && *last >= self.last_block_end)
                .then_some(*first..=*last)
        });
        let mut lines = lead(
            &self.current.tail,
            weaker
                .as_ref()
                .map_or(self.last_block_end, |lines| lines.start() - 1),
        );
        // The block's lines above where the lead starts go with it (minitest's `1) Failure:`
        // over the test's name).
        if let Some(start) = lines.first().map(|l| l.0)
            && weaker.as_ref().is_some_and(|w| w.contains(&start))
            && let Some(block) = self.current.generic.pop_back()
        {
            let above = block.lines.into_iter().take_while(|l| l.0 < start);
            lines.splice(0..0, above);
        }
        lines
    }

    /// Remembers the test a line reports as failed, and returns its name.
    fn note_test(&mut self, number: u64, text: &str) -> Option<String> {
        let Some(name) = super::extract::failing_test(text) else {
            self.title_goes_on(number, text);
            return None;
        };
        // mocha's failure list numbers a test by its suites (`1) cart`), its own title indented
        // under them past where the title's words start (see `title_goes_on`).
        let numbered = text
            .trim_start()
            .split_once(") ")
            .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        self.current.suite_title = numbered.map(|(n, _)| SuiteTitle {
            line: number,
            words_at: indent_of(text) + n.len() + 2,
            recorded: name.clone(),
            name: name.clone(),
        });
        // One test named twice, with its class, module or suite and without (Surefire on
        // JUnit 5, pytest's `path::test` and `test`, Jest's `suite › test` and `test`), is one.
        let tests = &mut self.current.failing_tests;
        let qualifies = |long: &str, short: &str| {
            long.strip_suffix(short)
                .is_some_and(|class| class.ends_with(['.', ':']) || class.ends_with(" › "))
        };
        if let Some(known) = tests.iter_mut().find(|t| qualifies(&name, t)) {
            *known = name.clone();
        } else if tests.len() < 50 && !tests.iter().any(|t| *t == name || qualifies(t, &name)) {
            tests.push(name.clone());
        }
        Some(name)
    }

    /// A line indented under a numbered suite title goes on the test's name: a nested suite's,
    /// or, ending with a colon, the test's own (`1) cart` over `adds two prices:` is the test
    /// `cart adds two prices`, which the spec reporter's tree named `adds two prices`). A line
    /// not indented past the title's words (RSpec's `Failure/Error:`, Jasmine's `Message:`) is
    /// the report's, not the name's.
    fn title_goes_on(&mut self, number: u64, text: &str) {
        let Some(mut suite) = self.current.suite_title.take() else {
            return;
        };
        let words = text.trim();
        if suite.line + 1 != number || indent_of(text) <= suite.words_at || words.is_empty() {
            return;
        }
        let Some(title) = words.strip_suffix(':') else {
            suite.line = number;
            suite.words_at = indent_of(text);
            suite.name = format!("{} {words}", suite.name);
            self.current.suite_title = Some(suite);
            return;
        };
        let tests = &mut self.current.failing_tests;
        let Some(at) = tests.iter().position(|t| *t == suite.recorded) else {
            return;
        };
        tests[at] = format!("{} {title}", suite.name);
        // The tree's own name for it is the same test.
        if let Some(short) = tests.iter().position(|t| t == title) {
            tests.remove(short);
        }
    }

    // Every line goes through here: the call costs more than the checks (callgrind: ~0.5 % of
    // all instructions when not inlined).
    #[inline(always)]
    fn push_tail(&mut self, number: u64, text: &str, known: bool, has_keyword: bool) {
        // A bare error tag (Maven's `[ERROR]` alone) is a blank line that carries a tag. Tags
        // are short, so longer lines (nearly all) skip the check on this hot path.
        if text.len() <= 12 && untagged(text).is_empty() {
            return;
        }
        // The frames of an exception whose message reports how a command exited (Maven's exec
        // plugin's `ExecuteException: Process exited with an error: 1`, over some thirty of
        // Commons Exec's and Maven's) are the wrapper's report, as the message is: kept out of
        // the tail, they leave room for what the command printed. (Such a message has a
        // keyword: other lines skip the check, on this hot path.)
        let step = &mut self.current;
        step.skipping_frames = (step.skipping_frames || step.keyword_above)
            && java_frame(text)
            && (step.skipping_frames || step.tail.back().is_some_and(|(_, l)| reports_exit(l)));
        if step.skipping_frames {
            return;
        }
        step.keyword_above = has_keyword;
        // Before anything else under the tool, or right under its own line, a command's line
        // is its echo.
        if step.echoes_commands
            && step.tail.back().is_none_or(|(_, l)| echoing_tool_says(l))
            && reads_as_echo(text)
        {
            step.recipe_echo = Some(number);
        }
        push_bounded(&mut self.current.tail, number, text);
        if self.baseline.is_some() && !known {
            push_bounded(&mut self.current.new_tail, number, text);
        }
    }

    fn close_open(&mut self) {
        if let Some(mut block) = self.open.take() {
            block.pending_blank = None;
            block.drop_aftermath();
            if let Some(baseline) = &self.baseline {
                block.drop_known_after(baseline);
            }
            // (A report may quote what was logged: pytest's captured log.)
            if !matches!(block.shape, Shape::Report | Shape::Section) {
                block.drop_logged_below_error_after(self.rules);
            }
            self.last_block_end = block.lines.last().map(|l| l.0).unwrap_or(0);
            if block.rule.tier <= 1 {
                self.last_decisive_end = self.last_block_end;
            }
            block.run_end = self.last_block_end;
            // A location heading a message logged below error (svelte-check's `Warn: …`), or
            // under a message at a warning's severity (codespan's and rustc's `warning[code]:`),
            // is a warning's, not a cause while another candidate exists.
            let warning = |l: &str| l.starts_with("warning:") || l.starts_with("warning[");
            if block.shape == Shape::Diagnostic
                && (heads_a_message(&block)
                    && block
                        .anchored_lines()
                        .get(1)
                        .is_some_and(|(_, l)| self.rules.logged_below_error(l))
                    || block.lead > 0 && warning(&block.lines[0].1))
            {
                block.passed_over = true;
            }
            // A test's verdict that went on into its report (subunit-trace's) awaits no later one.
            if block.shape == Shape::Line
                && in_titled_section(&block)
                && let Some(name) = super::extract::failing_test(&block.lines[block.lead].1)
            {
                self.current
                    .awaited_reports
                    .retain(|awaited| *awaited != name);
            }
            // A wrapper's heading over its report of how the command exited (rake's `rake
            // aborted!` over `Command failed with status (1): [pytest…]`, Gradle's `* What went
            // wrong:` over `> Process 'command 'make'' finished with non-zero exit value 2`)
            // points at what the command printed, as the report alone does.
            if matches!(block.shape, Shape::Section | Shape::Report)
                && block.rule.tier <= 1
                && (block.anchored_lines().iter().skip(1).take(2)).any(|(_, l)| reports_exit(l))
            {
                block.passed_over = true;
            }
            // A block of bare tags (`[ERROR]` alone, after a tool's epilogue) says nothing.
            let says_something = block.lines.iter().any(|(_, l)| !untagged(l).is_empty());
            if says_something {
                self.current.keep(block);
            }
        }
    }

    /// [`Engine::close_open`] where the step ends: what the step logged below error level
    /// after a report's last words (npm's update notice) is printed whatever happened.
    fn close_at_step_end(&mut self) {
        if let Some(block) = self.open.as_mut() {
            block.drop_aftermath();
            block.drop_logged_below_error_after(self.rules);
        }
        self.close_open();
    }

    /// The step read so far, done with: its logged tracebacks passed over.
    fn take_step(&mut self) -> Step {
        let mut step = std::mem::take(&mut self.current);
        self.sources.keep_failed(&mut step);
        step.pass_over_logged();
        step
    }

    /// The runner leaves the job's script for its after_script or its artifacts: the script's
    /// last step is the failing one when the runner says the job failed.
    fn runner_section(&mut self, section: RunnerSection) {
        self.close_at_step_end();
        match section {
            RunnerSection::AfterScript => {
                if self.before_after_script.is_none() {
                    self.before_after_script = Some(self.take_step());
                }
            }
            RunnerSection::Upload { job_failed } => {
                if let Some(script) = self.before_after_script.take() {
                    self.current = script;
                }
                self.end_step(job_failed);
            }
        }
    }

    fn end_step(&mut self, failed: bool) {
        if self.failing.is_some() {
            self.current = Step::default();
            return;
        }
        let step = self.take_step();
        if failed {
            self.failing = Some(step);
        } else if step.has_errors() && !step.dumps_files() {
            // A passing command's logged errors (a smoke test's `ERROR … connection refused`)
            // may come between the failure the script went on after and the step it failed.
            keep_latest(&mut self.with_errors, step);
        } else if !step.failure_variables.is_empty() {
            keep_latest(&mut self.noted_failures, step);
        }
    }

    /// The earlier step a failing step fails for: a step that says nothing of its own and reads
    /// a variable (`test -z "$FAILED"`, `exit $status`) that an earlier command noted its failure
    /// in (`pytest || FAILED=1`). The latest such step with errors, else with output, is taken
    /// out of `with_errors` or the noted failures.
    fn deferred_failure(&mut self, failing: &Step, with_errors: &mut Vec<Step>) -> Option<Step> {
        let command = failing.command.as_deref()?;
        let own_echoes = |line: &str| crate::shell::echoes(command).any(|text| text == line.trim());
        if !failing.tail.iter().all(|l| own_echoes(&l.1)) {
            return None;
        }
        let noted = |step: &Step| {
            (step.failure_variables.iter()).any(|name| crate::shell::reads_variable(command, name))
        };
        let latest = |steps: &[Step]| steps.iter().rposition(noted);
        let noted_failures = self.noted_failures.make_contiguous();
        let (with_errors_at, noted_at) = (latest(with_errors), latest(noted_failures));
        match (with_errors_at, noted_at) {
            (Some(i), _) => Some(with_errors.remove(i)),
            (None, Some(i)) => self.noted_failures.remove(i),
            (None, None) => None,
        }
        .map(|mut step| {
            with_errors.retain(|earlier| earlier.command_line < step.command_line);
            // The job's verdict is the noted command's.
            (step.exit_code, step.exit_pointer) = (failing.exit_code, failing.exit_pointer);
            step
        })
    }

    /// The failing step, by the rules in the module documentation.
    pub fn finish(mut self) -> Finished {
        self.flush();
        self.close_at_step_end();
        // A log that ends in the after_script (cut short, or a runner that printed no verdict)
        // still ends with the script's last step.
        if let Some(script) = self.before_after_script.take() {
            self.current = script;
        }
        let current = self.take_step();
        let mut with_errors = Vec::from(std::mem::take(&mut self.with_errors));
        let (step, earlier) = if let Some(failing) = self.failing.take() {
            match self.deferred_failure(&failing, &mut with_errors) {
                Some(deferred) => (Some(deferred), with_errors),
                None => (Some(failing), with_errors),
            }
        } else if current.has_errors() && (with_errors.is_empty() || !current.dumps_files()) {
            // A last step that only prints files (an `after_failure` dump) quotes the failure of
            // the step before it: that step is the one to explain.
            (Some(current), with_errors)
        } else if let Some(last) = with_errors.pop() {
            (Some(last), Vec::new())
        } else {
            ((!current.tail.is_empty()).then_some(current), Vec::new())
        };
        Finished {
            step,
            earlier,
            lines_total: self.lines_total,
            gaps: self.gaps,
            baseline: self.baseline,
            checkout: self.checkout,
            last_passed: self.last_passed,
        }
    }
}

/// Keeps `step` as the latest of the last [`EARLIER_STEPS`] steps in `steps`.
fn keep_latest(steps: &mut VecDeque<Step>, step: Step) {
    if steps.len() == EARLIER_STEPS {
        steps.pop_front();
    }
    steps.push_back(step);
}

/// A runner's line that ends the job's script: it starts the after_script, or saves the cache
/// or uploads the artifacts of a job it says failed or succeeded.
enum RunnerSection {
    AfterScript,
    Upload { job_failed: bool },
}

impl RunnerSection {
    fn of(text: &str) -> Option<Self> {
        match text {
            "Running after_script" => Some(Self::AfterScript),
            "Saving cache for failed job" | "Uploading artifacts for failed job" => {
                Some(Self::Upload { job_failed: true })
            }
            "Saving cache for successful job" | "Uploading artifacts for successful job" => {
                Some(Self::Upload { job_failed: false })
            }
            _ => None,
        }
    }
}

/// The directory the runner's git line names as the checkout's (`Initialized empty Git
/// repository in /builds/acme/shop/.git/`).
fn checkout_dir(line: &str) -> Option<&str> {
    let rest = [
        "Reinitialized existing Git repository in ",
        "Initialized empty Git repository in ",
    ]
    .iter()
    .find_map(|p| line.strip_prefix(p))?;
    let dir = rest
        .trim_end()
        .trim_end_matches('/')
        .strip_suffix("/.git")?;
    (dir.starts_with('/') && dir.len() > 1).then_some(dir)
}

/// The lines right above an anchor (`above` runs upwards from it) that `belongs` accepts, up to
/// half a block, in the log's order.
fn run_above<'a>(
    above: impl Iterator<Item = (u64, &'a String)>,
    belongs: impl Fn(&str) -> bool,
) -> Vec<(u64, String)> {
    let mut run: Vec<(u64, String)> = above
        .take_while(|(_, line)| belongs(line))
        .take(MAX_BLOCK_LINES / 2)
        .map(|(n, line)| (n, line.clone()))
        .collect();
    run.reverse();
    run
}

/// Whether `line` is a frame of a JVM stack trace as Java prints it, indented under the
/// exception (`\tat shop.Cart.total(Cart.java:3)`, Maven's `    at org.apache.maven.…`).
fn java_frame(line: &str) -> bool {
    matches!(line.as_bytes().first(), Some(b' ' | b'\t'))
        && line.trim_ascii_start().starts_with("at ")
}

/// Every line passes through a tail: the oldest entry's buffer is recycled.
fn push_bounded(tail: &mut VecDeque<(u64, String)>, number: u64, text: &str) {
    let mut buffer = if tail.len() == TAIL_LINES {
        tail.pop_front().map(|(_, b)| b).unwrap_or_default()
    } else {
        String::new()
    };
    buffer.clear();
    buffer.push_str(kept(text));
    tail.push_back((number, buffer));
}

fn truncate(text: &str) -> String {
    kept(text).to_owned()
}

/// The category of a step's failure when no rule says more: from the job's name or stage.
pub fn category_from_job(name: &str) -> Category {
    // An option given a value sets how a command runs (`valgrind --leak-check=full`, ssh's `-o
    // StrictHostKeyChecking=yes`), as does a variable set for it (`CI=true`), and so
    // does one that turns something off (`pip --disable-pip-version-check`, `--no-lint`); a
    // bare flag may say what it does (`black --check`, `ansible-playbook --syntax-check`).
    let name = name
        .split_whitespace()
        .filter(|word| {
            !(word.contains('=')
                || word.starts_with('-')
                    && ["--disable-", "--no-", "--skip-", "--without-"]
                        .iter()
                        .any(|p| word.starts_with(p)))
        })
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    // A tool whose name says what it does (`perlcritic`, `.venv/bin/pytest`), run as a command.
    let tool = name.split_whitespace().find_map(tool_category);
    if let Some(category) = tool {
        return category;
    }
    if ["lint", "fmt", "format", "clippy", "style", "check", "analy"]
        .iter()
        .any(|w| name.contains(w))
    {
        Category::Lint
    } else if name.contains("test") {
        Category::TestFailure
    } else if name.contains("docker") || name.contains("image") {
        Category::DockerBuild
    } else if ["build", "compile"].iter().any(|w| name.contains(w)) {
        Category::Compilation
    } else if installs(&name) {
        Category::Dependency
    } else {
        Category::Unknown
    }
}

/// Whether a command runs a linter or a spelling check (`cargo clippy`, `npm run lint`,
/// `cspell`, `flake8`): the `path:line:col` findings it prints are lint, not compile errors.
pub fn runs_a_linter(command: &str) -> bool {
    let command = command.to_ascii_lowercase();
    ["lint", "clippy", "spell"]
        .iter()
        .any(|w| command.contains(w))
        || command
            .split_whitespace()
            .any(|word| tool_category(word) == Some(Category::Lint))
}

/// What a failure of the tool a command word runs is (`.venv/bin/pytest`: a test's), when its
/// name is one of [`TOOLS`].
fn tool_category(word: &str) -> Option<Category> {
    let program = word.rsplit('/').next().unwrap_or(word);
    TOOLS.iter().find(|(t, _)| *t == program).map(|(_, c)| *c)
}

/// Linters, test runners, document builders and configuration checkers whose names do not say
/// so, by what a failure of theirs is.
static TOOLS: &[(&str, Category)] = &[
    ("perlcritic", Category::Lint),
    ("phpcs", Category::Lint),
    ("chktex", Category::Lint),
    ("shellcheck", Category::Lint),
    ("rubocop", Category::Lint),
    ("hlint", Category::Lint),
    ("cppcheck", Category::Lint),
    ("clang-tidy", Category::Lint),
    ("staticcheck", Category::Lint),
    ("flake8", Category::Lint),
    ("codespell", Category::Lint),
    ("typos", Category::Lint),
    ("xenon", Category::Lint),
    ("knip", Category::Lint),
    ("jshint", Category::Lint),
    ("rspec", Category::TestFailure),
    ("cucumber", Category::TestFailure),
    ("behave", Category::TestFailure),
    ("pytest", Category::TestFailure),
    ("jest", Category::TestFailure),
    ("mocha", Category::TestFailure),
    ("phpunit", Category::TestFailure),
    ("prove", Category::TestFailure),
    ("busted", Category::TestFailure),
    ("ctest", Category::TestFailure),
    ("tox", Category::TestFailure),
    ("karma", Category::TestFailure),
    ("bibtex", Category::Compilation),
    ("biber", Category::Compilation),
    ("haproxy", Category::Configuration),
    ("caddy", Category::Configuration),
    ("promtool", Category::Configuration),
    ("nginx", Category::Configuration),
];

/// Whether a command installs what the project needs (`pip install`, `bundle install`, `npm ci`,
/// `dotnet restore`, `rebar3 get-deps`, `cpanm`, `uv sync`, `go mod download`, `cargo fetch`);
/// `make ci` runs a project's own checks.
fn installs(command: &str) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    words.iter().enumerate().any(|(i, w)| {
        let after = |tools: &[&str]| i > 0 && tools.contains(&words[i - 1]);
        ["install", "restore", "get-deps", "cpanm"].contains(w)
            || *w == "ci" && after(&["npm", "pnpm", "yarn"])
            || *w == "sync" && after(&["uv", "pdm", "pipenv"])
            || *w == "download" && after(&["mod"])
            || *w == "fetch" && after(&["cargo"])
    })
}

/// Python's line between two tracebacks of a chain of exceptions.
fn chains_exceptions(line: &str) -> bool {
    line == "The above exception was the direct cause of the following exception:"
        || line == "During handling of the above exception, another exception occurred:"
}

/// An unindented heading over a list of what is allowed to fail: RSpec's `Pending: (Failures
/// listed here are expected …)`, awesome_bot's `> White listed:`, `Allowed failures:`.
fn allowed_list_heading(text: &str) -> bool {
    if text.starts_with("Pending: (Failures listed here are expected") {
        return true;
    }
    if !text.ends_with(':') || text.starts_with(char::is_whitespace) || text.len() > 60 {
        return false;
    }
    // Lower-cased on the stack: a heading is short, and most lines ending in `:` are none.
    let mut lower = [0u8; 60];
    let lower = &mut lower[..text.len()];
    lower.copy_from_slice(text.as_bytes());
    lower.make_ascii_lowercase();
    [
        "white listed",
        "whitelisted",
        "allowlisted",
        "allowed failures",
        "expected failures",
        "known failures",
    ]
    .iter()
    .any(|w| memchr::memmem::find(lower, w.as_bytes()).is_some())
}
