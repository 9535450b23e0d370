//! How the lines after an anchor join its block, shape by shape (see `Shape` in `rules.rs`), and
//! the lines that end a block whatever its shape.

use super::Block;
use super::lead::diff_line;
use crate::rules::{Category, Rule, Shape, starts_with_ignoring_case};
use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::OnceLock;

/// Whether the block has reached an error chain's causes (anyhow's and Cargo's `Caused by:`):
/// what is indented under it is the chain's, whatever rules it matches.
fn in_error_chain(block: &Block) -> bool {
    block
        .anchored_lines()
        .iter()
        .any(|(_, l)| l == "Caused by:")
}

/// Whether a test's report has reached a section titled and underlined at the verdict's
/// indent (subunit-trace's `Captured traceback:` over `~~~`): what is indented under it is the
/// section's, blank lines and all.
pub(super) fn in_titled_section(block: &Block) -> bool {
    block.rule.category == Category::TestFailure
        && block.lines[block.lead..].windows(2).any(|pair| {
            indent_of(&pair[0].1) == block.indent
                && pair[0].1.ends_with(':')
                && underline(&pair[1].1)
        })
}

/// Whether `line` belongs to the open `block`. Blank lines are held back and kept only when
/// the block goes on after them.
pub(super) fn continues(block: &Block, line: &str, rule: Option<&'static Rule>) -> bool {
    // A wrapper's title holds only its own lines right under it (pre-commit's `- hook id: …`,
    // `- exit code: 1`; none under Ninja's `FAILED: a.o`); the output after them is what it
    // ran, read as the step's own.
    if block.rule.titles_output {
        return block.pending_blank.is_none() && line.starts_with("- ");
    }
    // A fenced code block (xcpretty quotes a failed assertion's code in one) belongs to the
    // block it opens under, up to its closing fence.
    if block.in_fence || code_fence(line) {
        return true;
    }
    if usage_heading(line) {
        return false;
    }
    // Under a build tool's error tag (sbt's `[error]`), a report's shape is read inside the tag:
    // `[error]     ^` is a caret line, `[error]   at …` an indented frame.
    let inside_tag = inside_same_tag(block, line);
    // Only an error tag makes its run of lines one report; sbt tags everything `[info]`.
    let tagged = inside_tag.is_some() && block_tag(block).is_some_and(|t| error_tag(t).is_some());
    let (indent, text, anchor_indent) = match inside_tag {
        Some((body, anchor_body)) => (
            indent_of(body),
            trim_start_fast(body),
            indent_of(anchor_body),
        ),
        None => (indent_of(line), trim_start_fast(line), block.indent),
    };
    let indented = indent > anchor_indent;
    // A new anchor of a decisive tier starts its own block, unless it is part of a stack trace;
    // one more decisive than the open block always does.
    // What is indented under an error chain's `Caused by:` is the chain's, whatever it matches.
    // What a test's report quotes under its expected or actual heading (trybuild's compiler
    // output under `EXPECTED:` and `ACTUAL OUTPUT:`) is the report's, whatever it matches.
    let new_anchor = rule.is_some_and(|r| {
        (r.tier <= 1 && !indented) || r.tier < block.rule.tier && block.rule.tier >= 2
    }) && !(indented && in_error_chain(block))
        && !(rule.is_some_and(|r| r.shape != Shape::Report) && quotes_compared_output(block));
    let short = matches!(block.shape, Shape::Line | Shape::Diagnostic);
    // A compiler's guess at what was meant, a blank line under its error (Crystal's `Did you
    // mean 'total'?`).
    if (short || block.shape == Shape::Stack) && text.starts_with("Did you mean ") {
        return !new_anchor;
    }
    if short && block.pending_blank.is_some() {
        // After a blank line, what a colon announced (autoconf's `configure: error: Package
        // requirements (…) were not met:`, then the package), a code frame (Babel's under its
        // `SyntaxError:`, tsc's pretty one) and a runtime's frames (NUnit's) go on.
        // Node's assertion error prints its values one blank line under a message of its own
        // (`AssertionError [ERR_ASSERTION]: total of two prices`, blank, `3 !== 5`).
        let announced = block.lines.last().is_some_and(|(_, l)| {
            l.ends_with(':')
                || block.lines.len() == block.lead + 1 && l.contains("[ERR_ASSERTION]: ")
                || diff_legend(l)
        });
        let frame = code_frame(text)
            || numbered_source(text)
            || text.starts_with("at ") && text.contains('(');
        // An error chain (anyhow's and Cargo's `Caused by:`), and its causes indented under it,
        // which quote a program's output with its blank lines (Cargo's `--- stderr`).
        let chained = text == "Caused by:"
            || indented
                && (in_error_chain(block) || in_titled_section(block))
                && block
                    .lines
                    .last()
                    .is_some_and(|(_, l)| indent_of(l) > anchor_indent);
        // A one-line error's reasons, under a heading a blank line below it (pip's `ERROR:
        // Cannot install …`, blank, `The conflict is caused by:` over the pins).
        // A test's verdict, its report's sections a blank line under it (subunit-trace's
        // `Captured traceback:` over a `~~~` rule).
        let reasons = block.lines.len() == block.lead + 1
            && text.ends_with(':')
            && (text.split_whitespace().count() >= 3
                || block.rule.category == Category::TestFailure)
            && !indented;
        return !new_anchor && (announced || frame || chained || reasons);
    }
    if (short || block.shape == Shape::Stack)
        && !new_anchor
        && block.pending_blank.is_none()
        && goes_on_whatever_shape(block, text)
    {
        return true;
    }
    match block.shape {
        // Indented lines, and the next lines a program prints under its own name (`tar: …`).
        Shape::Line => {
            !new_anchor
                && (indented
                    || program_prefix(text).is_some_and(|p| block_prefix(block) == Some(p))
                    || location_only(text)
                    || code_frame(text)
                    || numbered_source(text)
                    // A frame at a place, as runners print their frames level with the message
                    // (Pester's `at <ScriptBlock>, path:9`).
                    || text.starts_with("at ") && crate::extract::names_a_place(text)
                    || tagged
                    || same_marker(block, text)
                    // The value an expectation was compared with, on the next line at the same
                    // indent (Alcotest's `Expected:` over `Received:`).
                    || compared_value(block, text)
                    || under_value_label(block, text)
                    // Gradle's nested causes under its failure (`> Could not resolve x.`).
                    || text.starts_with("> ")
                    // The lines of a diff under its legend, at any indent.
                    || text.starts_with(['+', '-'])
                        && block.lines.iter().any(|(_, l)| diff_legend(l))
                    // A rule line right under the anchor underlines it (unittest's `FAIL: t`),
                    // as one under a section's title does the title.
                    || (block.lines.len() == block.lead + 1
                        || block.lines.last().is_some_and(|(_, l)| l.ends_with(':')))
                        && underline(text)
                    || block
                        .lines
                        .last()
                        .is_some_and(|(_, above)| wraps_onto(above, text))
                    || hangs_under_lead(block, line))
        }
        // A location alone on its line heads the message under it, whatever that says
        // (Next.js' `./app/page.tsx:4:30` over `Type error: …`, svelte-check's over `Error: …`).
        Shape::Diagnostic if block.lines.len() == block.lead + 1 && heads_a_message(block) => true,
        Shape::Diagnostic => {
            // Indented lines under a `path:line:` anchor are its body whatever they say (GHC's
            // `• Couldn't match…` and `Expected:` under `Main.hs:7:21: error:`).
            (!new_anchor || indented && anchored_at_location(block))
                // (The title of the next test's report, pytest's `____ test_two ____`, is not
                // the diagnostic's.)
                && framed_title(text).is_none()
                // The echoed source line under a gcc/clang diagnostic, and its caret line.
                && (block.lines.len() == block.lead + 1
                    && !text.contains(": ")
                    && error_tag(text).is_none()
                    || text.starts_with(['^', '~'])
                    || indented
                    || text.starts_with("-->")
                    // annotate-snippets' frames: ASCII (`-->`, `|`) and Unicode (`╭▸`, `│`, `╰╴`);
                    // miette's: ASCII (`:   ^^^`, `` `---- ``) and Unicode (`·`, `╰────`);
                    // codespan's notes (`├ …`).
                    || text.starts_with(['|', '│', '╰', '╭', '·', '`', '├'])
                    || text == ":"
                    || text.starts_with(": ")
                    || text.starts_with('=')
                    || text.starts_with("note:")
                    // A note at a location of its own (mypy's `path:1: note: Hint: …`, gcc's
                    // `path:3:5: note: declared here`) is about the error above it.
                    || text.contains(": note: ") && crate::rules::located(text)
                    || text.starts_with("help:")
                    || code_frame(text)
                    // clang's closing count: `1 error generated.`, `2 warnings and 3 errors …`
                    || text.ends_with(" generated.") && text.contains(" error")
                    // javac's, mypy's and others' closing count: `1 error`, `Found 2 errors in …`
                    || closing_count(text)
                    // gcc's verdicts under its diagnostics.
                    || text.ends_with("all warnings being treated as errors")
                    || text == "compilation terminated."
                    // The rest of the tool's tagged report: sbt's `[error] one error found`,
                    // `[error] (compile:compileIncremental) Compilation failed`; a tool's own
                    // verdict with a rule of its own (Maven's `Failed to execute goal`) starts
                    // its block.
                    || tagged && rule.is_none_or(|r| r.reads_only_a_tag()))
        }
        // Every line up to the exception, then the exception message's indented lines, and a
        // few unindented ones right under it (SQLAlchemy's `[SQL: …]` and `(Background on this
        // error at: …)`, a message of several lines).
        Shape::Traceback => {
            // An exception's message may go on a blank line under its first line (hatchling's
            // `ValueError: Unable to determine which files to ship …`, blank, `The most likely
            // cause …`): its next paragraph of prose is the message's.
            let message_goes_on = block.pending_blank.is_some()
                && !indented
                && text.starts_with(|c: char| c.is_ascii_uppercase())
                && !["Traceback", "During handling", "The above exception"]
                    .iter()
                    .any(|p| text.starts_with(p))
                && block.lines.last().is_some_and(|(_, l)| raised(l));
            // Twisted trial names the test a blank line under its traceback, dotted in full.
            let test_id = block.pending_blank.is_some()
                && !indented
                && text.matches('.').count() >= 2
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
                && block.exception_seen
                && block
                    .lines
                    .last()
                    .is_some_and(|(_, l)| !l.starts_with(char::is_whitespace));
            // An exception whose message starts under it goes on to the message's end, blank
            // lines and all (a notebook cell's IPython traceback, quoted in papermill's); a
            // wrapper's report of the program's exit is not the message's.
            !block.exception_seen
                || message_goes_on
                || test_id
                || indented
                || message_below(block)
                || !new_anchor
                    && block.pending_blank.is_none()
                    && !reports_exit(line)
                    && block
                        .lines
                        .iter()
                        .rev()
                        .take_while(|(_, l)| !l.starts_with(char::is_whitespace))
                        .count()
                        < 4
        }
        Shape::Stack => {
            // An anchor that ends with a colon announces its message on the next line (Rust's
            // `panicked at src/lib.rs:17:9:` since 1.73).
            block.lines.len() == block.lead + 1
                && block.lines.last().is_some_and(|l| l.1.ends_with(':'))
                || indented
                || text.starts_with("at ")
                // Ruby's frames, `path.rb:4:in `method'`, as Cucumber prints them unindented
                // against the message.
                || text.split_once(":in `").is_some_and(|(at, _)| location_only(at))
                || text.starts_with("Stack trace:")
                || text.starts_with('#') && text[1..].starts_with(|c: char| c.is_ascii_digit())
                || text.starts_with("Caused by")
                // faulthandler's header over each thread's frames (`Current thread 0x…
                // (most recent call first):`).
                || text.ends_with("(most recent call first):")
                || text.starts_with("goroutine ")
                || text.starts_with("[signal ")
                // Go's goroutine trace alternates unindented calls and indented files.
                || block.lines.iter().any(|(_, l)| l.starts_with("goroutine "))
                || text.starts_with("[C]")
                || text.starts_with("Require stack")
                || text.starts_with("- ")
                || text.starts_with("...")
                || text.starts_with("note: ")
                // Source lines under their numbers, one after the other (Less' `2 .cart {` and
                // `3   color: @accent;` under `… on line 3, column 10:`).
                || block
                    .lines
                    .last()
                    .and_then(|(_, l)| source_number(l))
                    .is_some_and(|above| source_number(text) == Some(above + 1))
        }
        // A weak report (a checker's count over its findings) ends at a decisive line in it: the
        // finding the rule reads is the cause the count counted.
        Shape::Report => !rule.is_some_and(|r| {
            r.shape == Shape::Report && !indented || block.rule.tier >= 3 && r.tier <= 1
        }),
        Shape::Section => {
            // After a blank line, only indented text or pytest's `E`/`>` lines go on (or
            // anything right under the section's title).
            let after_blank_ok = block.pending_blank.is_none()
                || block.lines.len() == block.lead + 1
                || indented
                || text.starts_with("E ")
                || text.starts_with('>')
                // The place the report names after a blank line (Collision's `at
                // tests/Unit/CartTest.php:12` under the assertion's message).
                || text.starts_with("at ") && crate::extract::names_a_place(text)
                // What a message announces goes on after a blank line (Minitest's `"x" expected,
                // but got:`, blank, the output it got).
                || block.lines.last().is_some_and(|(_, l)| l.ends_with(':'))
                // A report indented as a whole off the margin (ReScript's `  We've found a bug
                // for you!` over its place, code frame and types) goes on at its indent.
                || block.indent >= 2 && indent >= block.indent
                // A test report's parts under one-word headings (nbval's `Input:` over the
                // cell's code, `Traceback:` over the outputs' diff), a blank line apart.
                || block.rule.category == Category::TestFailure && part_heading(text);
            // What another kind of rule reads in a test's report (a refused connection the test
            // logged) is the report's; only the next report starts a block of its own. Under
            // another section's title (Gradle's `What went wrong:`), a root cause's line does.
            let test_report = block.rule.category == crate::rules::Category::TestFailure;
            after_blank_ok
                && (!new_anchor
                    || rule
                        .is_some_and(|r| r.shape != Shape::Section && (r.tier > 0 || test_report)))
        }
        // A more decisive line under the same error tag ends the list (npm ci's own error under
        // npm's `npm error code EUSAGE`, which only points).
        Shape::List if tagged && new_anchor && rule.is_some_and(|r| r.tier < block.rule.tier) => {
            false
        }
        Shape::List => {
            indented
                || rule.is_some_and(|r| std::ptr::eq(r, block.rule))
                // The tool's count under its findings (ruff's `Found 2 errors.`).
                || closing_count(text)
                || tagged
                || text.starts_with('>')
                || text.bytes().take_while(u8::is_ascii_digit).count() > 0
                    && text
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .starts_with(['.', ')'])
        }
    }
}

/// The legend over a diff of expected and actual values: which sign marks which
/// (`+ actual - expected`, as Node's assert prints it, or the other way round).
fn diff_legend(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let word = |w: Option<&str>| w.is_some_and(|w| w.bytes().all(|c| c.is_ascii_alphabetic()));
    matches!(
        (
            words.next(),
            word(words.next()),
            words.next(),
            word(words.next()),
            words.next()
        ),
        (Some("+"), true, Some("-"), true, None) | (Some("-"), true, Some("+"), true, None)
    )
}

/// A line of a code frame under a diagnostic: `12 | code`, `   | ^^^`, erlc's `%    3| code`,
/// Dart Sass' box-drawn `5 │ code` between `╷` and `╵`, and a suggested fix's `4 + code` /
/// `4 - code` (rustc, ruff).
pub(crate) fn code_frame(text: &str) -> bool {
    let trimmed = text.trim_start_matches(['%', ' ', '\t']);
    // The frame's pointer at the line in question (Babel's and Next.js' `> 4 | …`).
    let trimmed = trimmed
        .strip_prefix('>')
        .map_or(trimmed, |t| t.trim_start_matches(' '));
    let after_number = trimmed.trim_start_matches(|c: char| c.is_ascii_digit());
    let numbered = after_number.len() < trimmed.len();
    let rest = after_number.trim_start();
    rest.starts_with(['|', '│', '╷', '╵'])
        || numbered
            && after_number.starts_with(' ')
            && (rest == "+" || rest == "-" || rest.starts_with("+ ") || rest.starts_with("- "))
}

/// A source line under its number without a rule (`3   return items…`, tsc's pretty frame), or
/// with a colon (`9:    assertEquals(…)`, munit's and Rollup's frames).
pub(crate) fn numbered_source(text: &str) -> bool {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &text[digits..];
    digits > 0 && (rest.starts_with("  ") || rest.starts_with(":  "))
}

/// The number a line of source starts with, behind which a space and the code follow.
fn source_number(text: &str) -> Option<u64> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && digits < 7 && text[digits..].starts_with(' '))
        .then(|| text[..digits].parse().ok())
        .flatten()
}

pub(super) fn anchored_at_location(block: &Block) -> bool {
    block
        .lines
        .get(block.lead)
        .is_some_and(|(_, anchor)| crate::rules::located(anchor))
}

/// Whether a line only reports how a command exited (rustc's `linking with `cc` failed: exit
/// code: 1` says more, and titles the linker's lines): a wrapper's report on the command it ran
/// points at what that command printed above it.
pub(crate) fn reports_exit(line: &str) -> bool {
    make_reports_exit(line)
        || npm_reports_exit(line)
        || task_runner_reports_exit(line)
        || says_how_it_exited(line)
}

/// Whether a line says, in a wrapper's words, how the command it ran exited. One pass of an
/// automaton over the line finds the phrases: the engine asks this of every line a block could
/// go on with.
fn says_how_it_exited(line: &str) -> bool {
    const PHRASES: [&str; 34] = [
        "exited with",
        "subprocess exited",
        // dpkg-buildpackage's `debian/rules binary subprocess returned exit status 2`.
        "returned exit status",
        "did not complete successfully",
        // Docker's legacy builder: `The command '/bin/sh -c make' returned a non-zero code: 2`.
        "returned a non-zero code",
        // yarn's and pnpm's `Command failed with exit code 1.`, just's `Recipe `ci` failed on
        // line 3 with exit code 1`.
        " with exit code ",
        // Gradle's `Process 'command 'make'' finished with non-zero exit value 2`.
        "non-zero exit value",
        // tox's `py: FAIL code 1 (3.2=setup[2.7]+cmd[0.5] seconds)` and `evaluation failed :(
        // (3.3 seconds)`; tox 3's `ERROR:   py: commands failed`.
        ": FAIL code ",
        "evaluation failed :(",
        ": commands failed",
        // tox 2's and 3's report of the command: `ERROR: InvocationError for command
        // /…/.tox/py/bin/pytest (exited with code 1)`, `ERROR: InvocationError: '/…/bin/pytest'`.
        "InvocationError",
        // A command's (`Command '['make']' returned non-zero exit status 2.`), not a
        // function's: shUnit2's `testTotal() returned non-zero return code.` is its test's
        // verdict.
        "returned non-zero",
        // tox's `py: exit 1 (0.52 seconds) /builds/acme/app> pytest pid=412`.
        ": exit ",
        // Turborepo's `@acme/web#test:  ERROR  command (…) exited (1)`.
        " exited (",
        // Nx's and Lerna's ` NX   Running target test for 2 projects failed`.
        "Running target ",
        // pnpm's ` ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL  @acme/web@1.0.0 test: `jest``.
        "ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL",
        // Ninja's `ninja: build stopped: subcommand failed.` (`… cannot make progress due to
        // previous errors.` under `-k`).
        "ninja: build stopped: ",
        // SCons' closing under its make-shaped `scons: *** [check] Error 1`.
        "scons: building terminated because of errors.",
        // Ant's exec task: `/builds/acme/app/build.xml:3: exec returned: 1`.
        ": exec returned: ",
        // Rake's `sh`: `Command failed with status (1): [pytest -q...]`.
        "Command failed with status (",
        // Grunt's closing when a task failed, `Aborted due to warnings.`, over its warning
        // that the task or the command it ran failed (`Warning: Task "exec:test" failed. Use
        // --force to continue.`, grunt-shell's `Warning: Command failed: npm test`, the
        // command's standard error, then ` Use --force to continue.`), and grunt-exec's
        // `Exited with code: 1.`. A warning that says more (`Warning: Unable to read "a.json"
        // file (Error code: ENOENT). Use --force to continue.`) is the task's cause.
        "Aborted due to warnings.",
        "Use --force to continue.",
        "Warning: Command failed: ",
        "Exited with code: ",
        // Go's os/exec, in the words of the tools written in Go that run commands (go-task's
        // `task: Failed to run task "ci": exit status 1`, `go run`'s `exit status 2`).
        "exit status ",
        // Maven's exec plugin, over Commons Exec's `ExecuteException: Process exited with an
        // error: 1 (Exit value: 1)`: `[ERROR] Command execution failed.`
        "Command execution failed.",
        // Gulp's verdict on a task, `'ci' errored after 1.97 s`, over the error that failed it.
        "' errored after ",
        // CocoaPods' verdict on a pod it linted, `[!] CartKit did not pass validation, due to
        // 2 errors and 1 warning.`, under the validation's ERROR lines.
        " did not pass validation",
        // A script's own report of where it stopped (an ERR trap's `Error on line 42: exit
        // code 1`), and a verdict that says the cause is above it (`Tests failed, see above.`,
        // npm 6's `See above for more details.`, `Failed to Compile. See Errors Above`, `Exiting
        // due to 1 warning(s)`). Not `previous error`: a note names its error so (`(Location of
        // the symbol related to previous error)`), and tar's closing words are a part of its error.
        ": exit code ",
        "see above",
        "See above",
        "Errors Above",
        "errors above",
        "Exiting due to ",
    ];
    // Leftmost-first matching lets the automaton skip ahead with its vectorised prefilter: most
    // lines hold no phrase, and only those that do are read again for the one that counts.
    static AUTOMATON: OnceLock<AhoCorasick> = OnceLock::new();
    let automaton = AUTOMATON.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(PHRASES)
            .expect("the exit phrases build an automaton")
    });
    automaton.is_match(line)
        && PHRASES.iter().any(|&phrase| {
            let Some(at) = line.find(phrase) else {
                return false;
            };
            match phrase {
                "returned non-zero" => !line.contains("() returned"),
                ": exit " => line.contains(" seconds) ") && line.contains(" pid="),
                " exited (" => line[at + phrase.len()..]
                    .trim_end()
                    .strip_suffix(')')
                    .is_some_and(|code| {
                        !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit())
                    }),
                "Running target " => line.trim_end().ends_with(" failed"),
                "Aborted due to warnings." | "Warning: Command failed: " | "Exited with code: " => {
                    at == 0
                }
                "Use --force to continue." => {
                    let warning = line[..at].trim_matches(|c: char| c == ' ' || c == '\u{7}');
                    warning.is_empty()
                        || warning
                            .strip_prefix("Warning: Task \"")
                            .is_some_and(|task| task.ends_with("\" failed."))
                }
                "Command execution failed." => untagged(line) == phrase,
                // tox's line, not a traceback's mention of the class.
                "InvocationError" => line[..at].trim() == "ERROR:",
                // The error's last link (`…: exit status 1`), or all of it: not a log record's
                // words about a command (`Error running notify command: nginx -s reload, exit
                // status 1`).
                "exit status " => {
                    let code = line[at + phrase.len()..].trim_end();
                    (at == 0 || line[..at].ends_with(": "))
                        && !code.is_empty()
                        && code.bytes().all(|b| b.is_ascii_digit())
                }
                _ => true,
            }
        })
}

/// npm's report that a package script it ran failed: npm 6's `npm ERR! code ELIFECYCLE` block
/// (`errno 1`, `shop@1.0.0 test: `jest``, `Exit status 1`, `Failed at the shop@1.0.0 test
/// script.`), npm 7's and later ones' (`code 1`, `path /builds/acme/shop`, `command failed`,
/// `command sh -c jest`, `Lifecycle script `test` failed with error:`).
fn npm_reports_exit(line: &str) -> bool {
    let Some(said) = ["npm ERR!", "npm error"]
        .iter()
        .find_map(|tag| line.strip_prefix(tag))
        .map(str::trim)
    else {
        return false;
    };
    // npm 6 and earlier report a failed `npm test` in one line of their own.
    [
        "code ELIFECYCLE",
        "command failed",
        "Error: command failed",
        "Test failed.  See above for more details.",
    ]
    .contains(&said)
        || [
            "errno ",
            "Exit status ",
            "Failed at the ",
            "command sh -c ",
            "Lifecycle script ",
            "path /",
            // In a workspace: `workspace @acme/web@1.0.0`, `location /builds/acme/shop/web`.
            "workspace ",
            "location /",
        ]
        .iter()
        .any(|p| said.starts_with(p))
        || said
            .strip_prefix("code ")
            .is_some_and(|code| code.bytes().all(|b| b.is_ascii_digit()))
        // `shop@1.0.0 test: `jest``: the script and its command.
        || said.ends_with('`') && said.split_once(": `").is_some_and(|(script, _)| script.contains('@'))
}

/// A monorepo task runner's report of the packages' scripts it ran, closing a run in which one
/// failed: Turborepo's `@acme/web#test:  ERROR  command (…) exited (1)` and its run summary
/// (` Tasks:    1 successful, 2 total`, `Cached:    0 cached, 2 total`, `  Time:    2.31s`,
/// `Failed:    @acme/web#test`); Nx's and Lerna's ` NX   Running target test for 2 projects
/// failed`, `Failed tasks:` and their list (`- @acme/web:test`); pnpm's `Failed` (and a passing
/// package's `Done`, which may come last) under a package's lines, and its closing: the
/// package's directory over ` ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL  @acme/web@1.0.0 test: `jest``
/// and `Exit status 1`.
fn task_runner_reports_exit(line: &str) -> bool {
    let t = line.trim();
    let counted = |label: &str, unit: &str| {
        t.strip_prefix(label)
            .is_some_and(|rest| rest.contains(unit) && rest.ends_with(" total"))
    };
    counted("Tasks:", " successful, ")
        || counted("Cached:", " cached, ")
        || line.starts_with("  Time:") && t.ends_with('s') && !t.contains(',')
        || t.strip_prefix("Failed:")
            .is_some_and(|tasks| task_ids(tasks.trim_start(), '#'))
        || t.strip_prefix("- ").is_some_and(|task| task_ids(task, ':'))
        || t == "Failed tasks:"
        || t == "Failed"
        || t == "Done"
        // tox 3's closing: its banner, and an environment's verdict (`py311: commands
        // succeeded`) beside the failed one's (`ERROR:   py312: commands failed`).
        || crate::rules::tox_summary(t)
        || t.ends_with(": commands succeeded")
        || t.strip_prefix("Exit status ")
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        // pnpm's heading: the package's directory, not a location (pytest's `/…/tasks.py:500:`
        // over a frame).
        || t.strip_suffix(':').is_some_and(|directory| {
            directory.starts_with('/')
                && !directory.contains(':')
                && !directory.contains(char::is_whitespace)
        })
}

/// The task a monorepo task runner's header names over the task's output, as Nx prints it
/// (`> nx run @acme/web:test`) and Lerna does (`> @acme/web:test`); not npm's echo of a script
/// (`> @acme/web@1.0.0 test`).
pub(super) fn task_header(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("> ")?;
    let task = rest.strip_prefix("nx run ").map_or(rest, |run| {
        run.split_whitespace().next().unwrap_or_default()
    });
    // (Most lines under a `>` are prose or code, with a space in them.)
    (!task.contains(' ') && task_ids(task, ':')).then_some(task)
}

/// Whether `text` lists tasks the way a monorepo task runner names them, a package's name and
/// a script's, `@acme/web#test, api#lint` (Turborepo) or `@acme/web:test` (Nx).
pub(super) fn task_ids(text: &str, between: char) -> bool {
    let task_id = |id: &str| {
        id.split_once(between).is_some_and(|(package, task)| {
            let name = package.strip_prefix('@').map_or(Some(package), |scoped| {
                scoped.split_once('/').map(|(_, name)| name)
            });
            name.is_some_and(|n| {
                n.starts_with(|c: char| c.is_ascii_lowercase())
                    && n.bytes().all(crate::lines::in_package_name)
            }) && task.starts_with(|c: char| c.is_ascii_alphabetic())
                && task.bytes().all(crate::lines::in_script_name)
        })
    };
    !text.is_empty() && text.split(", ").all(task_id)
}

/// Whether a line is Gradle's header over a task's output: `> Task :ci`, or `:ci` as Gradle 4
/// and earlier print it without a rich console; a task's path, `:app:compileJava`.
pub(crate) fn gradle_task(line: &str) -> bool {
    line.strip_prefix("> Task :")
        .or_else(|| line.strip_prefix(':'))
        .is_some_and(|task| {
            task.starts_with(|c: char| c.is_ascii_alphabetic())
                && !task.ends_with(':')
                && task
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'_'))
        })
}

/// Whether a line is a task runner's header over a task's output, which starts there as a
/// step's starts under the runner's `$ cmd`: Gradle's, Grunt's or gulp's.
pub(crate) fn task_runner_heading(line: &str) -> bool {
    gradle_task(line) || grunt_task(line) || gulp_task(line)
}

/// Whether a line is gulp's header over a task's output, `Starting 'ci'...` (behind its time,
/// `[10:42:07] `, which the tail does not keep): the task's name quoted, in one word.
fn gulp_task(line: &str) -> bool {
    line.strip_prefix("Starting '")
        .and_then(|rest| rest.strip_suffix("'..."))
        .is_some_and(|task| !task.is_empty() && !task.contains(char::is_whitespace))
}

/// Whether a line is Grunt's header over a task's output: `Running "exec:test" (exec) task`,
/// the task and its target quoted, the task again in brackets.
fn grunt_task(line: &str) -> bool {
    line.strip_prefix("Running \"")
        .and_then(|rest| rest.strip_suffix(") task"))
        .and_then(|rest| rest.split_once("\" ("))
        .is_some_and(|(target, task)| {
            !task.contains(char::is_whitespace) && target.split(':').next() == Some(task)
        })
}

/// Gradle's verdict on a failed task: `> Task :ci FAILED` (`:ci FAILED`), or ` FAILED` alone
/// under a task that wrote to standard error, as Gradle 4 prints it (the header went out,
/// unended, before the output).
pub(crate) fn gradle_task_failed(line: &str) -> bool {
    let line = line.trim_end();
    line == " FAILED" || gradle_task(line.strip_suffix(" FAILED").unwrap_or_default())
}

/// A fixed line of Gradle's report on a failed build: a task's verdict (`> Task :ci FAILED`),
/// `FAILURE: Build failed with an exception.`, the headings `* What went wrong:` and `* Try:`,
/// the task the first names (`Execution failed for task ':ci'.`), the advice under the second
/// (`> Run with --stacktrace option …`, `> Get more help at https://help.gradle.org.`), `BUILD
/// FAILED in 3s` and the count of tasks run. They say only that a task failed: the cause is in
/// the line under `What went wrong`, or, when that reports how a process exited (an `Exec`
/// task's), in what the process printed above the report.
pub(crate) fn gradle_reports_failure(line: &str) -> bool {
    let t = line.trim_end();
    let counted = t.split_once(" actionable task").is_some_and(|(n, rest)| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (rest.contains(" executed") || rest.contains(" up-to-date"))
    });
    gradle_task_failed(t)
        || counted
        || t.starts_with("FAILURE: Build ")
        || t == "* What went wrong:"
        || t == "* Try:"
        || t.starts_with("> Run with --")
        || t.starts_with("> Get more help at ")
        // Gradle 4's advice, on one line and under a star.
        || t.starts_with("Run with --stacktrace option")
        || t.starts_with("* Get more help at ")
        || t.starts_with("BUILD FAILED in ")
        || t.starts_with("Execution failed for task '") && t.ends_with("'.")
}

/// A wrapper's short heading over its report of how the command exited (rake's `rake aborted!`
/// over `Command failed with status (1): [pytest…]`, Ant's `BUILD FAILED` over `build.xml:3:
/// exec returned: 1`): it ends with `!` or `:`, or is in capitals, and says the wrapper failed,
/// as a tool's last words may not (sqlfluff's `All Finished!`).
pub(super) fn wrapper_heading(line: &str) -> bool {
    !line.starts_with(char::is_whitespace)
        && (line.ends_with(['!', ':']) || shouted(line))
        && line.split_whitespace().count() <= 3
        && crate::rules::says_any(line, &["abort", "fail", "error"])
}

/// A hook runner's verdict on a hook, its name padded with dots (pre-commit's `ruff.....Passed`,
/// `mypy.....(no files to check)Skipped`, `ci.....Failed`): the verdict's word.
fn hook_verdict(line: &str) -> Option<&'static str> {
    let (rest, verdict) = ["Passed", "Skipped", "Failed"]
        .iter()
        .find_map(|v| line.strip_suffix(v).map(|rest| (rest, *v)))?;
    let rest = match rest.strip_suffix(')') {
        Some(noted) => noted.rsplit_once('(').map_or(noted, |(before, _)| before),
        None => rest,
    };
    (!line.starts_with(char::is_whitespace) && rest.ends_with("....")).then_some(verdict)
}

/// The hook a hook runner's verdict is on: `ci` of `ci.....Failed`.
pub(crate) fn hook_name(verdict: &str) -> &str {
    match hook_verdict(verdict) {
        Some(word) => verdict
            .trim_end_matches(word)
            .split("....")
            .next()
            .unwrap_or(verdict)
            .trim_end_matches('.'),
        None => verdict,
    }
}

/// What a step prints once its command is over, whatever happened: bash's `time` report (and
/// `time -p`'s), Docker Compose's teardown of a project (v2's ` Container shop-db-1  Removed`, v1's
/// `Stopping shop_db_1 ... done`), coverage.py's table. A failure's last words are above it.
fn aftermath(line: &str) -> bool {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    PATTERN
        .get_or_init(|| {
            regex::Regex::new(
                r"(?x)^(?:
                    (?:real|user|sys)(?:\t\d+m\d+[.,]\d+s|\x20\d+[.,]\d+)
                  | \s*(?:Container|Network|Volume)\x20\S+\s+(?:Stopping|Stopped|Removing|Removed|Killing|Killed)
                  | (?:Stopping|Removing|Killing)\x20\S+\s+\.\.\.\x20done
                  | Removing\x20network\x20\S+
                  | Name\s+Stmts\s+Miss\s.*Cover.*
                  | (?:\S+|TOTAL)\s+\d+\s+\d+(?:\s+\d+\s+\d+)?\s+\d+(?:\.\d+)?%.*
                )\s*$",
            )
            .expect("aftermath pattern compiles")
        })
        .is_match(line)
}

/// How many of `lines`, given last first, a step printed once its command was over (see
/// [`aftermath`]), with the blank lines among them and a table's rules (`------`) over its rows.
pub(super) fn aftermath_len<'a>(last_first: impl Iterator<Item = &'a str>) -> usize {
    let rule = |line: &str| line.len() >= 10 && line.bytes().all(|b| b == b'-');
    let mut len = 0;
    for (i, line) in last_first.enumerate() {
        if aftermath(line) || len > 0 && (line.trim().is_empty() || rule(line)) {
            len = i + 1;
        } else if !line.trim().is_empty() {
            break;
        }
    }
    len
}

/// A hook runner's verdict on a hook that did not fail: the runner's line, not the output of
/// the hook that failed before it.
pub(super) fn hook_passed(line: &str) -> bool {
    matches!(hook_verdict(line), Some("Passed" | "Skipped"))
}

/// Whether `lines` end with a hook runner's title over a failed hook's output (pre-commit's
/// `ci.....Failed`, then `- hook id: ci` and `- exit code: 1`): what comes after is that
/// output.
pub(super) fn ends_with_hook_title<'a>(
    mut lines: impl DoubleEndedIterator<Item = &'a str>,
) -> bool {
    lines
        .rfind(|l| !l.starts_with("- "))
        .is_some_and(|title| hook_verdict(title) == Some("Failed"))
}

/// A wrapper's own line after the output of what it ran: its report of how that exited, a
/// hook runner's verdict on a hook, a line of Gradle's report on the build.
pub(super) fn wrapper_reports(line: &str) -> bool {
    reports_exit(line) || hook_verdict(line).is_some() || gradle_reports_failure(line)
}

/// GNU make's report of a recipe that failed, `make: *** [Makefile:12: ci] Error 1` (or
/// `make[2]: *** [all] Error 2` from a sub-make), under any of its names (`gmake`, as the BSDs,
/// Homebrew and CMake on Red Hat's systems call it; `mingw32-make`), and SCons' in make's words
/// (`scons: *** [check] Error 1`), and the line make 4.0 and 4.1 (Ubuntu 16.04's, Travis CI's
/// xenial image's) print above it, the recipe's place and target (`Makefile:12: recipe for
/// target 'ci' failed`); not make's own errors (`No rule to make target 'x'.  Stop.`).
fn make_reports_exit(line: &str) -> bool {
    if let Some(place) = line
        .strip_suffix("' failed")
        .and_then(|rest| rest.split_once(": recipe for target '"))
        .map(|(place, _)| place)
    {
        return place.rsplit_once(':').is_some_and(|(makefile, number)| {
            !makefile.is_empty() && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
        });
    }
    ["make", "gmake", "mingw32-make", "scons"]
        .iter()
        .any(|name| line.starts_with(name))
        && line.contains(": *** [")
        && line
            .trim_end_matches(" (ignored)")
            .rsplit_once("] Error ")
            .is_some_and(|(_, code)| !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a line is make's report of a failure it ignored (`make: [Makefile:4: clean] Error 1
/// (ignored)`, `make[1]: [clean] Error 2 (ignored)`), which GNU make prints for a recipe line
/// marked `-` and under `make -i`.
pub(crate) fn make_ignored_error(line: &str) -> bool {
    let Some((tool, report)) = line.trim_end().split_once(": [") else {
        return false;
    };
    let tool = tool.split_once('[').map_or(tool, |(name, _)| name);
    ["make", "gmake", "mingw32-make"].contains(&tool)
        && report.ends_with(" (ignored)")
        && report.contains("] Error ")
}

/// The build tools that echo each command of a recipe on a bare line of its own before what the
/// command prints: GNU make (as `gmake` and `mingw32-make` too), Rake's `sh` and SCons.
const ECHOING_TOOLS: [&str; 5] = ["make", "gmake", "mingw32-make", "rake", "scons"];

/// Whether a step's command runs one of [`ECHOING_TOOLS`]: `make ci`, `cd build && make check`,
/// `bundle exec rake`, `sudo make install`, `/usr/bin/make -C src`.
pub(super) fn runs_echoing_tool(command: &str) -> bool {
    const PREFIXES: [&str; 6] = ["sudo", "time", "env", "bundle", "exec", "travis_retry"];
    command.split(['&', ';', '|']).any(|part| {
        part.split_whitespace()
            .find(|w| !PREFIXES.contains(w) && !w.contains('='))
            .is_some_and(|program| {
                ECHOING_TOOLS.contains(&program.rsplit('/').next().unwrap_or(program))
            })
    })
}

/// Whether `line` is one of [`ECHOING_TOOLS`]' own (`make[1]: Entering directory '…'`,
/// `scons: Building targets ...`): the line after it is where the next command's echo goes.
pub(super) fn echoing_tool_says(line: &str) -> bool {
    // (Asked of every line under such a tool: its first bytes only.)
    ECHOING_TOOLS.iter().any(|name| {
        line.strip_prefix(name)
            .is_some_and(|rest| rest.starts_with([':', '[']))
    })
}

/// Whether `line` reads as a command one of [`ECHOING_TOOLS`] echoed: shell words, behind any
/// `NAME=value` assignments, the program a lower-case name or the path of a program or script
/// (`cmake-lint CMakeLists.txt`, `node_modules/.bin/tsc --noEmit`, `./generate.sh`,
/// `PDM_CHECK_UPDATE=false pdm lock --check`), given a flag or a file unless the program is a
/// path; not a tool's `warning: …` or `files scanned: 1` (a word ending with `:`), a sentence,
/// a data file's path (ajv's `products/pen.json invalid`), git's `diff --git a/x b/x` or go
/// test's `ok  \tpkg` (a tab). Asked only of a line no command's output can be above (see
/// `Engine::push_tail`): lower down, what commands print reads as a command too often (npm's
/// `npm error command sh -c node build.js`, advice to run `check-manifest -c`).
pub(super) fn reads_as_echo(line: &str) -> bool {
    if line.starts_with(char::is_whitespace)
        || line.contains('\t')
        || line.len() > 1000
        || line.starts_with("diff --git ")
    {
        return false;
    }
    let assignment = |w: &&str| {
        w.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
        })
    };
    let mut words = line
        .split(' ')
        .filter(|w| !w.is_empty())
        .skip_while(assignment);
    let Some(program) = words.next() else {
        return false;
    };
    let arguments: Vec<&str> = words.collect();
    let name = program.rsplit('/').next().unwrap_or(program);
    let program_like = program
        .starts_with(|c: char| c.is_ascii_lowercase() || c == '.' || c == '/')
        && program.bytes().all(|b| {
            b.is_ascii_lowercase()
                || b.is_ascii_digit()
                || matches!(b, b'.' | b'/' | b'_' | b'-' | b'+')
        })
        && name.rsplit_once('.').is_none_or(|(stem, extension)| {
            stem.is_empty() || ["sh", "bash", "py", "pl", "rb", "js", "php"].contains(&extension)
        });
    let sentence = arguments
        .last()
        .is_some_and(|w| w.ends_with('.') && !w.contains('/'));
    // What a command is given, a flag or a file, or its program's path, tell it from words
    // (`step 1 ok`).
    let given = |w: &&str| w.starts_with('-') || w.contains(['/', '.']);
    program_like
        && !sentence
        && !arguments.iter().any(|w| w.ends_with(':'))
        && (program.contains('/') || arguments.iter().any(given))
}

/// The lines that go on a report of one or a few lines, whatever its shape: what an anchor
/// ending with `:` announces (the Maven Enforcer's `Rule 0: … failed with message:` over the
/// message), a heading right under the anchor (LuaRocks' `Missing dependencies for shop:` over
/// its list), a line right under it naming the same file, a label over the indented lines under
/// it (HLint's `Found:` and `Perhaps:`), and the bracket that closes one the report left open
/// (cabal's `user error (… exited with an error:` … `)`).
fn goes_on_whatever_shape(block: &Block, text: &str) -> bool {
    let right_under_anchor = block.lines.len() == block.lead + 1;
    let announced = block.lines.last().is_some_and(|(_, l)| l.ends_with(':'));
    // (A line with a log level's tag of its own, `[INFO] ----`, is a record of its own.)
    let source = |l: &str| code_frame(l) || numbered_source(l);
    // A file's heading (gcc's `src/cart.c: In function 'main':`) heads the diagnostics under
    // it, not the line above.
    let file_heading = || {
        text.split_once(": ")
            .is_some_and(|(path, _)| looks_like_path(path))
    };
    right_under_anchor
        && (announced && !text.starts_with('[')
            || text.ends_with(':') && !file_heading()
            || labelled_location(text)
            || block
                .lines
                .last()
                .is_some_and(|(_, l)| names_same_file(l, text)))
        || label(text)
        // What a heading in capitals announces (Django's `ERRORS:` over the check's finding,
        // Maven's `[ERROR] COMPILATION ERROR :` over the rule line above the compiler's).
        || block.lines.last().is_some_and(|(_, l)| heading_in_capitals(l))
        || postgres_field(text)
        || text.starts_with([')', ']', '}']) && left_open(block)
        || under_ocaml_location(block)
        || under_same_file_prefix(block, text)
        // The next line of a code frame the report shows (Ansible's numbered lines).
        || source(text) && block.lines.last().is_some_and(|(_, l)| source(l))
}

/// A Python exception's line: its class, dotted or not, and its message (`ValueError: …`).
pub(crate) fn raised(line: &str) -> bool {
    line.split_once(": ")
        .is_some_and(|(class, _)| exception_class(class))
}

/// Whether `class` names an exception's class (`KeyError`, `papermill.exceptions.PapermillExecutionError`).
fn exception_class(class: &str) -> bool {
    ["Error", "Exception"].iter().any(|k| class.ends_with(k))
        && class
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// A traceback's exception line: the first unindented line after the frames.
pub(crate) fn exception_line(lines: &[(u64, String)]) -> Option<&str> {
    lines.iter().skip(1).map(|l| l.1.as_str()).find(|l| {
        !l.is_empty() && !l.starts_with(char::is_whitespace) && !l.starts_with("Traceback")
    })
}

/// Whether a traceback's exception line leaves its message to the lines under it
/// (`papermill.exceptions.PapermillExecutionError:` over the failed cell's IPython traceback).
fn message_below(block: &Block) -> bool {
    exception_line(&block.lines)
        .and_then(|l| l.trim_end().strip_suffix(':'))
        .is_some_and(exception_class)
}

/// A field PostgreSQL sends with an error, as psql and the drivers print it under the message:
/// the statement's line (`LINE 1: UPDATE …`, its caret under it), `DETAIL:`, `HINT:`, `CONTEXT:`.
fn postgres_field(text: &str) -> bool {
    let field = text.split_once(": ").map_or("", |(field, _)| field);
    ["DETAIL", "HINT", "CONTEXT", "QUERY", "WHERE", "STATEMENT"].contains(&field)
        || field
            .strip_prefix("LINE ")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A location under a label of one word (Ansible's `Origin: site.yml:7:7`, `Location: x.c:3`).
fn labelled_location(text: &str) -> bool {
    text.split_once(": ").is_some_and(|(label, at)| {
        label.len() <= 12 && label.bytes().all(|b| b.is_ascii_alphabetic()) && location_only(at)
    })
}

/// Whether `text` names a file the anchor names too: the tool's verdict on that file right under
/// its error (`php -l`'s `Errors parsing src/Cart.php`), a checker's title over its findings.
pub(crate) fn names_same_file(anchor: &str, text: &str) -> bool {
    text.split_whitespace()
        .map(|w| w.trim_matches(|c: char| "'\"`(),:;".contains(c)))
        .any(|w| w.len() >= 4 && looks_like_path(w) && !w.starts_with("http") && anchor.contains(w))
}

/// A label over the lines under it: one or two words and a colon (`Found:`, `Caused by:`,
/// Catch2's `with expansion:`).
fn label(text: &str) -> bool {
    let Some(words) = text.strip_suffix(':') else {
        return false;
    };
    words.len() <= 20
        && words.starts_with(|c: char| c.is_ascii_alphabetic())
        && words.split(' ').count() <= 2
        && words.bytes().all(|b| b.is_ascii_alphabetic() || b == b' ')
}

/// A heading that announces what follows: a label (`Failed tests:`) or one in capitals.
pub(crate) fn announces(line: &str) -> bool {
    label(untagged(line)) || heading_in_capitals(line)
}

/// A heading in capitals that announces what follows, behind a tool's error tag (Maven's
/// `[ERROR] COMPILATION ERROR : `).
pub(super) fn heading_in_capitals(line: &str) -> bool {
    untagged(line).strip_suffix(':').is_some_and(|words| {
        let words = words.trim_end();
        !words.is_empty()
            && words.split(' ').count() <= 4
            && words.bytes().all(|b| b.is_ascii_uppercase() || b == b' ')
    })
}

/// Whether the block opened more brackets than it closed.
fn left_open(block: &Block) -> bool {
    let depth = block
        .lines
        .iter()
        .flat_map(|(_, l)| l.bytes())
        .fold(0i64, |depth, b| match b {
            b'(' | b'[' | b'{' => depth + 1,
            b')' | b']' | b'}' => depth - 1,
            _ => depth,
        });
    depth > 0
}

/// Whether `text` is the rest of the sentence on the line above, which a tool wrapped at its
/// terminal's width (Bundler's `Could not find gem 'x' in cached gems or installed` over
/// `locally.`): the line above stops mid-sentence and this one goes on in lower case, without
/// a program's name of its own.
fn wraps_onto(above: &str, text: &str) -> bool {
    above.len() >= 40
        && above.ends_with(|c: char| c.is_ascii_alphabetic())
        && !ends_with_system_error(above)
        && text.len() < 60
        && text.starts_with(|c: char| c.is_ascii_lowercase())
        && program_prefix(text).is_none()
}

/// Whether `line` hangs under the block's lead, level with its anchor: the lead's text has a
/// column that starts right there (newman's failure table, ` 1.  AssertionError  total …` over
/// the message, where and inside what, all at the third column).
fn hangs_under_lead(block: &Block, line: &str) -> bool {
    let indent = indent_of(line);
    block.lead > 0
        && indent == block.indent
        && block.lines.first().is_some_and(|(_, lead)| {
            indent_of(lead) < indent
                && lead.is_char_boundary(indent)
                && lead[..indent].ends_with(' ')
                && lead[indent..].starts_with(|c: char| !c.is_whitespace())
        })
}

/// A report a tool prints with its file's name before every line (perltidy's
/// `lib/Cart.pm:13: assertion failure…`, then `lib/Cart.pm: Files first differ…`), under an
/// anchor at a line of that file. A heading that ends with a colon (gcc's `x.c: In function
/// 'f':`) heads the next diagnostic instead.
fn under_same_file_prefix(block: &Block, text: &str) -> bool {
    let Some((path, rest)) = text.split_once(':') else {
        return false;
    };
    (rest.is_empty() || rest.starts_with(' ') && !rest.ends_with(':'))
        && looks_like_path(path)
        && block.lines.get(block.lead).is_some_and(|(_, anchor)| {
            anchor
                .trim_start()
                .strip_prefix(path)
                .and_then(|at| at.strip_prefix(':'))
                .is_some_and(|at| at.starts_with(|c: char| c.is_ascii_digit()))
        })
}

/// Whether the block is led by the OCaml family's location (`File "x.ml", line 8, characters
/// 16-36:`, as OCaml, dune and Coq print it): the message under it goes on, unindented, to the
/// blank line (Coq's `Error: In environment`, the hypotheses, then `Unable to unify …`).
fn under_ocaml_location(block: &Block) -> bool {
    block.lead > 0
        && block.lines.first().is_some_and(|(_, lead)| {
            super::lead::file_line_title(lead) && lead.contains(", characters ")
        })
}

/// Whether a line ends with the C library's text for a system error (`rm: cannot remove 'x': No
/// such file or directory`): such a message is complete, whatever follows it.
fn ends_with_system_error(line: &str) -> bool {
    [
        "No such file or directory",
        "Permission denied",
        "Is a directory",
        "Not a directory",
        "File exists",
        "Operation not permitted",
        "Directory not empty",
        "No space left on device",
        "Connection refused",
    ]
    .iter()
    .any(|e| line.ends_with(e))
}

/// The heading of a command's usage text (npm's `npm error Usage:`), which it prints after its
/// error: help, not the report; it ends the report and anchors nothing.
pub(super) fn usage_heading(line: &str) -> bool {
    untagged(line).starts_with("Usage:")
}

/// A line drawn with one repeated character (`-----`, `=====`), as tools rule off a title.
pub(crate) fn underline(text: &str) -> bool {
    let t = text.trim();
    let Some(first) = t.chars().next() else {
        return false;
    };
    // Box-drawing rules too (djLint's `───` under a template's name).
    t.chars().count() >= 5
        && t.chars().all(|c| c == first)
        && matches!(first, '-' | '=' | '~' | '_' | '*' | '─' | '━' | '═')
}

/// A compiler's or checker's count of what it found, closing its diagnostics: `1 error`,
/// `Found 2 errors`, behind the tool's label (gulp-typescript's `TypeScript: 1 semantic error`,
/// Grunt's `>> 1 error in 2 files`, deptry's `Found 2 dependency issues.`), with a word saying
/// which kind.
pub(super) fn closing_count(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix(">> ").unwrap_or(t);
    let t = program_prefix(t)
        .and_then(|_| t.split_once(": "))
        .map_or(t, |(_, rest)| rest);
    let t = t.strip_prefix("Found ").unwrap_or(t);
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let mut words = t[digits..].split_whitespace();
    let noun = |w: Option<&str>| {
        w.is_some_and(|w| {
            [
                "error",
                "warning",
                "problem",
                "issue",
                "violation",
                "finding",
            ]
            .iter()
            .any(|n| w.starts_with(n))
        })
    };
    let first = words.next();
    digits > 0
        && (noun(first)
            || first.is_some_and(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
                && noun(words.next()))
}

/// Whether the block's anchor is a location alone on its line (`./app/page.tsx:4:30`), as
/// tools print it over their message rather than before it; one under its message (cfn-lint's,
/// taken as the block's lead) heads nothing.
pub(crate) fn heads_a_message(block: &Block) -> bool {
    block.lead == 0
        && block
            .anchored_lines()
            .first()
            .is_some_and(|(_, l)| location_only(l.trim_start_matches("./")))
}

/// A line that is only a place in a file (`/src/Tests/ValidationTests.swift:55`), as tools print
/// under a failure's message: it belongs to the failure above.
pub(super) fn location_only(text: &str) -> bool {
    let t = text.trim();
    let Some((path, line)) = t.rsplit_once(':') else {
        return false;
    };
    let path = path.rsplit_once(':').map_or(path, |(p, col)| {
        if col.bytes().all(|b| b.is_ascii_digit()) {
            p
        } else {
            path
        }
    });
    !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && !path.contains(char::is_whitespace)
        && path
            .rsplit(['/', '\\'])
            .next()
            .is_some_and(|name| name.contains('.'))
}

/// The program name a line starts with (`tar: `, `cp: `), as tools prefix their messages; a
/// qualifier in parentheses after the name is the same program's (tar's `tar (child): `).
pub(super) fn program_prefix(text: &str) -> Option<&str> {
    let (name, rest) = text.split_once(": ")?;
    let program = name
        .strip_suffix(')')
        .and_then(|n| n.split_once(" ("))
        .map_or(name, |(program, _)| program);
    // A script run by its path (`./configure: line 4113: …`) names itself so too.
    let bare = program.strip_prefix("./").unwrap_or(program);
    (!bare.is_empty()
        && name.len() <= 30
        && !rest.is_empty()
        && bare
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)))
    .then_some(program)
}

/// The error tag a build tool puts on each line of its report (sbt's `[error]`, Maven's
/// `[ERROR]`, npm's `npm ERR!` and `npm error`): the run of lines carrying the anchor's tag is
/// one report.
pub(super) fn error_tag(text: &str) -> Option<&'static str> {
    ["[error]", "[ERROR]", "npm ERR!", "npm error"]
        .into_iter()
        .find(|tag| text.starts_with(tag))
}

/// `line` without the tag `tag_of` finds at its start and the white space around it.
fn without_tag(line: &str, tag_of: fn(&str) -> Option<&'static str>) -> &str {
    let l = line.trim();
    tag_of(l).map_or(l, |tag| l[tag.len()..].trim())
}

/// A line without its error tag: what it says.
pub(super) fn untagged(line: &str) -> &str {
    without_tag(line, error_tag)
}

/// The level tag a build tool puts on every line it logs (sbt's `[info]` over ScalaTest's report,
/// Maven's `[INFO]`), error tags included: a report's shape is read inside it.
fn level_tag(text: &str) -> Option<&'static str> {
    error_tag(text).or_else(|| {
        ["[info]", "[warn]", "[INFO]", "[WARNING]"]
            .into_iter()
            .find(|tag| text.starts_with(tag))
    })
}

/// A line without the level tag a build tool puts on it.
pub(crate) fn without_level_tag(line: &str) -> &str {
    without_tag(line, level_tag)
}

/// The level tag of the block's anchor.
fn block_tag(block: &Block) -> Option<&'static str> {
    level_tag(block.lines.get(block.lead)?.1.trim_start())
}

/// A line carrying the block anchor's level tag, and the anchor, each without the tag.
fn inside_same_tag<'a>(block: &'a Block, line: &'a str) -> Option<(&'a str, &'a str)> {
    let anchor = block.lines.get(block.lead)?.1.trim_start();
    let tag = block_tag(block)?;
    Some((line.trim_start().strip_prefix(tag)?, &anchor[tag.len()..]))
}

/// The punctuation a line starts with before its words (TAP's `#`, a quote's `>`, a frame's `|`).
pub(super) fn marker(text: &str) -> Option<&str> {
    let t = text.trim_start();
    let end = t.find(|c: char| c.is_alphanumeric() || c.is_whitespace())?;
    (1..=3).contains(&end).then_some(&t[..end]).filter(|m| {
        t[m.len()..].starts_with(char::is_whitespace) && m.chars().all(|c| c.is_ascii_punctuation())
    })
}

/// A line that carries the anchor's marker: the run of `#` lines under TAP's `# Failed test` is
/// one diagnostic.
pub(super) fn same_marker(block: &Block, text: &str) -> bool {
    let anchor = block.lines.get(block.lead).map(|(_, l)| l.as_str());
    anchor
        .and_then(marker)
        .is_some_and(|m| marker(text) == Some(m))
}

pub(super) fn block_prefix(block: &Block) -> Option<&str> {
    block.lines.last().and_then(|(_, l)| program_prefix(l))
}

/// Whether `text` ends the open section or report `block`: the block has shown its closing line
/// and the line under it, a line that ends any (see [`ends_section`]), or a rule of dashes alone
/// between reports (Ginkgo's) — not one that
/// underlines the block's title (FiveAM's under `Failure Details:`).
pub(super) fn ends_report(block: &Block, text: &str) -> bool {
    // A line of a unified diff the report quotes (a golden file's ` ------` context line, a
    // `+=====` added one) is the diff's, whatever it looks like, until its hunk is complete.
    ends_report_here(block, text) && !(diff_line(text) && in_open_hunk(block))
}

/// Whether the block's last lines are a hunk of a unified diff (`@@ -1,6 +1,6 @@`) with fewer
/// lines under its header than the header counts.
fn in_open_hunk(block: &Block) -> bool {
    // A hunk longer than this is not read line by line here; the report rolls past it anyway.
    const LONGEST: usize = 64;
    let (mut old, mut new) = (0, 0);
    for (_, line) in block.lines.iter().rev().take(LONGEST) {
        if let Some((old_count, new_count)) = hunk_counts(line) {
            return old < old_count || new < new_count;
        }
        match line.as_bytes().first() {
            // A context line that is a lone space was trimmed to nothing.
            Some(b' ') | None => (old, new) = (old + 1, new + 1),
            Some(b'-') => old += 1,
            Some(b'+') => new += 1,
            Some(b'\\') => {}
            Some(_) => return false,
        }
    }
    false
}

/// The old and new line counts of a unified diff's hunk header, `@@ -1,6 +1,7 @@` (a count left
/// out is 1).
fn hunk_counts(line: &str) -> Option<(usize, usize)> {
    let (ranges, _) = line.strip_prefix("@@ -")?.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let count = |range: &str| {
        range
            .split_once(',')
            .map_or(Some(1), |(_, n)| n.parse().ok())
    };
    Some((count(old)?, count(new)?))
}

fn ends_report_here(block: &Block, text: &str) -> bool {
    let t = trim_fast(text);
    // A rule as long as the title right above it underlines it (Spring Boot's stars under
    // `APPLICATION FAILED TO START`).
    let underlines_title = block.lines.len() == block.lead + 1
        && block.pending_blank.is_none()
        && block
            .lines
            .last()
            .is_some_and(|(_, l)| l.trim().chars().count() == t.chars().count());
    closed(block)
        // A report framed in stars (the runner's `*** WARNING: Service … probably didn't
        // start properly.` over the service's logs) ends at its closing row of them.
        || block.lines.len() > block.lead + 1
            && block.lines.get(block.lead).is_some_and(|(_, l)| l.starts_with("*** "))
            && block.lines.last().is_some_and(|(_, l)| {
                let l = trim_fast(l);
                l.len() >= 3 && l.bytes().all(|b| b == b'*')
            })
        || ends_section(text) && !(box_rule(t) && titled_box(block)) && !underlines_title
        || t.len() >= 6 && t.bytes().all(|b| b == b'-') && block.lines.len() > block.lead + 1
        // The heading of the runner's next section, after a blank line (RSpec's `Deprecation
        // Warnings:` under its failures); one indented under the report's title is the
        // report's own (Playwright's `Call log:`), and so are those under a shouted banner
        // (Spring Boot's `Description:` and `Action:` under `APPLICATION FAILED TO START`).
        || block.pending_blank.is_some()
            && block.lines.len() > block.lead + 1
            && !block.lines.get(block.lead).is_some_and(|(_, l)| shouted(l))
            && indent_of(text) <= block.indent
            && text.starts_with(|c: char| c.is_ascii_uppercase())
            && text.ends_with(':')
            && text.split(' ').count() <= 3
            && !text.contains(|c: char| c.is_ascii_digit())
            // The actual output under the expected is the report's second half (trybuild's
            // `ACTUAL OUTPUT:` under its `EXPECTED:`), and a one-word heading in a test's report
            // heads one of its parts (nbval's `Input:`, `Traceback:`).
            && !starts_with_ignoring_case(t, "actual")
            && !(block.rule.category == Category::TestFailure && part_heading(t))
        // The next case's verdict in libtest's shape ends the report of one (trybuild's `test
        // tests/ui/b.rs ... ok` under the report of `test tests/ui/a.rs ... error`).
        || test_verdict(t) && block.lines.get(block.lead).is_some_and(|(_, l)| test_verdict(l))
        // A report read under a failed test's title (see `Block::shape`) ends at the next
        // test's title, at the run's verdict, or, when it is indented under its title, at the
        // next line that is not (Pester's `[+] next test` under `[-] failed test`).
        || block.shape != block.rule.shape
            && (titles_failed_test(text)
                || test_run_verdict(text).is_some()
                || block.lines.first().is_some_and(|(_, title)| {
                    block.indent > indent_of(title) && indent_of(text) <= indent_of(title)
                }))
        // TAP's YAML diagnostics end at `...`, under the `---` that opened them.
        || block.lines.last().is_some_and(|(_, l)| trim_fast(l) == "...")
            && block.lines.iter().any(|(_, l)| trim_fast(l) == "---")
        // A heading of one word in capitals, alone after a blank line (Deno's ` FAILURES `
        // over its list of failed tests, under the ERRORS it reported).
        || block.pending_blank.is_some()
            && block.lines.len() > block.lead + 1
            && indent_of(text) <= block.indent + 1
            && t.len() >= 4
            && t.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether the block is a test's report that has begun quoting what was expected or what was
/// produced, under a heading of its own (`EXPECTED:`, `ACTUAL OUTPUT:`, `Expected:`).
fn quotes_compared_output(block: &Block) -> bool {
    block.shape == Shape::Report
        && block.rule.category == Category::TestFailure
        && block.anchored_lines().iter().any(|(_, l)| {
            let t = l.trim();
            t.ends_with(':')
                && t.split(' ').count() <= 2
                && (starts_with_ignoring_case(t, "expected")
                    || starts_with_ignoring_case(t, "actual"))
        })
}

/// A heading of one word over a part of a report: `Input:`, `Traceback:`, `diff:`.
fn part_heading(text: &str) -> bool {
    text.strip_suffix(':')
        .is_some_and(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// A test's verdict in libtest's shape: `test name ... ok`, `test tests/ui/a.rs ... mismatch`.
fn test_verdict(line: &str) -> bool {
    trim_fast(line)
        .strip_prefix("test ")
        .and_then(|rest| rest.rsplit_once(" ... "))
        .is_some_and(|(name, verdict)| {
            !name.is_empty()
                && !name.contains(' ')
                && verdict.bytes().all(|b| b.is_ascii_alphabetic())
        })
}

/// Whether a line reports a failed assertion, in the words every language's assertions use
/// (`AssertionError`, `assertion failed`, `Assertion `x' failed`, `AssertionFailedError`).
pub(crate) fn asserts_failed(line: &str) -> bool {
    let line = line.to_ascii_lowercase();
    line.match_indices("assertion").any(|(at, word)| {
        let rest = &line[at + word.len()..];
        ["error", "fail", " failed"].iter().any(|w| rest.starts_with(w))
            // C's and Rust's quote the failed expression first: `Assertion `x' failed`.
            || rest.starts_with(" `") && rest.contains("failed")
    })
}

/// A line that says only that a stage of the job failed, naming nothing that did (cargo's `error:
/// build failed`, `Error: Tests failed.`, `Compilation failed`): a verdict over the errors above
/// it, never their cause.
pub(crate) fn says_only_that_it_failed(line: &str) -> bool {
    const STAGES: [&str; 12] = [
        "build",
        "compilation",
        "compile",
        "test",
        "tests",
        "task",
        "job",
        "step",
        "command",
        "script",
        "check",
        "checks",
    ];
    let said = untagged(line);
    // A level word (`error:`, `ERROR:`, `fatal:`) tags the line as a tag in brackets does.
    let said = said
        .split_once(':')
        .filter(|(level, _)| ["error", "fatal"].contains(&level.to_ascii_lowercase().as_str()))
        .map_or(said, |(_, rest)| rest);
    let words: Vec<String> = said
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_ascii_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let failed = |w: &str| matches!(w, "failed" | "failure");
    (2..=4).contains(&words.len())
        && words.iter().any(|w| failed(w))
        && words.iter().any(|w| STAGES.contains(&w.as_str()))
        && words.iter().all(|w| {
            failed(w)
                || STAGES.contains(&w.as_str())
                || matches!(w.as_str(), "the" | "has" | "have")
        })
}

/// A banner in capitals (`APPLICATION FAILED TO START`, `BUILD FAILED`): it says only that
/// something failed.
pub(crate) fn shouted(line: &str) -> bool {
    let t = line.trim();
    t.split_whitespace().count() >= 2 && t.chars().all(|c| c.is_ascii_uppercase() || c == ' ')
}

/// Whether `text` gives the value an expectation on the block's last line was compared with:
/// `Received:`, `Actual:`, `But was:`, `but got:` under `Expected:`.
fn compared_value(block: &Block, text: &str) -> bool {
    let expected = block.lines.last().is_some_and(|(_, l)| {
        let l = l.trim_start();
        l.starts_with("Expected:") || l.starts_with("expected:")
    });
    expected
        && [
            "Received:",
            "Actual:",
            "actual:",
            "But was:",
            "but was:",
            "but got:",
            "Got:",
            "got:",
        ]
        .iter()
        .any(|w| text.starts_with(w))
}

/// A bare label of a compared value alone on its line (Go's Example `got:` and `want:`), or
/// one of the few lines of the value under it, up to a shouted verdict (`FAIL`).
fn under_value_label(block: &Block, text: &str) -> bool {
    const VALUE_LINES: usize = 8;
    let label = |l: &str| {
        matches!(
            l.trim().to_ascii_lowercase().as_str(),
            "got:" | "want:" | "expected:" | "actual:" | "received:"
        )
    };
    let verdict = |l: &str| l.trim().chars().all(|c| c.is_ascii_uppercase() || c == ' ');
    label(text)
        || !verdict(text)
            && block
                .lines
                .iter()
                .rev()
                .take(VALUE_LINES)
                .any(|(_, l)| label(l))
}

/// A rule drawn with box-drawing lines (`────`, `━━━━`), as runners draw one between reports.
fn box_rule(t: &str) -> bool {
    !t.is_empty() && t.chars().all(|c| matches!(c, '─' | '━'))
}

/// Whether the block opened a box under a titled rule (insta's `━━━ Snapshot Summary ━━━`): its
/// plain rules part the box's fields, they do not end the report.
fn titled_box(block: &Block) -> bool {
    block.lines.iter().any(|(_, l)| {
        let t = l.trim();
        t.starts_with('━') && !t.trim_matches('━').trim().is_empty()
    })
}

/// Where a section or report ends regardless of its content: test runners' summary banners, the
/// frame around BuildKit's digest of a failed step, the next item's verdict.
fn ends_section(text: &str) -> bool {
    let t = trim_fast(text);
    (t.starts_with("===") && t.ends_with("===") && t.len() > 6)
        || t == "------"
        // A full-width rule of stars between reports (doctest's).
        || t.len() >= 20 && t.bytes().all(|b| b == b'*')
        || t == "failures:"
        || t.starts_with("stack backtrace:")
        || t.starts_with("test result:")
        || t.starts_with("Test Suites:")
        || t.starts_with("Tests run:")
        // Test runners' closing lines under their failure reports (RSpec, JUnit's console).
        || t.starts_with("Finished in ")
        || t.starts_with("Failed examples:")
        || t.starts_with("Test run finished")
        // The .NET test platform's verdict on a run (`Failed!  - Failed: 1, …`, `Total tests: 3`).
        || t.starts_with("Failed!  - ")
        || t.starts_with("Total tests: ")
        // The next item's verdict, padded with dots (pre-commit's `name......Passed`).
        || t.ends_with(['d', 'k', 'K']) && t.contains("....")
            && ["Passed", "Failed", "Skipped", "ok", "OK"].iter().any(|v| {
                t.strip_suffix(v).is_some_and(|rest| rest.ends_with("...."))
            })
        // Vitest's rule under each failure's report, AVA's short one between reports.
        || t.starts_with("⎯⎯⎯")
        || box_rule(t)
}

/// The title inside a line framed by rules of one character, three or more on each side
/// (`---- tests::two stdout ----`, `____ test_total ____`, `==== Cart ====`).
pub(super) fn framed_title(line: &str) -> Option<&str> {
    let rule = line
        .chars()
        .next()
        .filter(|c| matches!(c, '-' | '=' | '_' | '*' | '#' | '~'))?;
    let ruled = |rest: &str| line.len() - rest.len() >= 3;
    if !(ruled(line.trim_start_matches(rule)) && ruled(line.trim_end_matches(rule))) {
        return None;
    }
    let title = line
        .trim_matches(rule)
        .strip_prefix(' ')?
        .strip_suffix(' ')?;
    (!title.is_empty()).then_some(title)
}

/// Whether a line titles what follows as a failed test's report: a line the runners' verdict
/// table reads (see [`crate::extract::failing_test`]), a verdict word first, then what failed
/// (` FAIL  cart.test.js > sums`, `Failure -> spec/cart_spec.lua @ 4`, `FAIL in (two-prices)`),
/// not a sentence (Gradle's `FAILURE: Build failed with an exception.`); or a name framed by
/// rules (`==== sums_two_prices ====`) or a verdict framed so (`____ ERROR at setup of
/// test_orders ____`), not a banner's words (`==== Running tests ====`).
pub(super) fn titles_failed_test(line: &str) -> bool {
    if crate::extract::failing_test(line).is_some() {
        return true;
    }
    // Framed, a verdict word may title it too (pytest's `____ ERROR at setup of test_orders
    // ____`, `____ ERROR collecting tests/test_db.py ____`).
    if let Some(title) = framed_title(line) {
        let verdict = title.split_whitespace().next();
        return !title.contains(char::is_whitespace)
            || matches!(verdict, Some("ERROR" | "FAIL" | "FAILED" | "FAILURE"));
    }
    let mut words = line.split_whitespace();
    let verdict = words.next().map(|w| w.trim_end_matches(':'));
    matches!(verdict, Some("FAIL" | "FAILED" | "FAILURE" | "Failure"))
        && words.next().is_some()
        && !line.trim_end().ends_with('.')
}

/// Whether a line is a test run's closing summary of its failures: a count of them (`Failed:
/// 1.`, `2 tests, 1 failure`, `[ FAIL 1 | WARN 0 ]`), or a heading over the list of the tests
/// that failed (`failures:`, `The following tests FAILED:`, `Test Summary Report`).
pub(super) fn summarises_failures(line: &str) -> bool {
    let t = line.trim();
    let failure_word = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        ["fail", "failed", "failure", "failures"]
            .iter()
            .any(|f| w.eq_ignore_ascii_case(f))
    };
    let number = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        !w.is_empty() && w != "0" && w.bytes().all(|b| b.is_ascii_digit())
    };
    // A tag's brackets are not words: GoogleTest's `[  FAILED  ] 1 test, listed below:`.
    let words: Vec<&str> = t
        .split_whitespace()
        .filter(|w| w.contains(|c: char| c.is_ascii_alphanumeric()))
        .collect();
    let counted = words
        .windows(2)
        .any(|p| number(p[0]) && failure_word(p[1]) || failure_word(p[0]) && number(p[1]));
    counted
        || t.ends_with(':') && words.len() <= 4 && words.iter().any(|w| failure_word(w))
        || t == "Test Summary Report"
}

/// A test run's verdict line, and whether it reports no failure: JUnit's console and sbt
/// (`Test run finished: 0 failed, …`), Surefire and Ant (`Tests run: 3, Failures: 0, Errors: 0`),
/// and the counts most runners close with (see [`counted_verdict`]).
pub(super) fn test_run_verdict(text: &str) -> Option<bool> {
    // The number right after `label`, when `unit` follows it.
    let count = |label: &str, unit: &str| -> Option<u64> {
        let rest = text[text.find(label)? + label.len()..].trim_start();
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        rest[digits..]
            .starts_with(unit)
            .then(|| rest[..digits].parse().ok())
            .flatten()
    };
    if text.contains("Test run finished: ") {
        return Some(count("Test run finished: ", " failed")? == 0);
    }
    if text.contains("Tests run:") {
        let failures = count("Failures:", "")?;
        let errors = count("Errors:", "").unwrap_or(0);
        return Some(failures == 0 && errors == 0);
    }
    counted_verdict(text)
}

/// A verdict that counts tests and failures by word: Minitest's `98 runs, 620 assertions, 0
/// failures, 0 errors, 0 skips`, RSpec's and Hspec's `5 examples, 0 failures`, ExUnit's `3
/// tests, 0 failures`, Cargo's `test result: ok. 3 passed; 0 failed`, Jest's `Tests: 1 failed,
/// 2 total`, pytest's `1 failed, 2 passed in 0.31s` (and `3 passed in 0.12s`, which names no
/// failure). The line starts with its counts or a runner's label; prose that counts is no verdict.
fn counted_verdict(text: &str) -> Option<bool> {
    let t = text.trim_matches(|c: char| c == '=' || c.is_whitespace());
    let labelled = ["test result:", "Tests:"]
        .iter()
        .find_map(|label| t.strip_prefix(label));
    let counts = labelled.unwrap_or(t).trim_start();
    if t.len() > 160 || !(labelled.is_some() || counts.starts_with(|c: char| c.is_ascii_digit())) {
        return None;
    }
    let (mut tests, mut failures) = (None::<u64>, None::<u64>);
    let mut words = counts
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '.' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .peekable();
    while let Some(word) = words.next() {
        let (Ok(n), Some(unit)) = (word.parse::<u64>(), words.peek()) else {
            continue;
        };
        let total = match *unit {
            "runs" | "run" | "examples" | "example" | "tests" | "test" | "passed" | "total" => {
                &mut tests
            }
            "failures" | "failure" | "failed" | "errors" | "error" => &mut failures,
            _ => continue,
        };
        *total = Some(total.unwrap_or(0) + n);
    }
    match (tests, failures) {
        (Some(_), Some(failed)) => Some(failed == 0),
        // pytest's passing line names no failure: `3 passed in 0.12s`.
        (Some(_), None) if t.contains(" passed") && t.contains(" in ") && t.ends_with('s') => {
            Some(true)
        }
        _ => None,
    }
}

/// Whether a line announces the test class a runner starts (Surefire's `[INFO] Running
/// shop.CartTest`): its verdict comes at its end and covers only what it printed, not the reports
/// of the class before it, which Surefire prints under that class's verdict.
pub(super) fn starts_test_class(text: &str) -> bool {
    let t = text.strip_prefix("[INFO] ").unwrap_or(text);
    t.strip_prefix("Running ").is_some_and(|name| {
        name.contains('.') && !name.contains(char::is_whitespace) && !name.ends_with('.')
    })
}

/// Whether a line titles a unit of work that passed, the unit's output indented under it:
/// Ansible's task results (`ok: [web1] => {`, `changed: [web1]`), Jest's and Vitest's file
/// verdicts (`PASS src/a.test.js`, its console output under it). What a passed unit printed (a
/// debug message, a passing suite's console) is its noise.
pub(super) fn passed_unit_title(text: &str) -> bool {
    let t = text.trim_start();
    if !matches!(t.as_bytes().first(), Some(b'o' | b'c' | b's' | b'P')) {
        return false;
    }
    let host_result = |status: &str| {
        t.strip_prefix(status)
            .is_some_and(|rest| rest.starts_with(": [") && rest.contains(']'))
    };
    ["ok", "changed", "skipping"].iter().any(|s| host_result(s))
        || t.strip_prefix("PASS ")
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|file| file.contains('.') && !file.ends_with(['.', ':']))
}

/// How far a line is indented: the bytes of white space it starts with.
pub(crate) fn indent_of(line: &str) -> usize {
    line.len() - trim_start_fast(line).len()
}

/// `str::trim_start`, the ASCII white space of a line's indent stripped cheaply first (the
/// engine asks for it on every line of an open report).
pub(crate) fn trim_start_fast(text: &str) -> &str {
    let t = text.trim_ascii_start();
    match t.as_bytes().first() {
        // Vertical tab is white space to `char::is_whitespace`, not to `trim_ascii_start`.
        Some(&b) if !b.is_ascii() || b == 0x0b => t.trim_start(),
        _ => t,
    }
}

/// `str::trim`, as cheaply as [`trim_start_fast`].
fn trim_fast(text: &str) -> &str {
    let t = trim_start_fast(text).trim_ascii_end();
    match t.as_bytes().last() {
        Some(&b) if !b.is_ascii() || b == 0x0b => t.trim_end(),
        _ => t,
    }
}

/// Whether a report whose rule knows its closing line (TeX's `l.N`) has shown it and the line
/// under it, its last.
fn closed(block: &Block) -> bool {
    let Some(prefix) = block.rule.closing_prefix else {
        return false;
    };
    let mut said = block
        .lines
        .iter()
        .rev()
        .map(|(_, l)| l)
        .filter(|l| !l.is_empty());
    matches!((said.next(), said.next()),
        (Some(last), Some(closing)) if closing.starts_with(prefix) && !last.starts_with(prefix))
}

/// The line that opens or closes a fenced code block.
pub(super) fn code_fence(text: &str) -> bool {
    text.trim_start().starts_with("```")
}

/// A line that is only a file path or a qualified name (`src/app.js`, `App_Tests.SessionTestCase`).
pub(super) fn looks_like_path(line: &str) -> bool {
    // A level tag may come first (Prettier's `[warn] src/app.js`).
    let t = line.trim();
    let t = t
        .strip_prefix('[')
        .and_then(|rest| rest.split_once("] "))
        .map_or(t, |(_, path)| path.trim());
    !t.is_empty()
        && !t.contains(char::is_whitespace)
        && t.rsplit(['/', '\\']).next().is_some_and(|name| {
            // A dotfile counts (`.gitlab-ci.yml`, `.eslintrc.js`).
            let name = name.strip_prefix('.').unwrap_or(name);
            // A run of dots is a leader to a verdict (pre-commit's `ruff.....Passed`) or an
            // ellipsis, not a name's.
            name.contains('.')
                && !name.contains("...")
                && name.chars().next().is_some_and(char::is_alphanumeric)
        })
}

/// The program a driver reports the exit of (collect2's `error: ld returned 1 exit status`):
/// `ld`, whose own lines above say what went wrong.
pub(crate) fn reported_program(line: &str) -> Option<&str> {
    line.trim_end()
        .ends_with("exit status")
        .then(|| line.split_once(" returned "))
        .flatten()
        .and_then(|(said, _)| said.split_whitespace().last())
}

/// A caret line under a line of source: `^`, `^~~~`, `~~~`, Crystal's `^---`.
pub(super) fn caret_line(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && t.bytes().all(|b| b == b'^' || b == b'~')
        || t.starts_with('^') && t.bytes().all(|b| matches!(b, b'^' | b'~' | b'-'))
}

/// The command a shell traced before it ran it (`set -x`): `+ grep -q x Cargo.toml`, a `+` more
/// for each level of nesting (`++ jq -er .port config.json`, in a command substitution).
pub(crate) fn traced_command(line: &str) -> Option<&str> {
    let command = line.trim_start_matches('+');
    (command.len() < line.len())
        .then(|| command.strip_prefix(' '))
        .flatten()
        .filter(|c| c.starts_with(|c: char| !c.is_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::{
        asserts_failed, closing_count, ends_with_hook_title, framed_title, gradle_reports_failure,
        gradle_task, grunt_task, hook_passed, looks_like_path, make_ignored_error, reports_exit,
        says_only_that_it_failed, summarises_failures, task_runner_heading, test_run_verdict,
        titles_failed_test,
    };

    #[test]
    fn make_s_report_of_an_error_it_ignored() {
        for ignored in [
            "make: [Makefile:4: clean] Error 1 (ignored)",
            "make[1]: [clean] Error 2 (ignored)",
            "gmake: [Makefile:9: lint] Error 127 (ignored)",
        ] {
            assert!(make_ignored_error(ignored), "{ignored}");
        }
        for other in [
            "make: *** [Makefile:7: shop] Error 1",
            "make: [Makefile:4: clean] Error 1",
            "cmake: [x] Error 1 (ignored)",
            "warning: [deprecation] Error 1 (ignored)",
        ] {
            assert!(!make_ignored_error(other), "{other}");
        }
    }

    #[test]
    fn a_failed_assertion_in_any_language_s_words() {
        for failed in [
            "tests/test_tls.py:93: AssertionError",
            "thread 'main' panicked at 'assertion failed: total == 5', src/cart.rs:9:5",
            "cart: cart.c:12: main: Assertion `total == 5' failed.",
            "org.opentest4j.AssertionFailedError: expected: <5> but was: <3>",
        ] {
            assert!(asserts_failed(failed), "{failed}");
        }
        for other in [
            "ok 3 - assertions hold",
            "error: failed to fetch https://registry.example/cart",
            "98 runs, 620 assertions, 0 failures, 0 errors, 0 skips",
        ] {
            assert!(!asserts_failed(other), "{other}");
        }
    }

    #[test]
    fn a_verdict_that_names_nothing_that_failed() {
        for verdict in [
            "error: build failed",
            "ERROR: Build failed",
            "Build failed.",
            "[error] Compilation failed",
            "Error: Tests failed!",
            "The build has failed",
        ] {
            assert!(says_only_that_it_failed(verdict), "{verdict}");
        }
        for other in [
            "error: could not compile `shop`",
            "Build failed with 3 errors",
            "tests failed: test_total",
            "failed",
            "error: failed to fetch https://registry.example/cart",
            "ERROR: test_total failed",
        ] {
            assert!(!says_only_that_it_failed(other), "{other}");
        }
    }

    #[test]
    fn a_failed_test_s_title_names_what_failed() {
        for title in [
            " FAIL  cart.test.js > sums",
            "Failure -> spec/cart_spec.lua @ 4",
            "FAIL in (two-prices) (cart_test.clj:7)",
            "FAILED: cart/two_prices",
            "==================== sums_two_prices ====================",
            "____________________ test_total ____________________",
            "--- FAIL: TestTotal (0.00s)",
            "________________ ERROR at setup of test_orders ________________",
            "------------ FAILED check handshake ------------",
        ] {
            assert!(titles_failed_test(title), "{title}");
        }
        for other in [
            "FAILURE: Build failed with an exception.",
            "FAIL",
            "==================== Running tests ====================",
            "==================== Errors in the setup ====================",
            "Failed to fetch https://registry.example/cart: timed out",
            "the test FAIL cart > sums",
        ] {
            assert!(!titles_failed_test(other), "{other}");
        }
    }

    #[test]
    fn a_run_s_summary_counts_or_lists_its_failures() {
        for line in [
            "  Failed: 1.  Skipped: 0.  Passed: 1.",
            "2 tests, 1 failure",
            "  [ FAIL 1 | WARN 0 | SKIP 0 | PASS 1 ]",
            "Summarizing 1 Failure:",
            "failures:",
            "The following tests FAILED:",
            "Test Summary Report",
            "[  FAILED  ] 1 test, listed below:",
        ] {
            assert!(summarises_failures(line), "{line}");
        }
        for line in [
            "  Failed: 0.  Skipped: 0.  Passed: 2.",
            "Assertion with == failed",
            "[cart_discount] failed",
            "Rule 0: org.apache.maven.plugins.enforcer.DependencyConvergence failed with message:",
            "make: *** [Makefile:4: test] Error 1",
            "[  PASSED  ] 2 tests.",
            "[  FAILED  ] Cart.ParsesQuantity (0 ms)",
        ] {
            assert!(!summarises_failures(line), "{line}");
        }
    }

    #[test]
    fn a_title_framed_by_rules_is_read_inside_them() {
        assert_eq!(
            framed_title("---- tests::two stdout ----"),
            Some("tests::two stdout")
        );
        assert_eq!(framed_title("____ test_total ____"), Some("test_total"));
        assert_eq!(framed_title("==== Cart ===="), Some("Cart"));
        assert_eq!(framed_title("------"), None);
        assert_eq!(framed_title("-- short --"), None);
        assert_eq!(framed_title("---- left only"), None);
        assert_eq!(framed_title("--- a/src/cart.rs"), None);
    }

    #[test]
    fn reads_a_hook_runner_s_verdicts_and_the_title_over_a_failed_hook_s_output() {
        let pad = |name: &str, verdict: &str| format!("{name:.<73}{verdict}");
        for (line, passed) in [
            (pad("ruff", "Passed"), true),
            (pad("mypy", "(no files to check)Skipped"), true),
            (pad("ci", "Failed"), false),
            // A sentence that ends with the word, and a name that is not padded to it.
            ("All checks Passed".to_owned(), false),
            ("  step.....Passed".to_owned(), false),
            ("Test Passed".to_owned(), false),
        ] {
            assert_eq!(hook_passed(&line), passed, "{line}");
        }
        assert_eq!(
            super::hook_name(&pad("no print statements", "Failed")),
            "no print statements"
        );
        let title = pad("ci", "Failed");
        let header = [title.as_str(), "- hook id: ci", "- exit code: 1"];
        assert!(ends_with_hook_title(header.into_iter()));
        assert!(ends_with_hook_title(header[..1].iter().copied()));
        let output = [
            title.as_str(),
            "- hook id: ci",
            "- exit code: 1",
            "E   assert 3 == 5",
        ];
        assert!(!ends_with_hook_title(output.into_iter()));
        let passed = pad("ruff", "Passed");
        assert!(!ends_with_hook_title([passed.as_str()].into_iter()));
        // A leader of dots, or an ellipsis, is not in a file's name.
        assert!(looks_like_path("src/cart.py"));
        assert!(!looks_like_path(&passed));
        assert!(!looks_like_path("Generating..."));
    }

    #[test]
    fn reads_gradle_s_report_on_a_failed_build_and_gradle_s_and_grunt_s_task_headers() {
        for line in [
            "> Task :ci FAILED",
            "> Task :app:compileJava FAILED",
            ":ci FAILED",
            " FAILED",
            "FAILURE: Build failed with an exception.",
            "FAILURE: Build completed with 2 failures.",
            "* What went wrong:",
            "Execution failed for task ':ci'.",
            "* Try:",
            "> Run with --stacktrace option to get the stack trace.",
            "> Get more help at https://help.gradle.org.",
            "Run with --stacktrace option to get the stack trace. Run with --info or --debug option to get more log output.",
            "* Get more help at https://help.gradle.org",
            "BUILD FAILED in 3s",
            "1 actionable task: 1 executed",
            "4 actionable tasks: 2 executed, 2 up-to-date",
            "1 actionable task: 1 up-to-date",
        ] {
            assert!(gradle_reports_failure(line), "{line}");
        }
        // The cause under `What went wrong`, a task's header, a test's verdict, a sentence.
        for line in [
            "> Compilation failed; see the compiler error output for details.",
            "> Task :ci",
            "CartTest > total() FAILED",
            "FAILURE: 1 test failed",
            "BUILD FAILED",
            "FAILED",
            "no actionable tasks were found",
            "some actionable tasks were up-to-date",
        ] {
            assert!(!gradle_reports_failure(line), "{line}");
        }
        for (line, header) in [
            ("Running \"exec:test\" (exec) task", true),
            ("Running \"jshint\" (jshint) task", true),
            ("Running \"exec:test\" (shell) task", false),
            ("Running \"a test\" task", false),
        ] {
            assert_eq!(grunt_task(line), header, "{line}");
        }
        for (line, header) in [
            ("Starting 'ci'...", true),
            ("Starting 'build:css'...", true),
            ("Starting 'a task'...", false),
            ("Starting 'ci'", false),
            ("Starting server...", false),
        ] {
            assert_eq!(task_runner_heading(line), header, "{line}");
        }
        for (line, header) in [
            ("> Task :ci", true),
            ("> Task :app:lint", true),
            (":ci", true),
            (":app:compileJava", true),
            (":80", false),
            (":smile:", false),
            ("> Task :ci FAILED", false),
            ("> Task :", false),
        ] {
            assert_eq!(gradle_task(line), header, "{line}");
        }
    }

    #[test]
    fn a_wrappers_report_of_the_exit_is_told_from_what_the_command_said() {
        for report in [
            "make: *** [Makefile:12: ci] Error 2",
            "gmake[2]: *** [CMakeFiles/check.dir/build.make:70: CMakeFiles/check] Error 1",
            "make: *** [ci] Error 2",
            "Makefile:12: recipe for target 'ci' failed",
            "CMakeFiles/shop.dir/build.make:76: recipe for target 'CMakeFiles/shop.dir/main.cpp.o' failed",
            "npm error Lifecycle script `ci` failed with error:",
            "npm error workspace @acme/web@1.0.0",
            "npm ERR! Test failed.  See above for more details.",
            "@acme/web#test:  ERROR  command (/builds/acme/web) /usr/bin/npm run test exited (1)",
            " Tasks:    1 successful, 2 total",
            "  Time:    2.31s",
            "Failed:    @acme/web#test, api#lint",
            " NX   Running target test for 2 projects failed",
            "- @acme/web:test",
            "/builds/acme/shop/packages/web:",
            "\u{2009}ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL\u{2009} @acme/web@1.0.0 test: `jest`",
            "Command '['make']' returned non-zero exit status 2.",
            "py: exit 1 (0.52 seconds) /builds/acme/app> pytest pid=412",
            "Command failed with status (1): [pytest -q tests...]",
            "task: Failed to run task \"ci\": exit status 1",
            "exit status 2",
            "ninja: build stopped: subcommand failed.",
            "ninja: build stopped: cannot make progress due to previous errors.",
            "ERROR: InvocationError for command /builds/acme/app/.tox/py/bin/pytest (exited with code 1)",
            "ERROR: InvocationError: '/home/travis/build/acme/app/.tox/py27/bin/py.test tests'",
            "___________________________________ summary ____________________________________",
            "  py311: commands succeeded",
            "/builds/acme/app/build.xml:3: exec returned: 1",
            "scons: *** [check] Error 1",
            "scons: building terminated because of errors.",
            "ERROR:   py312: commands failed",
            "Aborted due to warnings.",
            "Warning: Task \"exec:test\" failed.\u{7} Use --force to continue.",
            "\u{7} Use --force to continue.",
            "Warning: Command failed: npm test",
            "Exited with code: 1.",
            "[ERROR] Command execution failed.",
            "org.apache.commons.exec.ExecuteException: Process exited with an error: 1 (Exit value: 1)",
        ] {
            assert!(reports_exit(report), "{report}");
        }
        for said in [
            "/root/.pyenv/versions/3.11.7/lib/python3.11/asyncio/tasks.py:500:",
            "testTotal() returned non-zero return code.",
            "    raise InvocationError(cmd)",
            "Time:        1.234 s",
            "- a list item",
            "Running target practice for 2 players",
            "the worker exited (unexpectedly)",
            "src/cart.ts:3:5: error TS2322: x",
            "the recipe for target 'ci' failed",
            "Makefile: recipe for target 'ci' failed",
            "Error running notify command: nginx -s reload, exit status 1",
            "the exit status 1 means a failure",
            // Grunt's warning that says what went wrong is the task's cause.
            "Warning: Unable to read \"a.json\" file (Error code: ENOENT). Use --force to continue.",
            "The tests were Aborted due to warnings.",
            "[ERROR] Command execution failed. Retrying with --offline",
        ] {
            assert!(!reports_exit(said), "{said}");
        }
    }

    #[test]
    fn reads_a_tool_s_count_of_what_it_found() {
        for (line, count) in [
            ("1 error", true),
            ("Found 2 errors in 1 file (checked 3 source files)", true),
            ("1 error generated.", true),
            ("TypeScript: 1 semantic error", true),
            (">> 1 error in 2 files", true),
            ("Found 2 dependency issues.", true),
            ("12 violations", true),
            ("3 problems (2 errors, 1 warning)", true),
            // Counts of something else, and words that only start like a count.
            ("2 tests failed", false),
            ("  3 passing (12ms)", false),
            ("TypeScript: emit succeeded (with errors)", false),
            ("1 Error Prone check failed", false),
        ] {
            assert_eq!(closing_count(line), count, "{line}");
        }
    }

    #[test]
    fn reads_the_counts_test_runners_close_with() {
        for (line, verdict) in [
            (
                "Tests run: 3, Failures: 0, Errors: 0, Skipped: 0",
                Some(true),
            ),
            (
                "98 runs, 620 assertions, 0 failures, 0 errors, 0 skips",
                Some(true),
            ),
            (
                "2 runs, 2 assertions, 1 failures, 0 errors, 0 skips",
                Some(false),
            ),
            ("5 examples, 0 failures, 1 pending", Some(true)),
            ("3 tests, 1 failure", Some(false)),
            ("test result: ok. 3 passed; 0 failed; 0 ignored", Some(true)),
            (
                "test result: FAILED. 2 passed; 1 failed; 0 ignored",
                Some(false),
            ),
            ("Tests:       1 failed, 2 passed, 3 total", Some(false)),
            ("======= 1 failed, 2 passed in 0.31s =======", Some(false)),
            ("3 passed in 0.12s", Some(true)),
            // Prose that counts, and a mocha line that comes before its failures, are no verdicts.
            ("Retrying: 2 tests failed on the first attempt", None),
            ("  3 passing (12ms)", None),
            ("5 errors", None),
        ] {
            assert_eq!(test_run_verdict(line), verdict, "{line}");
        }
    }
}
