//! Test runners: failed tests, their reports and verdicts.
//! Tried in the order listed, after the families before this one (see [`super::RULES`]).

use super::Category::{TestFailure, Timeout, Unknown};
use super::Shape::{Line, List, Report, Section, Stack, Traceback};
use super::{Lead, Rule, TESTS_FAILED, rule, with_path_lead, with_section_lead};

/// pytest's report of a failure and the `E` lines it explains it with.
const PYTEST_E_LINES: &str = "A pytest test failed: the E lines show the assertion and its values.";

pub(super) static RULES: &[Rule] = &[
    rule(
        "rust-test-stdout",
        r"^---- \S.* stdout ----$",
        TestFailure,
        0,
        Report,
        "A Rust test failed: the panic message and the assertion's left/right values are above.",
    ),
    rule(
        "rust-panic",
        r"^\s*thread '[^']*'( \(\d+\))? panicked at",
        TestFailure,
        0,
        Stack,
        "A Rust program panicked: the message and location say where.",
    ),
    // `go test -v` prints a test's log lines above its `--- FAIL:` line, indented under it.
    Rule {
        lead: Lead::Indented,
        ..rule(
            "go-test",
            r"^\s*--- FAIL: \S+",
            TestFailure,
            0,
            Line,
            "A Go test failed: the lines under --- FAIL show the assertion.",
        )
    },
    // meson test's verdict on a test (`1/2 cart  FAIL  0.03s  exit status 1`), with the command
    // and the output `--print-errorlogs` prints under it.
    rule(
        "meson-test",
        r"^\s*\d+/\d+ \S.*?\s(FAIL|TIMEOUT|ERROR)\s+[\d.]+ ?s\b",
        TestFailure,
        0,
        Section,
        "A test run by meson test failed: its command and output are shown; the whole run is in meson-logs/testlog.txt.",
    ),
    // Ginkgo's report of a failed spec, between its rules of dashes: the spec's containers and
    // locations, Gomega's expected and actual, the failing line (`• Failure [0.001 seconds]`
    // in v1, `• [FAILED] [0.001 seconds]` in v2).
    rule(
        "ginkgo-spec",
        r"^• (Failure|Panic|\[FAILED\]|\[PANICKED\]|\[TIMEDOUT\])( in Spec \w+ \(\w+\))? \[",
        TestFailure,
        0,
        Report,
        "A Ginkgo spec failed: its report shows the spec's place, what was expected and what came, and the failing line.",
    ),
    rule(
        "go-panic",
        r"^panic: ",
        TestFailure,
        0,
        Stack,
        "A Go program panicked: the goroutine trace shows where.",
    ),
    // The Go runtime's own crash, which no recover() catches (`fatal error: all goroutines are
    // asleep - deadlock!`, `fatal error: concurrent map writes`), over its goroutine traces a
    // blank line below; compilers put a place before theirs.
    rule(
        "go-fatal",
        r"^fatal error: ",
        Unknown,
        0,
        Stack,
        "The Go runtime stopped the program (a deadlock, concurrent map writes, out of memory): the goroutine trace under it shows where.",
    ),
    // PHP's run-tests.php (php-src and every extension built with it): `FAIL title [path.phpt]`
    // under the test's `========DIFF========` … `========DONE========` section.
    with_section_lead(rule(
        "php-run-tests",
        r"^FAIL .*\[\S+\.phpt\]\s*$",
        TestFailure,
        0,
        Line,
        "A PHP test (.phpt) failed: the diff above shows expected (-) against actual (+) output.",
    )),
    // pytest's report of a failed test; with `--tb=long` (the default) it lists the source of
    // every function down to where the exception was raised, then the `E` lines.
    Rule {
        conclusion_prefix: Some("E "),
        ..rule(
            "pytest-section",
            // Not pytest-cov's `___ coverage: platform linux, … ___`: a test's title has no
            // colon and space.
            r"^_{3,} [^\s:]([^:]|:[^ ])* _{3,}$",
            TestFailure,
            0,
            Report,
            PYTEST_E_LINES,
        )
    },
    // pytest's `E` lines, where it explains a failed assertion or an exception; outside a
    // test's section (above) only with `--tb=line`, where they come above the failure's one
    // `path:line: message` line.
    rule(
        "pytest-explanation",
        r"^E {3}\S",
        TestFailure,
        0,
        Section,
        PYTEST_E_LINES,
    ),
    // CTest's verdict for a test past its TIMEOUT property (`2/2 Test #2: sync ....***Timeout
    // 1.01 sec`), with what the test printed under it (`--output-on-failure`).
    // Collision's failed test, as Pest and Laravel's `artisan test` print it (`   FAILED
    // Tests\Unit\CartTest > it sums two prices`): the assertion's message under it, then its
    // place (`at tests/Unit/CartTest.php:12`) over a code frame.
    rule(
        "collision-failed",
        r"^\s*FAILED  \S.* > \S",
        TestFailure,
        1,
        Section,
        "A PHP test failed: the message under its name says what, the place and the code frame under it where.",
    ),
    // package:test's reporters (Dart's and Flutter's tests) mark a failed test `[E]` at the end
    // of its progress line (`00:01 +2 -1: cart sums its prices [E]`); its error is indented
    // under it, a blank line parting the message from its frames.
    rule(
        "dart-test",
        r"^\d{2}:\d{2} \+\d+(?: ~\d+)? -\d+: .* \[E\]$",
        TestFailure,
        1,
        Section,
        "A Dart test failed: its message and the frames under it say what and where.",
    ),
    rule(
        "ctest-timeout",
        r"^\s*\d+/\d+ Test +#\d+: \S+ \.*\s*\*\*\*Timeout\b",
        Timeout,
        1,
        Section,
        "A test ran past its CTest TIMEOUT: what it printed is shown under it (a wait on a service, a deadlock, or a limit too low).",
    ),
    // doctest's report of a failed example: `File "path", line N, in name` (unindented, where
    // a traceback's frames are indented), `Failed example:`, `Expected:` and `Got:`.
    rule(
        "doctest",
        r#"^File "[^"]+", line \d+, in \S+$"#,
        TestFailure,
        0,
        Section,
        "A doctest example failed: what it expected and what it got are shown under it.",
    ),
    rule(
        "py-traceback",
        r"^Traceback \(most recent call last\):",
        Unknown,
        1,
        Traceback,
        "Python raised an exception: the last line names it, the frames above say where.",
    ),
    rule(
        "jest",
        r"^\s*● \S",
        TestFailure,
        0,
        Section,
        "A Jest test failed: expected and received values are shown under the test name.",
    ),
    // Vitest's report of one failure: ` FAIL  file > suite > test`, then the error, the diff and
    // the code frame, blank lines included, up to its `⎯⎯⎯` rule.
    rule(
        "vitest",
        r"^\s*FAIL\s+\S+ > \S",
        TestFailure,
        0,
        Report,
        "A Vitest test failed: the error, the expected and received values and the code frame are under its name.",
    ),
    // zig test's verdict on a test, `FAIL (TestExpectedEqual)`, under the test's progress line
    // and what the test printed (`2/2 cart.test.two prices...expected 750, found 300`); its
    // error trace follows.
    Rule {
        lead: Lead::Line,
        ..rule(
            "zig-test",
            r"^FAIL \(\w+\)$",
            TestFailure,
            0,
            Line,
            "A Zig test failed: the line above its verdict says what was expected, the error trace under it where.",
        )
    },
    // uvu's report of one failure: `  FAIL  "test"` (its suite's name above), the assertion, the
    // diff and the frames indented under it, blank lines included.
    rule(
        "uvu",
        r#"^\s*FAIL\s+"[^"]+"\s*$"#,
        TestFailure,
        0,
        Section,
        "A uvu test failed: the assertion, the values compared and the frames are under its name.",
    ),
    rule(
        "junit-failure",
        r"<<< (FAILURE|ERROR)!$|^(Failed tests|Tests in error):\s*$",
        TestFailure,
        0,
        Stack,
        "A JUnit test failed: the assertion message and stack trace follow.",
    ),
    // Ant's junit task (plain formatter): `Testcase: name took 0.003 sec`, then a tab and
    // `FAILED` or `Caused an ERROR`, the message, the exception and its frames up to a blank
    // line; the brief formatter says it on one line, `Testcase: name(Class):\tFAILED`.
    Rule {
        lead: Lead::Line,
        ..rule(
            "ant-junit",
            r"^\t(FAILED|Caused an ERROR)$|^Testcase: \S.*:\s(FAILED|Caused an ERROR)$",
            TestFailure,
            0,
            Section,
            "A JUnit test run by Ant failed: the message and the exception follow the test's name.",
        )
    },
    // GoogleTest's verdict on one test, `[  FAILED  ] Suite.Name (0 ms)`, closing everything the
    // test printed since `[ RUN      ] Suite.Name` (its failures and their messages); the summary's
    // `[  FAILED  ] Suite.Name` lines carry no time.
    Rule {
        lead: Lead::TestRun,
        ..rule(
            "gtest-failed",
            // A value-parameterized or typed test's verdict names its parameter too
            // (`[  FAILED  ] Percents/Discount.AppliesPercent/2, where GetParam() = (33, 100)
            // (0 ms)`).
            r"^\[  FAILED  \] \S+(, where (GetParam\(\)|TypeParam) = .+)? \(\d+ ms\)$",
            TestFailure,
            0,
            Line,
            "A GoogleTest test failed: its failures are shown with the values the check compared.",
        )
    },
    // QTest's verdict on a test function, `FAIL!  : TestCart::twoItems() message`, with the
    // values compared and `Loc: [file(line)]` indented under it; `QFATAL : …` is a fatal message
    // (a failed Q_ASSERT) that stops the function, reported by the FAIL! under it.
    rule(
        "qtest",
        r"^(FAIL!|XPASS|QFATAL) +: \S+::\S+\(",
        TestFailure,
        0,
        Line,
        "A QTest test function failed: the values compared and the Loc line are under it; a QFATAL above it is the assertion that stopped it.",
    ),
    // The .NET test platform's console report of a failed test (`dotnet test`, vstest.console):
    // `Failed Name [5 ms]`, then `Error Message:`, the message and `Stack Trace:` with its frames,
    // blank lines among them (NUnit's), up to the next report or the run's verdict.
    rule(
        "vstest",
        r"^\s*Failed\s+[\w.$+`<>,()\[\]-]+( \[[\d.]+ m?s\])?$",
        TestFailure,
        0,
        Report,
        "A .NET test failed: its report gives the assertion's message and the test's own frame.",
    ),
    // ScalaTest's verdict on a test, `- adds two prices *** FAILED ***` (its duration after it
    // with `-oD`), and on a suite that could not run, `… *** ABORTED ***`: the message and the
    // spec's file and line are indented under it (sbt logs all of it at `[info]`).
    rule(
        "scalatest",
        r"\*\*\* (FAILED|ABORTED) \*\*\*( \([^)]*\))?$",
        TestFailure,
        0,
        Line,
        "A ScalaTest test failed: the message under it gives the values compared and the spec's file and line.",
    ),
    // munit's report of a failed test: `==> X Suite.name  0.03s Exception: path:line`, the source
    // lines around that line, the message and the diff, then the exception's frames.
    rule(
        "munit",
        r"^==> X \S",
        TestFailure,
        0,
        Section,
        "A munit test failed: its report shows the failing line, the values compared and their diff.",
    ),
    // Gradle's test logging: `Class > method() FAILED`, the exception indented under it.
    rule(
        "gradle-test",
        r"^[\w.$]+( > [^>]+)+ FAILED$",
        TestFailure,
        0,
        Stack,
        "A test run by Gradle failed: the exception under it says why, the frame where.",
    ),
    rule(
        "minitest",
        r"^(\s*\d+\) )?(Failure|Error):$|^\s*Failure/Error: ",
        TestFailure,
        0,
        Section,
        "A Ruby test failed: the message and the location are shown under it.",
    ),
    rule(
        "phpunit",
        r"^\d+\) [\w\\]+::\w+",
        TestFailure,
        0,
        Section,
        "A PHPUnit test failed: the assertion message follows.",
    ),
    rule(
        "elixir-test",
        r"^\s+\d+\) test .+ \(\S+\)$",
        TestFailure,
        0,
        Section,
        "An ExUnit test failed: the assertion and its values follow.",
    ),
    rule(
        "tap-not-ok",
        r"^\s*not ok \d+ ",
        TestFailure,
        1,
        Section,
        "A TAP test failed: the diagnostics under it show expected and actual values.",
    ),
    // trybuild's verdict on a compile-fail case, in libtest's shape (`test tests/ui/x.rs ...
    // error` over `Expected test case to fail to compile, but it succeeded.`; `... mismatch` over
    // the expected and the actual compiler output): the harness' own test only counts them.
    rule(
        "trybuild",
        r"^test \S+\.rs \.\.\. (error|mismatch)$",
        TestFailure,
        1,
        Report,
        "A compile-fail test failed: the case compiled when it should not have, or the compiler's output differs from its .stderr file (shown expected, then actual). Fix the code or, if the new output is right, bless it with TRYBUILD=overwrite.",
    ),
    rule(
        "test-summary-failed",
        r"^(FAILED|ERROR) \S+::\S+|^(test )?\S.* \.\.\. FAILED( \([\d.]+[^)\s]*\))?$|^\s*Test: .+\.\.\.FAILED$",
        TestFailure,
        1,
        Line,
        TESTS_FAILED,
    ),
    // Nim's unittest verdict on a test, `[FAILED] name`, under the failed checks it printed
    // indented above it (`tcart.nim(11, 24): Check failed: …`, the values).
    Rule {
        lead: Lead::Indented,
        ..rule(
            "bracketed-verdict",
            r"^\s*\[FAILED\] \S",
            TestFailure,
            0,
            Line,
            "A test failed: the checks that failed and their values are printed above its verdict.",
        )
    },
    // A runner's progress mark for a failed test (jest, vitest, node --test, Pester's `[-]`, Bun's
    // `(fail)`): the
    // runner reports the failure in full further down, so the mark is the answer only when
    // nothing else is.
    rule(
        "test-mark-failed",
        r"^\s*(✕|✗|✘|✖|×|\[-\]|\(fail\)) \S",
        TestFailure,
        2,
        Line,
        TESTS_FAILED,
    ),
    rule(
        "phpunit-summary",
        r"^(OK, but incomplete, skipped, or risky tests!|FAILURES!|ERRORS!|No tests executed!)$",
        TestFailure,
        // A pointer: the reports above it say which tests (numbered, or testdox's ✘ boxes).
        3,
        List,
        "PHPUnit reported failures, errors or risky tests: the numbered reports above it say which.",
    ),
    with_path_lead(rule(
        "xctest",
        r"error: -\[\S+ \S+\] :|XCTAssert\w* failed|Asynchronous wait failed",
        TestFailure,
        0,
        Line,
        "An XCTest assertion failed at the file and line shown.",
    )),
    rule(
        "perl-test",
        r"Looks like you failed \d+ tests? of|Looks like your test exited with|^\S+\.t \.+ .*(Dubious|Failed|error)|^# +Failed (\(TODO\) )?test( '| at )",
        TestFailure,
        1,
        Line,
        "A Perl test failed: the diagnostics above show the failing assertion.",
    ),
    // R's error names the call, then ` : ` (`Error in library(shop) : there is no package …`;
    // rlang's: ``Error in `total()`:``): Starlark's `Error in download_and_extract: …` is not R's.
    rule(
        "r-check",
        r"^\* checking .* \.\.\. (ERROR|FAILED)|^Running the tests in .* failed\.|^Error in (.* :( |$)|`[^`]*`:)",
        TestFailure,
        1,
        Section,
        "R CMD check failed: the lines under it show which check.",
    ),
    // The heading a test runner prints over its numbered failure reports (JUnit 4 and 5's
    // console runners, PHPUnit's failures and errors, mocha, RSpec, Jasmine, FiveAM…): the
    // report is everything under it.
    rule(
        "failures-heading",
        r"^\s*(?:Failures:|\d+ failing|There (?:was|were) \d+ (?:failure|error)s?:|Failures \(\d+\):|Failure Details:)$",
        TestFailure,
        0,
        Report,
        "A test failed: the failures report shows each failing test with its assertion and the test's own frame.",
    ),
    // Erlang's Common Test: `suite:case failed on line N` and its `Reason:` between rules.
    rule(
        "common-test",
        r"^\w+:\w+ failed on line \d+$",
        TestFailure,
        0,
        Section,
        "A Common Test case failed at the line shown: the reason term says how.",
    ),
    // busted's failure header (`Failure -> spec/x_spec.lua @ 4`, `Error → …` in UTF-8 output),
    // over the test's name, the assertion and its values.
    rule(
        "busted",
        r"^(Failure|Error) (->|→) \S+ @ \d+$",
        TestFailure,
        0,
        Section,
        "A busted test failed: the lines under its header show the assertion and the values.",
    ),
    // gocheck's report of a failed test (`FAIL: cart_test.go:19: S.TestTotal` under a rule),
    // then what the test logged, the failed assertion's line and code, the values obtained and
    // expected; `PANIC:` and `MISS:` (a missing fixture) likewise. `go test`'s own verdict on
    // the suite follows the report.
    rule(
        "gocheck",
        r"^(FAIL|PANIC|MISS): \S+\.go:\d+: \S+$",
        TestFailure,
        0,
        Section,
        "A gocheck test failed: its report shows the assertion, the value obtained and the value expected.",
    ),
    // clojure.test's report of a failed assertion (`FAIL in (test) (file.clj:7)`, `ERROR in …`
    // for an exception), over the `testing` context, `expected:` and `actual:` (Leiningen's
    // `lein test` prints the same).
    rule(
        "clojure-test",
        r"^(FAIL|ERROR) in \(\S+\) \(\S+:\d+\)$",
        TestFailure,
        0,
        Section,
        "A clojure.test assertion failed: the lines under it give the form expected and the actual value.",
    ),
    // Robot Framework's console: a test's name padded to the `| FAIL |` column, its message
    // under it, up to the rule line; a suite's line has the same shape and closes the suite.
    rule(
        "robot-framework",
        r"^\S.*\s\| FAIL \|$",
        TestFailure,
        0,
        Section,
        "A Robot Framework test failed: the message under its name says which keyword failed and how.",
    ),
    // The test drivers of automake's harness and others like it: `FAIL: name` per test, under
    // the diff of expected and actual output when the test printed one; TestNG's `FAILED: name`
    // (a method's name: Ninja's `FAILED: out/file.o` is a build edge, not a test).
    Rule {
        lead: Lead::Diff,
        ..rule(
            "test-verdict-line",
            r"^(FAIL|XPASS): \S|^FAILED: [A-Za-z_]\w*(\(.*\))?$",
            TestFailure,
            1,
            Line,
            TESTS_FAILED,
        )
    },
    // A test's verdict in brackets at the end of its line, after its name or place
    // (shelltestrunner's `:tests/cart.test:2: [Failed]`, a script's `check prices ... [FAIL]`):
    // what the test printed under it, to a blank line, says how it failed.
    rule(
        "bracketed-verdict",
        r"^\S.*\S\s*\[(FAIL|FAILED|Failed|failed|fail)\]\s*$",
        TestFailure,
        1,
        Section,
        TESTS_FAILED,
    ),
    // Common Lisp (SBCL): an unhandled condition and its description, before the backtrace; a
    // compiler's full WARNING or ERROR, which fails `compile-file` (a STYLE-WARNING does not).
    rule(
        "lisp-condition",
        r"^(Unhandled|debugger invoked on an?) [A-Z][A-Z0-9/:.-]*( in thread|:)|^; caught (ERROR|WARNING):$",
        Unknown,
        1,
        Section,
        "Lisp signalled the condition shown: its description names the value and the place.",
    ),
    // Emacs ERT's batch report of a failed test: `Test name condition:` over the condition it
    // signalled (`(ert-test-failed ((should …) :form (= 3 5) :value nil))`), then its verdict.
    rule(
        "ert-condition",
        r"^Test \S+ condition:$",
        TestFailure,
        0,
        Line,
        "An Emacs ERT test failed: its condition shows the form that failed and the values it got.",
    ),
    rule(
        "eunit-failed",
        r"\.\.\.\*failed\*$",
        TestFailure,
        0,
        Report,
        "An EUnit test failed: the error term shows the expected value and the value.",
    ),
    // The C library's report of a failed assert(): `prog: file.c:13: func: Assertion `expr'
    // failed.`, then the shell's or make's `Aborted`.
    rule(
        "c-assert",
        r"^\S+: \S+:\d+: .*Assertion `.*' failed\.$",
        TestFailure,
        0,
        Line,
        "A C or C++ assert() failed at the file and line shown: the expression is the condition that did not hold.",
    ),
    // A program the shell or make saw die of a signal: bash's `line 1: 25291 Segmentation fault
    // ./app`, make's `*** [Makefile:2: test] Aborted`, `Aborted (core dumped)`.
    rule(
        "killed-by-signal",
        concat!(
            r"^\S+: (line )?\d+: +\d+ (Segmentation fault|Aborted|Bus error|Floating point exception|Illegal instruction)|",
            make_report!(),
            r"\[[^\]]*\] (Aborted|Segmentation fault)|^(Segmentation fault|Aborted|Bus error|Illegal instruction) \(core dumped\)$"
        ),
        Unknown,
        1,
        Line,
        "The program crashed on a signal (a segmentation fault, an abort): the lines above it show what it was doing; run it under a debugger or a sanitizer.",
    ),
    // A coverage gate the tests passed but the coverage did not: Jest's and nyc's `Coverage for
    // lines (40%) does not meet global threshold (90%)`, coverage.py's `Coverage failure: total of
    // 55 is less than fail-under=90` (pytest-cov's `FAIL Required test coverage of 90% not
    // reached`), gcovr's `Failed minimum line coverage (got 75.0%, …)`, and any coverage said
    // to be lower than its target (type-coverage's `The type coverage rate(53.84%) is lower than
    // the target(90%).`, SimpleCov's `Line coverage (75.00%) is below the expected minimum
    // coverage (90.00%).` and its `SimpleCov failed with exit 2 due to a coverage related error`;
    // `mix test --cover`'s `Coverage test failed, threshold not met:`).
    rule(
        "coverage-threshold",
        r"^(Jest: |ERROR: )?Coverage for \w+ \([\d.]+%\) does not meet|^Coverage failure: total of [\d.]+ is less than fail-under|^FAIL Required test coverage of [\d.]+% not reached|^\(ERROR\) Failed minimum \w+ coverage|[Cc]overage\b[^\n]{0,60} is (lower|less) than the (target|threshold|minimum|required)\b|[Cc]overage\b[^\n]{0,60} is below the (expected )?(target|threshold|minimum)\b|^SimpleCov failed with exit \d+ due to a coverage|^Coverage test failed, threshold not met",
        TestFailure,
        1,
        Line,
        "The tests passed but their coverage is below the job's threshold: add tests for the code the change added, or lower the threshold.",
    ),
    // EUnit's verdict for a test past its `{timeout, Seconds, Test}`: where it was waiting, and
    // the call chain to it.
    rule(
        "eunit-timeout",
        r"\.\.\.\*timed out\*$",
        Timeout,
        0,
        Report,
        "An EUnit test ran past its timeout: the call chain shows where it was waiting (a service, a message that never came, a limit too low).",
    ),
    rule(
        "mocha-numbered",
        r"^\s+\d+\) \S",
        TestFailure,
        2,
        Section,
        "A test failed: the assertion and stack trace follow.",
    ),
    rule(
        "assertion",
        r"(?i)^\s*(E\s+)?(AssertionError|assert(ion)? failed|expected .* (to|but) |Expected: |Actual: |But was: |expected: .*got:)",
        TestFailure,
        1,
        Line,
        "An assertion failed: compare the expected and actual values.",
    ),
];
