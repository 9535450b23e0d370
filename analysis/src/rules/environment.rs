//! Failures of the environment a job runs in: the disk, memory, network, time limits, the runner.
//! Tried in the order listed, after the families before this one (see [`super::RULES`]).

use super::Category::{Infrastructure, Network, OutOfMemory, Timeout, Unknown};
use super::Shape::{Line, Section};
use super::{Rule, rule};

pub(super) static RULES: &[Rule] = &[
    rule(
        "disk-full",
        r"(?i)no space left on device|disk quota exceeded|not enough (free )?disk space",
        Infrastructure,
        0,
        Line,
        "The runner's disk is full: clean caches and build artifacts, or use a runner with more space.",
    ),
    rule(
        "oom",
        r"(?i)\bout of memory\b|outofmemoryerror|cannot allocate memory|javascript heap out of memory|\bMemoryError\b|std::bad_alloc|oomkilled|exit code 137|signal: killed|^killed$|\bKilled\s+(signal|process)|fatal error: runtime: out of memory|^\S+: (line )?\d+: +\d+ Killed\b",
        OutOfMemory,
        0,
        Line,
        "The job ran out of memory (exit 137 is the kernel's OOM killer): lower parallelism, raise the runner's memory, or look for a leak.",
    ),
    // A limit of the runner's other than memory: open files (EMFILE), processes (a failed
    // fork), threads.
    rule(
        "resource-limit",
        r"(?i)too many open files|\bemfile\b|fork: (retry: )?resource temporarily unavailable|can't start new thread|unable to create (new )?native thread",
        Infrastructure,
        0,
        Line,
        "The job hit a limit of the runner (open files, processes or threads): close what the job leaks, or raise the limit (ulimit -n, -u).",
    ),
    // The runner's upload of the job's artifacts refused (`WARNING: Uploading artifacts as
    // "archive" to coordinator... 413 Request Entity Too Large`), then its `FATAL: too large`:
    // the script passed, the job fails on what it keeps.
    Rule {
        names_its_level: true,
        ..rule(
            "artifacts-upload",
            r#"Uploading artifacts as "\w+" to coordinator\.\.\. (?:[45]\d\d |error)"#,
            Infrastructure,
            1,
            Line,
            "The runner could not upload the job's artifacts (413: too large, 4xx/5xx: refused): keep fewer files under artifacts:paths (not node_modules), or raise the server's limit.",
        )
    },
    // A service container the runner started and found unhealthy (`*** WARNING: Service
    // runner-…-postgres-0 probably didn't start properly.`), with the health check's error and
    // the container's own log: a cause when the script then cannot reach that service.
    rule(
        "service-unhealthy",
        r"^\*\*\* WARNING: Service \S+ probably didn't start properly",
        Infrastructure,
        2,
        Section,
        "A service container did not start: its own log, shown with the runner's warning, says why (often a required variable such as POSTGRES_PASSWORD missing).",
    ),
    // The CI's limit on a log's size (Travis: `The job exceeded the maximum log length, and has
    // been terminated.`, earlier `The log length has exceeded the limit of 4 MB …`; GitLab's and
    // GitFlic's runner: `Job's log exceeded limit of 4194304 bytes.`): no time limit, and the
    // output above it, often one exception repeated, is what filled it. GitFlic's says on its next
    // line what became of the job (`Job execution will continue but no more output …`).
    rule(
        "log-limit",
        r"(?i)exceeded the maximum log length|the log length has exceeded the limit|job'?s? log exceeded limit",
        Unknown,
        1,
        Section,
        "The log grew past the CI's size limit, and the job was stopped or its output no longer collected: the output above, often one error repeated, filled it; quiet it or fix that error.",
    ),
    rule(
        "timeout-ci",
        r"(?i)no output has been received in the last \d+m|execution took longer than|exceeded the maximum (execution|time)|the job exceeded the maximum time limit|timed out after \d+|job timed out",
        Timeout,
        0,
        Line,
        "The job hit a time limit: find the step that hangs (a prompt waiting for input, a dead service, a deadlock) or raise the limit.",
    ),
    rule(
        "dns",
        r"(?i)could not resolve host|temporary failure in name resolution|name or service not known|getaddrinfo (enotfound|eai_again)|no such host|could not resolve proxy|unknownhostexception|unknown host: |nodename nor servname",
        Network,
        0,
        Line,
        "A host name did not resolve: a network outage on the runner, a typo in a URL, or a registry that is down. Retrying usually helps.",
    ),
    rule(
        "tls",
        r"(?i)ssl certificate problem|certificate verify failed|x509: certificate|tls handshake (timeout|failed)|sslerror|unable to get local issuer certificate|self[- ]signed certificate in certificate chain",
        Network,
        0,
        Line,
        "A TLS connection failed: an expired or self-signed certificate, a proxy intercepting TLS, or a clock that is off.",
    ),
    // Ansible's result for a host that could not be reached over SSH or WinRM.
    rule(
        "ansible-unreachable",
        r"^fatal: \[[^\]]+\]: UNREACHABLE! =>",
        Network,
        1,
        Line,
        "Ansible could not reach the host: check its address, the SSH port and key, and the runner's network.",
    ),
    rule(
        "connection",
        r"(?i)connection (refused|reset by peer|timed out)|econnrefused|econnreset|etimedout|network is unreachable|failed to connect to|connect timeout|i/o timeout|remote end closed connection|read timed out|\b(502 bad gateway|503 service unavailable|504 gateway time-?out)\b|too many requests|toomanyrequests|rate limit exceeded|could not reach host",
        Network,
        0,
        Line,
        "A network connection failed (a service down, refused or rate-limited). Retry; if it recurs, check the service and the runner's network.",
    ),
];
