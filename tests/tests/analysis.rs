//! The analysis engine on real failing-tool output (tests/fixtures/logs, made by regenerate.sh)
//! and on synthetic logs that exercise its edges: size, encoding, redaction, fingerprints.

use exlogare_shared::analysis::{Category, JobMeta, Report, analyze_bytes, analyze_reader};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/logs/{name}.log", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn analyze(log: &[u8]) -> Report {
    analyze_bytes(log, JobMeta::default())
}

fn shown(report: &Report) -> String {
    report
        .excerpts
        .iter()
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

struct Expect {
    log: &'static str,
    category: Category,
    /// A line the first excerpt must contain: the decisive one.
    decisive: &'static str,
    /// (path suffix, line) of the first location, where the tool prints one.
    location: Option<(&'static str, u32)>,
    failing_test: Option<&'static str>,
}

const fn expect(
    log: &'static str,
    category: Category,
    decisive: &'static str,
    location: Option<(&'static str, u32)>,
    failing_test: Option<&'static str>,
) -> Expect {
    Expect {
        log,
        category,
        decisive,
        location,
        failing_test,
    }
}

use Category::*;

const CASES: &[Expect] = &[
    expect(
        "rust-compile",
        Compilation,
        "error[E0425]: cannot find value `totl` in this scope",
        Some(("src/main.rs", 3)),
        None,
    ),
    expect(
        "rust-test",
        TestFailure,
        "assertion `left == right` failed",
        Some(("src/lib.rs", 11)),
        Some("tests::adds_two_numbers"),
    ),
    expect(
        "rust-clippy",
        Lint,
        "error: length comparison to zero",
        Some(("src/main.rs", 3)),
        None,
    ),
    expect(
        "rust-fmt",
        Lint,
        "Diff in /tmp/exlogare-fixtures/rust-fmt/src/main.rs:1:",
        Some(("src/main.rs", 1)),
        None,
    ),
    expect(
        "cargo-dependency",
        Dependency,
        "no matching package named `this-crate-does-not-exist-exlogare`",
        None,
        None,
    ),
    expect(
        "python-pytest",
        TestFailure,
        "E       ValueError: could not convert string to float: '1,200.00'",
        Some(("tests/test_prices.py", 9)),
        Some("tests/test_prices.py::test_parses_thousands"),
    ),
    expect(
        "python-traceback",
        Unknown,
        "KeyError: 'url'",
        Some(("python-traceback/app.py", 11)),
        None,
    ),
    expect(
        "python-import",
        Dependency,
        "ModuleNotFoundError: No module named 'requests_toolbelt_missing'",
        Some(("python-import/main.py", 1)),
        None,
    ),
    expect(
        "python-flake8",
        Lint,
        "tool.py:1:1: F401 'os' imported but unused",
        Some(("tool.py", 1)),
        None,
    ),
    expect(
        "pip-missing",
        Dependency,
        "No matching distribution found for this-package-does-not-exist-exlogare",
        None,
        None,
    ),
    expect("python-oom", OutOfMemory, "MemoryError", None, None),
    expect(
        "yaml-config",
        Configuration,
        "yaml.parser.ParserError: while parsing a block mapping",
        Some(("config.yml", 4)),
        None,
    ),
    expect(
        "node-test",
        TestFailure,
        "not ok 1 - sums two numbers",
        Some(("node-test/sum.test.js", 6)),
        Some("sums two numbers"),
    ),
    expect(
        "node-module",
        Dependency,
        "Error: Cannot find module 'left-pad-exlogare-missing'",
        Some(("node-module/index.js", 1)),
        None,
    ),
    expect("npm-missing", Dependency, "npm error code E404", None, None),
    expect(
        "typescript",
        Compilation,
        "error TS2322: Type 'string' is not assignable to type 'number'.",
        Some(("src/index.ts", 2)),
        None,
    ),
    expect(
        "java-compile",
        Compilation,
        "App.java:5: error: cannot find symbol",
        Some(("src/main/java/demo/App.java", 5)),
        None,
    ),
    expect(
        "java-exception",
        Unknown,
        "java.lang.NumberFormatException: Cannot parse null string",
        Some(("Main.java", 7)),
        None,
    ),
    expect(
        "c-compile",
        Compilation,
        "main.c:5:5: error: expected",
        Some(("main.c", 5)),
        None,
    ),
    expect(
        "c-link",
        Compilation,
        "undefined reference to `checksum'",
        None,
        None,
    ),
    expect(
        "cmake-missing",
        Configuration,
        "CMake Error at CMakeLists.txt:3 (find_package):",
        Some(("CMakeLists.txt", 3)),
        None,
    ),
    expect(
        "go-build",
        Compilation,
        "./main.go:6:14: undefined: greeting",
        Some(("main.go", 6)),
        None,
    ),
    expect(
        "go-test",
        TestFailure,
        "demo_test.go:7: Double(2) = 5, want 4",
        Some(("demo_test.go", 7)),
        Some("TestDouble"),
    ),
    expect(
        "disk-full",
        Infrastructure,
        "No space left on device",
        None,
        None,
    ),
    expect(
        "network-dns",
        Network,
        "Could not resolve host: artifacts.exlogare-does-not-resolve.invalid",
        None,
        None,
    ),
    expect(
        "command-not-found",
        Configuration,
        "webpack-exlogare-missing: command not found",
        None,
        None,
    ),
    expect(
        "permission-denied",
        Permission,
        "./deploy.sh: Permission denied",
        None,
        None,
    ),
    expect(
        "apt-missing",
        Dependency,
        "E: Unable to locate package libexlogare-missing-dev",
        None,
        None,
    ),
];

#[test]
fn real_tool_failures_get_category_decisive_line_and_location() {
    let mut failures = Vec::new();
    for case in CASES {
        let report = analyze(&fixture(case.log));
        let first = report
            .excerpts
            .first()
            .map(|e| e.text.as_str())
            .unwrap_or_default();
        let mut problems = Vec::new();
        if report.category != case.category {
            problems.push(format!("category {:?}", report.category));
        }
        if !first.contains(case.decisive) {
            problems.push(format!("first excerpt lacks the decisive line:\n{first}"));
        }
        if let Some((path, line)) = case.location {
            match report.locations.first() {
                Some(l) if l.path.ends_with(path) && l.line == line => {}
                other => problems.push(format!("location {other:?}")),
            }
        }
        if let Some(test) = case.failing_test
            && !report.failing_tests.iter().any(|t| t == test)
        {
            problems.push(format!("failing tests {:?}", report.failing_tests));
        }
        let shown_lines: u64 = report
            .excerpts
            .iter()
            .map(|e| e.end_line - e.start_line + 1)
            .sum();
        if shown_lines > 30 {
            problems.push(format!("{shown_lines} lines shown"));
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", case.log, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Docker (tests/fixtures/docker): the cause inside a RUN step's output wins, under BuildKit's
/// `#<step> <seconds> ` prefixes as under the legacy builder; without a known cause, BuildKit's
/// digest of the step's last output lines is the answer, not its closing pointer. Tests run by
/// `docker compose up` are read behind Compose's `service-1  | ` prefixes.
#[test]
fn docker_builds_and_compose_runs_show_the_failing_steps_own_error() {
    let cases = [
        (
            "buildkit-apt",
            Category::Dependency,
            "E: Unable to locate package libfoo-dev",
            None,
        ),
        (
            "buildkit-rustc",
            Category::Compilation,
            "error[E0425]: cannot find value `x` in this scope",
            Some(("src/main.rs", 2)),
        ),
        (
            "legacy-pip",
            Category::Dependency,
            "No matching distribution found for nosuchpkg",
            None,
        ),
        (
            "buildkit-no-cause",
            Category::DockerBuild,
            "bundle size 2.4 MB over the 2 MB budget",
            None,
        ),
        (
            "compose-pytest",
            Category::TestFailure,
            "E       ValueError: could not convert string to float",
            Some(("tests/test_prices.py", 9)),
        ),
    ];
    for (name, category, decisive, location) in cases {
        let path = format!("{}/fixtures/docker/{name}.log", env!("CARGO_MANIFEST_DIR"));
        let log = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let report = analyze(&log);
        assert_eq!(report.category, category, "{name}: {report:#?}");
        let first = &report.excerpts[0];
        assert!(first.text.contains(decisive), "{name}: {}", first.text);
        assert!(
            !first.text.contains("failed to solve"),
            "{name}: {}",
            first.text
        );
        assert!(
            !first.text.starts_with('#'),
            "{name}: BuildKit's prefix is stripped"
        );
        assert!(
            !first.text.contains("app-1"),
            "{name}: Compose's prefix is stripped"
        );
        let found = report.locations.first().map(|l| (l.path.as_str(), l.line));
        if let Some((path, line)) = location {
            assert_eq!(found, Some((path, line)), "{name}");
        }
    }
}

/// clang ends its diagnostics with a count; the block keeps it, and nothing after it.
#[test]
fn a_clang_diagnostic_keeps_its_source_caret_and_closing_count() {
    let log = b"$ make\n\
cc -c -o sigar.o sigar.c\n\
sigar.c:12:10: fatal error: 'libproc.h' file not found\n\
#include <libproc.h>\n\
         ^~~~~~~~~~~\n\
1 error generated.\n\
make: *** [Makefile:4: sigar.o] Error 1\n";
    let report = analyze(log);
    assert_eq!(report.category, Category::Compilation);
    let excerpt = &report.excerpts[0];
    assert_eq!(
        (excerpt.start_line, excerpt.end_line),
        (3, 6),
        "{report:#?}"
    );
    assert!(
        excerpt.text.ends_with("1 error generated."),
        "{}",
        excerpt.text
    );
}

#[test]
fn excerpt_line_numbers_point_at_the_raw_log() {
    for case in CASES {
        let log = fixture(case.log);
        let text = String::from_utf8_lossy(&log);
        let raw: Vec<&str> = text.split(['\n']).collect();
        let report = analyze(&log);
        let excerpt = &report.excerpts[0];
        let first_line = excerpt.text.lines().next().unwrap();
        let raw_line = raw[(excerpt.start_line - 1) as usize];
        // A credential in the line is shown redacted: what comes before it must match.
        let shown = first_line.split("[REDACTED]").next().unwrap_or_default();
        assert!(
            raw_line.contains(shown.trim()),
            "{}: line {} is {raw_line:?}, excerpt starts {first_line:?}",
            case.log,
            excerpt.start_line
        );
    }
}

#[test]
fn the_exit_pointer_is_never_the_answer() {
    for case in CASES {
        let report = analyze(&fixture(case.log));
        assert!(
            !shown(&report).contains("ERROR: Job failed"),
            "{}",
            case.log
        );
    }
}

#[test]
fn environment_failures_win_over_the_build_errors_they_cause() {
    let log = b"$ cargo build\n   Compiling demo v0.1.0\nerror: failed to write /builds/demo/target/debug/deps/libdemo.rlib\n\nerror[E0463]: can't find crate for `serde`\n  --> src/main.rs:1:1\nLLVM ERROR: IO failure on output stream: No space left on device\nerror: could not compile `demo`\nERROR: Job failed: exit code 101\n";
    let report = analyze(log);
    assert_eq!(report.category, Category::Infrastructure);
    assert!(shown(&report).contains("No space left on device"));

    let log = b"$ npm ci\nnpm error code ECONNRESET\nnpm error network request to https://registry.npmjs.org/react failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org\nsrc/app.ts(3,1): error TS2307: Cannot find module 'react'\nERROR: Job failed: exit code 1\n";
    let report = analyze(log);
    assert_eq!(report.category, Category::Network, "{report:?}");
}

#[test]
fn credentials_never_reach_the_report() {
    let report = analyze(&fixture("network-dns"));
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("ghp_0123456789abcdefghijklmnopqrstuvwxyz"));
    let log = b"$ ./deploy.sh\n+ git push https://deploy:glpat-abcdefghijklmnopqrst@gitflic.ru/acme/demo.git\nfatal: Authentication failed for 'https://deploy:glpat-abcdefghijklmnopqrst@gitflic.ru/acme/demo.git'\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\nERROR: Job failed: exit code 1\n";
    let report = analyze(log);
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("Authentication failed"), "{json}");
    for secret in [
        "glpat-abcdefghijklmnopqrst",
        "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
    ] {
        assert!(!json.contains(secret), "{json}");
    }
}

#[test]
fn fingerprints_match_across_runs_and_differ_across_failures() {
    let run = |stamp: &str, tmp: &str, port: u16| {
        format!(
            "$ pytest\n{stamp} collected 3 items\n____ test_upload ____\n    def test_upload():\n>       client.put('/tmp/{tmp}/a.bin')\nE       ConnectionRefusedError: [Errno 111] Connection refused (127.0.0.1:{port}) after 0.31s\n\ntests/test_upload.py:12: ConnectionRefusedError\n==== 1 failed in 1.2s ====\nERROR: Job failed: exit code 1\n"
        )
    };
    let a = analyze(run("2026-01-01T10:00:00Z", "pytest-of-ci-3", 5431).as_bytes());
    let b = analyze(run("2026-02-11T23:59:59Z", "pytest-of-ci-9", 6001).as_bytes());
    assert_eq!(a.fingerprint, b.fingerprint);
    let c = analyze(&fixture("python-pytest"));
    assert_ne!(a.fingerprint, c.fingerprint);
    assert_ne!(
        analyze(&fixture("go-test")).fingerprint,
        analyze(&fixture("go-build")).fingerprint
    );
}

/// Hands out a few bytes per read, so lines and `\r\n` terminators straddle reads.
struct Trickle<'a>(&'a [u8], usize);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.1 = self.1 % 13 + 1;
        let n = buf.len().min(self.1).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn a_log_read_in_small_pieces_gets_the_report_of_the_log_in_memory() {
    let mut logs: Vec<Vec<u8>> = CASES.iter().map(|c| fixture(c.log)).collect();
    // Many batches of lines, CRLF endings, and invalid UTF-8 in the middle of one batch.
    let mut long = logs.concat();
    long.extend_from_slice(b"caf\xe9 \xff\r\n");
    long.extend(logs.concat().iter().flat_map(|b| match b {
        b'\n' => b"\r\n".to_vec(),
        other => vec![*other],
    }));
    logs.push(long);
    for log in &logs {
        let streamed = analyze_reader(Trickle(log, 0), JobMeta::default()).unwrap();
        assert_eq!(streamed, analyze(log));
    }
}

#[test]
fn invalid_utf8_moves_no_line_and_no_text() {
    let log = b"caf\xe9 au lait\nbytes \xff\xfe\xfd here\nerror: boom in \xe9t\xe9\nnext\n";
    let report = analyze(log);
    let excerpt = &report.excerpts[0];
    assert_eq!(excerpt.start_line, 3);
    assert_eq!(
        excerpt.text.lines().next(),
        Some("error: boom in \u{fffd}t\u{fffd}")
    );
}

#[test]
fn the_excerpt_budget_counts_raw_lines_even_where_the_engine_skipped_some() {
    // macOS runners end lines with `\r\r\n`: one line each, as GitFlic's log view counts them.
    let mut log = String::from("$ python3 app.py\r\r\nTraceback (most recent call last):\r\r\n");
    for i in 0..40 {
        log.push_str(&format!(
            "  File \"app/m{i}.py\", line {i}, in f{i}\r\r\n    f{}()\r\r\n",
            i + 1
        ));
    }
    log.push_str("ValueError: boom\r\r\n");
    let report = analyze(log.as_bytes());
    let shown: u64 = report
        .excerpts
        .iter()
        .map(|e| e.end_line - e.start_line + 1)
        .sum();
    assert!(shown <= 30, "{shown} raw lines in {:?}", report.excerpts);
    assert!(report.excerpts[0].text.ends_with("ValueError: boom"));
}

#[test]
fn hostile_input_yields_a_report_not_a_panic() {
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        b"\n\n\n".to_vec(),
        vec![0xff; 100_000],
        b"\x1b[".repeat(10_000),
        b"\r".repeat(10_000),
        "error: \u{1F4A5} ünïcödé\n".repeat(1000).into_bytes(),
        [b"error: x".as_slice(), &vec![b'a'; 5_000_000]].concat(),
        b"Traceback (most recent call last):\n".repeat(2000),
    ];
    for log in cases {
        let report = analyze(&log);
        assert!(report.excerpts.iter().all(|e| e.start_line <= e.end_line));
        assert!(report.confidence >= 0.0 && report.confidence <= 1.0);
    }
    assert_eq!(analyze(b"").category, Category::Unknown);
}

#[test]
fn a_log_with_no_recognisable_error_shows_its_last_words() {
    let log = b"$ ./check-generated.sh\nM src/generated/schema.rs\nM src/generated/api.rs\nPlease regenerate the sources and commit them.\nERROR: Job failed: exit code 1\n";
    let report = analyze(log);
    let excerpt = &report.excerpts[0];
    assert_eq!((excerpt.start_line, excerpt.end_line), (2, 4));
    assert!(report.confidence < 0.5);
    let meta = JobMeta {
        name: Some("lint".into()),
        ..JobMeta::default()
    };
    assert_eq!(analyze_bytes(log, meta).category, Category::Lint);
}

#[test]
fn repeated_lines_are_collapsed_in_the_excerpt() {
    let log = "$ make\nerror: disk is slow\n  retry\n  retry\n  retry\n  retry\nERROR: Job failed: exit code 1\n";
    let report = analyze(log.as_bytes());
    assert!(shown(&report).contains("retry  (×4)"), "{}", shown(&report));
}
