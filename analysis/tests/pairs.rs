//! Green/red pairs of real tools' jobs (see fixtures/pairs/regenerate.sh): compared with the
//! passing run, the first excerpt lands on the cause, holds it whole, and says it is new; what
//! the passing run printed too is not shown as the cause. `-- --nocapture` prints the figures
//! with and without the baseline.

use exlogare_analysis::{Analyzer, Baseline, JobMeta, Report, analyze_bytes};
use std::{fs, ops::RangeInclusive, path::Path};

struct Scored {
    first_hit: bool,
    whole: bool,
    precision: f64,
}

fn score(report: &Report, cause: &RangeInclusive<u64>) -> Scored {
    let shown: Vec<u64> = report
        .excerpts
        .iter()
        .flat_map(|e| e.start_line..=e.end_line)
        .collect();
    let hits = shown.iter().filter(|n| cause.contains(n)).count();
    Scored {
        first_hit: report
            .excerpts
            .first()
            .is_some_and(|e| e.start_line <= *cause.end() && e.end_line >= *cause.start()),
        whole: cause.clone().all(|n| shown.contains(&n)),
        precision: if shown.is_empty() {
            0.0
        } else {
            hits as f64 / shown.len() as f64
        },
    }
}

#[test]
fn a_passing_run_s_lines_are_not_causes_and_the_new_ones_are_shown() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pairs");
    let table = fs::read_to_string(folder.join("expected.tsv")).expect("expected.tsv");
    let (mut without, mut with) = ((0, 0, 0.0), (0, 0, 0.0));
    let mut failures = Vec::new();
    let mut pairs = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let name = fields[0];
        let (start, end) = fields[1].split_once('-').expect("a-b");
        let cause: RangeInclusive<u64> = start.parse().expect("start")..=end.parse().expect("end");
        let fail = fs::read(folder.join(format!("{name}.fail.log"))).expect("fail log");
        let pass = fs::File::open(folder.join(format!("{name}.pass.log"))).expect("pass log");
        let baseline = Baseline::from_reader(pass)
            .expect("read")
            .with_identity(format!("{name}.pass.log"));
        let alone = analyze_bytes(&fail, JobMeta::default());
        let compared = Analyzer::with_baseline(JobMeta::default(), baseline).read_bytes(&fail);
        let (a, b) = (score(&alone, &cause), score(&compared, &cause));
        println!(
            "{name:<8} without: first {:<5} whole {:<5} P {:.2} ({})   with: first {:<5} whole {:<5} P {:.2} ({})",
            a.first_hit,
            a.whole,
            a.precision,
            alone.rule,
            b.first_hit,
            b.whole,
            b.precision,
            compared.rule
        );
        pairs += 1;
        for (total, s) in [(&mut without, &a), (&mut with, &b)] {
            total.0 += usize::from(s.first_hit);
            total.1 += usize::from(s.whole);
            total.2 += s.precision;
        }
        if !b.first_hit || !b.whole {
            failures.push(format!(
                "{name}: with the baseline the cause is not shown first and whole: {compared:#?}"
            ));
        }
        if compared.excerpts.first().and_then(|e| e.new_since_baseline) != Some(true) {
            failures.push(format!("{name}: the first excerpt is not marked new"));
        }
        let used = compared
            .baseline
            .as_ref()
            .expect("the report names its baseline");
        assert_eq!(
            used.identity.as_deref(),
            Some(format!("{name}.pass.log").as_str())
        );
        assert!(used.lines > 10 && !used.truncated);
        assert!(
            alone.baseline.is_none()
                && alone
                    .excerpts
                    .iter()
                    .all(|e| e.new_since_baseline.is_none())
        );
    }
    println!(
        "{pairs} pairs: first excerpt on the cause {} → {}, whole {} → {}, mean precision {:.2} → {:.2}",
        without.0,
        with.0,
        without.1,
        with.1,
        without.2 / pairs as f64,
        with.2 / pairs as f64
    );
    assert!(pairs >= 6, "the pairs are missing");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn lines_the_passing_run_printed_are_marked_so() {
    // Without a rule firing on anything new, the answer is the newest lines before the failure,
    // and an excerpt of known lines says so.
    let pass = "$ ./deploy\nconnecting to the registry\nmirror: Permission denied (publickey), retrying with a token\nuploaded 12 files\n";
    let fail = "$ ./deploy\nconnecting to the registry\nmirror: Permission denied (publickey), retrying with a token\nuploaded 3 files\nquota exceeded for bucket assets\nERROR: Job failed: exit code 1\n";
    let report = Analyzer::with_baseline(JobMeta::default(), Baseline::from_bytes(pass.as_bytes()))
        .read_bytes(fail.as_bytes());
    let first = &report.excerpts[0];
    assert_eq!((first.start_line, first.end_line), (5, 5), "{report:#?}");
    assert_eq!(first.new_since_baseline, Some(true));
    assert!(
        report.summary.contains("quota exceeded"),
        "{}",
        report.summary
    );
    let alone = analyze_bytes(fail.as_bytes(), JobMeta::default());
    assert_eq!(
        alone.excerpts[0].start_line, 3,
        "without it, the retried error wins"
    );
}

#[test]
fn what_the_passing_run_printed_after_the_failure_is_not_shown_with_it() {
    // A script that reports and cleans up once its command is over, pass or fail: those lines
    // run on from the failure's block and from a network error's last words, and the passing
    // run printed them too.
    let after = "Uploading test results to the dashboard...\nuploaded 1 file (4.2 kB)\nStopping test database...\nstopped\n";
    for (output, cause) in [
        (
            "error: cannot update the lock file /builds/acme/shop/Cargo.lock because --locked was passed to prevent this\n",
            (2, 2),
        ),
        (
            "downloading the schema\ncurl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server\n",
            (3, 3),
        ),
    ] {
        let pass = format!("$ ./ci.sh\n{after}Job succeeded\n");
        let fail = format!("$ ./ci.sh\n{output}{after}ERROR: Job failed: exit code 1\n");
        let report =
            Analyzer::with_baseline(JobMeta::default(), Baseline::from_bytes(pass.as_bytes()))
                .read_bytes(fail.as_bytes());
        let shown: Vec<_> = (report.excerpts.iter())
            .map(|e| (e.start_line, e.end_line))
            .collect();
        assert_eq!(shown, [cause], "{report:#?}");
    }
}
