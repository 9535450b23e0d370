//! Speed and memory of the analysis engine (not a test: the figures depend on the machine).
//!
//!   cargo run --release -p exlogare --example bench -- throughput LIST [ROUNDS]
//!       the logs named in LIST (one path a line), read into memory first, analysed once cold and
//!       then ROUNDS (default 5) more times on one thread: prints the cold pass's MB/s and the
//!       median and best of the others (the machine's noise shows as their spread).
//!       `scripts/bench.sh` makes the list.
//!   cargo run --release -p exlogare --example bench -- baseline LIST [ROUNDS]
//!       the same, each log analysed against the log before it in LIST as its passing run
//!       (neighbours in a sorted list are logs of one repository): the baseline's summary and
//!       the analysis are timed together, and MB/s counts both logs' bytes.
//!   cargo run --release -p exlogare --example bench -- rss GIGABYTES
//!       streams a generated log of that size through the engine (nothing held in memory) and
//!       prints the process's peak resident set size.

use exlogare_analysis::{
    Analyzer, Baseline, JobMeta, analyze_bytes, analyze_reader, compile_patterns,
};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn throughput(list: &Path, rounds: usize, with_baseline: bool) -> anyhow::Result<()> {
    let paths: Vec<PathBuf> = std::fs::read_to_string(list)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(PathBuf::from)
        .collect();
    let logs: Vec<Vec<u8>> = paths.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let mut bytes: usize = logs.iter().map(Vec::len).sum();
    if with_baseline {
        // Every log but the last is read again as the next one's passing run.
        bytes += logs.iter().rev().skip(1).map(Vec::len).sum::<usize>();
    }
    let mut lines = 0;
    let mut pass = || {
        let start = Instant::now();
        lines = 0;
        for (i, log) in logs.iter().enumerate() {
            let report = match i.checked_sub(1).filter(|_| with_baseline) {
                Some(previous) => {
                    let baseline = Baseline::from_bytes(&logs[previous]);
                    Analyzer::with_baseline(JobMeta::default(), baseline).read_bytes(log)
                }
                None => analyze_bytes(log, JobMeta::default()),
            };
            lines += std::hint::black_box(report).lines_total;
        }
        start.elapsed().as_secs_f64()
    };
    let mb = bytes as f64 / 1e6;
    // As in the analyzer Lambda's init phase (and as Drain3's miner is built before its clock
    // starts). The first pass still fills the lazy DFA's cache, as a function's first
    // invocations do; a warm function runs at the speed of the later passes.
    compile_patterns();
    let cold = pass();
    let mut secs: Vec<f64> = (0..rounds).map(|_| pass()).collect();
    secs.sort_by(f64::total_cmp);
    let median = secs[secs.len() / 2];
    println!(
        "engine{}: {} logs, {mb:.1} MB, {lines} lines, one core: first pass {:.0} MB/s; \
         then {rounds} passes: median {:.0} MB/s ({:.0} lines/s), best {:.0} MB/s",
        if with_baseline {
            " with the previous log as baseline"
        } else {
            ""
        },
        logs.len(),
        mb / cold,
        mb / median,
        lines as f64 / median,
        mb / secs[0],
    );
    Ok(())
}

/// A synthetic CI log: build chatter, progress bars, warnings, and a failure at the end.
struct SyntheticLog {
    remaining: u64,
    line: u64,
    pending: Vec<u8>,
}

impl Read for SyntheticLog {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            if self.remaining == 0 {
                return Ok(0);
            }
            self.line += 1;
            let n = self.line;
            let text = match n % 7 {
                0 => format!("\x1b[32m   Compiling\x1b[0m crate-{n} v0.{n}.0\n"),
                1 => format!("test module_{n}::case_{n} ... ok\n"),
                2 => format!("Downloading {n}%\rDownloading 100%\n"),
                3 => format!("warning: unused variable `x{n}`\n  --> src/m{n}.rs:{n}:5\n"),
                4 => format!("2026-11-22T10:00:00.{n:06}Z 01O [info] step {n} finished in {n}ms\n"),
                5 => "npm WARN deprecated left-pad@1.3.0: use String.prototype.padStart()\n"
                    .to_string(),
                _ => format!("{}\n", "x".repeat((n % 120) as usize)),
            };
            self.pending = text.into_bytes();
            if self.pending.len() as u64 >= self.remaining {
                self.pending = b"error[E0425]: cannot find value `x` in this scope\nERROR: Job failed: exit code 101\n".to_vec();
                self.remaining = self.pending.len() as u64;
            }
            self.remaining -= self.pending.len() as u64;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn rss(gigabytes: f64) -> anyhow::Result<()> {
    let size = (gigabytes * 1e9) as u64;
    let start = Instant::now();
    let log = SyntheticLog {
        remaining: size,
        line: 0,
        pending: Vec::new(),
    };
    let report = analyze_reader(log, JobMeta::default())?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "memory: {:.2} GB streamed in {secs:.1}s ({:.0} MB/s incl. generation), peak RSS {:.1} MB, found: {}",
        size as f64 / 1e9,
        size as f64 / 1e6 / secs,
        peak_rss_kib().unwrap_or(0) as f64 / 1024.0,
        report.summary
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [mode @ ("throughput" | "baseline"), list, rest @ ..] => {
            let rounds = match rest {
                [] => 5,
                [rounds] => rounds.parse::<usize>()?.max(1),
                _ => anyhow::bail!("usage: bench {mode} LIST [ROUNDS]"),
            };
            throughput(Path::new(list), rounds, *mode == "baseline")
        }
        ["rss", gb] => rss(gb.parse()?),
        _ => anyhow::bail!(
            "usage: bench throughput LIST [ROUNDS] | bench baseline LIST [ROUNDS] | bench rss GIGABYTES"
        ),
    }
}
