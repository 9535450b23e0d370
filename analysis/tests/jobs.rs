//! Real tools' failing jobs, as a GitFlic runner prints them (see fixtures/jobs/regenerate.sh):
//! the first excerpt must land on the cause, and the excerpts must show the whole cause where
//! expected.tsv says the engine already does. A job marked `miss` is one the engine gets wrong
//! today: it is counted and printed, not asserted, so the table stays an honest record.
//! `-- --nocapture` prints the figures.

use exlogare_analysis::{JobMeta, analyze_bytes};
use std::{fs, ops::RangeInclusive, path::Path};

/// What the engine is held to on a job.
#[derive(PartialEq)]
enum Expected {
    /// The excerpts hold the whole cause.
    Whole,
    /// The first excerpt lands on the cause.
    First,
    /// A known miss.
    Miss,
}

struct Case {
    name: String,
    /// The cause's line ranges: one, or the root cause an earlier command left behind and
    /// then the symptom it led to (`15-16,18-21`). The first excerpt must land on the first.
    cause: Vec<RangeInclusive<u64>>,
    expected: Expected,
}

fn cases(folder: &Path) -> Vec<Case> {
    let table = fs::read_to_string(folder.join("expected.tsv")).expect("expected.tsv");
    table
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let cause = fields[1]
                .split(',')
                .map(|range| {
                    let (start, end) = range.split_once('-').expect("range as a-b");
                    start.parse().expect("start")..=end.parse().expect("end")
                })
                .collect();
            Case {
                name: fields[0].to_owned(),
                cause,
                expected: match fields[2] {
                    "whole" => Expected::Whole,
                    "first" => Expected::First,
                    "miss" => Expected::Miss,
                    other => panic!("{}: shown is whole, first or miss, not {other}", fields[0]),
                },
            }
        })
        .collect()
}

#[test]
fn each_job_s_first_excerpt_is_on_its_cause_and_known_wholes_stay_whole() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jobs");
    let cases = cases(&folder);
    assert!(cases.len() >= 90, "the fixtures are missing");
    let (mut first_hits, mut wholes, mut failures) = (0, 0, Vec::new());
    for case in &cases {
        let log = fs::read(folder.join(format!("{}.log", case.name))).expect("fixture log");
        let report = analyze_bytes(&log, JobMeta::default());
        let shown = |line: u64| {
            report
                .excerpts
                .iter()
                .any(|e| (e.start_line..=e.end_line).contains(&line))
        };
        let root = &case.cause[0];
        let first_hit = report
            .excerpts
            .first()
            .is_some_and(|e| e.start_line <= *root.end() && e.end_line >= *root.start());
        let whole = case.cause.iter().all(|range| range.clone().all(shown));
        first_hits += usize::from(first_hit);
        wholes += usize::from(whole);
        let spans: Vec<String> = report
            .excerpts
            .iter()
            .map(|e| format!("{}-{}", e.start_line, e.end_line))
            .collect();
        let cause: Vec<String> = case
            .cause
            .iter()
            .map(|range| format!("{}-{}", range.start(), range.end()))
            .collect();
        println!(
            "{:<16} cause {:>11} shown {:<24} rule {:<20} first {} whole {}",
            case.name,
            cause.join(","),
            spans.join(","),
            report.rule,
            first_hit,
            whole
        );
        if case.expected != Expected::Miss && !first_hit {
            failures.push(format!("{}: first excerpt misses the cause", case.name));
        }
        if case.expected == Expected::Whole && !whole {
            failures.push(format!("{}: the whole cause is no longer shown", case.name));
        }
    }
    println!(
        "{} jobs: first excerpt on the cause {first_hits}, whole cause shown {wholes}",
        cases.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}
