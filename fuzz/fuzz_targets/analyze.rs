//! Arbitrary bytes through the analysis engine: never a panic, and every report is coherent.
#![no_main]

use exlogare_shared::analysis::{JobMeta, analyze_bytes, redact::redact};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = analyze_bytes(data, JobMeta::default());
    let lines = report.lines_total;
    for excerpt in &report.excerpts {
        assert!(1 <= excerpt.start_line && excerpt.start_line <= excerpt.end_line);
        assert!(excerpt.end_line <= lines);
    }
    let shown: u64 = report.excerpts.iter().map(|e| e.end_line - e.start_line + 1).sum();
    assert!(shown <= 30);
    assert!((0.0..=1.0).contains(&report.confidence));
    // Redaction is idempotent: masking what is already masked changes nothing.
    let text = String::from_utf8_lossy(data);
    let once = redact(&text);
    assert_eq!(redact(&once), once);
});
