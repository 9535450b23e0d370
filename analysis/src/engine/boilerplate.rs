//! Lines a runner or a build tool prints around every job or failure: never a cause.

/// What a GitLab-style runner (GitFlic's among them) prints around the job's own commands:
/// never the cause, and not "the last output" of a job that failed without an error line.
pub(super) fn runner_boilerplate(text: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "Running with gitlab-runner ",
        "Running with gitflic-runner ",
        "Preparing the \"",
        "Preparing environment",
        "Using Docker executor with image ",
        "Using Kubernetes executor",
        "Using Shell ",
        "Using docker image sha256:",
        "Pulling docker image ",
        "Running on runner-",
        "Getting source from Git repository",
        "Fetching changes with git depth",
        "Fetching changes...",
        "Reinitialized existing Git repository",
        "Initialized empty Git repository",
        "Created fresh repository.",
        "Checking out ",
        "Skipping Git submodules setup",
        "Executing \"step_script\" stage",
        "Running after_script",
        "Running after script...",
        "Uploading artifacts for failed job",
        "Uploading artifacts...",
        "Saving cache for failed job",
        "Restoring cache",
        "Checking cache for ",
        "Downloading artifacts for ",
        "Cleaning up project directory and file based variables",
        "Cleaning up file based variables",
        "Job succeeded",
    ];
    matches!(
        text.as_bytes().first(),
        Some(b'R' | b'P' | b'U' | b'G' | b'F' | b'I' | b'C' | b'S' | b'E' | b'D' | b'J')
    ) && PREFIXES.iter().any(|p| text.starts_with(p))
}

/// The help a build tool prints under every failure (Maven's `-> [Help 1]` and its advice to
/// re-run with -e or -X, Gradle's `* Try:` and `* Get more help`, npm's pointer to its debug
/// log, rustc's `--explain` offer): the same whatever failed, so never part of a cause.
pub(super) fn tool_epilogue(text: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "-> [Help 1]",
        "To see the full stack trace of the errors, re-run Maven",
        "Re-run Maven using the -X switch",
        "For more information about the errors and possible solutions",
        "After correcting the problems, you can resume the build",
        "* Try:",
        "* Get more help at ",
        "Run with --stacktrace option",
        "> Run with --stacktrace option",
        "> Run with --info or --debug option",
        "> Run with --scan to get full insights",
        "> Get more help at ",
        "A complete log of this run can be found in",
        "This is probably not a problem with npm",
        "For more information about this error, try `rustc --explain",
    ];
    let body = ["[ERROR] ", "npm ERR! ", "npm error "]
        .iter()
        .find_map(|tag| text.strip_prefix(tag))
        .unwrap_or(text)
        .trim_start();
    PREFIXES.iter().any(|p| body.starts_with(p))
        // npm's debug log, under `A complete log of this run can be found in:`.
        || body.ends_with(".log") && body.contains("/_logs/")
        // Maven's numbered links: `[Help 2] http://cwiki.apache.org/…`.
        || body
            .strip_prefix("[Help ")
            .and_then(|rest| rest.split_once("] "))
            .is_some_and(|(n, link)| n.bytes().all(|b| b.is_ascii_digit()) && link.starts_with("http"))
}
