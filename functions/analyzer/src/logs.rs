//! A downloaded job log: whether it is text, its lines numbered as in the whole log, the engine
//! run over it.

use exlogare_shared::analysis::{Analyzer, Baseline, JobMeta, lines};
use exlogare_shared::gitflic::api::Download;

/// Whether a log is binary rather than text: NUL or other control bytes (but tab, line ends,
/// form feed and the escape of colours) in more than 1 in 20 of its first 4 KiB. Such bytes
/// would reach the rooms as garbage; a compressed trace has been inflated before this.
pub(crate) fn looks_binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(4096)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    control * 20 > sample.len()
}

/// Every line of a (possibly head-and-tail) log, numbered as in the whole log.
pub(crate) fn for_each_line(download: &Download, mut each: impl FnMut(lines::RawLine<'_>)) {
    lines::for_each_line_in(&download.head, &mut each);
    lines::for_each_line_in(&download.tail, |mut line| {
        line.number += download.lines_before_tail;
        each(line);
    });
}

/// Runs the engine over a log, compared with a passing run's when there is one.
pub(crate) fn analyse(
    download: &Download,
    meta: JobMeta,
    baseline: Option<Baseline>,
) -> exlogare_shared::analysis::Report {
    let mut analyzer = match baseline {
        Some(baseline) => Analyzer::with_baseline(meta, baseline),
        None => Analyzer::new(meta),
    };
    for_each_line(download, |line| analyzer.line(line));
    analyzer.finish()
}
