//! Generic shapes and words, tried last: any error line, a failed word, a pointer.
//! Tried in the order listed, after the families before this one (see [`super::RULES`]).

use super::Category::{Compilation, Configuration, Lint, TestFailure, Unknown};
use super::Shape::{Diagnostic, Line, List, Report, Section, Stack};
use super::{Lead, Rule, rule, titling_output};

pub(super) static RULES: &[Rule] = &[
    rule(
        "maven-goal",
        r"^\[ERROR\] Failed to execute goal",
        Unknown,
        3,
        Line,
        "A Maven goal failed: the lines above it give the cause.",
    ),
    rule(
        "run-all-summary",
        r#"^ERROR: "[^"]+" exited with \d+\.$"#,
        Unknown,
        3,
        Line,
        "A script run by npm-run-all failed: its own output is above.",
    ),
    rule(
        "npm-summary",
        r"^npm (ERR!|error)( |$)",
        Unknown,
        3,
        List,
        "An npm script failed: its own error output is above npm's summary.",
    ),
    // testthat's failure report: `Failure ('test-cart.R:7'): name` (3rd edition) or
    // `── 1. Failure: name (@test-cart.R#7) ──` (2nd), over the message and the values. Only at
    // the line's start: R CMD check quotes the output indented under its own verdict.
    rule(
        "testthat",
        r"^(── )?(Failure|Error) \('[^']+:\d+(:\d+)?'\): \S|^── \d+\. (Failure|Error): .+ \(@[^)#]+#\d+\)",
        TestFailure,
        0,
        Section,
        "An R test failed: the lines under its title give the expectation and the values compared.",
    ),
    // Tcl's tcltest: `==== name description FAILED` opens a failed test's report, its contents,
    // the result and what it should have been, closed by `==== name FAILED`.
    rule(
        "tcltest",
        r"^==== \S+ .+ FAILED$",
        TestFailure,
        0,
        Section,
        "A tcltest test failed: its result and the result it should have been are shown.",
    ),
    // An assertion's message in JUnit's `expected:<5> but was:<3>` form, which other xUnit
    // frameworks print too (shUnit2's `ASSERT:expected:<5> but was:<3>`, Kotlin's, Hamcrest's),
    // wherever the framework's own header is one the engine does not know; Ruby's test-unit
    // prints it on two lines (`<450> expected but was`, then `<300>`).
    rule(
        "expected-but-was",
        r"expected:? ?<[^>]*> but was:? ?<[^>]*>|^<.*> expected but was$",
        TestFailure,
        1,
        Section,
        "A test's assertion failed: the value it expected and the value it got are shown.",
    ),
    // A diagnostic whose location stands on its own line under the message (`--> path:line:col`,
    // as rustc, ruff and other Rust-built tools print them; a bare `path:line:col`, as cfn-lint
    // and other linters print it under their message).
    Rule {
        lead: Lead::Line,
        ..rule(
            "arrow-diagnostic",
            r"^\s*((-->|╭▸|┌─) \S+:\d+(:\d+)?|(,-|╭─)\[\S+:\d+(:\d+)?\])\s*$|^(?:[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.[A-Za-z]\w{0,9}:\d+:\d+$",
            Unknown,
            1,
            Diagnostic,
            "A tool reported a problem at the file and line shown under its message.",
        )
    },
    // Any tool's diagnostic in the `path:line[:col]: message` or `path(line[,col]): message` shape
    // (erlc, GHC, MSBuild, Dart, Nim, linters…) — the shape, not the tool — also behind an error
    // glyph as formatters print it (xcpretty's `❌  path:line:col: message`). Warnings, notes and
    // hints in that shape are noise (see NOISE).
    // It is decisive (tier 1: the first one is taken, as a compiler's first error is the one
    // to fix) but yields to noise like the generic rules, since warnings take the same shape.
    // pyright's `path:2:12 - error: message`, indented under its file's name, counts too, and
    // markdownlint's `README.md:2 error MD022/… message` (a level word, no colon), Nim's
    // `path(5, 26) Error: …`, and a location behind an error tag whose message is indented on
    // the next line (SWI-Prolog's `ERROR: path:4:`). MSBuild's canonical form without a line
    // (`CSC : error CS2001: …`, `Shop.csproj : error MSB3644: …`) is one too, and so are the
    // severity, the place and the message parted by dashes (Psalm's `ERROR: InvalidReturnType
    // - src/Cart.php:12:29 - …`, `dart analyze`'s `  error - lib/cart.dart:14:12 - …`).
    Rule {
        yields_to_noise: true,
        ..rule(
            "diagnostic",
            r"^(?:(?:(?:❌|✗|✖|✘|×|▸)\s+){1,2}|ERROR: )?(?:[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.[A-Za-z]\w{0,9}(?::\d+(?:[.:]\d+)?(?:-\d+(?:[.:]\d+)?)?:|\(\d+(?:, ?\d+)?\):?)(?: ?\S|$)|^\s*(?:[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.[A-Za-z]\w{0,9}:\d+(?::\d+)? - error: |^\s*(?:error|ERROR)(?:: \w+)? - (?:[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.[A-Za-z]\w{0,9}:\d+(?::\d+)? - \S|^(?:[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.[A-Za-z]\w{0,9}:\d+(?::\d+)? error \S|^(?:[A-Za-z]:)?[\w.@~/\\+-]*[\w-] : (?:fatal )?error [A-Z]{2,}\d+ ?: ",
            Compilation,
            1,
            Diagnostic,
            "A tool reported a problem at the file and line shown: fix the first one; later ones often follow from it.",
        )
    },
    // A command-line tool's crash banner (ESLint's `Oops! Something went wrong! :(`, and the
    // same words in other CLIs): what it says next, paragraph after paragraph, is the error.
    rule(
        "crash-banner",
        r"(?i)^\s*(oops!?\s+)?something went wrong\b",
        Unknown,
        2,
        Report,
        "The tool stopped on an error of its own: the lines under its banner say what it could not do.",
    ),
    // A heading over a trace of calls, any language's (Lua's `stack traceback:`, Rust's `stack
    // backtrace:`, PHP's and .NET's `Stack trace:`, Julia's `Stacktrace:`, a debugger's
    // `Backtrace:`), or any heading that says its frames' order (`Thread 0x7f20 (most recent call
    // first):`): a program crashed, and its message is the line right above (or above the blank
    // line that sets the trace off). Indented, the first kind is a part of a report that says
    // more above it (ExUnit's `stacktrace:` under its assertion). The second is found by its
    // end: `^\S.{0,80}` before it kept the anchored set's automaton reading nearly every line
    // to its end (35 % more instructions over the dev corpus).
    Rule {
        lead: Lead::Line,
        ..rule(
            "trace-heading",
            r"(?i)^(?:stack ?trace|stack backtrace|stack traceback|backtrace|call ?stack)(?: \(most recent call (?:first|last)\))?:\s*$| \(most recent call (?:first|last)\):\s*$",
            Unknown,
            2,
            Stack,
            "A program crashed: the line above its trace of calls says why, the first frames where.",
        )
    },
    // A count of errors standing on its own (Grunt's `>> 1 error in 2 files`, `TypeScript: 2 errors`,
    // PHPStan's `[ERROR] Found 2 errors`): whatever the tool, what it counted is the paragraph
    // above.
    Rule {
        lead: Lead::Findings,
        ..rule(
            "error-count",
            r"^(?:\s*\[ERROR\] |[A-Za-z][\w.-]*: )?(?:Found )?[1-9]\d* (?:[a-z]+ )?errors?\b",
            Unknown,
            2,
            Line,
            "A tool counted the errors it found: they are the lines above its count.",
        )
    },
    // A count of what a checker found, as the heading of its findings rather than under them:
    // `2 issue(s) found:`, a boxed `│ 1 Code Finding │` (Semgrep), Trivy's `Total: 1 (HIGH: 0,
    // CRITICAL: 1)` over its table, `Failed checks: 2` (Checkov), dbt's `Completed with 1 error and
    // 0 warnings:`. Whatever the tool, what it
    // counted is the report below, to the next section.
    Rule {
        lead: Lead::Header,
        // Its count is never zero; a `Passed checks: 5, …` before it is not a pass.
        yields_to_noise: false,
        ..rule(
            "count-heading",
            r"^(?:│ *)?[1-9]\d* (?:[A-Za-z]+ )?(?:[Ff]indings?|[Ii]ssues?|[Pp]roblems?|[Vv]iolations?|[Vv]ulnerabilities|[Ee]rrors?|[Ll]eaks?)(?:\(s\))?(?: found)?(?::| *│) *$|^Total: [1-9]\d* \((?:UNKNOWN|LOW|MEDIUM|HIGH|CRITICAL): |^(?:Passed [a-z]+: \d+, )?Failed [a-z]+: [1-9]|^\s*Completed with [1-9]\d* errors? and \d+ warnings?:",
            Lint,
            3,
            Report,
            "A checker counted what it found: the findings are listed under its count.",
        )
    },
    // A build tool's FATAL level (Maven's `[FATAL] Non-parseable POM …`): the problem that stopped
    // it before it built anything.
    rule(
        "fatal-tag",
        r"^\[FATAL\] \S",
        Configuration,
        1,
        Line,
        "The build tool stopped on a fatal problem before building: the line says what it could not read or do.",
    ),
    // A tool's or a kind's name before the word error, and the place it happened
    // (`CMake Error at CMakeLists.txt:3 (find_package):`, TeX's `! LaTeX Error: File … not found.`,
    // `Fatal Python error: Segmentation fault`, Jest's `● Validation Error:`), behind a mark as
    // such tools print it: the message is the rest of the line or the lines indented under it.
    rule(
        "named-error",
        r"^(?:(?:!|●|✖|✗|✘|×|❌|▸)\s+)?[A-Z][A-Za-z+#]*(?: [A-Z][A-Za-z+#]*)? (?:Error|ERROR|error)(?: at [^\s:]+:\d+[^:]*)?:(?: \S|\s*$)",
        Unknown,
        2,
        Line,
        "A tool stopped on an error it names: the line and the lines indented under it say what and where.",
    ),
    rule(
        "generic-error",
        // A bracketed tag alone opens a report too: sbt and Maven print an empty `[error]` line
        // above their error summaries. HAProxy tags its errors `[ALERT]`, padded to a column;
        // nginx its worst with syslog's severities above error (`[emerg]`, `[alert]`, `[crit]`).
        r"^(##\[error\]|\[ERROR\]|\[error\]|ERROR:?|Error:|error:|FATAL:?|Fatal:|fatal error:|E:|ERR!|\*\*\* ERROR) ?\S|^\[(error|ERROR)\]\s*$|^\[(ALERT|alert|emerg|crit)\]\s+\S",
        Unknown,
        2,
        Line,
        "The job reported an error: read the lines shown and the output just above them.",
    ),
    // CocoaPods' word when it stops, `[!] Unable to find a specification for `Alamofire (~>
    // 5.0)``, `[!] CocoaPods could not find compatible versions for pod "x":` (its warnings
    // carry the mark too; the last line of the step that carries it is its verdict).
    rule(
        "cocoapods",
        r"^\[!\] \S",
        Unknown,
        2,
        Line,
        "CocoaPods stopped: its `[!]` line says what it could not find or read (a pod's spec or version, the Podfile); `pod install --repo-update` refreshes the specs.",
    ),
    // The GNU form `program: error: message` (`dh_install: error: missing files, aborting`,
    // `dpkg-buildpackage: error: …`): the program's warnings right above it are its detail. And
    // the coreutils form `program: cannot verb …` (`report: cannot open feed 'south': …`).
    // A file in the program's place is what the error is about (xcodebuild's
    // `/path/Shop.xcodeproj: error: No signing certificate …`).
    rule(
        "program-error",
        r"^([A-Za-z][\w.+-]{0,29}|[\w./@~+-]*/[\w.@~+-]+): ((error|fatal error|fatal|ERROR): \S|cannot [a-z]+ )",
        Unknown,
        2,
        Line,
        "A program reported an error: its line, and what it printed just above, say what it could not do.",
    ),
    // Ninja's title over a build edge that failed: its outputs (each a file, or under 1.12 the
    // exit code first, `FAILED: [code=1] a.o`), then the command and what the command printed.
    titling_output(rule(
        "ninja-failed-edge",
        r"^FAILED: (\[code=\d+\] \S|\S*[./]\S*)",
        Compilation,
        0,
        Report,
        "A build step failed: what its command printed under Ninja's FAILED line says why (ninja -v shows each command in full).",
    )),
    rule(
        "failed-word",
        r"(?i:\b(failed|failure|aborted)\b)|\bFAIL(ED)?\b|\bERROR\b",
        Unknown,
        3,
        Line,
        "The job reported a failure: read the lines shown and the output just above them.",
    ),
    rule(
        "make-error",
        concat!(make_report!(), r".*(Error \d+|Stop\.)"),
        Compilation,
        3,
        Line,
        "make stopped: the command it ran failed; its first error is above.",
    ),
];
