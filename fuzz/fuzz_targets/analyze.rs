//! Arbitrary bytes through the analysis engine: never a panic, every report is coherent, and a
//! log streamed in small reads gets the report of the same log in memory, and the lines after a
//! gap (the head and tail of a log over the cap) keep their numbers.
#![no_main]

use exlogare_analysis::lines::{LineSplitter, for_each_line_in};
use exlogare_analysis::{JobMeta, analyze_bytes, analyze_reader, redact::redact};
use libfuzzer_sys::fuzz_target;

/// Hands out the log a few bytes per read (sizes taken from its first byte), so that lines and
/// `\r\n` terminators straddle reads.
struct Trickle<'a> {
    rest: &'a [u8],
    step: usize,
    turn: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.turn += 1;
        let n = (self.turn * self.step % 17 + 1)
            .min(buf.len())
            .min(self.rest.len());
        buf[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let report = analyze_bytes(data, JobMeta::default());
    let streamed = analyze_reader(
        Trickle {
            rest: data,
            step: usize::from(data.first().copied().unwrap_or(1)),
            turn: 0,
        },
        JobMeta::default(),
    )
    .expect("reading from memory cannot fail");
    assert_eq!(streamed, report);
    let lines = report.lines_total;
    for excerpt in &report.excerpts {
        assert!(1 <= excerpt.start_line && excerpt.start_line <= excerpt.end_line);
        assert!(excerpt.end_line <= lines);
    }
    let shown: u64 = report
        .excerpts
        .iter()
        .map(|e| e.end_line - e.start_line + 1)
        .sum();
    assert!(shown <= 30);
    assert!((0.0..=1.0).contains(&report.confidence));
    let gap = usize::from(data.get(1).copied().unwrap_or(0)) * data.len() / 256;
    let mut whole = Vec::new();
    for_each_line_in(data, |l| whole.push(l.bytes.to_vec()));
    let mut splitter = LineSplitter::default();
    splitter.feed(&data[..gap], &mut |_| {});
    let start = gap + splitter.skip_to_line_start(&data[gap..]);
    let before = splitter.ended();
    let after = for_each_line_in(&data[start..], |l| {
        let number = l.number + before;
        assert_eq!(whole.get(number as usize - 1).map(Vec::as_slice), Some(l.bytes));
    });
    if start < data.len() {
        assert_eq!(before + after, whole.len() as u64);
    }
    // Redaction is idempotent: masking what is already masked changes nothing.
    let text = String::from_utf8_lossy(data);
    let once = redact(&text);
    assert_eq!(redact(&once), once);
});
