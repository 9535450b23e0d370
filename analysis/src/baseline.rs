//! What a passing run of the same job printed: lines already there are almost never why this
//! run failed (LogJuicer's observation for Zuul). The passing log is streamed once into a set of
//! 64-bit hashes of its lines with their variable parts (numbers, times, ids, hashes, durations,
//! ports, temporary names) normalised away: memory follows the number of distinct lines, capped
//! at [`MAX_DISTINCT_LINES`], never the log's size.

use crate::lines::{self, RawLine};
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;

/// Distinct normalised lines a summary keeps (8 bytes each, about 16 MiB with the table's
/// slack); the rest of a larger log is not summarised ([`Baseline::truncated`]).
pub const MAX_DISTINCT_LINES: usize = 1 << 20;

/// A passing run's log, summarised. Build it with [`Baseline::from_reader`], or feed lines to
/// [`BaselineBuilder`] when the log arrives in chunks.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    seen: HashSet<u64, BuildHasherDefault<KeyHasher>>,
    lines: u64,
    truncated: bool,
    identity: Option<String>,
}

impl Baseline {
    pub fn from_reader<R: Read>(reader: R) -> std::io::Result<Self> {
        let mut builder = BaselineBuilder::default();
        lines::for_each_line(reader, |line| builder.line(line))?;
        Ok(builder.finish())
    }

    pub fn from_bytes(log: &[u8]) -> Self {
        let mut builder = BaselineBuilder::default();
        lines::for_each_line_in(log, |line| builder.line(line));
        builder.finish()
    }

    /// Names the passing run (e.g. `pipeline #41, job test`) for the report.
    pub fn with_identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    pub fn identity(&self) -> Option<&str> {
        self.identity.as_deref()
    }

    /// Lines in the passing log, counted as [`crate::Report::lines_total`] counts them.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Whether the log had more distinct lines than a summary keeps.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Whether a line's visible text (see [`lines::clean_into`]), normalised, was in the
    /// passing log.
    pub fn contains(&self, visible: &str) -> bool {
        key(visible).is_some_and(|k| self.seen.contains(&k))
    }
}

/// Summarises a passing log line by line.
#[derive(Default)]
pub struct BaselineBuilder {
    baseline: Baseline,
    buffer: Vec<u8>,
}

impl BaselineBuilder {
    pub fn line(&mut self, line: RawLine<'_>) {
        self.baseline.lines = line.number;
        self.buffer.clear();
        lines::clean_into(line.bytes, &mut self.buffer);
        // The text as the engine reads it: invalid bytes become U+FFFD there too.
        let Some(k) = key(&String::from_utf8_lossy(&self.buffer)) else {
            return;
        };
        if self.baseline.seen.len() < MAX_DISTINCT_LINES {
            self.baseline.seen.insert(k);
        } else if !self.baseline.seen.contains(&k) {
            self.baseline.truncated = true;
        }
    }

    pub fn finish(self) -> Baseline {
        self.baseline
    }
}

/// The line's hash after normalisation, or `None` for a blank line. A run of letters, digits
/// and `_` that holds a digit (a number, a time's part, a hash, a UUID's group, `3.2s`, a
/// runner's or a temporary file's random name) counts as one placeholder; whitespace runs count
/// as one space; only what the engine keeps of a line counts.
pub(crate) fn key(visible: &str) -> Option<u64> {
    let text = lines::kept(visible).as_bytes().trim_ascii();
    if text.is_empty() {
        return None;
    }
    let mut hash = Fnv::default();
    let mut word_start = None;
    let mut word_has_digit = false;
    let mut last_space = false;
    let end_word = |hash: &mut Fnv, word: &[u8], has_digit: bool| {
        if has_digit {
            hash.byte(0);
        } else {
            word.iter().for_each(|b| hash.byte(*b));
        }
    };
    for (i, &b) in text.iter().enumerate() {
        if b.is_ascii_alphanumeric() || b == b'_' {
            word_start.get_or_insert(i);
            word_has_digit |= b.is_ascii_digit();
            continue;
        }
        if let Some(start) = word_start.take() {
            end_word(&mut hash, &text[start..i], word_has_digit);
            word_has_digit = false;
        }
        if b.is_ascii_whitespace() {
            if !last_space {
                hash.byte(b' ');
            }
            last_space = true;
        } else {
            hash.byte(b);
            last_space = false;
        }
    }
    if let Some(start) = word_start {
        end_word(&mut hash, &text[start..], word_has_digit);
    }
    Some(hash.0)
}

/// FNV-1a, 64 bits: fast on short keys, and good enough to tell a few million lines apart.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
}

/// The set's keys are hashes already: use them as they are.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_parts_do_not_tell_two_runs_apart() {
        let green = Baseline::from_bytes(
            b"Downloading rustc 1.79.0 (3.2s) at 2024-05-01T10:00:01Z\n\x1b[32mok\x1b[0m  runner-8f3a1c  port 41253\n  Compiling   shop v0.1.0\n",
        );
        assert_eq!(
            green.lines(),
            4,
            "counted as the engine counts: the empty last line too"
        );
        assert!(green.contains("Downloading rustc 1.95.0 (0.7s) at 2026-12-02T02:59:12Z"));
        assert!(green.contains("ok  runner-11aa07  port 5432"));
        assert!(green.contains("Compiling shop v0.2.0"));
        assert!(!green.contains("error[E0425]: cannot find value `x` in this scope"));
        assert!(
            !green.contains("Compiling cart v0.1.0"),
            "words are not normalised"
        );
        assert!(!green.contains(""), "a blank line is neither new nor known");
    }

    #[test]
    fn lines_are_keyed_as_the_engine_reads_them() {
        // Invalid UTF-8 is U+FFFD for the engine; a line longer than the engine keeps is keyed
        // by its kept part, cut at a character.
        let long = format!("{}é tail", "x".repeat(1999));
        let mut log = b"bad \xff byte\n".to_vec();
        log.extend_from_slice(long.as_bytes());
        let green = Baseline::from_bytes(&log);
        assert!(green.contains("bad \u{FFFD} byte"));
        assert!(green.contains(lines::kept(&long)));
    }

    #[test]
    fn a_summary_is_bounded_by_distinct_lines_not_by_size() {
        let mut log = Vec::new();
        for i in 0..50_000 {
            log.extend_from_slice(format!("step {i} done in {i}ms\n").as_bytes());
        }
        let green = Baseline::from_bytes(&log);
        assert_eq!(green.lines(), 50_001);
        assert_eq!(green.seen.len(), 1, "one shape of line");
        assert!(!green.truncated());
    }
}
