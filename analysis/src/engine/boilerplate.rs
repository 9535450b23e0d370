//! Lines a runner or a build tool prints around every job or failure: never a cause.

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use std::sync::OnceLock;

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
    const PREFIXES: [&str; 32] = [
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
        // npm 2's and 3's: the platform over every error, the advice under a script's failure.
        "argv \"",
        "Make sure you have the latest version of node.js and npm installed.",
        "If you do, this is most likely a problem with the ",
        "This is most likely a problem with the ",
        "not with npm itself.",
        "Tell the author that this fails on your system:",
        "You can get information on how to open an issue for this project with:",
        "npm bugs ",
        "Or if that isn't available, you can get their info via:",
        "npm owner ls ",
        "There is likely additional logging output above.",
        "Please include the following file with any support request:",
        "For more information about this error, try `rustc --explain",
        // RubyGems' and mkmf's under a native extension's failed build, and Bundler's advice.
        "Provided configuration options:",
        "To see why this extension failed to compile, please check the mkmf.log",
        "Gem files will remain installed in",
        "Results logged to",
        "Make sure that `gem install ",
    ];
    // Asked of every line: one anchored automaton reads the few bytes a line shares with any
    // of the prefixes, not each prefix in turn.
    static AUTOMATON: OnceLock<AhoCorasick> = OnceLock::new();
    let prefixes = AUTOMATON.get_or_init(|| {
        AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::LeftmostFirst)
            .start_kind(StartKind::Anchored)
            .build(PREFIXES)
            .expect("the epilogue's prefixes build an automaton")
    });
    let body = ["[ERROR] ", "npm ERR! ", "npm error "]
        .iter()
        .find_map(|tag| text.strip_prefix(tag))
        .unwrap_or(text)
        .trim_start();
    prefixes.is_match(Input::new(body).anchored(Anchored::Yes))
        // npm's debug log, under `A complete log of this run can be found in:` (npm 2's and
        // 3's in the project's folder).
        || body.ends_with(".log") && (body.contains("/_logs/") || body.ends_with("/npm-debug.log"))
        // npm 2's and 3's platform: `node v6.17.1`, `npm  v3.10.10`, `Linux 4.4.0-101-generic`.
        || text.starts_with("npm ERR! ") && npm_platform(body)
        // Maven's numbered links: `[Help 2] http://cwiki.apache.org/…`.
        || body
            .strip_prefix("[Help ")
            .and_then(|rest| rest.split_once("] "))
            .is_some_and(|(n, link)| n.bytes().all(|b| b.is_ascii_digit()) && link.starts_with("http"))
}

/// npm 2's and 3's versions of the platform it ran on, over every error it reports: `node
/// v6.17.1`, `npm  v3.10.10`, `Linux 4.4.0-101-generic`, `Darwin 17.7.0`.
fn npm_platform(body: &str) -> bool {
    let Some((name, version)) = body.split_once(' ') else {
        return false;
    };
    let version = version
        .trim_start()
        .strip_prefix('v')
        .unwrap_or(version.trim_start());
    ["node", "npm", "Linux", "Darwin", "Windows_NT"].contains(&name)
        && version.starts_with(|c: char| c.is_ascii_digit())
        && !version.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_2_s_and_3_s_platform_and_advice_are_its_epilogue() {
        for line in [
            "npm ERR! Linux 4.4.0-101-generic",
            "npm ERR! node v6.17.1",
            "npm ERR! npm  v3.10.10",
            r#"npm ERR! argv "/usr/local/bin/node" "/usr/local/bin/npm" "run" "ci""#,
            "npm ERR! This is most likely a problem with the dugite package,",
            "npm ERR! Tell the author that this fails on your system:",
            "npm ERR!     npm owner ls app",
            "npm ERR!     /home/travis/build/acme/app/npm-debug.log",
        ] {
            assert!(tool_epilogue(line), "{line}");
        }
        for line in [
            "npm ERR! node is not found",
            "npm ERR! 404 Not Found - GET https://registry.npmjs.org/leftpad",
            "node v6.17.1",
            "npm ERR! code ELIFECYCLE",
        ] {
            assert!(!tool_epilogue(line), "{line}");
        }
    }
}
