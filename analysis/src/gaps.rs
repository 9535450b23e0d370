//! Lines of another stream that a runner writes into the job's log, left out of the analysis: a
//! service container's log (GitLab's and GitFlic's runners with `CI_DEBUG_SERVICES`, each line
//! behind `[service:postgres] `), which comes in among the commands' output wherever the
//! container logs, and says nothing of what the job's commands said. The lines kept are numbered
//! as if those were not there, so that what reads runs of consecutive lines (a block, a
//! paragraph) reads them whole; the report's line numbers are the log's again.

/// Where lines were left out.
#[derive(Debug, Default)]
pub struct Gaps {
    /// For each run of lines left out: the number, without the gaps, of the first line kept
    /// after it, and how many lines were left out before that line in all.
    after: Vec<(u64, u64)>,
    left_out: u64,
}

/// How many runs of lines are left out at most: past that (a service that logs between every
/// two lines of a huge log), lines are kept, and memory stays bounded.
const MAX_GAPS: usize = 1 << 16;

impl Gaps {
    /// Leaves out the line just read, if there is room to note it.
    pub fn leave_out(&mut self) -> bool {
        let room = self.after.len() < MAX_GAPS;
        self.left_out += u64::from(room);
        room
    }

    /// The number, without the gaps, of a line kept whose number in the log is `number`.
    pub fn closed(&mut self, number: u64) -> u64 {
        let closed = number - self.left_out;
        if self.left_out > 0 && self.after.last().is_none_or(|&(_, n)| n != self.left_out) {
            self.after.push((closed, self.left_out));
        }
        closed
    }

    /// The number in the log of a line kept whose number without the gaps is `closed`.
    pub fn opened(&self, closed: u64) -> u64 {
        match self.after.partition_point(|&(first, _)| first <= closed) {
            0 => closed,
            i => closed + self.after[i - 1].1,
        }
    }
}

/// Whether a raw line is a service container's log line (`[service:postgres] 2026-12-07T06:30:05Z
/// ERROR: …`), behind the runner's timestamp if it stamps lines.
pub fn from_a_service(raw: &[u8]) -> bool {
    const TAG: &[u8] = b"[service:";
    let tagged = |b: &[u8]| b.starts_with(TAG) && memchr::memmem::find(b, b"] ").is_some();
    match raw.first() {
        Some(b'[') => tagged(raw),
        // (A runner's timestamp starts with the year.)
        Some(b'0'..=b'9') => {
            let (stamp, runner) = crate::lines::timestamp_prefix_len(raw);
            runner && tagged(&raw[stamp..])
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_kept_are_numbered_without_the_gaps_and_back() {
        let mut gaps = Gaps::default();
        let mut kept = Vec::new();
        // Lines 3, 4 and 7 are left out.
        for number in 1..=9 {
            if [3, 4, 7].contains(&number) {
                assert!(gaps.leave_out());
            } else {
                kept.push((number, gaps.closed(number)));
            }
        }
        let closed: Vec<u64> = kept.iter().map(|k| k.1).collect();
        assert_eq!(closed, [1, 2, 3, 4, 5, 6]);
        for (number, closed) in kept {
            assert_eq!(gaps.opened(closed), number);
        }
    }

    #[test]
    fn a_service_s_line_is_told_by_its_tag() {
        assert!(from_a_service(
            b"[service:postgres] 2026-12-07T06:30:05.223456789Z ERROR:  relation \"carts\" does not exist"
        ));
        assert!(from_a_service(
            b"2026-12-07T06:30:05.223456Z 00O [service:redis-cache] Ready to accept connections"
        ));
        assert!(!from_a_service(b"[service] started"));
        assert!(!from_a_service(b"[api] listening on :8080"));
        assert!(!from_a_service(
            b"10:00:00 [service:x] not a runner's stamp"
        ));
    }
}
