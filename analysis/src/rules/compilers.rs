//! Compilers and interpreters: their diagnostics, crashes and uncaught errors.
//! Tried in the order listed, after the families before this one (see [`super::RULES`]).

use super::Category::{Compilation, Configuration, OutOfMemory, TestFailure, Unknown};
use super::Shape::{Diagnostic, Line, Report, Section, Stack};
use super::{Lead, Rule, rule, with_path_lead};

pub(super) static RULES: &[Rule] = &[
    rule(
        "cmake-error",
        r"^CMake Error( at [^ ]+:\d+ \([^)]*\))?:",
        Configuration,
        0,
        Section,
        "CMake failed while configuring: read the message and the call stack under it.",
    ),
    rule(
        "cargo-wrapper",
        r"^error: (failed to run custom build command|build failed|could not compile|aborting due to|linking with `[^`]+` failed|process didn't exit successfully)|^error: Could not compile",
        Compilation,
        3,
        Diagnostic,
        "Cargo stopped: the error it reports is above, or in the build script's output below.",
    ),
    // The same pointer over a test binary's failure: the tests' own report (or the signal the
    // harness died of, in its `Caused by:`) is above it.
    rule(
        "cargo-test-wrapper",
        r"^error: test failed, to rerun",
        TestFailure,
        3,
        Diagnostic,
        "A test binary failed: its report, or the signal it died of, is above cargo's message.",
    ),
    rule(
        "autoconf",
        r"^configure: error: ",
        Configuration,
        0,
        Line,
        "./configure failed: config.log has the failing test program and its compiler output.",
    ),
    // Ansible's result for a failed task (`fatal: [host]: FAILED! => {"msg": …}`), with what
    // the task printed since its `TASK [name]` header (2.19's error, origin and code frame).
    Rule {
        lead: Lead::TestRun,
        ..rule(
            "ansible-failed",
            r"^(fatal|failed): \[[^\]]+\]: FAILED! =>",
            Unknown,
            1,
            Line,
            "An Ansible task failed: its result's msg, stderr and rc say why, at the task the origin names.",
        )
    },
    // Before rustc's `error: …`, which git's own errors share. git dies with its `fatal:`.
    Rule {
        ends_its_program: Some("git"),
        ..rule(
            "git",
            r"^fatal: |^error: (pathspec|failed to push|src refspec|Your local changes)",
            Configuration,
            1,
            Line,
            "git failed: check the ref, the remote and the credentials of the job.",
        )
    },
    rule(
        "rustc",
        r"^error\[E\d{4}\]: [^\n]",
        Compilation,
        0,
        Diagnostic,
        "The Rust code does not compile: fix the first error; later ones often follow from it.",
    ),
    // GNU ld quotes a symbol as `x' in the C locale and ‘x’ in a UTF-8 one (and so reads the
    // Russian «x», see `localized`).
    rule(
        "linker",
        r"undefined reference to (`|‘)|ld: cannot find -l|ld returned (\d+ )?exit status|linker command failed with exit code|Undefined symbols for architecture|ld: symbol\(s\) not found|multiple definition of (`|‘)|LINK : fatal error|unresolved external symbol",
        Compilation,
        0,
        Line,
        "Linking failed: a library is missing from the link line, or a symbol is declared but never defined.",
    ),
    rule(
        "javac",
        r"^\S+\.java:\d+: error: |^\[ERROR\] (\S+\.(java|kt|scala|groovy)):\[\d+(,\d+)?\]|^e: (file://)?\S+\.kts?(:\d+:\d+|: \(\d+, \d+\)): ",
        Compilation,
        0,
        Diagnostic,
        "The JVM code does not compile: fix the first error at the file and line shown.",
    ),
    rule(
        "tsc",
        r"\S+\.(ts|tsx|mts|cts)\(\d+,\d+\): error TS\d+:|^error TS\d+: |\S+\.(ts|tsx):\d+:\d+ - error TS\d+:",
        Compilation,
        0,
        Diagnostic,
        "TypeScript does not compile: fix the first type error shown.",
    ),
    // Deno's type checker: `TS2345 [ERROR]: message`, its elaboration indented, the source line
    // and its `~~~` underline level with the margin, then `at file:///…:4:25`; a blank line
    // ends each.
    rule(
        "deno-check",
        r"^TS\d+ \[ERROR\]: ",
        Compilation,
        0,
        Section,
        "TypeScript does not compile under Deno: fix the first type error shown.",
    ),
    // ReScript's compiler report: `  We've found a bug for you!`, the place, a code frame and
    // what the types were, all indented two spaces, in paragraphs.
    rule(
        "rescript",
        r"^\s+We've found a bug for you!\s*$",
        Compilation,
        0,
        Section,
        "ReScript does not compile: fix the error at the place shown; the lines under it say which types disagree.",
    ),
    rule(
        "go-build",
        r"^[\w./-]+\.go:\d+:\d+: ",
        Compilation,
        0,
        Diagnostic,
        "The Go code does not compile: fix the first error shown.",
    ),
    rule(
        "scalac",
        r"^\[error\] \S+\.scala:\d+(:\d+)?: ",
        Compilation,
        0,
        Diagnostic,
        "The Scala code does not compile: fix the first error shown.",
    ),
    // XCTest on Linux prints a failed assertion as a diagnostic without a column
    // (`CartTests.swift:14: error: CartTests.testTotal : XCTAssertEqual failed: …`; swiftc always
    // gives one): a test's failure, read before the compilers' shapes.
    with_path_lead(rule(
        "xctest-diagnostic",
        r"^\S+\.swift:\d+: error: ",
        TestFailure,
        0,
        Line,
        "An XCTest assertion failed at the file and line shown.",
    )),
    // esbuild's diagnostic, as bundlers built on it print it (Angular's application builder, Vite,
    // tsup): `✘ [ERROR] message [plugin name]`, a blank line, the place and its code frame; not a
    // test's failure mark.
    rule(
        "esbuild-error",
        r"^✘ \[ERROR\] \S",
        Compilation,
        0,
        Section,
        "The bundler stopped on the error shown: its place and code frame are under it.",
    ),
    rule(
        "swiftc",
        r"^\S+\.swift:\d+:\d+: error: ",
        Compilation,
        0,
        Diagnostic,
        "The Swift code does not compile: fix the first error shown.",
    ),
    rule(
        "gcc",
        r"^[^\s:][^:]*:\d+(?:[.:]\d+)?(?:-\d+(?:[.:]\d+)?)?: (fatal error|error|Error):? ",
        Compilation,
        0,
        Diagnostic,
        "The code does not compile: fix the first error at the file and line shown.",
    ),
    rule(
        "elixir-compile",
        r"^\*\* \((CompileError|SyntaxError|TokenMissingError)\)",
        Compilation,
        0,
        Stack,
        "Elixir failed: fix the error at the file and line shown.",
    ),
    // An exception Elixir raised while running code (`mix run`, a release task, a compile-time
    // call), over its frames: the code ran, so it compiled; the context says which step it was.
    rule(
        "elixir-exception",
        r"^\*\* \((KeyError|UndefinedFunctionError|ArgumentError|RuntimeError|MatchError)\)",
        Unknown,
        0,
        Stack,
        "Elixir raised an exception: the first frame in your code, under the message, is where.",
    ),
    // PHP's memory limit, which its fatal error names (`PHP Fatal error:  Allowed memory size of
    // 134217728 bytes exhausted`).
    rule(
        "php-memory",
        r"^(PHP )?Fatal error: +Allowed memory size of ",
        OutOfMemory,
        0,
        Line,
        "PHP ran out of the memory its memory_limit allows: raise memory_limit (php -d memory_limit=…) or lower what the script holds at once.",
    ),
    rule(
        "php-fatal",
        r"^(PHP )?(Fatal|Parse) error: ",
        Compilation,
        0,
        Stack,
        "PHP stopped on a fatal error at the file and line shown.",
    ),
    // TeX and LaTeX start every error message with `! ` (`! LaTeX Error: File … not found.`,
    // `! Undefined control sequence.`), then give the input line as `l.N …`.
    // TeX's error: `! message`, its help, then `l.N` and the input line up to the error, the
    // rest of the line under it.
    Rule {
        closing_prefix: Some("l."),
        ..rule(
            "tex",
            r"^! \S",
            Compilation,
            0,
            Report,
            "TeX stopped at the error shown: the l.N line names the input line (a missing package needs installing or a typo fixing).",
        )
    },
    // Go's race detector (`go test -race`): the report between its `==================` rules.
    Rule {
        names_its_level: true,
        ..rule(
            "go-race",
            r"^WARNING: DATA RACE$",
            TestFailure,
            0,
            Report,
            "Go's race detector found two goroutines using the same memory without synchronisation: the frames show both accesses.",
        )
    },
    // libFuzzer's verdict on the input it ran (`==1749== ERROR: libFuzzer: deadly signal`,
    // `… timeout after 2 seconds`, `… out-of-memory`), over the stack of the target it ran.
    rule(
        "libfuzzer",
        r"^ERROR: libFuzzer: ",
        TestFailure,
        1,
        Stack,
        "The fuzzer found an input the target crashed on, hung on or ran out of memory with: the first frame in your code is where; the input is written where its `Test unit written to` line says.",
    ),
    // The sanitizers' and Valgrind's memory error reports (read behind their `==pid==` prefix,
    // see `lines.rs`): the error, the access and its frames; a leak's record; ThreadSanitizer's
    // race, which it reports as a warning.
    Rule {
        names_its_level: true,
        ..rule(
            "memory-error",
            r"^(ERROR: \w+Sanitizer: |WARNING: ThreadSanitizer: |Invalid (read|write|free)|Conditional jump or move|Use of uninitialised|Mismatched free|Syscall param|Source and destination overlap|[\d,]+ (\(?[\d,]+ direct, [\d,]+ indirect\)? )?bytes in [\d,]+ blocks are definitely lost)|^SUMMARY: \w+Sanitizer: |^\S+:\d+:\d+: runtime error: ",
            Unknown,
            0,
            Section,
            "A memory error was detected at the frames shown: the first frame in your code is where to look.",
        )
    },
    // The Rust runtime's abort: a thread that overflowed its stack (`thread 'tests::cycle'
    // (8770) has overflowed its stack`), then `fatal runtime error: stack overflow, aborting`;
    // a test harness dies of it, and cargo's `test failed` under it only points.
    rule(
        "rust-runtime-abort",
        r"^thread '[^']*'( \(\d+\))? has overflowed its stack$|^fatal runtime error: ",
        Unknown,
        1,
        Section,
        "The Rust runtime aborted the process (a stack overflow, often unbounded recursion): the thread named is where it happened.",
    ),
    // CPython's fatal error (faulthandler's dump, which pytest turns on): `Fatal Python error:
    // Segmentation fault`, then each thread's frames, most recent first, the current one's
    // among them. Not anchored: pytest's progress dots come before it on the same line.
    Rule {
        names_its_level: true,
        ..rule(
            "python-fatal",
            r"Fatal Python error: ",
            Unknown,
            0,
            Stack,
            "Python itself crashed (a segmentation fault or an abort in native code): the current thread's frames, most recent first, show the call that crashed.",
        )
    },
    // webpack's schema check of its configuration, and schema-utils' of a loader's or plugin's
    // options (`Invalid configuration object. Webpack has been initialized using a configuration
    // object that does not match the API schema.`, `Invalid options object. Babel Loader has
    // been initialized …`), behind webpack-cli's `✖` or a `ValidationError:`; the lines under it
    // name the property.
    rule(
        "webpack-schema",
        r"^(✖ |ValidationError: )?Invalid (configuration|options) object\. .+ has been initiali[sz]ed using an? (configuration|options) object that does not match the API schema",
        Configuration,
        1,
        Line,
        "The bundler's configuration, or a loader's or plugin's options, do not match its schema: the lines under it name the property and what is allowed there.",
    ),
    rule(
        "syntax-error",
        r"^\s*(SyntaxError|IndentationError|TabError): ",
        Compilation,
        0,
        Line,
        "There is a syntax error at the file and line shown.",
    ),
];
