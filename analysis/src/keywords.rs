//! The keyword prefilter: words that any line a rule matches contains (ASCII case-insensitive),
//! so most lines skip the regular expressions entirely.
//!
//! It is the engine's hottest loop: every byte of every line passes through it. A DFA step waits
//! on a memory load, so one walk runs at the speed of the cache's latency; [`Keywords::scan_lines`]
//! walks two halves of a batch of lines at once, and the CPU overlaps the two walks' loads.

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;

static KEYWORDS: &[&str] = &[
    "error",
    "err!",
    "fail",
    "exception",
    "panic",
    "fatal",
    "denied",
    "killed",
    "timeout",
    "timed out",
    "not found",
    "no such",
    "cannot",
    "can't",
    "unable",
    "could not",
    "refused",
    "reset",
    "unreachable",
    "space left",
    "memory",
    "traceback",
    "abort",
    "forbidden",
    "eacces",
    "undefined",
    "unresolved",
    "code 137",
    "exit 137",
    ".go:",
    "go: ",
    "missing",
    "unbound variable",
    "[emerg]",
    "[alert]",
    "[crit]",
    "never defined",
    "unexpected eof",
    "does not meet",
    "segmentation fault",
    "overflowed its stack",
    "illegal instruction",
    "unknown",
    "no matching",
    "●",
    "✕",
    "✗",
    "✘",
    "×",
    "<<<",
    "went wrong",
    "*** ",
    "diff in",
    "reformat",
    " md0",
    "> links",
    " 301 ",
    " 302 ",
    " 403 ",
    " 404 ",
    " 500 ",
    " 502 ",
    " 503 ",
    "dead link",
    "not ok",
    "looks like",
    "---- ",
    "___",
    "expected",
    "assert",
    "resolve",
    "no output",
    "exceeded",
    "init terminating",
    "data race",
    "; caught ",
    " condition:",
    "issue: [b",
    "could not resolve",
    "unhandled",
    "debugger invoked",
    "but was",
    " char:",
    "line |",
    "[-] ",
    // package:test's failed test (`00:01 +2 -1: cart sums its prices [E]`).
    " [e]",
    "✖",
    "sanitizer",
    "definitely lost",
    "invalid read",
    "invalid write",
    "invalid free",
    "conditional jump",
    "uninitialised",
    // Valgrind's `Mismatched free()`, trybuild's verdict `... mismatch`.
    "mismatch",
    // webpack's and schema-utils' `… does not match the API schema.`
    "api schema",
    "syscall param",
    "destination overlap",
    "took longer",
    "rejected",
    "unused dep",
    // Ruled titles (Biome's) and miette's location lines (oxlint's `,-[src/a.js:3:3]`).
    "━━━",
    ",-[",
    "╭─[",
    "host key",
    "certificate",
    "x509",
    "ssl",
    "tls",
    "econn",
    "etimedout",
    "rate limit",
    "too many",
    "unauthorized",
    "permission",
    "credentials",
    "yaml",
    "mapping values",
    "rakefile",
    "ld: ",
    "multiple definition",
    "symbols",
    // Any language's heading over its trace of calls (`stack traceback:`, `Stacktrace:`).
    "stack trace",
    "stacktrace",
    "backtrace",
    "call stack",
    "callstack",
    "most recent call",
    "code style",
    "needs formatting",
    "problem ",
    // Checkers' counts over their findings (see the `count-heading` rule).
    "finding",
    "issue",
    "violation",
    "vulnerabilit",
    "leak",
    "total: ",
    // A coverage under its target, in words (see the `coverage-threshold` rule).
    "lower than the",
    "less than the",
    "below the",
    // The runner's own failures (the `artifacts-upload` and `service-unhealthy` rules).
    "to coordinator",
    "didn't start properly",
    "requirements",
    "returned a non-zero",
    "manifest",
    "pull access",
    "executor",
    "solve",
    "] run ",
    "not recognized",
    "::warning",
    // file:line prefixes of linters and compilers that print no keyword
    ".py:",
    ".pyi:",
    ".md:",
    ".lua:",
    ".t ",
];

pub struct Keywords {
    dfa: DFA,
    start: StateID,
}

impl Keywords {
    pub fn new() -> Self {
        let dfa = aho_corasick::dfa::Builder::new()
            .ascii_case_insensitive(true)
            // The walk below does its own skipping; a prefilter would only make states special.
            .prefilter(false)
            .build(KEYWORDS)
            .expect("keyword automaton builds");
        let start = dfa
            .start_state(Anchored::No)
            .expect("the keyword automaton supports unanchored searches");
        Self { dfa, start }
    }

    /// Whether `text` contains a keyword.
    pub fn contains(&self, text: &[u8]) -> bool {
        let mut found = false;
        Walk::new(self.start).finish(self, text, 0, &mut |_| found = true);
        found
    }

    /// Calls `hit` with an offset inside every `\n`-separated line of `text` that contains a
    /// keyword (no keyword contains `\n`, so none spans two lines).
    pub fn scan_lines(&self, text: &[u8], mut hit: impl FnMut(usize)) {
        let half = text.len() / 2;
        let mid = memchr::memchr(b'\n', &text[half..]).map_or(text.len(), |p| half + p + 1);
        let (first, second) = text.split_at(mid);
        let (mut a, mut b) = (Walk::new(self.start), Walk::new(self.start));
        while a.at < first.len() && b.at < second.len() {
            let sa = a.step(self, first);
            let sb = b.step(self, second);
            if self.dfa.is_special(sa) || self.dfa.is_special(sb) {
                a.settle(self, first, 0, &mut hit);
                b.settle(self, second, mid, &mut hit);
            }
        }
        a.finish(self, first, 0, &mut hit);
        b.finish(self, second, mid, &mut hit);
    }
}

/// One walk of the automaton over a run of lines.
struct Walk {
    state: StateID,
    at: usize,
}

impl Walk {
    fn new(start: StateID) -> Self {
        Self {
            state: start,
            at: 0,
        }
    }

    #[inline(always)]
    fn step(&mut self, keywords: &Keywords, text: &[u8]) -> StateID {
        self.state = keywords
            .dfa
            .next_state(Anchored::No, self.state, text[self.at]);
        self.at += 1;
        self.state
    }

    /// After a step into a special state: on a match, report the line and go on after it.
    #[inline(always)]
    fn settle(
        &mut self,
        keywords: &Keywords,
        text: &[u8],
        offset: usize,
        hit: &mut impl FnMut(usize),
    ) {
        if keywords.dfa.is_match(self.state) {
            hit(offset + self.at - 1);
            self.at =
                memchr::memchr(b'\n', &text[self.at..]).map_or(text.len(), |p| self.at + p + 1);
            self.state = keywords.start;
        }
    }

    fn finish(
        mut self,
        keywords: &Keywords,
        text: &[u8],
        offset: usize,
        hit: &mut impl FnMut(usize),
    ) {
        while self.at < text.len() {
            if keywords.dfa.is_special(self.step(keywords, text)) {
                self.settle(keywords, text, offset, hit);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_line_with_a_keyword_in_either_half() {
        let keywords = Keywords::new();
        let lines = [
            "Compiling foo v0.1.0",
            "ERROR: something broke",
            "all good",
            "  ● Parser › parses",
            "",
            "x".repeat(300).leak(),
            "npm ERR! code 1",
            "fine",
            "Timed Out waiting",
        ];
        let text = lines.join("\n");
        let mut hits = Vec::new();
        keywords.scan_lines(text.as_bytes(), |at| hits.push(at));
        hits.sort_unstable();
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let found: Vec<usize> = hits
            .iter()
            .map(|at| starts.partition_point(|s| *s <= *at) - 1)
            .collect();
        assert_eq!(found, vec![1, 3, 6, 8]);
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(
                keywords.contains(line.as_bytes()),
                found.contains(&i),
                "{line}"
            );
        }
    }

    #[test]
    fn no_keyword_spans_lines_or_borrows_a_neighbour_s_space() {
        let keywords = Keywords::new();
        // " 404 " and "go: " need their spaces; "err" + "or" are split by the line break.
        let text = "got 404\nok\nerr\nor\ngo:\nx";
        let mut hits = 0;
        keywords.scan_lines(text.as_bytes(), |_| hits += 1);
        assert_eq!(hits, 0);
    }
}
