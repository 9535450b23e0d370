//! The `exlogare` binary as a user runs it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_exlogare");

fn fixture(name: &str) -> String {
    format!(
        "{}/../tests/fixtures/logs/{name}.log",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("exlogare runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

#[test]
fn json_output_follows_the_report_contract() {
    let out = run(
        &["analyze", "--format", "json", &fixture("rust-compile")],
        None,
    );
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    for key in [
        "category",
        "summary",
        "excerpts",
        "locations",
        "failing_tests",
        "hint",
        "fingerprint",
        "confidence",
    ] {
        assert!(report.get(key).is_some(), "missing {key}");
    }
    assert_eq!(report["category"], "compilation");
    let excerpt = &report["excerpts"][0];
    assert!(excerpt["start_line"].as_u64().unwrap() <= excerpt["end_line"].as_u64().unwrap());
    assert_eq!(report["locations"][0]["path"], "src/main.rs");
    assert_eq!(report["locations"][0]["line"], 3);
}

#[test]
fn reads_standard_input_with_a_dash_or_no_file() {
    let log = std::fs::read(fixture("go-test")).unwrap();
    for args in [
        vec!["analyze", "--format", "json", "-"],
        vec!["analyze", "--format", "json"],
    ] {
        let out = run(&args, Some(&log));
        assert!(out.status.success());
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["failing_tests"][0], "TestDouble");
    }
}

#[test]
fn text_output_is_plain_when_not_on_a_terminal() {
    let out = run(&["analyze", &fixture("python-pytest")], None);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Tests failed"), "{text}");
    assert!(text.contains("Hint:"));
    assert!(!text.contains('\x1b'), "no colour codes into a pipe");
}

#[test]
fn markdown_output_fences_the_excerpt() {
    let out = run(
        &[
            "analyze",
            "--format",
            "markdown",
            "--job-name",
            "build",
            &fixture("c-compile"),
        ],
        None,
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("### ✗ Compilation failed"), "{text}");
    // gcc's "In function" header belongs to the diagnostic under it.
    assert!(
        text.contains("```\nmain.c: In function ‘main’:\nmain.c:5:5: error"),
        "{text}"
    );
}

#[test]
fn an_unreadable_file_is_a_clear_error() {
    let out = run(&["analyze", "/nonexistent/job.log"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("cannot read /nonexistent/job.log"), "{err}");
    assert!(out.stdout.is_empty());
    // Opened, but not readable as a file: the message still names it.
    let dir = env!("CARGO_MANIFEST_DIR");
    let out = run(&["analyze", dir], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("cannot read {dir}")), "{err}");
}

#[test]
fn a_bad_flag_is_a_usage_error() {
    let out = run(&["analyze", "--format", "yaml", &fixture("go-test")], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--format"));
}

fn pair(name: &str, kind: &str) -> String {
    format!(
        "{}/../analysis/tests/fixtures/pairs/{name}.{kind}.log",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn a_baseline_moves_the_answer_to_what_is_new_and_says_so() {
    let alone = run(
        &["analyze", "--format", "json", &pair("java", "fail")],
        None,
    );
    let compared = run(
        &[
            "analyze",
            "--format",
            "json",
            "--baseline",
            &pair("java", "pass"),
            &pair("java", "fail"),
        ],
        None,
    );
    assert!(compared.status.success());
    let alone: serde_json::Value = serde_json::from_slice(&alone.stdout).unwrap();
    let compared: serde_json::Value = serde_json::from_slice(&compared.stdout).unwrap();
    assert!(alone.get("baseline").is_none());
    let first = &compared["excerpts"][0];
    assert_eq!(first["new_since_baseline"], true);
    assert!(
        first["text"]
            .as_str()
            .unwrap()
            .starts_with("Exception in thread \"main\" java.lang.ArrayIndexOutOfBoundsException"),
        "{compared:#}"
    );
    assert!(
        compared["baseline"]["identity"]
            .as_str()
            .unwrap()
            .ends_with("java.pass.log")
    );
    assert_ne!(alone["excerpts"][0], compared["excerpts"][0]);

    let text = run(
        &[
            "analyze",
            "--baseline",
            &pair("java", "pass"),
            &pair("java", "fail"),
        ],
        None,
    );
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("(new since the passing run)"), "{text}");
}

#[test]
fn an_unreadable_baseline_is_named() {
    let out = run(
        &[
            "analyze",
            "--baseline",
            "/nonexistent/pass.log",
            &pair("java", "fail"),
        ],
        None,
    );
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("cannot read the baseline /nonexistent/pass.log"),
        "{err}"
    );
}
