//! A job's report does not depend on how its log was printed: every job of fixtures/jobs, printed
//! again as other runners and terminals print the same output (line for line, so the line numbers
//! stay), gets the same excerpts and category, as does the job with its files and tests named in
//! Cyrillic; and so does the job with what a runner prints
//! after the script of a job that saves its cache and artifacts on failure. A job whose command
//! runs through a wrapper (make 4.0 to 4.3, ninja, scons, ant, tox 3 and 4, rake, go-task, nox, npm, yarn,
//! pre-commit, grunt, gulp, gradle, maven, a monorepo's task runner, concurrently, a Docker build,
//! Docker Compose, Travis' retry and wait) is explained by what the command said, not the
//! wrapper; a failing command in a multi-line script entry, whose first line alone the runner
//! echoes, is explained by what it said, not by that line; and a passing command with noisy
//! output before the failing one, or a service container's log among the failing one's, changes
//! nothing.

use exlogare_analysis::{JobMeta, Report, analyze_bytes};
use std::fs;
use std::path::{Path, PathBuf};

/// The excerpts' line ranges and the category: what a reprint must not change.
fn outcome(log: &[u8]) -> (Vec<(u64, u64)>, String) {
    let report: Report = analyze_bytes(log, JobMeta::default());
    let ranges = report
        .excerpts
        .iter()
        .map(|e| (e.start_line, e.end_line))
        .collect();
    (ranges, report.category.as_str().to_owned())
}

/// Each line with `f` applied, the line ends kept.
fn each_line(log: &[u8], mut f: impl FnMut(usize, &[u8]) -> Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(log.len() * 2);
    for (i, line) in log.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        out.extend(f(i, line));
    }
    out
}

/// Windows' line ends.
fn crlf(log: &[u8]) -> Vec<u8> {
    each_line(log, |_, line| {
        let mut l = line.to_vec();
        if !l.is_empty() {
            l.push(b'\r');
        }
        l
    })
}

/// A runner that stamps every line (GitLab's and GitFlic's timestamps, with the stream's tag).
fn stamped(log: &[u8]) -> Vec<u8> {
    each_line(log, |i, line| {
        if line.is_empty() {
            return Vec::new();
        }
        let mut l = format!(
            "2026-12-05T10:{:02}:{:02}.{:06}Z 00O ",
            i / 60 % 60,
            i % 60,
            i
        )
        .into_bytes();
        l.extend_from_slice(line);
        l
    })
}

/// A terminal's colours on every other line (one that holds no escape or carriage return of
/// its own), its first word in another colour.
fn coloured(log: &[u8]) -> Vec<u8> {
    each_line(log, |i, line| {
        if i % 2 == 1 || line.is_empty() || line.iter().any(|b| matches!(b, 0x1b | b'\r')) {
            return line.to_vec();
        }
        let word = line
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(line.len());
        let mut l = b"\x1b[1;31m\x1b[36m".to_vec();
        l.extend_from_slice(&line[..word]);
        l.extend_from_slice(b"\x1b[0m");
        l.extend_from_slice(&line[word..]);
        l.extend_from_slice(b"\x1b[0m");
        l
    })
}

/// The runner's raw trace, as its API serves it: each stage's header inside the section markers
/// the web page folds on (on the header's own line, behind a carriage return), headers and
/// commands in colour.
fn raw_trace(log: &[u8]) -> Vec<u8> {
    const STAGES: [(&str, &str); 6] = [
        ("Preparing the ", "prepare_executor"),
        ("Preparing environment", "prepare_script"),
        ("Getting source from Git", "get_sources"),
        ("Executing \"step_script\"", "step_script"),
        ("Running after_script", "after_script"),
        ("Cleaning up project directory", "cleanup_file_variables"),
    ];
    let mut open: Option<&str> = None;
    let mut time = 1_733_392_800;
    each_line(log, |_, line| {
        let text = String::from_utf8_lossy(line);
        if let Some((_, stage)) = STAGES.iter().find(|(header, _)| text.starts_with(header)) {
            let mut l = String::new();
            if let Some(previous) = open.replace(stage) {
                l.push_str(&format!("section_end:{time}:{previous}\r\x1b[0K"));
            }
            time += 1;
            l.push_str(&format!(
                "\x1b[0Ksection_start:{time}:{stage}\r\x1b[0K\x1b[0K\x1b[36;1m"
            ));
            let mut l = l.into_bytes();
            l.extend_from_slice(line);
            l.extend_from_slice(b"\x1b[0;m");
            l
        } else if line.starts_with(b"$ ") {
            [b"\x1b[32;1m", line, b"\x1b[0;m"].concat()
        } else {
            line.to_vec()
        }
    })
}

/// What the runner prints between the script and its epilogue for a job that saves its cache
/// and uploads its artifacts on failure.
const SAVED_ON_FAILURE: &str = "Saving cache for failed job
Creating cache default-protected...
WARNING: .cache/pip: no matching files. Ensure that the artifact path is relative to the working directory (/builds/acme/shop)
Archive is up to date!
Created cache
Uploading artifacts for failed job
Uploading artifacts...
WARNING: reports/junit.xml: no matching files. Ensure that the artifact path is relative to the working directory (/builds/acme/shop)
ERROR: No files to upload
";

/// The job with [`SAVED_ON_FAILURE`] before the runner's epilogue, and where that went: `None`
/// for a log without that epilogue, or that has such lines already.
fn saved_on_failure(log: &str) -> Option<(String, u64)> {
    let footer = log.rfind("\nCleaning up project directory")? + 1;
    if log.contains("\nSaving cache for") || log.contains("\nUploading artifacts for") {
        return None;
    }
    let at = log[..footer].matches('\n').count() as u64;
    Some((
        format!("{}{SAVED_ON_FAILURE}{}", &log[..footer], &log[footer..]),
        at,
    ))
}

/// The same job as Travis CI prints it, line for line: its worker's header in place of the
/// runner's, each command timed (the timer's marks before its `$ ` line), the failing command's
/// verdict and Travis' closing line in place of the runner's two. `None` for a log not in a
/// GitFlic runner's shape, or whose cause is in the runner's own lines.
fn travis(log: &str) -> Option<String> {
    let lines: Vec<&str> = log.split('\n').collect();
    if !lines.first()?.starts_with("Running with gitlab-runner") {
        return None;
    }
    let script = lines
        .iter()
        .position(|l| l.starts_with("Executing \"step_script\""))?;
    let footer = lines
        .iter()
        .rposition(|l| l.starts_with("Cleaning up project directory"))?;
    let code = lines
        .get(footer + 1)?
        .strip_prefix("ERROR: Job failed: exit code ")?;
    // The runner's lines carry causes of their own (a service that never started).
    if lines[..script].iter().any(|l| l.contains("WARNING")) {
        return None;
    }
    let header = [
        "travis_fold:start:worker_info\r\x1b[0K\x1b[33;1mWorker information\x1b[0m",
        "hostname: 9be505fd-694b@1.worker-org-5dcc948c89-d76j6.gce-production-2",
        "version: v6.2.1 https://github.com/travis-ci/worker/tree/4e3246c044eb4915c2378ffacd0b3d3ed0136bba",
        "travis_fold:end:worker_info\r\x1b[0K",
        "travis_fold:start:git.checkout\r\x1b[0Ktravis_time:start:0a1b2c3d\r\x1b[0K$ git clone --depth=50 https://github.com/acme/shop.git acme/shop",
        "Cloning into 'acme/shop'...",
        "travis_time:end:0a1b2c3d:start=1564584247837572311,finish=1564584248837572311,duration=1000000000\r\x1b[0K$ cd acme/shop",
        "travis_fold:end:git.checkout\r\x1b[0K",
    ];
    let mut out: Vec<String> = (0..=script)
        .map(|i| header.get(i).copied().unwrap_or("").to_owned())
        .collect();
    let mut last_command = None;
    let mut timers = 0;
    for line in &lines[script + 1..footer] {
        match line.strip_prefix("$ ") {
            Some(command) => {
                let end = if timers > 0 {
                    format!("travis_time:end:t{timers}:start=1,finish=2,duration=1\r\x1b[0K")
                } else {
                    String::new()
                };
                timers += 1;
                out.push(format!("{end}travis_time:start:t{timers}\r\x1b[0K{line}"));
                last_command = Some(command);
            }
            None => out.push((*line).to_owned()),
        }
    }
    out.push(format!(
        "travis_time:end:t{timers}:start=1,finish=2,duration=1\r\x1b[0K\x1b[31;1mThe command \"{}\" exited with {code}.\x1b[0m",
        last_command?
    ));
    out.push("Done. Your build exited with 1.".to_owned());
    out.extend(lines[footer + 2..].iter().map(|l| (*l).to_owned()));
    Some(out.join("\r\n"))
}

/// The jobs of fixtures/jobs, in order.
fn fixture_jobs() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jobs");
    let mut logs: Vec<_> = fs::read_dir(&folder)
        .expect("fixtures/jobs")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "log"))
        .collect();
    logs.sort();
    logs
}

#[test]
fn a_job_reprinted_by_another_runner_or_terminal_gets_the_same_report() {
    let logs = fixture_jobs();
    let mut differ = Vec::new();
    let mut travis_shaped = 0;
    let mut saved = 0;
    for path in &logs {
        let log = fs::read(path).expect("a log");
        let name = path.file_name().expect("a name").to_string_lossy();
        let expected = outcome(&log);
        let mut reprints = vec![
            ("CRLF", crlf(&log)),
            ("runner timestamps", stamped(&log)),
            ("colours", coloured(&log)),
            ("raw trace", raw_trace(&log)),
        ];
        if let Some(t) = std::str::from_utf8(&log).ok().and_then(travis) {
            travis_shaped += 1;
            reprints.push(("Travis", t.into_bytes()));
        }
        for (how, reprint) in reprints {
            let got = outcome(&reprint);
            if got != expected {
                differ.push(format!("{name} ({how}): {expected:?} became {got:?}"));
            }
        }
        if let Some((longer, at)) = std::str::from_utf8(&log).ok().and_then(saved_on_failure) {
            saved += 1;
            let added = SAVED_ON_FAILURE.matches('\n').count() as u64;
            let shift = |n: u64| if n > at { n + added } else { n };
            let (ranges, category) = &expected;
            let moved: Vec<_> = ranges.iter().map(|&(s, e)| (shift(s), shift(e))).collect();
            let got = outcome(longer.as_bytes());
            if got != (moved.clone(), category.clone()) {
                differ.push(format!(
                    "{name} (cache and artifacts saved): {:?} became {got:?}",
                    (moved, category)
                ));
            }
        }
    }
    assert!(
        logs.len() > 1000 && travis_shaped > 900 && saved > 900,
        "{} logs",
        logs.len()
    );
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// The job's failing command run through a wrapper, as GNU make (and CMake's Makefiles under
/// `gmake` and Ninja), SCons, Ant's exec task, tox 4 and 3, Rake 13, go-task 3, nox 2026, Yarn
/// 1, a pre-commit 4 hook, Grunt, Gradle's Exec task, Maven's exec, frontend and AntRun plugins
/// and, as a package's script, npm 6 and 11, in a monorepo Turborepo 2, pnpm 9 and Lerna 9 (with
/// and without `--stream`), and concurrently 9 beside another command print it (their real
/// output around a failing command); and as a Dockerfile's RUN step under BuildKit and the
/// legacy builder, a container of Docker Compose's, and Travis' travis_retry and travis_wait
/// print it (as their sources print it: they cannot run here). The wrapper's command, its echo of the command (a passing package's
/// lines beside it), the command's output (behind the package's tag), the wrapper's report of
/// its exit and what it says after it, with where each line of the job went (a retried
/// command's: its last try). `None` for a log not in a GitFlic runner's shape.
fn wrapped(log: &str, wrapper: &str) -> Option<(String, impl Fn(u64) -> u64)> {
    let lines: Vec<&str> = log.split('\n').collect();
    if !lines.first()?.starts_with("Running with gitlab-runner") {
        return None;
    }
    let command_at = lines.iter().rposition(|l| l.starts_with("$ "))?;
    let epilogue = [
        "Running after_script",
        "Saving cache",
        "Uploading artifacts",
    ]
    .iter()
    .chain(&["Cleaning up project directory", "ERROR: Job failed"]);
    let output_end = (command_at + 1..lines.len())
        .find(|&i| epilogue.clone().any(|p| lines[i].starts_with(p)))?;
    let code = log
        .split("ERROR: Job failed: exit code ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or("1");
    let command = &lines[command_at][2..];
    // No one runs a Maven build from a Maven goal: its lines would be Maven's own.
    if wrapper.starts_with("maven-") && command.split_whitespace().any(|w| w == "mvn") {
        return None;
    }
    let turbo = |package: &str, line: &str| format!("{package}:ci: {line}");
    // npm 10's and 11's report of a workspace package's script that failed (captured).
    let npm_workspace_exit = [
        "npm error Lifecycle script `ci` failed with error:".to_owned(),
        format!("npm error code {code}"),
        "npm error path /builds/acme/app/packages/app".to_owned(),
        "npm error workspace @acme/app@1.0.0".to_owned(),
        "npm error location /builds/acme/app/packages/app".to_owned(),
        "npm error command failed".to_owned(),
        format!("npm error command sh -c {command}"),
    ];
    let passing = ["✔ health (1.204ms)", "ℹ tests 1", "ℹ pass 1", "ℹ fail 0"];
    let mut tag = "";
    let output = &lines[command_at + 1..output_end];
    // BuildKit stamps each line a step prints with the seconds since the step started, `%#.4g`
    // cut to five characters.
    let mut timed = false;
    let since_start = |i: usize| format!("{:.3}", 0.2 + i as f64 * 0.011)[..5].to_owned();
    let (call, head, tail) = match wrapper {
        "make" => (
            "$ make ci".to_owned(),
            vec![command.to_owned()],
            vec![format!("make: *** [Makefile:12: ci] Error {code}")],
        ),
        // make 4.0 and 4.1 (Ubuntu 16.04's, Travis CI's xenial image's) name the recipe's place
        // on a line of its own.
        "make41" => (
            "$ make ci".to_owned(),
            vec![command.to_owned()],
            vec![
                "Makefile:12: recipe for target 'ci' failed".to_owned(),
                format!("make: *** [ci] Error {code}"),
            ],
        ),
        "turbo" => {
            tag = "@acme/app:ci: ";
            let mut head = vec![
                "   • Packages in scope: @acme/api, @acme/app".to_owned(),
                "   • Running ci in 2 packages".to_owned(),
                String::new(),
                turbo("@acme/app", "cache miss, executing 0687f5b903f1439d"),
                turbo("@acme/api", "cache miss, executing ca98064f43145df2"),
                turbo("@acme/app", "> @acme/app@1.0.0 ci"),
                turbo("@acme/app", &format!("> {command}")),
            ];
            head.extend(passing.iter().map(|l| turbo("@acme/api", l)));
            let mut tail: Vec<String> = (npm_workspace_exit.iter())
                .map(|l| turbo("@acme/app", l))
                .collect();
            tail.extend([
                format!("@acme/app#ci:  ERROR  command (/builds/acme/app/packages/app) /usr/bin/npm run ci exited ({code})"),
                String::new(),
                " Tasks:    1 successful, 2 total".to_owned(),
                "Cached:    0 cached, 2 total".to_owned(),
                "  Time:    2.31s ".to_owned(),
                "Failed:    @acme/app#ci".to_owned(),
                String::new(),
                format!(" ERROR  run failed: command  exited ({code})"),
            ]);
            ("$ npx turbo run ci".to_owned(), head, tail)
        }
        "pnpm" => {
            tag = "packages/app ci: ";
            let mut head = vec![
                "Scope: 2 of 3 workspace projects".to_owned(),
                "packages/api ci$ node --test".to_owned(),
                format!("packages/app ci$ {command}"),
            ];
            head.extend(passing.iter().map(|l| format!("packages/api ci: {l}")));
            let tail = vec![
                "packages/app ci: Failed".to_owned(),
                "/builds/acme/app/packages/app:".to_owned(),
                format!(
                    "\u{2009}ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL\u{2009} @acme/app@1.0.0 ci: `{command}`"
                ),
                format!("Exit status {code}"),
            ];
            ("$ pnpm -r run ci".to_owned(), head, tail)
        }
        "rake" => (
            "$ rake ci".to_owned(),
            vec![command.to_owned()],
            vec![
                "rake aborted!".to_owned(),
                // Rake shows the command's first 42 characters.
                format!(
                    "Command failed with status ({code}): [{}...]",
                    command.chars().take(42).collect::<String>()
                ),
                "/builds/acme/app/Rakefile:2:in `block in <top (required)>'".to_owned(),
                "Tasks: TOP => ci".to_owned(),
                "(See full trace by running task with --trace)".to_owned(),
            ],
        ),
        // CMake's Makefiles under GNU make as Red Hat's systems and the BSDs name it.
        "gmake" => (
            "$ cmake --build build --target check".to_owned(),
            vec![
                "[ 50%] Built target cart".to_owned(),
                "[100%] Running the checks".to_owned(),
                command.to_owned(),
            ],
            vec![
                format!("gmake[3]: *** [CMakeFiles/check.dir/build.make:70: CMakeFiles/check] Error {code}"),
                "gmake[2]: *** [CMakeFiles/Makefile2:111: CMakeFiles/check.dir/all] Error 2".to_owned(),
                "gmake[1]: *** [CMakeFiles/Makefile2:118: CMakeFiles/check.dir/rule] Error 2".to_owned(),
                "gmake: *** [Makefile:137: check] Error 2".to_owned(),
            ],
        ),
        // CMake's custom target under Ninja 1.11: the edge's title, its command, its output.
        "ninja" => (
            "$ cmake --build build --target check".to_owned(),
            vec![
                "ninja: Entering directory `build'".to_owned(),
                "[1/2] Building C object CMakeFiles/cart.dir/src/cart.c.o".to_owned(),
                format!("[2/2] cd /builds/acme/app && {command}"),
                "FAILED: CMakeFiles/check ".to_owned(),
                format!("cd /builds/acme/app && {command}"),
            ],
            vec!["ninja: build stopped: subcommand failed.".to_owned()],
        ),
        "go-task" => (
            "$ task ci".to_owned(),
            vec![format!("task: [ci] {command}")],
            vec![format!("task: Failed to run task \"ci\": exit status {code}")],
        ),
        "nox" => (
            "$ nox -s tests".to_owned(),
            vec![
                "nox > Running session tests".to_owned(),
                format!("nox > {command}"),
            ],
            vec![
                format!("nox > Command {command} failed with exit code {code}"),
                "nox > Session tests failed.".to_owned(),
            ],
        ),
        "yarn" => (
            "$ yarn run ci".to_owned(),
            vec!["yarn run v1.22.22".to_owned(), format!("$ {command}")],
            vec![
                format!("error Command failed with exit code {code}."),
                "info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command."
                    .to_owned(),
            ],
        ),
        // SCons 4: its reading of the SConstruct, the command, its make-shaped report.
        "scons" => (
            "$ scons check".to_owned(),
            vec![
                "scons: Reading SConscript files ...".to_owned(),
                "scons: done reading SConscript files.".to_owned(),
                "scons: Building targets ...".to_owned(),
                command.to_owned(),
            ],
            vec![
                format!("scons: *** [check] Error {code}"),
                "scons: building terminated because of errors.".to_owned(),
            ],
        ),
        // Ant 1.10's exec task: each line the command printed under the task's tag, then Ant's
        // banner over the task's line and the command's exit code.
        "ant" => {
            tag = "     [exec] ";
            (
                "$ ant ci".to_owned(),
                vec![
                    "Buildfile: /builds/acme/app/build.xml".to_owned(),
                    String::new(),
                    "ci:".to_owned(),
                ],
                vec![
                    String::new(),
                    "BUILD FAILED".to_owned(),
                    format!("/builds/acme/app/build.xml:3: exec returned: {code}"),
                    String::new(),
                    "Total time: 2 seconds".to_owned(),
                ],
            )
        }
        // tox 3: the environment's set-up, the command, tox's report of its exit and summary.
        "tox3" => (
            "$ tox -e py".to_owned(),
            vec![
                "py create: /builds/acme/app/.tox/py".to_owned(),
                "py installdeps: -rrequirements.txt".to_owned(),
                "py installed: iniconfig==2.0.0,packaging==23.2,pluggy==1.3.0,pytest==7.4.3"
                    .to_owned(),
                "py run-test-pre: PYTHONHASHSEED='2413562829'".to_owned(),
                format!("py run-test: commands[0] | {command}"),
            ],
            vec![
                format!(
                    "ERROR: InvocationError for command /builds/acme/app/.tox/py/bin/{} (exited with code {code})",
                    command.split_whitespace().next().unwrap_or(command)
                ),
                format!("{:_^80}", " summary "),
                "ERROR:   py: commands failed".to_owned(),
            ],
        ),
        // pre-commit 4's hook running the command: the hooks' names padded to the verdict,
        // the failed hook's id and exit code over its output.
        "pre-commit" => (
            "$ pre-commit run --all-files".to_owned(),
            vec![
                format!("{:.<73}Passed", "ruff"),
                format!("{:.<73}Failed", "ci"),
                "- hook id: ci".to_owned(),
                format!("- exit code: {code}"),
                String::new(),
            ],
            vec![
                String::new(),
                format!("{:.<53}(no files to check)Skipped", "mypy"),
            ],
        ),
        // Grunt 1.6's task running the command (captured): grunt-shell's warning that the
        // command failed, or grunt-exec's reports of its exit (with the command's standard
        // error under Grunt's `>> `, all of it here), then Grunt's closing.
        "grunt-shell" => (
            "$ grunt test".to_owned(),
            vec!["Running \"shell:test\" (shell) task".to_owned()],
            vec![
                format!("Warning: Command failed: {command}"),
                "\u{7} Use --force to continue.".to_owned(),
                String::new(),
                "Aborted due to warnings.".to_owned(),
            ],
        ),
        "grunt-exec" => {
            tag = ">> ";
            (
                "$ grunt test".to_owned(),
                vec!["Running \"exec:test\" (exec) task".to_owned()],
                vec![
                    format!(">> Exited with code: {code}."),
                    format!(
                        ">> Error executing child process: Error: Process exited with code {code}."
                    ),
                    "Warning: Task \"exec:test\" failed.\u{7} Use --force to continue.".to_owned(),
                    String::new(),
                    "Aborted due to warnings.".to_owned(),
                ],
            )
        }
        // Gradle's Exec task running the command: the task's header over its output, then
        // Gradle's report on the build, as Gradle 8 prints it and Gradle 4.4 (captured, plain
        // console) did.
        "gradle" | "gradle4" => {
            let modern = wrapper == "gradle";
            let task = |verdict: &str| match modern {
                true => format!("> Task :ci{verdict}"),
                false => format!(":ci{verdict}"),
            };
            let mut report = vec![
                String::new(),
                task(" FAILED"),
                String::new(),
                "FAILURE: Build failed with an exception.".to_owned(),
                String::new(),
                "* What went wrong:".to_owned(),
                "Execution failed for task ':ci'.".to_owned(),
                format!(
                    "> Process 'command '{}'' finished with non-zero exit value {code}",
                    command.split_whitespace().next().unwrap_or(command)
                ),
                String::new(),
                "* Try:".to_owned(),
            ];
            report.extend(match modern {
                true => vec![
                    "> Run with --stacktrace option to get the stack trace.",
                    "> Run with --info or --debug option to get more log output.",
                    "> Run with --scan to get full insights.",
                    "> Get more help at https://help.gradle.org.",
                ],
                false => vec![
                    "Run with --stacktrace option to get the stack trace. Run with --info or --debug option to get more log output. Run with --scan to get full insights.",
                    "",
                    "* Get more help at https://help.gradle.org",
                ],
            }
            .into_iter()
            .map(str::to_owned));
            report.extend(["", "BUILD FAILED in 3s", "1 actionable task: 1 executed"].map(str::to_owned));
            (
                format!("$ {} ci", if modern { "./gradlew" } else { "gradle" }),
                vec![task("")],
                report,
            )
        }
        // Maven 3.8's exec plugin 3.1 running the command (captured, see fixtures/maven): the
        // plugin's header over the command's output, then the plugin's exception with Maven's
        // and the JDK's frames, and Maven's closing; with `-e`, Maven's trace of the failure
        // under its closing's first line, and no advice to re-run with it.
        "maven-exec" | "maven-exec-e" => {
            let exited = |l: &str| {
                l.replace(
                    "error: 1 (Exit value: 1)",
                    &format!("error: {code} (Exit value: {code})"),
                )
            };
            let trace = match wrapper {
                "maven-exec-e" => include_str!("fixtures/maven/exec-e-trace.txt"),
                _ => "",
            };
            let mut tail = Vec::new();
            for line in include_str!("fixtures/maven/exec-report.txt").lines() {
                if !trace.is_empty() && line.contains("re-run Maven with the -e switch") {
                    continue;
                }
                tail.push(exited(line));
                if line.starts_with("[ERROR] Failed to execute goal") {
                    tail.extend(trace.lines().map(exited));
                }
            }
            (
                format!(
                    "$ mvn -B {}exec:exec@ci",
                    if trace.is_empty() { "" } else { "-e " }
                ),
                include_str!("fixtures/maven/exec-head.txt")
                    .lines()
                    .map(str::to_owned)
                    .collect(),
                tail,
            )
        }
        // The frontend plugin 1.15 running the command as an npm script: each line the
        // script prints logged by Maven, at INFO level (standard output: the job's lines are
        // one stream here) and npm's report of the exit at ERROR (standard error), under the
        // plugin's `Running` line; then Maven's closing.
        "maven-frontend" => {
            tag = "[INFO] ";
            let rule = format!("[INFO] {:-<72}", "");
            let mut tail: Vec<String> = [
                "npm error Lifecycle script `ci` failed with error:".to_owned(),
                format!("npm error code {code}"),
                "npm error path /builds/acme/app".to_owned(),
                "npm error command failed".to_owned(),
                format!("npm error command sh -c {command}"),
            ]
            .iter()
            .map(|l| format!("[ERROR] {l}"))
            .collect();
            tail.extend([
                rule.clone(),
                "[INFO] BUILD FAILURE".to_owned(),
                rule.clone(),
                "[INFO] Total time:  4.117 s".to_owned(),
                "[INFO] Finished at: 2026-12-06T08:27:22Z".to_owned(),
                rule,
                format!("[ERROR] Failed to execute goal com.github.eirslett:frontend-maven-plugin:1.15.0:npm (ci) on project app: Failed to run task: 'npm run ci' failed. org.apache.commons.exec.ExecuteException: Process exited with an error: {code} (Exit value: {code}) -> [Help 1]"),
                "[ERROR] ".to_owned(),
                "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.".to_owned(),
                "[ERROR] Re-run Maven using the -X switch to enable full debug logging.".to_owned(),
                "[ERROR] ".to_owned(),
                "[ERROR] For more information about the errors and possible solutions, please read the following articles:".to_owned(),
                "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoFailureException".to_owned(),
            ]);
            (
                "$ mvn -B verify".to_owned(),
                vec![
                    "[INFO] --- frontend-maven-plugin:1.15.0:npm (ci) @ app ---".to_owned(),
                    "[INFO] Running 'npm run ci' in /builds/acme/app".to_owned(),
                    "[INFO] ".to_owned(),
                    "[INFO] > app@1.0.0 ci".to_owned(),
                    format!("[INFO] > {command}"),
                    "[INFO] ".to_owned(),
                ],
                tail,
            )
        }
        // Maven's AntRun plugin 3.1 running the command with Ant's exec task (captured): Ant's
        // output logged by Maven at INFO level, the task's tag on each line the command printed,
        // then Maven's closing with Ant's exception and where in the target it failed.
        "maven-antrun" => {
            tag = "[INFO]      [exec] ";
            let rule = format!("[INFO] {:-<72}", "");
            (
                "$ mvn -B verify".to_owned(),
                vec![
                    "[INFO] --- maven-antrun-plugin:3.1.0:run (ci) @ app ---".to_owned(),
                    "[INFO] Executing tasks".to_owned(),
                ],
                vec![
                    rule.clone(),
                    "[INFO] BUILD FAILURE".to_owned(),
                    rule.clone(),
                    "[INFO] Total time:  0.604 s".to_owned(),
                    "[INFO] Finished at: 2026-12-06T09:21:38Z".to_owned(),
                    rule,
                    format!("[ERROR] Failed to execute goal org.apache.maven.plugins:maven-antrun-plugin:3.1.0:run (ci) on project app: An Ant BuildException has occured: exec returned: {code}"),
                    "[ERROR] around Ant part ...<exec failonerror=\"true\" executable=\"sh\">... @ 4:46 in /builds/acme/app/target/antrun/build-main.xml".to_owned(),
                    "[ERROR] -> [Help 1]".to_owned(),
                    "[ERROR] ".to_owned(),
                    "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.".to_owned(),
                    "[ERROR] Re-run Maven using the -X switch to enable full debug logging.".to_owned(),
                ],
            )
        }
        // npm running the command as the package's script (captured): npm 7 and later echo
        // the script and say nothing after it; npm 6 reports the exit.
        // npm 6 and earlier (Travis CI's default script for Node.js, `npm test`): the test
        // script's failure in one line (captured).
        "npm6-test" => (
            "$ npm test".to_owned(),
            vec![
                String::new(),
                "> app@1.0.0 test /builds/acme/app".to_owned(),
                format!("> {command}"),
                String::new(),
            ],
            vec!["npm ERR! Test failed.  See above for more details.".to_owned()],
        ),
        // npm 3 (Node.js 6's, captured from npm 3.10.10): the platform, the script's exit, and
        // what to tell its author, the command again among it.
        "npm3" => (
            "$ npm run ci".to_owned(),
            vec![
                String::new(),
                "> app@1.0.0 ci /builds/acme/app".to_owned(),
                format!("> {command}"),
                String::new(),
            ],
            [
                String::new(),
                "npm ERR! Linux 4.4.0-101-generic".to_owned(),
                r#"npm ERR! argv "/usr/local/bin/node" "/usr/local/bin/npm" "run" "ci""#.to_owned(),
                "npm ERR! node v6.17.1".to_owned(),
                "npm ERR! npm  v3.10.10".to_owned(),
                "npm ERR! code ELIFECYCLE".to_owned(),
                format!("npm ERR! app@1.0.0 ci: `{command}`"),
                format!("npm ERR! Exit status {code}"),
                "npm ERR! ".to_owned(),
                format!("npm ERR! Failed at the app@1.0.0 ci script '{command}'."),
                "npm ERR! Make sure you have the latest version of node.js and npm installed.".to_owned(),
                "npm ERR! If you do, this is most likely a problem with the app package,".to_owned(),
                "npm ERR! not with npm itself.".to_owned(),
                "npm ERR! Tell the author that this fails on your system:".to_owned(),
                format!("npm ERR!     {command}"),
                "npm ERR! You can get information on how to open an issue for this project with:".to_owned(),
                "npm ERR!     npm bugs app".to_owned(),
                "npm ERR! Or if that isn't available, you can get their info via:".to_owned(),
                "npm ERR!     npm owner ls app".to_owned(),
                "npm ERR! There is likely additional logging output above.".to_owned(),
                String::new(),
                "npm ERR! Please include the following file with any support request:".to_owned(),
                "npm ERR!     /builds/acme/app/npm-debug.log".to_owned(),
            ]
            .to_vec(),
        ),
        // Gulp 4 running the command through gulp-shell 0.8 (captured): its log's times, the
        // task's start, its error and the plugin's message.
        "gulp" => (
            "$ npx gulp ci".to_owned(),
            vec![
                "[10:42:07] Using gulpfile /builds/acme/app/gulpfile.js".to_owned(),
                "[10:42:07] Starting 'ci'...".to_owned(),
            ],
            vec![
                "[10:42:09] 'ci' errored after 1.97 s".to_owned(),
                "[10:42:09] \x1b[31mError\x1b[39m in plugin \"\x1b[36mgulp-shell\x1b[39m\"".to_owned(),
                "Message:".to_owned(),
                format!("    Command `{command}` failed with exit code {code}"),
            ],
        ),
        "npm" | "npm6" => {
            let modern = wrapper == "npm";
            let mut tail = Vec::new();
            if !modern {
                tail.extend([
                    "npm ERR! code ELIFECYCLE".to_owned(),
                    format!("npm ERR! errno {code}"),
                    format!("npm ERR! app@1.0.0 ci: `{command}`"),
                    format!("npm ERR! Exit status {code}"),
                    "npm ERR! ".to_owned(),
                    "npm ERR! Failed at the app@1.0.0 ci script.".to_owned(),
                    "npm ERR! This is probably not a problem with npm. There is likely additional logging output above.".to_owned(),
                    String::new(),
                    "npm ERR! A complete log of this run can be found in:".to_owned(),
                    "npm ERR!     /root/.npm/_logs/2026-12-06T11_52_14_334Z-debug.log".to_owned(),
                ]);
            }
            (
                "$ npm run ci".to_owned(),
                vec![
                    String::new(),
                    match modern {
                        true => "> app@1.0.0 ci".to_owned(),
                        false => "> app@1.0.0 ci /builds/acme/app".to_owned(),
                    },
                    format!("> {command}"),
                    String::new(),
                ],
                tail,
            )
        }
        // Lerna 9 (its Nx task runner) running the script in two packages (captured): each
        // task's output whole under its header, or with `--stream` behind the package's name
        // as it comes; then the failed tasks.
        "lerna" | "lerna-stream" => {
            let stream = wrapper == "lerna-stream";
            let mut head: Vec<String> = [
                "lerna notice cli v9.0.7",
                "",
                " Lerna (powered by Nx)   Running target ci for 2 projects:",
                "",
                "- @acme/api",
                "- @acme/app",
                "",
                "",
                "",
            ]
            .map(str::to_owned)
            .to_vec();
            let mut tail = Vec::new();
            if stream {
                tag = "@acme/app: ";
                head.extend(["> @acme/app:ci", "", "", "> @acme/api:ci", ""].map(str::to_owned));
                head.push("@acme/app: > @acme/app@1.0.0 ci".to_owned());
                head.push(format!("@acme/app: > {command}"));
                tail.extend(npm_workspace_exit.iter().map(|l| format!("@acme/app: {l}")));
                tail.extend(
                    ["> @acme/api@1.0.0 ci", "> echo api ok", "api ok"]
                        .map(|l| format!("@acme/api: {l}")),
                );
            } else {
                head.extend(
                    ["> @acme/api:ci", "", "", "> @acme/api@1.0.0 ci", "> echo api ok", "", "api ok", ""]
                        .map(str::to_owned),
                );
                head.extend(["> @acme/app:ci", "", "", "> @acme/app@1.0.0 ci"].map(str::to_owned));
                head.push(format!("> {command}"));
                head.push(String::new());
                tail.extend(npm_workspace_exit);
            }
            tail.extend(
                [
                    "",
                    "",
                    "",
                    " Lerna (powered by Nx)   Running target ci for 2 projects failed",
                    "",
                    "Failed tasks:",
                    "",
                    "- @acme/app:ci",
                ]
                .map(str::to_owned),
            );
            ("$ npx lerna run ci".to_owned() + if stream { " --stream" } else { "" }, head, tail)
        }
        // concurrently 9 running the command beside another (captured): each line behind its
        // command's name, its report of the exit, the other's lines after.
        "concurrently" => {
            tag = "[app] ";
            (
                "$ npx concurrently -n api,app \"npm:ci -w @acme/api\" \"./ci.sh\"".to_owned(),
                Vec::new(),
                vec![
                    format!("[app] {command} exited with code {code}"),
                    "[api] ".to_owned(),
                    "[api] > @acme/api@1.0.0 ci".to_owned(),
                    "[api] > echo api ok".to_owned(),
                    "[api] ".to_owned(),
                    "[api] api ok".to_owned(),
                    "[api] npm run ci -w @acme/api exited with code 0".to_owned(),
                ],
            )
        }
        // `docker compose up --abort-on-container-exit` (Compose 2, as its source prints it:
        // each line behind its container's name padded to the longest and ` | `, a container's
        // status by its name on a line of its own): the command in the app's container, the
        // database's lines before and after it.
        "compose" => {
            tag = "app-1  | ";
            let db = |l: &str| format!("db-1   | 2026-12-06 12:00:0{l}");
            let head = vec![
                " Network shop_default  Creating".to_owned(),
                " Network shop_default  Created".to_owned(),
                " Container shop-db-1  Creating".to_owned(),
                " Container shop-db-1  Created".to_owned(),
                " Container shop-app-1  Creating".to_owned(),
                " Container shop-app-1  Created".to_owned(),
                "Attaching to app-1, db-1".to_owned(),
                db("0.112 UTC [1] LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu"),
                db("0.214 UTC [1] LOG:  database system is ready to accept connections"),
            ];
            let tail = vec![
                format!("\r\x1b[Kapp-1 exited with code {code}"),
                "Aborting on container exit...".to_owned(),
                " Container shop-app-1  Stopping".to_owned(),
                " Container shop-app-1  Stopped".to_owned(),
                " Container shop-db-1  Stopping".to_owned(),
                db("3.201 UTC [1] LOG:  received fast shutdown request"),
                db("3.208 UTC [1] LOG:  aborting any active transactions"),
                db("3.231 UTC [1] LOG:  database system is shut down"),
                " Container shop-db-1  Stopped".to_owned(),
            ];
            (
                "$ docker compose up --abort-on-container-exit --exit-code-from app".to_owned(),
                head,
                tail,
            )
        }
        // `docker build` with BuildKit's plain progress (what it prints with no terminal): the
        // steps before, each line the RUN step's command printed under the step's number and
        // time, the step's error, its last ten lines again, the Dockerfile around the step
        // and the build's error.
        "docker" => {
            tag = "#8 ";
            timed = true;
            let run = format!(
                "process \"/bin/sh -c {command}\" did not complete successfully: exit code: {code}"
            );
            let head = [
                "#0 building with \"default\" instance using docker driver",
                "",
                "#1 [internal] load build definition from Dockerfile",
                "#1 transferring dockerfile: 389B done",
                "#1 DONE 0.0s",
                "",
                "#2 [internal] load metadata for docker.io/library/golang:1.22-alpine",
                "#2 DONE 1.1s",
                "",
                "#3 [internal] load .dockerignore",
                "#3 transferring context: 2B done",
                "#3 DONE 0.0s",
                "",
                "#4 [build 1/4] FROM docker.io/library/golang:1.22-alpine",
                "#4 DONE 0.0s",
                "",
                "#5 [internal] load build context",
                "#5 transferring context: 31.52kB 0.0s done",
                "#5 DONE 0.0s",
                "",
                "#6 [build 2/4] WORKDIR /src",
                "#6 CACHED",
                "",
                "#7 [build 3/4] COPY . .",
                "#7 DONE 0.1s",
                "",
            ];
            let mut head: Vec<String> = head.iter().map(|l| (*l).to_owned()).collect();
            head.push(format!("#8 [build 4/4] RUN {command}"));
            let mut tail = vec![
                format!("#8 ERROR: {run}"),
                "------".to_owned(),
                format!(" > [build 4/4] RUN {command}:"),
            ];
            let last = output.len().saturating_sub(10);
            tail.extend(
                output[last..]
                    .iter()
                    .enumerate()
                    .map(|(i, l)| format!("{} {l}", since_start(last + i))),
            );
            tail.extend(
                [
                    "------",
                    "Dockerfile:4",
                    "--------------------",
                    "   2 |     WORKDIR /src",
                    "   3 |     COPY . .",
                ]
                .map(str::to_owned),
            );
            tail.push(format!("   4 | >>> RUN {command}"));
            tail.extend(["   5 |     ", "   6 |     FROM alpine:3.20", "--------------------"].map(str::to_owned));
            tail.push(format!("ERROR: failed to solve: {run}"));
            ("$ docker build -t registry.gitflic.ru/acme/app .".to_owned(), head, tail)
        }
        // The legacy builder (Docker before BuildKit, as Travis' workers ran it): each step,
        // the RUN step's container, the command's output as it is, the step's exit code.
        "docker-legacy" => (
            "$ docker build -t acme/app .".to_owned(),
            vec![
                "Sending build context to Docker daemon  31.52kB".to_owned(),
                "Step 1/4 : FROM golang:1.22".to_owned(),
                " ---> 3f2ba9a9d6ea".to_owned(),
                "Step 2/4 : WORKDIR /src".to_owned(),
                " ---> Using cache".to_owned(),
                " ---> 8c1a2b3c4d5e".to_owned(),
                "Step 3/4 : COPY . .".to_owned(),
                " ---> 9d8e7f6a5b4c".to_owned(),
                format!("Step 4/4 : RUN {command}"),
                " ---> Running in 3f1c2d4e5a6b".to_owned(),
            ],
            vec![format!(
                "The command '/bin/sh -c {command}' returned a non-zero code: {code}"
            )],
        ),
        // Travis' travis_retry (travis-build's bash function): the command run three times,
        // its red report of each failed try (on standard error) between them, and after the
        // third.
        "travis-retry" => {
            let said = |line: String| vec![String::new(), format!("\x1b[31;1m{line}\x1b[0m"), String::new()];
            let mut head = Vec::new();
            for attempt in 2..=3 {
                head.extend(output.iter().map(|l| (*l).to_owned()));
                head.extend(said(format!("The command \"{command}\" failed. Retrying, {attempt} of 3.")));
            }
            (
                format!("$ travis_retry {command}"),
                head,
                said(format!("The command \"{command}\" failed 3 times.")),
            )
        }
        // Travis' travis_wait: the command's output kept in a file while a minute's timer
        // writes over its own line, the command's exit, then the file.
        "travis-wait" => (
            format!("$ travis_wait 30 {command}"),
            vec![
                String::new(),
                String::new(),
                format!("Still running (1 of 30): {command}\rStill running (2 of 30): {command}\r"),
                format!("\x1b[31;1mThe command {command} exited with {code}.\x1b[0m"),
                String::new(),
                "\x1b[32;1mLog:\x1b[0m".to_owned(),
                String::new(),
            ],
            Vec::new(),
        ),
        _ => (
            "$ tox -e py".to_owned(),
            vec![format!("py: commands[0]> {command}")],
            vec![
                format!("py: exit {code} (12.31 seconds) /builds/acme/app> {command} pid=412"),
                format!("  py: FAIL code {code} (20.17=setup[7.86]+cmd[12.31] seconds)"),
                "  evaluation failed :( (20.25 seconds)".to_owned(),
            ],
        ),
    };
    let mut out: Vec<String> = lines[..command_at].iter().map(|l| l.to_string()).collect();
    out.push(call);
    out.extend(head.iter().cloned());
    out.extend(output.iter().enumerate().map(|(i, l)| match timed {
        true => format!("{tag}{} {l}", since_start(i)),
        false => format!("{tag}{l}"),
    }));
    out.extend(lines[output_end..].iter().map(|l| l.to_string()));
    out.splice(
        output_end + head.len()..output_end + head.len(),
        tail.iter().cloned(),
    );
    let (head, tail, command_at, output_end) = (
        head.len() as u64,
        tail.len() as u64,
        command_at as u64 + 1,
        output_end as u64 + 1,
    );
    let place = move |n: u64| match n {
        n if n <= command_at => n,
        n if n < output_end => n + head,
        n => n + head + tail,
    };
    Some((out.join("\n"), place))
}

#[test]
fn a_job_run_through_a_wrapper_is_explained_by_what_the_command_said() {
    let logs = fixture_jobs();
    for wrapper in [
        "make",
        "make41",
        "tox",
        "tox3",
        "turbo",
        "pnpm",
        "rake",
        "go-task",
        "nox",
        "yarn",
        "pre-commit",
        "ninja",
        "ant",
        "scons",
        "gradle",
        "gradle4",
        "grunt-shell",
        "grunt-exec",
        "maven-exec",
        "maven-exec-e",
        "maven-frontend",
        "maven-antrun",
        "docker",
        "docker-legacy",
        "travis-retry",
        "travis-wait",
        "npm",
        "npm6",
        "npm6-test",
        "npm3",
        "gulp",
        "lerna",
        "lerna-stream",
        "concurrently",
        "compose",
    ] {
        let (mut jobs, mut lost) = (0, Vec::new());
        for path in &logs {
            let log = fs::read_to_string(path).unwrap_or_default();
            let Some((longer, place)) = wrapped(&log, wrapper) else {
                continue;
            };
            let report = analyze_bytes(log.as_bytes(), JobMeta::default());
            // A command that printed nothing is shown by its line, which the wrapper echoes.
            let Some(first) = report
                .excerpts
                .first()
                .filter(|e| !e.text.starts_with("$ "))
            else {
                continue;
            };
            jobs += 1;
            let (start, end) = (place(first.start_line), place(first.end_line));
            let got = analyze_bytes(longer.as_bytes(), JobMeta::default());
            // The first excerpt shows some of what the command said there, not only the
            // wrapper's lines.
            if !got
                .excerpts
                .first()
                .is_some_and(|e| e.start_line <= end && e.end_line >= start)
            {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                lost.push(format!(
                    "{name}: {start}-{end}, got {:?}",
                    got.excerpts.first()
                ));
            }
        }
        assert!(jobs > 950, "{wrapper}: {jobs} jobs");
        // At most one job in 200 (the fixture jobs whose output says least).
        assert!(lost.len() * 200 <= jobs, "{wrapper}: {}", lost.join("\n"));
    }
}

/// Passing commands' output, each with what reads like trouble and is not: a traceback a script
/// printed and went on from, git's error on a tag it ignored, an application's log with an error
/// it recovered from, passing tests named for errors, npm's deprecations and an ignored audit,
/// pytest's warnings summary, a compiler's warning in a build that went on.
const PASSING_NOISE: [&str; 8] = [
    "$ python scripts/warm_cache.py\nfetching prices\nTraceback (most recent call last):\n  File \"/builds/acme/app/scripts/warm_cache.py\", line 12, in fetch\n    return client.get(url)\nTimeoutError: timed out\nretrying in 1s\ncache warmed\n",
    "$ git fetch --tags\nwarning: redirecting to https://gitflic.ru/project/acme/app.git/\nerror: cannot lock ref 'refs/tags/v1.0': reference already exists (ignored)\n",
    "$ ./scripts/smoke.sh\n2026-12-05 10:00:01,123 INFO  [main] c.a.App - starting\n2026-12-05 10:00:01,456 WARN  [main] c.a.Client - upstream timed out, retrying\n2026-12-05 10:00:02,001 ERROR [pool-1] c.a.Client - connection refused: localhost/127.0.0.1:5432\n2026-12-05 10:00:03,002 INFO  [main] c.a.App - ready\nsmoke ok\n",
    "$ ./scripts/smoke.sh\n  ✓ reports a network error to the user (12ms)\n  ✓ retries when the connection is refused\n  ✓ fails with a clear error on bad input\n  3 passing (40ms)\n",
    "$ npm ci\nnpm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.\nnpm warn deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported\n\nadded 412 packages, and audited 413 packages in 9s\n\n3 vulnerabilities (1 moderate, 2 high)\n\nTo address all issues, run:\n  npm audit fix\n",
    "$ npm audit --audit-level=high || true\n# npm audit report\n\nsemver  <7.5.2\nSeverity: high\nsemver vulnerable to Regular Expression Denial of Service - https://github.com/advisories/GHSA-c2qf-rxjj-qqgw\nfix available via `npm audit fix`\nnode_modules/semver\n\n1 high severity vulnerability\n",
    "$ python -m pytest tests/unit -q\n........................................ [ 80%]\n..........                               [100%]\n=============================== warnings summary ===============================\ntests/unit/test_api.py::test_error_path\n  /builds/acme/app/app/api.py:12: DeprecationWarning: datetime.datetime.utcnow() is deprecated\n    stamp = datetime.utcnow()\n\n-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html\n50 passed, 1 warning in 0.41s\n",
    "$ make -j2 all\ncc -O2 -Wall -c src/util.c -o build/util.o\nsrc/util.c: In function 'parse_line':\nsrc/util.c:42:9: warning: unused variable 'n' [-Wunused-variable]\n   42 |     int n = 0;\n      |         ^\ncc -O2 -Wall build/util.o -o build/tool\n",
];

#[test]
fn a_passing_command_before_the_failing_one_does_not_change_the_report() {
    let mut differ = Vec::new();
    let mut jobs = 0;
    for (name, log, at, _) in failing_jobs() {
        let lines: Vec<&str> = log.split('\n').collect();
        jobs += 1;
        let (ranges, category) = outcome(log.as_bytes());
        for noise in PASSING_NOISE {
            let added = noise.matches('\n').count() as u64;
            let shift = |n: u64| if n > at as u64 { n + added } else { n };
            let moved: Vec<_> = ranges.iter().map(|&(s, e)| (shift(s), shift(e))).collect();
            let longer = format!(
                "{}\n{noise}{}",
                lines[..at].join("\n"),
                lines[at..].join("\n")
            );
            let got = outcome(longer.as_bytes());
            if got != (moved.clone(), category.clone()) {
                let first = noise.lines().next().unwrap_or_default();
                differ.push(format!(
                    "{name} (after `{first}`): {moved:?} became {got:?}"
                ));
            }
        }
    }
    assert_few_changed(differ.len(), jobs, 1000, 0, &differ);
}

/// What a step prints once its command is over, whatever happened: Docker Compose tearing the
/// project down, bash's `time` report, coverage.py's table.
const AFTERMATH: [(&str, &str); 3] = [
    (
        "",
        " Container shop-db-1  Stopping\n Container shop-db-1  Stopped\n Container shop-db-1  Removing\n Container shop-db-1  Removed\n Network shop_default  Removing\n Network shop_default  Removed\n",
    ),
    ("", "\nreal\t0m12.431s\nuser\t0m9.120s\nsys\t0m1.002s\n"),
    (
        "",
        "Name                 Stmts   Miss  Cover\n----------------------------------------\nshop/__init__.py         0      0   100%\nshop/cart.py            42      7    83%\n----------------------------------------\nTOTAL                   42      7    83%\n",
    ),
];

#[test]
fn what_a_step_prints_once_its_command_is_over_does_not_change_the_report() {
    // At most one job in 200 (those whose cause is a wrapper's report, which the engine reads
    // at the step's very end).
    assert_changed_in_few(&AFTERMATH);
}

/// How a script notes a command's failure and goes on, and the command that fails for it later:
/// `(what follows the command, the commands after its output)`.
const NOTED_FAILURES: [(&str, &str); 4] = [
    (
        " || FAILED=1",
        "$ ./scripts/lint.sh\nAll checks passed!\n$ test -z \"$FAILED\"\n",
    ),
    // Under `set +e`.
    (
        "",
        "$ STATUS=$?\n$ ./scripts/upload-report.sh\nreport uploaded\n$ exit $STATUS\n",
    ),
    (" || status=$?", "$ exit $status\n"),
    (
        " || FAILED=1",
        "$ if [ -n \"$FAILED\" ]; then echo \"Some checks failed\"; exit 1; fi\nSome checks failed\n",
    ),
];

#[test]
fn a_failure_the_script_noted_and_failed_for_later_is_explained_by_the_command_that_failed() {
    // At most one job in 200: a tool that echoes the commands it runs as the runner does
    // (fastlane's `[10:03:12]: $ xcodebuild …`) starts steps of its own after the noted one.
    assert_changed_in_few(&NOTED_FAILURES);
}

/// The first lines of a multi-line script entry (`- |` in the YAML) that the failing command is
/// the last line of, as GitLab's and GitFlic's runners echo them (see [`collapsed_block`]), and
/// what that line prints.
const BLOCK_FIRST_LINES: [(&str, &str); 3] = [
    ("echo \"Running the checks\"", "Running the checks"),
    ("pip install -q -e . || true", ""),
    ("if [ -n \"$CI\" ]; then", ""),
];

/// The job with its failing command's echo (line `at`, 0-based) in place of a multi-line
/// script entry's echo, starting with `first` that prints `said`; and the line numbers' shift.
fn collapsed_block(lines: &[&str], at: usize, first: &str, said: &str) -> (String, u64) {
    let mut edited: Vec<&str> = lines.to_vec();
    let echo = format!("$ {first} # collapsed multi-line command");
    edited[at] = &echo;
    if !said.is_empty() {
        edited.insert(at + 1, said);
    }
    (edited.join("\n"), u64::from(!said.is_empty()))
}

#[test]
fn a_failing_command_in_a_multi_line_script_entry_gets_the_same_excerpts() {
    let (mut differ, mut changed_jobs, mut jobs) = (Vec::new(), 0, 0);
    for (name, log, at, _) in failing_jobs() {
        let lines: Vec<&str> = log.split('\n').collect();
        let (ranges, _) = outcome(log.as_bytes());
        // A report that shows the command's echo (it printed nothing) cannot show the same, nor
        // one whose command announced itself (`echo "verifying"; sha256sum -c …`).
        let echo_line = at as u64 + 1;
        if ranges
            .iter()
            .any(|&(s, e)| s <= echo_line && echo_line <= e)
            || lines[at].starts_with("$ echo ")
        {
            continue;
        }
        jobs += 1;
        // What is known of the job when its command is not: the category of its output.
        let mut opaque = lines.clone();
        opaque[at] = "$ ./ci/run.sh";
        let (_, category) = outcome(opaque.join("\n").as_bytes());
        let differed = differ.len();
        for (first, said) in BLOCK_FIRST_LINES {
            let (edited, put_in) = collapsed_block(&lines, at, first, said);
            let shift = |n: u64| if n > echo_line { n + put_in } else { n };
            let moved: Vec<_> = ranges.iter().map(|&(s, e)| (shift(s), shift(e))).collect();
            let got = outcome(edited.as_bytes());
            if got != (moved.clone(), category.clone()) {
                differ.push(format!(
                    "{name} (`{first}`): {:?} became {got:?}",
                    (moved, &category)
                ));
            }
        }
        changed_jobs += usize::from(differ.len() > differed);
    }
    // One job in 200: a command whose options make the tool's warnings its failure
    // (`--fail-on-warning`) is not seen when its echo is not.
    assert_few_changed(changed_jobs, jobs, 900, 5, &differ);
}

/// A service container's log as the runner streams it into the job's (`CI_DEBUG_SERVICES`):
/// a database's errors and a mock's among them.
const SERVICE_LOG: [&str; 5] = [
    "[service:postgres] 2026-12-07T06:30:01.123456789Z 2026-12-07 06:30:01.123 UTC [1] LOG:  database system is ready to accept connections",
    "[service:postgres] 2026-12-07T06:30:05.223456789Z 2026-12-07 06:30:05.223 UTC [63] ERROR:  relation \"carts\" does not exist at character 15",
    "[service:postgres] 2026-12-07T06:30:05.223556789Z 2026-12-07 06:30:05.223 UTC [63] STATEMENT:  SELECT * FROM carts",
    "[service:postgres] 2026-12-07T06:30:06.323456789Z 2026-12-07 06:30:06.323 UTC [64] FATAL:  terminating connection due to administrator command",
    "[service:mock-api] 2026-12-07T06:30:07.000000000Z Error: connect ECONNREFUSED 127.0.0.1:6379",
];

#[test]
fn a_service_container_s_log_among_the_job_s_output_changes_nothing() {
    let (mut differ, mut jobs) = (Vec::new(), 0);
    for (name, log, at, end) in failing_jobs() {
        let lines: Vec<&str> = log.split('\n').collect();
        jobs += 1;
        // Under the command's echo and every other line of its output, a line of the
        // service's; where each line of the job went.
        let (mut interleaved, mut moved_to) = (Vec::new(), Vec::new());
        for (i, line) in lines.iter().enumerate() {
            interleaved.push(*line);
            moved_to.push(interleaved.len() as u64);
            if (at..end - 1).contains(&i) && (i - at) % 2 == 0 {
                interleaved.push(SERVICE_LOG[(i - at) / 2 % SERVICE_LOG.len()]);
            }
        }
        let (ranges, category) = outcome(log.as_bytes());
        let moved: Vec<_> = (ranges.iter())
            .map(|&(s, e)| (moved_to[s as usize - 1], moved_to[e as usize - 1]))
            .collect();
        let got = outcome(interleaved.join("\n").as_bytes());
        if got != (moved.clone(), category.clone()) {
            differ.push(format!("{name}: {:?} became {got:?}", (moved, category)));
        }
    }
    assert_few_changed(differ.len(), jobs, 1000, 0, &differ);
}

#[test]
fn a_job_whose_files_and_tests_have_cyrillic_names_gets_the_same_report() {
    let (mut differ, mut jobs) = (Vec::new(), 0);
    for path in fixture_jobs() {
        let log = fs::read_to_string(&path).expect("a log");
        // The fixtures' shop: its cart's files, modules and tests (`src/cart.py`, `test_cart`).
        if !log.contains("cart") {
            continue;
        }
        jobs += 1;
        let name = path.file_name().expect("a name").to_string_lossy();
        let (expected, got) = (
            outcome(log.as_bytes()),
            outcome(log.replace("cart", "корзина").as_bytes()),
        );
        if got != expected {
            differ.push(format!("{name}: {expected:?} became {got:?}"));
        }
    }
    // One job in 100: a few shapes are read by hand (a note's place under scons, a test's
    // dotted name under trial's report) and take ASCII names only.
    assert_few_changed(differ.len(), jobs, 300, 10, &differ);
}

/// What a script puts before each line a command prints (`cmd | ts`, `cmd | sed 's/^/    /'`),
/// and how many jobs in a thousand may get another report with it.
const SCRIPT_PREFIXES: [(&str, usize); 3] = [
    // moreutils' `ts` in its default format.
    ("Dec 05 10:00:02 ", 5),
    // A layout's time and bar (loguru's, and many a script's `date` piped in).
    ("2026-12-05 10:00:02 | ", 5),
    // Indentation: what is indented as a whole is read without the indent its lines share, a
    // tool's own with the script's (xo's two spaces under a file's name), and a tool whose
    // first lines are indented more than the rest (dune's build lines over its test's output)
    // loses part of its own indent until a line shows only the script's.
    ("    ", 50),
];

#[test]
fn a_failing_command_whose_output_the_script_stamps_or_indents_gets_the_same_report() {
    for (prefix, per_thousand) in SCRIPT_PREFIXES {
        let (mut differ, mut jobs) = (Vec::new(), 0);
        for (name, log, at, end) in failing_jobs() {
            let lines: Vec<&str> = log.split('\n').collect();
            jobs += 1;
            let prefixed: Vec<String> = (lines.iter().enumerate())
                .map(|(i, l)| {
                    match i > at && i < end && !l.is_empty() && !l.starts_with("Running after") {
                        true => format!("{prefix}{l}"),
                        false => (*l).to_owned(),
                    }
                })
                .collect();
            let (expected, got) = (
                outcome(log.as_bytes()),
                outcome(prefixed.join("\n").as_bytes()),
            );
            if got != expected {
                differ.push(format!(
                    "{name} (behind `{prefix}`): {expected:?} became {got:?}"
                ));
            }
        }
        assert_few_changed(differ.len(), jobs, 1000, per_thousand, &differ);
    }
}

/// Asserts that every fixture job (of more than 1000), its failing command's line ending in
/// `added` and `after` put under its output, for each `(added, after)` of `variants`, gets the
/// same excerpts (moved past the lines put in) and category, but for at most one job in 200.
fn assert_changed_in_few(variants: &[(&str, &str)]) {
    let (mut differ, mut changed_jobs, mut jobs) = (Vec::new(), 0, 0);
    for (name, log, at, end) in failing_jobs() {
        let lines: Vec<&str> = log.split('\n').collect();
        // Where the runner takes over again after its output.
        let runner = [
            "Running after",
            "Saving cache",
            "Creating cache",
            "Uploading artifacts",
        ];
        let output_end = (at + 1..end)
            .find(|&i| runner.iter().any(|r| lines[i].contains(r)))
            .unwrap_or(end);
        jobs += 1;
        let (ranges, category) = outcome(log.as_bytes());
        let differed = differ.len();
        for (added, after) in variants {
            let put_in = after.matches('\n').count() as u64;
            let shift = |n: u64| if n > output_end as u64 { n + put_in } else { n };
            let moved: Vec<_> = ranges.iter().map(|&(s, e)| (shift(s), shift(e))).collect();
            let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            edited[at].push_str(added);
            edited.insert(output_end, after.trim_end_matches('\n').to_owned());
            let longer = edited.join("\n");
            let got = outcome(longer.as_bytes());
            if got != (moved.clone(), category.clone()) {
                let first = after.trim_start().lines().next().unwrap_or_default();
                differ.push(format!(
                    "{name} ({added} … `{first}`): {moved:?} became {got:?}"
                ));
            }
        }
        changed_jobs += usize::from(differ.len() > differed);
    }
    assert_few_changed(changed_jobs, jobs, 1000, 5, &differ);
}

/// Asserts that more than `least` jobs were read and that at most `per_thousand` in a thousand
/// of them (`changed`) got another report, listing what changed (`differ`).
fn assert_few_changed(
    changed: usize,
    jobs: usize,
    least: usize,
    per_thousand: usize,
    differ: &[String],
) {
    assert!(jobs > least, "{jobs} jobs");
    assert!(
        changed * 1000 <= jobs * per_thousand,
        "{}\n{} reports changed",
        differ.join("\n"),
        differ.len()
    );
}

/// The fixture jobs in a GitFlic runner's shape: each one's name and log, and the lines of its
/// failing command's echo and of the runner's epilogue (see [`failing_command`]).
fn failing_jobs() -> impl Iterator<Item = (String, String, usize, usize)> {
    fixture_jobs().into_iter().filter_map(|path| {
        let log = fs::read_to_string(&path).expect("a log");
        let name = path
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let (at, end) = failing_command(&log.split('\n').collect::<Vec<_>>())?;
        Some((name, log, at, end))
    })
}

/// The lines (0-based) of the runner's `$ cmd` of the script's last command and of the runner's
/// epilogue after it; `None` for a log not in a GitFlic runner's shape.
fn failing_command(lines: &[&str]) -> Option<(usize, usize)> {
    let end = (lines.iter()).position(|l| l.starts_with("Cleaning up project directory"))?;
    let at = lines[..end].iter().rposition(|l| l.starts_with("$ "))?;
    Some((at, end))
}
