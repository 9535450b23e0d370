//! What a block takes from the lines just above its anchor (see `Lead` in `rules.rs`): headers,
//! file names, a delimited section, a diff, a runtime's caret frame.

use super::MAX_BLOCK_LINES;
use super::shape::{
    caret_line, code_frame, indent_of, location_only, looks_like_path, names_same_file,
    program_prefix, reported_program, titles_failed_test, underline,
};
use crate::rules::{numbered, starts_with_ignoring_case};
use std::collections::VecDeque;

/// The delimited section that ends right above line `number`: from the line after an opening
/// `====…====` delimiter through the closing one, blank lines within it given back as empty
/// lines. Nothing unless both delimiters are among the remembered lines.
pub(super) fn section_above(tail: &VecDeque<(u64, String)>, number: u64) -> Vec<(u64, String)> {
    let delimiter = |line: &str| {
        let t = line.trim();
        t.len() >= 8 && t.starts_with("====") && t.ends_with("====")
    };
    let mut above = tail.iter().rev().filter(|(n, _)| *n < number);
    let Some(closing) = above
        .next()
        .filter(|(n, l)| *n + 1 == number && delimiter(l))
    else {
        return Vec::new();
    };
    let mut section = vec![closing.clone()];
    for (n, line) in above {
        if delimiter(line) {
            section.reverse();
            // Blank lines are not remembered: their numbers are the gaps.
            let mut whole = Vec::with_capacity(section.len());
            for (n, line) in section {
                while let Some(&(last, _)) = whole.last()
                    && last + 1 < n
                {
                    whole.push((last + 1, String::new()));
                }
                whole.push((n, line));
            }
            whole.truncate(MAX_BLOCK_LINES - 1);
            return whole;
        }
        section.push((*n, line.clone()));
    }
    Vec::new()
}

/// The short paragraph a program printed right above line `number`, over at most one rule line
/// (pytest-benchmark's `Performance has regressed:` and the benchmark that did, ruled off above
/// its traceback): up to four lines, from a blank or a rule line down; none when more run on
/// above them.
pub(super) fn paragraph_above(tail: &VecDeque<(u64, String)>, number: u64) -> Vec<(u64, String)> {
    const MOST: usize = 4;
    let mut above = tail.iter().rev().skip_while(|l| l.0 >= number).peekable();
    let mut next = number;
    if let Some(rule) = above.next_if(|l| l.0 + 1 == next && underline(&l.1)) {
        next = rule.0;
    }
    let mut paragraph = Vec::new();
    for line in above {
        if line.0 + 1 != next || underline(&line.1) {
            break;
        }
        if paragraph.len() == MOST {
            return Vec::new();
        }
        paragraph.push(line.clone());
        next = line.0;
    }
    paragraph.reverse();
    paragraph
}

/// The heading a test framework sets under a rule line, one blank line above a failure's
/// report (Catch2's test case and section between `---` rules over its location and a dotted
/// rule; Buttercup's spec name under a `===` rule): the paragraph of remembered lines that ends
/// there and begins with the rule, none of them part of a block already (at or before `taken`).
pub(super) fn framed_heading_above(
    tail: &VecDeque<(u64, String)>,
    number: u64,
    taken: u64,
) -> Vec<(u64, String)> {
    const MOST: usize = 8;
    // A rule, a title and a blank line take the log's first three lines at least.
    if number < 4 {
        return Vec::new();
    }
    // A full-width rule: an underline's, or Catch2's dotted one.
    // Or a box's top or bottom edge (Alcotest's `┌───┐` around the failed test's name).
    let rule_line = |line: &str| {
        let t = line.trim();
        t.len() >= 20
            && (underline(t)
                || t.bytes().all(|b| b == b'.')
                || t.chars().all(|c| "┌┐└┘─━═".contains(c)))
    };
    // One blank line above the report: the line right above it is not remembered.
    let right_above = tail.iter().rev().find(|(n, _)| *n < number);
    if right_above.is_some_and(|(n, _)| *n == number - 1) {
        return Vec::new();
    }
    let mut heading: Vec<(u64, String)> = run_up_from(tail, number - 2, taken)
        .take(MOST + 1)
        .cloned()
        .collect();
    if heading.len() > MOST {
        return Vec::new();
    }
    heading.reverse();
    // The paragraph must start at a blank line (or the last block), with its rule.
    let starts_paragraph = heading
        .first()
        .is_some_and(|(first, _)| tail.iter().all(|(n, _)| n + 1 != *first) || first - 1 <= taken);
    let framed = heading.first().is_some_and(|(_, l)| rule_line(l))
        && heading.iter().any(|(_, l)| !rule_line(l));
    if !(starts_paragraph && framed) {
        return Vec::new();
    }
    heading.push((number - 1, String::new()));
    heading
}

/// The frame a failure's report is drawn in, down to line `number`: the lines under the nearest
/// full-width rule above, with no blank line between, one of them the verdict on a line of its
/// own (RackUnit's `----` over the test's name, `FAILURE` and the check's fields). The rule
/// bounds it, so lines that opened blocks of their own in it belong to it too. Tables ruled off
/// the same way (a coverage report's total) carry no verdict line.
pub(super) fn frame_above(tail: &VecDeque<(u64, String)>, number: u64) -> Vec<(u64, String)> {
    const MOST: usize = 8;
    let run: Vec<&(u64, String)> = run_up_from(tail, number - 1, 0).take(MOST).collect();
    let Some(rule) = run
        .iter()
        .position(|(_, l)| l.trim().len() >= 16 && underline(l))
    else {
        return Vec::new();
    };
    // Bracketed too (Twisted trial's `[FAIL]` under its `===` rule).
    let verdict = |l: &str| {
        let t = l.trim();
        let t = t
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(t);
        ["FAILURE", "FAILED", "FAIL", "ERROR", "Failure", "Error"].contains(&t)
    };
    if !run[..rule].iter().any(|(_, l)| verdict(l)) {
        return Vec::new();
    }
    run[..rule].iter().rev().map(|l| (*l).clone()).collect()
}

/// The source a message at its place is quoted in, ruled off above and below right over it,
/// with the title over the frame (Cython's `Error compiling Cython file:`, a rule of dashes,
/// the lines up to the one at fault and its caret, the same rule, then `cart.pyx:6:23: …`).
pub(super) fn ruled_frame_above(
    tail: &VecDeque<(u64, String)>,
    number: u64,
    taken: u64,
) -> Vec<(u64, String)> {
    const MOST: usize = 16;
    let run: Vec<&(u64, String)> = run_up_from(tail, number - 1, taken).take(MOST).collect();
    let Some((_, closing)) = run
        .first()
        .filter(|(_, l)| l.trim().len() >= 20 && underline(l))
    else {
        return Vec::new();
    };
    let Some(opening) = run.iter().skip(2).position(|(_, l)| l == closing) else {
        return Vec::new();
    };
    // Source, not a table ruled the same way: a caret points into it.
    if !run[1..opening + 2].iter().any(|(_, l)| caret_line(l)) {
        return Vec::new();
    }
    let mut frame: Vec<(u64, String)> = run[..opening + 3]
        .iter()
        .rev()
        .map(|l| (*l).clone())
        .collect();
    if let Some(title) = run.get(opening + 3).filter(|(_, l)| is_header(l)) {
        frame.insert(0, (*title).clone());
    }
    frame
}

/// The chain of causes an error is the root of, as Rust's anyhow and cargo print it: `error:
/// failed to get `itoa` …`, then blank-parted `Caused by:` headings over indented messages, down
/// to line `number` (the root cause, `  [7] Could not connect to server`). Nothing unless the line
/// above `number` is such a heading and the chain reaches its `error:` line.
pub(super) fn cause_chain_above(tail: &VecDeque<(u64, String)>, number: u64) -> Vec<(u64, String)> {
    const MOST: usize = 24;
    let heading = |l: &str| l.trim() == "Caused by:";
    let mut lines: Vec<(u64, String)> = Vec::new();
    let mut expected = number;
    for (n, line) in tail.iter().rev().skip_while(|(n, _)| *n >= number) {
        // Blank lines are not remembered: one may part the chain's links.
        if *n + 2 < expected || lines.len() >= MOST {
            return Vec::new();
        }
        if lines.is_empty() && !(*n + 1 == expected && heading(line)) {
            return Vec::new();
        }
        if *n + 2 == expected {
            lines.push((n + 1, String::new()));
        }
        lines.push((*n, line.clone()));
        expected = *n;
        let t = line.trim_start();
        if line.len() == t.len() && !heading(line) {
            // The chain's head: the error it explains, or nothing.
            if !["error:", "Error:"].iter().any(|e| t.starts_with(e)) {
                return Vec::new();
            }
            lines.reverse();
            return lines;
        }
    }
    Vec::new()
}

/// The remembered lines that run without a gap up to line `end`, from it upward, none of them at
/// or before `taken` (part of a block already). Blank lines are not remembered: a gap is one;
/// so is a build tool's header over the output of the task the lines are (Gradle's `> Task
/// :ci`, Grunt's `Running "exec:test" (exec) task`, gulp's `Starting 'ci'...`), as the runner's
/// `$ cmd` starts a step.
/// (Other wrappers' echoes end with a blank line, or are read in [`super::wrapped_command`]:
/// this runs at every anchor, and the headers' checks are cheap.)
pub(super) fn run_up_from(
    tail: &VecDeque<(u64, String)>,
    end: u64,
    taken: u64,
) -> impl Iterator<Item = &(u64, String)> {
    tail.iter()
        .rev()
        .skip_while(move |(n, _)| *n > end)
        .scan(end + 1, move |expected, line| {
            let next =
                line.0 + 1 == *expected && line.0 > taken && !super::task_runner_heading(&line.1);
            *expected = line.0;
            next.then_some(line)
        })
}

/// The message a logger printed over the exception it was handed (Python's `logger.exception`,
/// SLF4J's `log.error(msg, e)`, asyncio's `Task exception was never retrieved` over the task it
/// names): the lines from one logged at error level down to line `number`, when it is among the
/// three lines right above, none of them taken by a block already.
pub(super) fn logged_error_above(
    tail: &VecDeque<(u64, String)>,
    number: u64,
    taken: u64,
) -> Vec<(u64, String)> {
    const MOST: usize = 3;
    let mut lines: Vec<(u64, String)> = Vec::new();
    for line in run_up_from(tail, number - 1, taken).take(MOST) {
        lines.push(line.clone());
        if logged_at_error(&line.1) {
            lines.reverse();
            return lines;
        }
    }
    Vec::new()
}

/// Whether a logger wrote `line` at error level or above, its level among its first four words
/// (`ERROR importer: …`, `ERROR:asyncio:…`, `[main] ERROR shop.App - …`, `- ERROR -`,
/// `level=error`). The timestamp before it is stripped already. Not a build tool's `[ERROR]` tag, which it puts on whatever it logs at that level (Maven's
/// count of a class's failed tests over the first one's report).
fn logged_at_error(line: &str) -> bool {
    !line.trim_start().starts_with("[ERROR]")
        && line.split_whitespace().take(4).any(|word| {
            let word = bare(word);
            error_level(word.split(':').next().unwrap_or(word))
                || word.eq_ignore_ascii_case("level=error")
        })
}

/// A word without the brackets, parentheses or bar a logger's layout puts around it.
fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| matches!(c, '[' | ']' | '(' | ')' | '|'))
}

/// Whether `word` names a logger's level at error or above.
fn error_level(word: &str) -> bool {
    matches!(word, "ERROR" | "ERR" | "CRITICAL" | "FATAL" | "SEVERE")
}

/// Whether `line` is an application's log record at error level or above: a logger's level
/// with its logger or thread beside it (`ERROR [pool-1] c.a.Client - …`, `[main] ERROR shop.App
/// - …`, `ERROR:asyncio:…`), not a program's own `ERROR: …` or `FATAL ERROR: …` verdict, a
/// build tool's tag (Maven's `[FATAL] Non-resolvable parent POM …`) nor a report's heading
/// (pytest's `___ ERROR collecting tests/test_orders.py ___`).
pub(super) fn recorded_at_error(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().take(5).collect();
    // A logger's name or a thread beside the level: Python's `ERROR:asyncio:…`, a thread in
    // brackets, a dotted or `::` logger (`c.a.Client`, `shop::db:`), or the ` - ` before the
    // message that Logback's, Log4j's and Python's usual layouts put there.
    let named = words.iter().take(4).any(|word| {
        let mut parts = word.split(':');
        let python = parts.next().is_some_and(error_level)
            && parts.next().is_some_and(|name| !name.is_empty())
            && parts.next().is_some();
        let thread = word.starts_with('[') && word.ends_with(']') && !error_level(bare(word));
        let logger = !word.contains('/')
            && (word.trim_end_matches(':').contains("::")
                || word.contains('.') && word.split('.').all(|p| !p.is_empty()));
        python || thread || logger
    }) || line.contains(" - ");
    logged_at_error(line)
        && !words
            .first()
            .is_some_and(|w| w.starts_with('[') && error_level(bare(w)))
        && (named || line.contains("level=") || line.contains("level\":"))
        && !(words.iter().take(4).enumerate()).any(|(i, word)| {
            let level = bare(word);
            ["ERROR:", "ERR:", "CRITICAL:", "FATAL:", "SEVERE:"].contains(&level)
                || ["FATAL", "CRITICAL"].contains(&level)
                    && words.get(i + 1).is_some_and(|next| next.ends_with(':'))
        })
}

/// Whether `line`, right above an anchor, is a tool's verdict on the file the anchor names
/// (`php -l`'s `Errors parsing src/Invoice.php` over PHP's parse error in it): it says errors
/// or failure and names the file, and no place in it, so it is no finding of its own (nor a
/// build's progress line naming the file it compiles).
pub(super) fn verdict_on_file(line: &str, anchor: &str) -> bool {
    (starts_with_ignoring_case(line, "error") || starts_with_ignoring_case(line, "fail"))
        && names_same_file(anchor, line)
        && !location(line)
}

/// A line that introduces the block under it: `In function 'f':`, `# package`, `1) test name`,
/// `In file included from …`, a file's name. Not a command, and not a line that is an error of
/// its own.
pub(super) fn is_header(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.starts_with("$ ") || t.len() > 300 {
        return false;
    }
    t.ends_with(':')
        // gfortran's place over its run-time error (`At line 8 of file src/cart.f90`).
        || t.starts_with("At line ") && t.contains(" of file ")
        || t.starts_with("# ")
        || numbered(t)
        || t.starts_with("In file included from")
        || decorated_title(t)
        // The file a checker names once over its findings (pyright, ESLint's stylish format).
        || looks_like_path(t)
        // GNU wget's request line (`--2026-12-03 18:57:26--  http://host/x`) over the failure
        // to fetch it: it names what could not be fetched.
        || t.starts_with("--") && t.contains("--  ") && t.contains("://")
}

/// Whether `line` is the item an indented anchor is nested under in an outline (behave's step
/// over its `ASSERT FAILED:`, a test's name over its message): indented less, by two or more.
pub(super) fn is_parent(line: &str, anchor: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with("$ ") && indent_of(line) + 2 <= indent_of(anchor)
}

/// Whether the anchor quotes `line` whole: the test a verbose runner announced, right above the
/// failure that names it (CppUTest's `TEST(Cart, TwoPrices)` over `… Failure in TEST(Cart, …)`).
pub(super) fn quoted_by(line: &str, anchor: &str) -> bool {
    let t = line.trim();
    t.len() >= 6 && !t.starts_with("$ ") && anchor.contains(t)
}

/// Whether the anchor is only a verdict (` ERROR`, `FAILED`) that completes `line`: a tool that
/// prints what it runs before running it (R CMD check's `Running ‘test-all.R’`, `Checking x ...`)
/// puts the result on the next line when the run prints something or takes long.
pub(super) fn completed_by(line: &str, anchor: &str) -> bool {
    let verdict = anchor.trim().trim_end_matches(['.', '!']);
    ["ERROR", "FAILED", "FAIL", "Failed", "failed", "error"].contains(&verdict)
        && !line.trim().is_empty()
        && !line.trim_start().starts_with("$ ")
}

/// A title set off by a run of one punctuation character (pylint's `************* Module app`,
/// `=== app.c ===`).
pub(super) fn decorated_title(t: &str) -> bool {
    let Some(c) = t
        .chars()
        .next()
        .filter(|c| matches!(c, '*' | '=' | '#' | '~' | '═'))
    else {
        return false;
    };
    let run = t.chars().take_while(|&d| d == c).count();
    let run_bytes = run * c.len_utf8();
    // Two suffice when the title is framed on both sides (Mix's `== Compilation error … ==`).
    let framed = t.len() > 2 * run_bytes && t.ends_with(&t[..run_bytes]);
    // A box-drawn rule titles only between a box's side borders (Flutter's `══╡ EXCEPTION …
    // ╞══`); bare, it is a progress bar's (pip's `━━━ 64.9/64.9 kB`).
    let title = &t[run_bytes..];
    let title = match title.strip_prefix('╡') {
        Some(inside) => inside,
        None if c == '═' => return false,
        None => title,
    };
    (run >= 3 || run == 2 && framed)
        && title.starts_with(' ')
        && title.trim().starts_with(char::is_alphanumeric)
}

/// What a test script printed before it died, right above Test::Builder's `# Looks like your
/// test exited with 255 …` (a `die` message, a FATAL warning, strict's undeclared symbol and the
/// compile failure under it, on stderr): up to four lines that are not TAP's own (`ok`, `not
/// ok`, `1..N`, `#` comments, which are taken when they lie between), none of them part of a block
/// already.
pub(super) fn died_script_above(
    tail: &VecDeque<(u64, String)>,
    number: u64,
    anchor: &str,
    taken: u64,
) -> Vec<(u64, String)> {
    const MOST: usize = 4;
    if !anchor.contains("Looks like your test exited with") {
        return Vec::new();
    }
    let tap = |l: &str| {
        let t = l.trim_start();
        t.starts_with("ok ") || t.starts_with("not ok ") || t.starts_with("1..")
    };
    let mut lines: Vec<(u64, String)> = Vec::new();
    let mut said = 0;
    for line in run_up_from(tail, number - 1, taken) {
        if tap(&line.1) || said == MOST {
            break;
        }
        said += usize::from(!line.1.trim_start().starts_with('#'));
        lines.push(line.clone());
    }
    // The topmost lines kept are what the script said, not Test::Builder's comments.
    while lines
        .last()
        .is_some_and(|l| l.1.trim_start().starts_with('#'))
    {
        lines.pop();
    }
    lines.reverse();
    lines
}

/// What the program that reports an error (`dh_install: error: missing files, aborting`)
/// printed right above it, blank lines apart at most (`dh_install: warning: Cannot find
/// "usr/bin/shop"`): the detail its error sums up. Not a severity taken for a program
/// (`Error: …`), and none of it part of a block already (at or before `taken`).
pub(super) fn same_program_above(
    tail: &VecDeque<(u64, String)>,
    number: u64,
    anchor: &str,
    taken: u64,
) -> Vec<(u64, String)> {
    const MOST: usize = 8;
    let anchor = anchor.trim_start();
    let Some(program) = program_prefix(anchor).filter(|p| {
        !["error", "warning", "fatal", "note", "info"]
            .iter()
            .any(|s| p.eq_ignore_ascii_case(s))
    }) else {
        return Vec::new();
    };
    // The program's error by its severity, not a test's name in front of its verdict (EUnit's
    // `cart: empty_test...*failed*`).
    let severity = anchor[program.len()..]
        .trim_start_matches(|c: char| c != ':')
        .trim_start_matches(':')
        .trim_start();
    if !["error", "fatal"]
        .iter()
        .any(|s| starts_with_ignoring_case(severity, s))
    {
        return Vec::new();
    }
    // A driver's report of the program it ran (collect2's `error: ld returned 1 exit status`):
    // that program's lines, by its path (`/usr/lib/gcc/avr/5.4.0/../../../avr/bin/ld: …`).
    let reported = reported_program(severity);
    let run_by = |line: &str, name: &str| {
        line.split_once(": ").is_some_and(|(path, _)| {
            let base = path.rsplit('/').next().unwrap_or(path);
            !path.contains(' ')
                && (base == name || base.strip_prefix(name).is_some_and(|r| r.starts_with('.')))
        })
    };
    let mut lines: Vec<(u64, String)> = Vec::new();
    let mut expected = number;
    for (n, line) in tail.iter().rev().skip_while(|(n, _)| *n >= number) {
        let line_of = |name: &str| {
            program_prefix(line.trim_start()) == Some(name) || run_by(line.trim_start(), name)
        };
        // One blank line (not remembered) may part them.
        if *n <= taken || *n + 2 < expected || !(line_of(program) || reported.is_some_and(line_of))
        {
            break;
        }
        if *n + 2 == expected {
            lines.push((n + 1, String::new()));
        }
        lines.push((*n, line.clone()));
        expected = *n;
        if lines.len() >= MOST {
            break;
        }
    }
    lines.reverse();
    lines
}

/// Numbered source lines a frame above an error shows at most.
const MOST_FRAME_LINES: usize = 8;

/// The frame a runtime prints over an uncaught error (Node's and V8's): `path:line`, the source
/// line and a caret line, right above the error or a blank line or two above it (tsx's two); or
/// the numbered source lines over the caret (Bun's). Taken even when an earlier block took its
/// location line: the caret binds it to this error.
pub(super) fn caret_frame_above(tail: &VecDeque<(u64, String)>, number: u64) -> Vec<(u64, String)> {
    let mut above = tail.iter().rev().filter(|(n, _)| *n < number).peekable();
    let Some(caret) = above
        .next()
        .filter(|(n, line)| *n + 3 >= number && caret_line(line))
    else {
        return Vec::new();
    };
    let Some(source) = above.next().filter(|(n, _)| n + 1 == caret.0) else {
        return Vec::new();
    };
    // The source line, or numbered source lines (Bun's frame, OCaml's), over the caret.
    let mut frame = vec![source.clone()];
    if code_frame(&source.1) {
        while frame.len() < MOST_FRAME_LINES
            && let Some(line) =
                above.next_if(|(n, line)| n + 1 == frame[frame.len() - 1].0 && code_frame(line))
        {
            frame.push(line.clone());
        }
    }
    // The location over them, which Node's and OCaml's frames have and Bun's has not;
    // Crystal's (`In src/cart.cr:11:21`) stands a blank line above its frame.
    let top = frame[frame.len() - 1].0;
    match above.next() {
        Some(location)
            if location.0 + 1 == top
                && (location_only(&location.1)
                    || file_line_title(&location.1)
                    || node_builtin_location(&location.1)) =>
        {
            frame.push(location.clone())
        }
        Some(location)
            if location.0 + 2 == top
                && location.1.strip_prefix("In ").is_some_and(location_only) =>
        {
            frame.push((top - 1, String::new()));
            frame.push(location.clone())
        }
        _ if frame.len() > 1 => {}
        _ => return Vec::new(),
    }
    // A tool's title right over the frame, naming its file in quotes (`python -m compileall`'s
    // `*** Error compiling 'src/shop/tax.py'...` over `File "src/shop/tax.py", line 1`).
    let (top, place) = &frame[frame.len() - 1];
    let quoted = file_line_path(place).map(|path| format!("'{path}'"));
    if let Some(title) = above.next().filter(|(n, title)| {
        n + 1 == *top && quoted.as_ref().is_some_and(|q| title.contains(q.as_str()))
    }) {
        frame.push(title.clone());
    }
    frame.reverse();
    frame.push(caret.clone());
    frame.extend((caret.0 + 1..number).map(|n| (n, String::new())));
    frame
}

/// The frames of a Python traceback printed without its `Traceback (most recent call last):`
/// line, right over the exception they raised (green's report under a test's title): `File
/// "path", line N, in name` lines indented deeper than the exception, with their source and
/// caret lines, and the title right above the first frame. None of them part of a block
/// already (at or before `taken`).
pub(super) fn python_frames_above(
    tail: &VecDeque<(u64, String)>,
    number: u64,
    anchor: &str,
    taken: u64,
) -> Vec<(u64, String)> {
    let indent = indent_of(anchor);
    let run: Vec<&(u64, String)> = run_up_from(tail, number - 1, taken).collect();
    let under = run
        .iter()
        .take_while(|(_, line)| indent_of(line) > indent)
        .count();
    // The frames start right under the title; one with a `Traceback` line is a whole traceback,
    // and its own rule reads it where it stands at the margin.
    match (
        run.get(under),
        under.checked_sub(1).and_then(|top| run.get(top)),
    ) {
        (Some(title), Some(top))
            if file_line_title(&top.1)
                && under < MAX_BLOCK_LINES / 2
                && !title.1.starts_with("$ ")
                && !title.1.trim_start().starts_with("Traceback (") =>
        {
            run[..=under]
                .iter()
                .rev()
                .map(|line| (*line).clone())
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Node's location of a throw inside one of its own modules (`node:assert:90`), over the
/// source line and caret it prints for an uncaught error.
fn node_builtin_location(line: &str) -> bool {
    line.trim_end()
        .strip_prefix("node:")
        .and_then(|rest| rest.rsplit_once(':'))
        .is_some_and(|(module, at)| {
            !module.is_empty()
                && !module.contains(' ')
                && !at.is_empty()
                && at.bytes().all(|b| b.is_ascii_digit())
        })
}

/// A location in words over a code frame: OCaml's `File "bin/main.ml", line 5, characters 29-41:`,
/// as Python's tracebacks and Nim's name a place.
pub(crate) fn file_line_title(line: &str) -> bool {
    file_line_path(line).is_some()
}

/// The path such a title names.
fn file_line_path(line: &str) -> Option<&str> {
    line.trim_start()
        .strip_prefix("File \"")
        .and_then(|rest| rest.split_once("\", line "))
        .filter(|(_, at)| at.starts_with(|c: char| c.is_ascii_digit()))
        .map(|(path, _)| path)
}

/// Whether `line` is an item of the same list as `anchor`: the same indentation, then the same
/// kind of characters up to the first space (`  2:7   warning …` beside `  3:16  error …`).
pub(super) fn same_item_shape(line: &str, anchor: &str) -> bool {
    let shape = |l: &str| {
        let body = l.trim_start();
        let head: Vec<u8> = body
            .split(' ')
            .next()
            .unwrap_or_default()
            .bytes()
            .map(|b| if b.is_ascii_digit() { b'9' } else { b })
            .collect();
        (l.len() - body.len(), head)
    };
    let (line_shape, anchor_shape) = (shape(line), shape(anchor));
    line_shape.0 > 0 && !line_shape.1.is_empty() && {
        // Runs of digits of any length are one shape.
        let squeeze = |mut v: Vec<u8>| {
            v.dedup_by(|a, b| *a == b'9' && *b == b'9');
            v
        };
        line_shape.0 == anchor_shape.0 && squeeze(line_shape.1) == squeeze(anchor_shape.1)
    }
}

/// A line of a unified diff: a file or hunk header, or an added, removed or context line.
pub(super) fn diff_line(line: &str) -> bool {
    line.starts_with(['+', '-', ' ']) || line.starts_with("@@")
}

/// The remembered lines from the run of warnings nearest above line `number` (a warning is a
/// line that starts with one, or says one and names a place: `Money.java:[3,53]`, ESLint's
/// `1:5  warning`), with the file name over them, down to it; nothing when none of the few
/// lines right above is a warning.
pub(super) fn warnings_above(tail: &VecDeque<(u64, String)>, number: u64) -> Vec<(u64, String)> {
    const REACH: usize = 12;
    // Verilator marks its messages with `%` (`%Warning-WIDTH: path:11:28: …`).
    let warning = |l: &str| {
        let lower = l.trim_start().to_ascii_lowercase();
        lower.trim_start_matches('%').starts_with("warning")
            || lower.contains("warning") && location(l)
    };
    let near: Vec<&(u64, String)> = tail
        .iter()
        .rev()
        .filter(|(n, _)| *n < number)
        .take(REACH)
        .collect();
    let Some(nearest) = near.iter().position(|(_, l)| warning(l)) else {
        return Vec::new();
    };
    // The run goes up through the warnings, their code frames (the source line and its caret,
    // indented) and the file they are in, line after line; it starts at a warning or the file.
    let mut start = nearest;
    let mut climbed = nearest;
    while let Some(above) = near.get(climbed + 1)
        && above.0 + 1 == near[climbed].0
    {
        let frame = above.1.starts_with([' ', '\t']);
        if !(frame || warning(&above.1) || looks_like_path(&above.1)) {
            break;
        }
        climbed += 1;
        if !frame {
            start = climbed;
        }
    }
    near[..=start].iter().rev().map(|l| (*l).clone()).collect()
}

/// The findings a count closes: the paragraph that ends one blank line (or none) above line
/// `number`, none of it part of a block already (at or before `taken`), when it names a file
/// (its first line) or a place in one, or quotes the code (a frame). Nothing otherwise: a count
/// under prose counts nothing shown.
pub(super) fn findings_above(
    tail: &VecDeque<(u64, String)>,
    number: u64,
    taken: u64,
) -> Vec<(u64, String)> {
    const MOST: usize = 12;
    let Some(&(last, _)) = tail
        .iter()
        .rev()
        .find(|(n, _)| *n < number)
        .filter(|(n, _)| *n > taken && *n + 2 >= number)
    else {
        return Vec::new();
    };
    let mut paragraph: Vec<(u64, String)> = run_up_from(tail, last, taken)
        .take(3 * MOST)
        .cloned()
        .collect();
    paragraph.reverse();
    let short = paragraph.len() <= MOST;
    let names_file = paragraph.first().is_some_and(|(_, l)| looks_like_path(l));
    let places = paragraph.iter().any(|(_, l)| location(l) || code_frame(l));
    // A table ruled off above and below (PHPStan's, its rows a line number and a message).
    let dashes = |l: &str| {
        let t = l.trim();
        t.len() >= 10 && t.bytes().all(|b| b == b'-' || b == b' ')
    };
    let table = paragraph.len() >= 3
        && paragraph.first().is_some_and(|(_, l)| dashes(l))
        && paragraph.last().is_some_and(|(_, l)| dashes(l));
    // A record of fields (govulncheck's `Vulnerability #1: …`, `Module: …`, `Fixed in: …`),
    // headed by one.
    let fields = paragraph.iter().filter(|(_, l)| field(l)).count();
    let record = paragraph.len() >= 3
        && paragraph.first().is_some_and(|(_, l)| field(l))
        && fields * 2 >= paragraph.len();
    if short && (names_file || places || table || record) {
        return paragraph;
    }
    // Else the record of fields the paragraph ends on (an advisory's `Crate:`, `Version:`,
    // `Solution:`, under the audit's progress lines), from the first field of its last run.
    let Some(last_field) = paragraph.iter().rposition(|(_, l)| field(l)) else {
        return Vec::new();
    };
    let start = paragraph[..=last_field]
        .iter()
        .rposition(|(_, l)| !field(l))
        .map_or(0, |i| i + 1);
    let last_record = paragraph.split_off(start);
    if last_field + 1 - start >= 3 && last_record.len() <= MOST {
        last_record
    } else {
        Vec::new()
    }
}

/// A field of a record: a capitalised name of a few words, a colon and a value (`Crate:     time`,
/// `  Fixed in: golang.org/x/net@v0.23.0`, `Vulnerability #1: GO-2024-2687`).
fn field(line: &str) -> bool {
    line.trim_start()
        .split_once(": ")
        .is_some_and(|(name, value)| {
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.len() <= 24
                && name.split(' ').count() <= 3
                && !value.trim().is_empty()
        })
}

/// Whether a line names a place anywhere in it: `Money.java:[3,53]`, `app.c:4:2`, or a line and
/// column alone (`1:5`, under a file named above).
fn location(line: &str) -> bool {
    line.split_whitespace().any(|word| {
        word.split_once(':').is_some_and(|(path, at)| {
            let at_digit = at
                .trim_start_matches('[')
                .starts_with(|c: char| c.is_ascii_digit());
            let path_ok =
                path.contains('.') || !path.is_empty() && path.bytes().all(|b| b.is_ascii_digit());
            path_ok && at_digit
        })
    })
}

/// What a failed test printed since its runner announced it by name (TAP's `# Starting Test:
/// name` or `# Subtest: name` over `not ok 3 name`): the verdict closes the test's output.
/// Nothing when no line of the last half block ends with the name the verdict gives.
pub(super) fn announced_test_above(
    tail: &VecDeque<(u64, String)>,
    number: u64,
    verdict: &str,
) -> Vec<(u64, String)> {
    let Some(name) = crate::extract::failing_test(verdict).filter(|n| n.len() >= 3) else {
        return Vec::new();
    };
    since_announcement(tail, number, 0, MAX_BLOCK_LINES / 2, true, |line| {
        let t = line.trim_end();
        t.ends_with(name.as_str()) && t.len() > name.len() && t != verdict.trim_end()
    })
}

/// The report of a failed test that line `number` is part of: the nearest line above that
/// names a test as failed (`____ test_total ____`, ` FAIL  cart.test.js > sums`, `--- FAIL:
/// TestTotal`, `  1) test total (CartTest)`) and what the test printed under it. Nothing when
/// that line is not among the last thirty (a test's report quotes its code and what it logged
/// before the failure), or a block took it or lines under it, or the line is a heading (JUnit's
/// `Failures (1):` under its tree of verdicts), which starts a part of its own.
pub(super) fn failed_test_report_above(
    tail: &VecDeque<(u64, String)>,
    number: u64,
    line: &str,
    taken: u64,
) -> Vec<(u64, String)> {
    if line.trim_end().ends_with(':') {
        return Vec::new();
    }
    since_announcement(
        tail,
        number,
        taken,
        FAILED_TEST_REACH,
        true,
        titles_failed_test,
    )
}

/// How many lines above a line of a failed test's report its title may be.
pub(super) const FAILED_TEST_REACH: usize = 30;

/// The remembered lines a test or task printed since its runner announced it (`[ RUN      ]
/// name`, `TASK [name] ***`) up to line `number`; nothing when the announcement is not among the
/// last lines.
pub(super) fn test_run_above(tail: &VecDeque<(u64, String)>, number: u64) -> Vec<(u64, String)> {
    since_announcement(tail, number, 0, MAX_BLOCK_LINES, false, |line| {
        line.starts_with("[ RUN      ]") || line.starts_with("TASK [")
    })
}

/// The remembered lines above line `number` back to the nearest one that `announces` a test
/// (kept when `keep_announcement`), in log order, at most `limit` lines in all. Nothing when no
/// such line is that near or a shell command (`$ `) comes first: the output is another step's.
fn since_announcement(
    tail: &VecDeque<(u64, String)>,
    number: u64,
    taken: u64,
    limit: usize,
    keep_announcement: bool,
    announces: impl Fn(&str) -> bool,
) -> Vec<(u64, String)> {
    let mut lines: Vec<(u64, String)> = Vec::new();
    for (n, line) in tail.iter().rev().filter(|(n, _)| *n < number).take(limit) {
        if *n <= taken || line.starts_with("$ ") {
            break;
        }
        if announces(line) {
            if keep_announcement {
                lines.push((*n, line.clone()));
            }
            lines.reverse();
            return lines;
        }
        lines.push((*n, line.clone()));
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::recorded_at_error;

    #[test]
    fn an_application_s_record_is_told_from_a_program_s_verdict() {
        for record in [
            "ERROR [pool-1] c.a.Client - connection refused",
            "[main] ERROR shop.App - upstream timed out",
            "ERROR:asyncio:Task exception was never retrieved",
            "level=error msg=\"dial tcp: connection refused\"",
            "ERROR shop::db: connection refused",
        ] {
            assert!(recorded_at_error(record), "{record}");
        }
        for verdict in [
            "ERROR: Job failed: execution took longer than 1h0m0s seconds",
            "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
            "ERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully",
            "connection refused",
            "[FATAL] Non-resolvable parent POM for shop:shop:1.0: Cannot access central",
            "____________________ ERROR collecting tests/test_orders.py _____________________",
        ] {
            assert!(!recorded_at_error(verdict), "{verdict}");
        }
    }
}
