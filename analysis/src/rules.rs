//! What failure lines look like, tool by tool: each rule is a regular expression over a cleaned
//! line, with the category it points to, how decisive it is (its tier) and the shape of the block
//! that follows it.
//!
//! Tiers: 0 names a root cause precisely (a compiler diagnostic, a failing test, a missing
//! package); 1 is a strong signal (an exception, a test runner's failure header); 2 is a generic
//! error line; 3 a weak one (a summary or a pointer such as `make: *** Error 2`). The engine takes
//! the first block of the best tier in the failing step (see `engine.rs` for the precedence rules).

use super::keywords::Keywords;
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

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
    }
}

impl Rule {
    /// Whether the rule reads nothing but a build tool's error tag (`[error] …`): inside that
    /// tool's tagged report it says no more than the tag does.
    pub fn reads_only_a_tag(&self) -> bool {
        self.name == "generic-error"
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

/// The hint of a line that only says which test failed.
const TESTS_FAILED: &str = "Tests failed: see the failing test's report for the assertion.";

/// The first rule that matches a line wins: specific before generic, wrappers before what they wrap.
pub static RULES: &[Rule] = &[
    // --- the environment -----------------------------------------------------------------------
    rule(
        "disk-full",
        r"(?i)no space left on device|disk quota exceeded|not enough (free )?disk space",
        Infrastructure,
        0,
        Line,
        "The runner's disk is full: clean caches and build artifacts, or use a runner with more space.",
    ),
    rule(
        "oom",
        r"(?i)\bout of memory\b|outofmemoryerror|cannot allocate memory|javascript heap out of memory|\bMemoryError\b|std::bad_alloc|oomkilled|exit code 137|signal: killed|^killed$|\bKilled\s+(signal|process)|fatal error: runtime: out of memory",
        OutOfMemory,
        0,
        Line,
        "The job ran out of memory (exit 137 is the kernel's OOM killer): lower parallelism, raise the runner's memory, or look for a leak.",
    ),
    rule(
        "timeout-ci",
        r"(?i)no output has been received in the last \d+m|execution took longer than|job'?s? (log )?exceeded|exceeded the maximum (execution|time)|the job exceeded the maximum time limit|timed out after \d+|job timed out",
        Timeout,
        0,
        Line,
        "The job hit a time limit: find the step that hangs (a prompt waiting for input, a dead service, a deadlock) or raise the limit.",
    ),
    rule(
        "dns",
        r"(?i)could not resolve host|temporary failure in name resolution|name or service not known|getaddrinfo (enotfound|eai_again)|no such host|could not resolve proxy|unknownhostexception|nodename nor servname",
        Network,
        0,
        Line,
        "A host name did not resolve: a network outage on the runner, a typo in a URL, or a registry that is down. Retrying usually helps.",
    ),
    rule(
        "tls",
        r"(?i)ssl certificate problem|certificate verify failed|x509: certificate|tls handshake (timeout|failed)|sslerror|unable to get local issuer certificate|self[- ]signed certificate in certificate chain",
        Network,
        0,
        Line,
        "A TLS connection failed: an expired or self-signed certificate, a proxy intercepting TLS, or a clock that is off.",
    ),
    // Ansible's result for a host that could not be reached over SSH or WinRM.
    rule(
        "ansible-unreachable",
        r"^fatal: \[[^\]]+\]: UNREACHABLE! =>",
        Network,
        1,
        Line,
        "Ansible could not reach the host: check its address, the SSH port and key, and the runner's network.",
    ),
    rule(
        "connection",
        r"(?i)connection (refused|reset by peer|timed out)|econnrefused|econnreset|etimedout|network is unreachable|failed to connect to|connect timeout|i/o timeout|remote end closed connection|read timed out|\b(502 bad gateway|503 service unavailable|504 gateway time-?out)\b|too many requests|toomanyrequests|rate limit exceeded",
        Network,
        0,
        Line,
        "A network connection failed (a service down, refused or rate-limited). Retry; if it recurs, check the service and the runner's network.",
    ),
    // --- dependencies ---------------------------------------------------------------------------
    rule(
        "pip-resolve",
        r"(?i)could not find a version that satisfies the requirement|no matching distribution found|resolutionimpossible|error: cannot install .* conflicting dependencies|error: failed building wheel|failed to build installable wheels|pip\._vendor",
        Dependency,
        0,
        Line,
        "pip could not install a requirement: check the package name and version pins against the Python version of the job.",
    ),
    // pip's frame around a build step's output: a pointer to the error inside the frame.
    rule(
        "pip-subprocess",
        r"^\s*error: (subprocess-exited-with-error|metadata-generation-failed)",
        Dependency,
        3,
        Line,
        "A package's build step failed while pip installed it: its own error is in the output pip framed.",
    ),
    // pytest's report of a test module or conftest it could not import: the header, the frame
    // of the import, and the `E` line naming what is missing.
    rule(
        "pytest-import",
        r"^ImportError while (loading conftest|importing test module) '",
        Dependency,
        0,
        Report,
        "pytest could not import a test module or conftest: the E line names the missing module; install it or fix the import.",
    ),
    rule(
        "py-import",
        r"^\s*(ModuleNotFoundError|ImportError): ",
        Dependency,
        0,
        Line,
        "A Python module is missing: add it to the requirements, or install the project (pip install -e .) before running it.",
    ),
    // Perl's `use` of a module that is not installed: `Can't locate Foo/Bar.pm in @INC (you may
    // need to install the Foo::Bar module)`, with `BEGIN failed--compilation aborted` under it.
    rule(
        "perl-module",
        r"^Can't locate \S+\.pm in @INC",
        Dependency,
        0,
        Line,
        "A Perl module is not installed: add it to the dependencies (cpanfile, Makefile.PL) and install them before the tests.",
    ),
    rule(
        "npm-code",
        r"^npm (ERR!|error) (code (E404|ETARGET|ERESOLVE|ENOTFOUND|EINTEGRITY|ENOVERSIONS|E401|E403)|404 |notarget|peer dep|ERESOLVE|Could not resolve dependency|missing script:)",
        Dependency,
        1,
        List,
        "npm could not install or run: check package.json, the lock file and the registry credentials.",
    ),
    rule(
        "node-module",
        r"(Error: )?Cannot find module '[^']+'|ERR_MODULE_NOT_FOUND|Module not found: Error: Can't resolve",
        Dependency,
        0,
        Stack,
        "A JavaScript module is missing: run npm ci (or yarn install) before the build, and check the import path.",
    ),
    // A bundler's unresolved import (esbuild's `✘ [ERROR] Could not resolve "x"`, Rollup's and
    // Rolldown's `Could not resolve './x' from/in src/main.js`) and the code frame under it.
    rule(
        "unresolved-import",
        r#"Could not resolve ['"]"#,
        Compilation,
        0,
        Section,
        "The bundler could not resolve an import: check the path and that the module is installed.",
    ),
    rule(
        "cargo-dep",
        r"^error: (failed to select a version|no matching package named|failed to get `[^`]+` as a dependency|failed to download|failed to load source for dependency|failed to parse lock file|the lock file .* needs to be updated)",
        Dependency,
        0,
        Section,
        "Cargo could not resolve a dependency: check Cargo.toml, the lock file (cargo update -p …) and the registry.",
    ),
    rule(
        "go-mod",
        r"^go: (.*: )?(unknown revision|module .* not found|reading .*: 404|cannot find module|missing go\.sum entry|updates to go\.mod needed|inconsistent vendoring|.*: invalid version)|^(.*: )?missing go\.sum entry",
        Dependency,
        0,
        Line,
        "Go modules could not be resolved: run go mod tidy and commit go.mod and go.sum.",
    ),
    rule(
        "maven-dep",
        r"(?i)could not resolve dependencies|could not transfer artifact|failed to collect dependencies|non-resolvable parent pom|could not find artifact|failed to read artifact descriptor|dependency resolution failed|could not resolve all (files|dependencies)",
        Dependency,
        0,
        Line,
        "Maven/Gradle could not resolve an artifact: check the coordinates, the repository list and its credentials.",
    ),
    rule(
        "apt",
        r"^E: (Unable to locate package|Package '?[^ ]+'? has no installation candidate|Unable to correct problems|Version '.*' for '.*' was not found|Failed to fetch|Some index files failed to download|Could not get lock|Unable to fetch some archives)",
        Dependency,
        0,
        Line,
        "apt could not install a package: run apt-get update first and check the package name for this distribution release.",
    ),
    rule(
        "gem-bundler",
        r"(?i)^(Could not find gem|Bundler could not find compatible versions|Gem::MissingSpecError|Gem::LoadError|An error occurred while installing .* and Bundler cannot continue)",
        Dependency,
        0,
        Line,
        "Bundler could not install the gems: check the Gemfile and Gemfile.lock against the Ruby version of the job.",
    ),
    rule(
        "composer",
        r"^\s*(Your requirements could not be resolved to an installable set of packages|Problem \d+$)",
        Dependency,
        0,
        List,
        "Composer could not resolve the requirements: check composer.json and composer.lock against the PHP version.",
    ),
    rule(
        "shared-lib",
        r"error while loading shared libraries: .*: cannot open shared object file",
        Dependency,
        0,
        Line,
        "A shared library is missing on the runner: install the package that provides it, or link statically.",
    ),
    rule(
        "cmake-find",
        r"Could NOT find \w+|Could not find a package configuration file provided by",
        Dependency,
        0,
        Line,
        "CMake could not find a dependency: install its development package on the runner or point CMake at it (CMAKE_PREFIX_PATH).",
    ),
    // --- compilers -----------------------------------------------------------------------------
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
        r"^error: (failed to run custom build command|build failed|could not compile|aborting due to|test failed, to rerun|linking with `[^`]+` failed|process didn't exit successfully)|^error: Could not compile",
        Compilation,
        3,
        Diagnostic,
        "Cargo stopped: the error it reports is above, or in the build script's output below.",
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
    // Before rustc's `error: …`, which git's own errors share.
    rule(
        "git",
        r"^fatal: |^error: (pathspec|failed to push|src refspec|Your local changes)",
        Configuration,
        1,
        Line,
        "git failed: check the ref, the remote and the credentials of the job.",
    ),
    rule(
        "rustc",
        r"^error(\[E\d{4}\])?: [^\n]",
        Compilation,
        0,
        Diagnostic,
        "The Rust code does not compile: fix the first error; later ones often follow from it.",
    ),
    rule(
        "linker",
        r"undefined reference to `|ld: cannot find -l|ld returned \d+ exit status|Undefined symbols for architecture|ld: symbol\(s\) not found|multiple definition of `|LINK : fatal error|unresolved external symbol",
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
        r"^[^\s:][^:]*:\d+:(\d+:)? (fatal error|error|Error):? ",
        Compilation,
        0,
        Diagnostic,
        "The code does not compile: fix the first error at the file and line shown.",
    ),
    rule(
        "elixir-compile",
        r"^\*\* \((CompileError|SyntaxError|TokenMissingError|KeyError|UndefinedFunctionError|ArgumentError|RuntimeError|MatchError)\)",
        Compilation,
        0,
        Stack,
        "Elixir failed: fix the error at the file and line shown.",
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
    rule(
        "syntax-error",
        r"^\s*(SyntaxError|IndentationError|TabError): ",
        Compilation,
        0,
        Line,
        "There is a syntax error at the file and line shown.",
    ),
    // --- tests ----------------------------------------------------------------------------------
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
            r"^_{3,} \S.* _{3,}$",
            TestFailure,
            0,
            Report,
            "A pytest test failed: the E lines show the assertion and its values.",
        )
    },
    // CTest's verdict for a test past its TIMEOUT property (`2/2 Test #2: sync ....***Timeout
    // 1.01 sec`), with what the test printed under it (`--output-on-failure`).
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
            r"^\[  FAILED  \] \S+ \(\d+ ms\)$",
            TestFailure,
            0,
            Line,
            "A GoogleTest test failed: its failures are shown with the values the check compared.",
        )
    },
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
    rule(
        "test-summary-failed",
        r"^(FAILED|ERROR) \S+::\S+|^test \S+ \.\.\. FAILED$|^\s*Test: .+\.\.\.FAILED$",
        TestFailure,
        1,
        Line,
        TESTS_FAILED,
    ),
    // A runner's progress mark for a failed test (jest, vitest, node --test, Pester's `[-]`): the
    // runner reports the failure in full further down, so the mark is the answer only when
    // nothing else is.
    rule(
        "test-mark-failed",
        r"^\s*(✕|✗|✘|✖|×|\[-\]) \S",
        TestFailure,
        2,
        Line,
        TESTS_FAILED,
    ),
    rule(
        "phpunit-summary",
        r"^(OK, but incomplete, skipped, or risky tests!|FAILURES!|ERRORS!|No tests executed!)$",
        TestFailure,
        2,
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
    rule(
        "r-check",
        r"^\* checking .* \.\.\. (ERROR|FAILED)|^Running the tests in .* failed\.|^Error in .*: ",
        TestFailure,
        1,
        Section,
        "R CMD check failed: the lines under it show which check.",
    ),
    // The heading a test runner prints over its numbered failure reports (JUnit 4 and 5's
    // console runners, mocha, RSpec, Jasmine, FiveAM…): the report is everything under it.
    rule(
        "failures-heading",
        r"^\s*(?:Failures:|\d+ failing|There (?:was|were) \d+ failures?:|Failures \(\d+\):|Failure Details:)$",
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
    // --- lint and format -----------------------------------------------------------------------
    // Bandit's report of a security issue: the check, its severity, the location and the code.
    rule(
        "bandit-issue",
        r"^>> Issue: \[B\d+:\w+\] ",
        Lint,
        0,
        Section,
        "Bandit found a security issue at the location shown: fix it, or mark a deliberate case with # nosec and the check's id.",
    ),
    // pre-commit's hook line, padded with dots to its verdict, over the hook's id, exit code and
    // output; the next hook's line ends it.
    rule(
        "pre-commit-hook",
        r"^\S.*\.{4,}Failed$",
        Lint,
        0,
        Report,
        "A pre-commit hook failed: its output says what to fix; a hook that modified files fixed them itself, so commit its changes.",
    ),
    // The "stylish" list many linters print under a file's name: `  12:5  error  message  rule`
    // (ESLint, yamllint), with a mark for the level in stylelint's (`  2:3  ✖  message`).
    with_path_lead(rule(
        "lint-list",
        r"^\s+\d+:\d+\s+(error|✖|×)\s+\S",
        Lint,
        0,
        List,
        "A linter found errors at the lines listed under the file's name: fix them (ESLint and stylelint fix some themselves with --fix).",
    )),
    with_path_lead(rule(
        "prettier",
        r"^(\[warn\] )?Code style issues (found|in)",
        Lint,
        0,
        Line,
        "The code is not formatted: run Prettier (--write) and commit.",
    )),
    rule(
        "flake8",
        r"^[^\s:]+\.py:\d+:\d+: [A-Z]{1,3}\d{3} ",
        Lint,
        0,
        List,
        "The Python linter found problems at the lines shown.",
    ),
    rule(
        "mypy",
        r"^[^\s:]+\.pyi?:\d+: error: ",
        Lint,
        0,
        List,
        "mypy found type errors at the lines shown.",
    ),
    // A formatter's verdict under the diff it would apply (black --diff, gofmt -d): the diff is
    // the finding.
    Rule {
        lead: Lead::Diff,
        ..rule(
            "rustfmt",
            r"^Diff in \S+( at line \d+)?:|^would reformat |^Oh no! .* files? would be reformatted|^gofmt|^\S+\.go: needs formatting",
            Lint,
            0,
            Section,
            "The code is not formatted: run the formatter (cargo fmt, black, gofmt, prettier) and commit.",
        )
    },
    rule(
        "metalinter",
        r"^\S+:\d+:\d*:(warning|error): .*\(\w+\)$",
        Lint,
        0,
        List,
        "A linter reported problems at the lines shown.",
    ),
    rule(
        "markdownlint",
        r"^\S+\.md:\s?\d+(:\d+)?:? MD\d{3}",
        Lint,
        0,
        List,
        "Markdown lint errors: fix the lines shown.",
    ),
    rule(
        "shellcheck",
        r"^In \S+ line \d+:$",
        Lint,
        0,
        Section,
        "ShellCheck found problems in the script lines shown.",
    ),
    rule(
        "link-check",
        r"^> Links$|^\s*\d+\. (\[L\d+\] )?[345]\d\d https?://|^\s*\[✖\] https?://|^✗ .*https?://|^ERROR: \d+ dead links? found",
        Lint,
        1,
        List,
        "The link checker found dead or redirected links: update the URLs listed.",
    ),
    // --- docker --------------------------------------------------------------------------------
    rule(
        "docker-pull",
        r"(?i)pull access denied|manifest (for .* )?unknown|repository does not exist or may require 'docker login'|error response from daemon: .*not found",
        DockerBuild,
        0,
        Line,
        "Docker could not pull an image: check its name and tag, and the registry login.",
    ),
    rule(
        // BuildKit's digest of a failed RUN step: ` > [2/4] RUN make:`, then the last lines of its
        // output, framed by `------`. The output itself is the story when no rule knows it.
        "buildkit-step",
        r"^ ?> \[[^\]]+\] RUN .*:$",
        DockerBuild,
        1,
        Section,
        "A Dockerfile RUN step failed: the last lines of its output, shown here, say why.",
    ),
    rule(
        "docker-build",
        r"^ERROR: failed to (solve|build)|failed to solve with frontend|executor failed running|The command '.*' returned a non-zero code|^ERROR \[[^\]]+\]|did not complete successfully: exit code",
        DockerBuild,
        2,
        Line,
        "A Dockerfile step failed: the output of that RUN step, above, says why.",
    ),
    // --- permissions and configuration ----------------------------------------------------------
    rule(
        "permission",
        r"(?i)permission denied|\beacces\b|operation not permitted|\b403 forbidden\b|authentication (failed|required)|access denied|unauthorized: |could not read username|bad credentials",
        Permission,
        0,
        Line,
        "Permission denied: check file modes, the runner's user, and the token's scopes or expiry.",
    ),
    rule(
        "yaml",
        r"(?i)found character that cannot start any token|mapping values are not allowed|did not find expected (key|',' or ']'|node content)|could not find expected ':'|yaml(\.scanner|\.parser)?\.\w*error|error (in|parsing) .*\.ya?ml|jobs config should|invalid ci config|\.gitlab-ci\.yml",
        Configuration,
        0,
        Line,
        "A YAML file is malformed at the line and column shown: check indentation and quoting.",
    ),
    // A script whose `#!` interpreter does not exist: bash's `bad interpreter: No such file or
    // directory` (before 5.2) and `cannot execute: required file not found` (5.2), most often
    // for `bash\r`, a shebang with Windows line ends.
    rule(
        "bad-interpreter",
        r"bad interpreter: |cannot execute: required file not found$",
        Configuration,
        1,
        Line,
        "The script's interpreter (its #! line) was not found: Windows line ends (CRLF) in the script, or an interpreter the job's image lacks. Convert the line ends (.gitattributes: *.sh text eol=lf) or install it.",
    ),
    rule(
        "command-not-found",
        r"command not found$|: not found$|is not recognized as an internal or external command|No such file or directory$|executable file not found in",
        Configuration,
        1,
        Line,
        "A command or file does not exist on the runner: install it in the job's image or fix the path.",
    ),
    rule(
        "rake",
        r"^rake aborted!$|^No Rakefile found",
        Configuration,
        1,
        Section,
        "rake stopped: the line under rake aborted! says why.",
    ),
    rule(
        "gradle",
        r"^\* What went wrong:$",
        Compilation,
        1,
        Section,
        "Gradle failed: the lines under What went wrong name the task and the cause.",
    ),
    rule(
        "node-error",
        r"^\s*([A-Z][a-z]+( [a-z]+){0,3}: )?\S*(Error|Exception)( \[\w+\])?: |^Uncaught \w+|UnhandledPromiseRejection",
        Unknown,
        1,
        Stack,
        "An error was raised: its message says what went wrong; the first frame of a stack trace under it, if there is one, points at the code.",
    ),
    rule(
        "java-exception",
        r"^Exception in thread |^Caused by: |^(\S+\.)+\w+(Exception|Error)(: |$)",
        Unknown,
        1,
        Stack,
        "An exception was thrown: the first frame of the stack under it points at the code.",
    ),
    rule(
        "ruby-exception",
        r"^\S+\.rb:\d+:in `[^']*': .*\(\w+(::\w+)*(Error|Exception)\)|^\s+\S.* \((\w+::)*\w*(Error|Exception)\)$",
        Unknown,
        1,
        Stack,
        "Ruby raised an exception at the file and line shown.",
    ),
    // PowerShell's error views: Windows PowerShell's `Cmdlet : message` over `At path:line
    // char:N` and `+ …` lines; PowerShell 7's `Cmdlet: path:line` over `Line |` and a framed
    // message. The anchor is the view's second line; the message is the line above it.
    Rule {
        lead: Lead::Line,
        ..rule(
            "powershell",
            r"^At \S.*:\d+ char:\d+$|^Line \|$",
            Unknown,
            1,
            Section,
            "PowerShell stopped on the error shown, at the script line it names.",
        )
    },
    // Erlang/OTP's boot failure: the VM prints the uncaught reason twice, as a term and as text.
    rule(
        "erlang-boot",
        r#"^(\{"|)init terminating in do_boot"#,
        Unknown,
        1,
        Line,
        "The Erlang VM stopped at boot: the reason term names the error and the function it came from.",
    ),
    rule(
        "lua-error",
        r"^(\S*lua\S*: )?(\[string \S+\]|\S+\.lua):\d+: |^fail: |^stack traceback:$",
        Unknown,
        1,
        Stack,
        "Lua raised an error at the file and line shown.",
    ),
    Rule {
        lead: Lead::Warnings,
        ..rule(
            "werror",
            r"warnings found and -Werror specified|failed due to warnings while using the --warnings-as-errors|^ESLint found too many warnings|^Aborted with \d+ warnings? in strict mode|\(with warnings treated as errors\)|incurred under -(Werror|Xfatal-warnings)",
            Compilation,
            1,
            Line,
            "Warnings failed the build (treated as errors: -Werror, strict mode): fix the warnings shown, or stop treating them as errors.",
        )
    },
    // scan-build's verdict with --status-bugs: the analyzer's findings above it, printed as
    // warnings with their code frames, failed the job.
    Rule {
        lead: Lead::Warnings,
        ..rule(
            "analyzer-bugs",
            r"^scan-build: \d+ bugs? found\.$",
            Lint,
            1,
            Line,
            "The static analyzer found bugs, printed as warnings above with their code frames: fix them (scan-view shows each bug's path).",
        )
    },
    // --- generic ---------------------------------------------------------------------------------
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
    // wherever the framework's own header is one the engine does not know.
    rule(
        "expected-but-was",
        r"expected:? ?<[^>]*> but was:? ?<[^>]*>",
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
            r"^\s*--> \S+:\d+(:\d+)?\s*$|^(?:[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.[A-Za-z]\w{0,9}:\d+:\d+$",
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
    // the next line (SWI-Prolog's `ERROR: path:4:`).
    Rule {
        yields_to_noise: true,
        ..rule(
            "diagnostic",
            r"^(?:(?:❌|✗|✖|✘|×|▸)\s+|ERROR: )?(?:[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.[A-Za-z]\w{0,9}(?::\d+(?::\d+)?(?:-\d+(?::\d+)?)?:|\(\d+(?:, ?\d+)?\):?)(?: ?\S|$)|^\s*(?:[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.[A-Za-z]\w{0,9}:\d+(?::\d+)? - error: |^(?:[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.[A-Za-z]\w{0,9}:\d+(?::\d+)? error \S",
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
    rule(
        "generic-error",
        // A bracketed tag alone opens a report too: sbt and Maven print an empty `[error]` line
        // above their error summaries.
        r"^(##\[error\]|\[ERROR\]|\[error\]|ERROR:?|Error:|error:|FATAL:?|Fatal:|fatal error:|E:|ERR!|\*\*\* ERROR) ?\S|^\[(error|ERROR)\]\s*$",
        Unknown,
        2,
        Line,
        "The job reported an error: read the lines shown and the output just above them.",
    ),
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
        r"^make(\[\d+\])?: \*\*\* .*(Error \d+|Stop\.)",
        Compilation,
        3,
        Line,
        "make stopped: the command it ran failed; its first error is above.",
    ),
];

/// Lines that look like errors and are not: commands echoed by the CI, summaries of zero
/// failures, compiler flags, progress output.
static NOISE: &str = r"(?ix)
    ^\$\s
  | ^\+\s
  | ^--\s
  | ^\s*-\ (installing|updating|downloading|removing|loading)\b
  | \b0\ (errors?|failures?|failed)\b
  | \b(errors?|failures?|failed):?\ 0\b
  | \bno\ errors?\b
  | -W(no-)?error
  | -fmax-errors
  | ^\s*(compiling|checking|downloading|downloaded|fresh|running|installing|collecting|requirement\ already)\s
  | ^\s*(warning|warn|npm\ warn|\[warning\]|\[warn\]|note):?\s
  | error_reporting|error\.(log|rs|go|js|ts|py|h|c)\b|errors\.(rs|go|js|ts|py)\b
  | retrying|will\ retry|retry\ \d
  | ^\s*(ok|pass|passed|✓|√)\b
  | ^\S+(:\d+)+:?\s*(warning|note|info|hint|remark|deprecated|\w+Warning)\b
  | ^\S+\(\d+(,\d+)?\):\s*(warning|note|info|message)\b
";

/// A log line written at a level below error (`[INFO]`, `WARN:`, `Warning:`, PHP's `PHP Notice:`,
/// Python's `path:12: DeprecationWarning:`, `level=debug`, a timestamp then `DEBUG`, glog's
/// `I1201 …`): a test or an application logging a `connection refused` at INFO is
/// not the job's failure while another candidate exists.
static BELOW_ERROR: &str = r"(?x)
    ^\s*(\d{4}-\d\d-\d\d[T\ ][\d:.,]+(Z|[+-]\d\d:?\d\d)?\s+)?
     (\[\s*(TRACE|DEBUG|INFO|WARN|WARNING|NOTICE)\s*\]|(TRACE|DEBUG|INFO|WARN|WARNING|NOTICE)(:|\s))
  | ^\S*\s*\[[^\]]{1,40}\]\s+(TRACE|DEBUG|INFO|WARN|WARNING)\s
  | ^\s*(PHP\ )?(Trace|Debug|Info|Warn|Warning|Notice|Deprecated):\s
  | ^\S+:\d+:\ \w*Warning:\s
  | \blevel=(trace|debug|info|warn|warning)\b
  | ^[IWD]\d{4}\ \d\d:\d\d:\d\d\.\d+\s
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
    set: RegexSet,
    noise: Regex,
    below_error: Regex,
}

impl Rules {
    pub fn get() -> &'static Rules {
        static RULES_CELL: OnceLock<Rules> = OnceLock::new();
        RULES_CELL.get_or_init(|| Rules {
            keywords: Keywords::new(),
            // ASCII classes and word boundaries keep the whole set on the lazy DFA (a Unicode
            // `\b` sends it to the slow PikeVM on any non-ASCII line); a cache big enough for
            // the set keeps it there.
            set: RegexSetBuilder::new(RULES.iter().map(|r| r.pattern))
                .unicode(false)
                .dfa_size_limit(32 << 20)
                .build()
                .expect("rule patterns compile"),
            noise: RegexBuilder::new(NOISE)
                .unicode(false)
                .build()
                .expect("noise pattern compiles"),
            below_error: RegexBuilder::new(BELOW_ERROR)
                .unicode(false)
                .build()
                .expect("log level pattern compiles"),
        })
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
                || line.starts_with("File \"")
                || line.starts_with("! ")
                || located(line)
        };
        if !candidate {
            return None;
        }
        // Most candidates match no rule: a plain search, which stops at its first match, tells
        // so faster than the overlapping search that finds every rule that matches.
        if !self.set.is_match(line.as_bytes()) {
            return None;
        }
        let best = self
            .set
            .matches(line.as_bytes())
            .into_iter()
            .map(|i| &RULES[i])
            .next()?;
        // Specific rules are precise enough to stand; generic ones yield to known noise.
        if best.yields_to_noise && self.noise.is_match(line.as_bytes()) {
            return None;
        }
        // A source line quoted in a code frame is what the code says, not what happened.
        if best.category.masquerade_rank().is_some() && quoted_source(line) {
            return None;
        }
        if !best.names_its_level && self.below_error.is_match(line.as_bytes()) {
            return Some(&LOGGED_BELOW_ERROR);
        }
        Some(best)
    }
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
mod tests {
    use super::*;

    fn rule_of(line: &str) -> Option<&'static str> {
        Rules::get().classify(line).map(|r| r.name)
    }

    #[test]
    fn every_pattern_compiles() {
        for r in RULES {
            RegexBuilder::new(r.pattern)
                .unicode(false)
                .build()
                .unwrap_or_else(|e| panic!("{}: {e}", r.name));
        }
    }

    #[test]
    fn recognises_tools() {
        let cases = [
            ("error[E0425]: cannot find value `x` in this scope", "rustc"),
            (
                "src/main.c:12:5: error: expected ';' before '}' token",
                "gcc",
            ),
            ("./main.go:5:2: undefined: foo", "go-build"),
            ("--- FAIL: TestParse (0.00s)", "go-test"),
            (
                "FAIL Bug #72294 Segfault in pgsql_stmt_dtor [ext/pdo_pgsql/tests/bug72294.phpt] ",
                "php-run-tests",
            ),
            ("Traceback (most recent call last):", "py-traceback"),
            (
                "ImportError while loading conftest '/builds/shop/tests/conftest.py'.",
                "pytest-import",
            ),
            (
                "/src/cart.nim(5, 26) Error: type mismatch: got 'int'",
                "diagnostic",
            ),
            ("ERROR: /builds/shop/test_cart.pl:4:", "diagnostic"),
            (
                "ModuleNotFoundError: No module named 'requests'",
                "py-import",
            ),
            (
                "src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
                "tsc",
            ),
            ("App.java:5: error: cannot find symbol", "javac"),
            ("E: Unable to locate package libfoo-dev", "apt"),
            (" > [build 3/3] RUN cargo build --release:", "buildkit-step"),
            (
                "fatal: unable to access 'https://x/': Could not resolve host: x",
                "dns",
            ),
            ("write /tmp/x: no space left on device", "disk-full"),
            (
                "[ERROR] /builds/acme/shop/src/Money.java: warnings found and -Werror specified",
                "werror",
            ),
            ("scan-build: 2 bugs found.", "analyzer-bugs"),
            ("\tCaused an ERROR", "ant-junit"),
            ("Testcase: total(shop.CartTest):\tFAILED", "ant-junit"),
            (
                r#"File "/builds/acme/shop/cart.py", line 6, in cart.total"#,
                "doctest",
            ),
            (" Failure Details:", "failures-heading"),
            (
                "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
                "oom",
            ),
            (
                "thread 'main' panicked at 'boom', src/main.rs:2:5",
                "rust-panic",
            ),
            (
                // Rust 1.88 and later name the thread's id too.
                "thread 'tests::adds' (31329) panicked at src/lib.rs:17:9:",
                "rust-panic",
            ),
            (
                "_________________________ test_parse _________________________",
                "pytest-section",
            ),
            ("  ● Parser › parses empty input", "jest"),
            ("CartTest > twoPrices() FAILED", "gradle-test"),
            ("CartTest > Nested > twoPrices() FAILED", "gradle-test"),
            ("bash: line 1: foo: command not found", "command-not-found"),
            (
                "bash: line 1: ./deploy.sh: cannot execute: required file not found",
                "bad-interpreter",
            ),
            (
                "bash: ./deploy.sh: /bin/bash^M: bad interpreter: No such file or directory",
                "bad-interpreter",
            ),
            (
                "PHP Fatal error:  Allowed memory size of 16777216 bytes exhausted (tried to allocate 4096 bytes)",
                "php-memory",
            ),
            (
                "  12:5  error  'x' is defined but never used  no-unused-vars",
                "lint-list",
            ),
            (
                "  2:3   ✖  Unknown property \"colr\"  property-no-unknown",
                "lint-list",
            ),
            ("app.py:3:1: F401 'os' imported but unused", "flake8"),
            ("Failure ('test-cart.R:7'): two prices add up", "testthat"),
            (
                "── 1. Failure: two prices add up (@test-cart.R#7)  ──────────",
                "testthat",
            ),
            ("==== two-1 two prices add up FAILED", "tcltest"),
            (
                "ASSERT:two prices expected:<5> but was:<3>",
                "expected-but-was",
            ),
            ("! LaTeX Error: File `x.sty' not found.", "tex"),
            ("! Missing $ inserted.", "tex"),
            // Behind the `==pid==` prefix, which the engine strips.
            (
                "ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020",
                "memory-error",
            ),
            ("Invalid read of size 4", "memory-error"),
            (
                "33 bytes in 3 blocks are definitely lost in loss record 1 of 1",
                "memory-error",
            ),
            (
                "WARNING: ThreadSanitizer: data race (pid=28826)",
                "memory-error",
            ),
            (
                "src/a.c:5:12: runtime error: signed integer overflow",
                "memory-error",
            ),
            ("init terminating in do_boot ({undef,[]})", "erlang-boot"),
            ("In deploy.sh line 2:", "shellcheck"),
            ("WARNING: DATA RACE", "go-race"),
            (" FAIL  sum.test.js > sums", "vitest"),
            (
                "  /src/app/util.py:2:12 - error: Type \"str\" is not assignable",
                "diagnostic",
            ),
            (
                "README.md:2 error MD022/blanks-around-headings Headings should be surrounded by blank lines",
                "diagnostic",
            ),
            (
                "[UNRESOLVED_IMPORT] Could not resolve './cart.js' in src/main.js",
                "unresolved-import",
            ),
            ("cart_SUITE:two failed on line 8", "common-test"),
            ("Failure -> spec/cart_spec.lua @ 4", "busted"),
            ("FAIL: tax_test", "test-verdict-line"),
            ("FAILED: twoItems", "test-verdict-line"),
            // Ruby's message and class, as Cucumber prints them under the failed step.
            ("      expected 5, got 3 (RuntimeError)", "ruby-exception"),
            ("  ✘ [fail]: adds prices", "test-mark-failed"),
            (
                "Can't locate Money/Exlogare.pm in @INC (you may need to install the Money::Exlogare module)",
                "perl-module",
            ),
            ("[  FAILED  ] Cart.TwoPrices (0 ms)", "gtest-failed"),
            // Ninja's failed build edge names its output, not a test.
            ("• Failure [0.000 seconds]", "ginkgo-spec"),
            // An error under a short label of the runner's (mocha's).
            (
                " Exception during run: Error: `.only` forbidden by --forbid-only",
                "node-error",
            ),
            (
                "1/2 cart  FAIL            0.03s   exit status 1",
                "meson-test",
            ),
            (
                " 1/2 cart                      FAIL     0.03 s (exit status 1)",
                "meson-test",
            ),
            (
                ">> Issue: [B602:subprocess_popen_with_shell_equals_true] subprocess call with shell=True identified, security issue.",
                "bandit-issue",
            ),
            ("• [FAILED] [0.001 seconds]", "ginkgo-spec"),
            ("FAILED: shop.p/main.c.o", "failed-word"),
            (
                "no print statements......................................................Failed",
                "pre-commit-hook",
            ),
            ("  Test: two items ...FAILED", "test-summary-failed"),
            (
                "Compilation failed due to warnings while using the --warnings-as-errors option",
                "werror",
            ),
            ("ESLint found too many warnings (maximum: 0).", "werror"),
            ("Aborted with 1 warnings in strict mode!", "werror"),
            ("Oops! Something went wrong! :(", "crash-banner"),
            (
                "2/2 Test #2: sync_test ........................***Timeout   1.01 sec",
                "ctest-timeout",
            ),
            (
                "build finished with problems, 1 warning (with warnings treated as errors).",
                "werror",
            ),
            (
                "No warnings can be incurred under -Werror (or -Xfatal-warnings)",
                "werror",
            ),
            (
                "fatal: [web1]: FAILED! => {\"changed\": false, \"msg\": \"No package matching 'ngnix'\"}",
                "ansible-failed",
            ),
            (
                "fatal: [web1]: UNREACHABLE! => {\"changed\": false, \"msg\": \"Failed to connect to the host via ssh\"}",
                "ansible-unreachable",
            ),
            (
                "fatal: not a git repository (or any of the parent directories): .git",
                "git",
            ),
            (
                "Unhandled TYPE-ERROR in thread #<SB-THREAD:THREAD \"main thread\" RUNNING",
                "lisp-condition",
            ),
            (
                "Unhandled ASDF/FIND-COMPONENT:MISSING-DEPENDENCY in thread #<SB-THREAD:THREAD",
                "lisp-condition",
            ),
            ("  But was:  3", "assertion"),
            ("; caught WARNING:", "lisp-condition"),
            ("Test cart-two-prices condition:", "ert-condition"),
            ("At C:\\build\\deploy.ps1:5 char:1", "powershell"),
            ("Line |", "powershell"),
            ("   [-] adds two prices 9ms (7ms|2ms)", "test-mark-failed"),
            (
                "    TypeError [Error]: Cannot read properties of undefined (reading 'x')",
                "node-error",
            ),
            ("  ✖ reads host (0.230584ms)", "test-mark-failed"),
            // Go's runtime error is a panic's, not a sanitizer's.
            (
                "panic: runtime error: invalid memory address or nil pointer dereference",
                "go-panic",
            ),
            ("  ✕ loads an order (10 ms)", "test-mark-failed"),
        ];
        for (line, expected) in cases {
            assert_eq!(rule_of(line), Some(expected), "{line}");
        }
    }

    #[test]
    fn ignores_noise() {
        for line in [
            "$ make test",
            "test result: ok. 3 passed; 0 failed; 0 ignored",
            "gcc -Werror -c foo.c",
            "   Compiling error-chain v0.12.4",
            "warning: unused variable: `x`",
            "Tests run: 5, Failures: 0, Errors: 0, Skipped: 0",
            "src/app.c:12:1: warning: unused variable 'x'",
            // A traceback's frame is indented: not a doctest report.
            r#"  File "/builds/acme/shop/cart.py", line 6, in total"#,
            "All good",
            "",
            // Source quoted in a code frame (Ansible's origin, Rust's, Babel's) says what the
            // code holds, not that a connection failed.
            "7         msg: \"cache said: connection refused\"",
            "  12 |     throw new Error('connection refused')",
            "> 3 | retry(ECONNREFUSED)",
        ] {
            assert_eq!(rule_of(line), None, "{line}");
        }
        // Unquoted, the same words are an event.
        assert_eq!(
            rule_of("cache said: connection refused"),
            Some("connection")
        );
    }
}
