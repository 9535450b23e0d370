//! The generic layer, on formats no rule names: a diagnostic in the `path:line` shape of a tool
//! the engine has no rule for, lines logged below error level, and the runner's own lines.

use exlogare_analysis::{Category, JobMeta, Report, analyze_bytes};

fn analyze(log: &str) -> Report {
    analyze_bytes(log.as_bytes(), JobMeta::default())
}

fn first_excerpt(report: &Report) -> (u64, u64, &str) {
    let e = &report.excerpts[0];
    (e.start_line, e.end_line, e.text.as_str())
}

/// The texts of the report's excerpts, in order.
fn excerpt_texts(report: &Report) -> Vec<&str> {
    report.excerpts.iter().map(|e| e.text.as_str()).collect()
}

/// Analyses `log` and asserts that its first excerpt spans `lines`; the report, for more.
fn assert_first_excerpt(log: &str, lines: (u64, u64)) -> Report {
    let report = analyze(log);
    let (start, end, _) = first_excerpt(&report);
    assert_eq!((start, end), lines, "{report:#?}");
    report
}

/// Analyses `log` and asserts that its first excerpt spans `lines` and its headline starts with
/// `headline`.
fn assert_headed(log: &str, lines: (u64, u64), headline: &str) {
    let report = assert_first_excerpt(log, lines);
    assert!(report.headline.starts_with(headline), "{report:#?}");
}

/// What `autoflake --check` says of a file, the failed command's line in the interleaving tests.
const AUTOFLAKE_SAID: &str = "shop/cart.py: Unused imports/variables detected";

/// Asserts that `log`'s first excerpt spans `lines` and starts with `said`, what the command
/// that failed said, and that no excerpt shows `other`, what a command beside it printed.
fn assert_said_by_the_failed_one(log: &str, lines: (u64, u64), said: &str, other: &str) {
    let report = assert_first_excerpt(log, lines);
    assert!(first_excerpt(&report).2.starts_with(said), "{report:#?}");
    assert!(
        excerpt_texts(&report).iter().all(|t| !t.contains(other)),
        "{report:#?}"
    );
}

/// A GitFlic runner's job: its header, the job's script, the runner's epilogue.
fn job(script_output: &str) -> String {
    format!(
        "Running with gitlab-runner 16.11.0 (91a27b2a)\n  on gitflic-runner-1 xY3abc, system ID: s_0123\nPreparing the \"docker\" executor\nUsing Docker executor with image erlang:26 ...\nPulling docker image erlang:26 ...\nGetting source from Git repository\nFetching changes with git depth set to 20...\nChecking out 3f7a1c2e as detached HEAD (ref is main)...\nSkipping Git submodules setup\nExecuting \"step_script\" stage of the job script\n{script_output}Cleaning up project directory and file based variables\nERROR: Job failed: exit code 1\n"
    )
}

#[test]
fn cocoapods_last_word_is_its_verdict() {
    // CocoaPods marks what it says with `[!]`, its warnings and, last, why it stopped.
    let log = job(
        "$ pod install\nAnalyzing dependencies\n[!] The version of CocoaPods used to generate the lockfile (1.8.4) is higher than the version of the current executable (1.8.0). Incompatibility issues may arise.\nFetching podspec for `Shop` from `.`\n[!] Unable to find a specification for `Alamofire (~> 5.0)`\n\nYou have either:\n * out-of-date source repos which you can update with `pod repo update` or with `pod install --repo-update`.\n * mistyped the name or version.\n",
    );
    let report = analyze(&log);
    assert_eq!(report.rule, "cocoapods", "{report:#?}");
    // (Its warning two lines above heads the run of `[!]` lines: the headline is the run's
    // first.)
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 15 && end >= 15, "{report:#?}");
}

#[test]
fn make_4_1_s_line_on_the_recipe_that_failed_is_make_s_report_not_a_diagnostic() {
    // make 4.0 and 4.1 (Ubuntu 16.04's) print the recipe's place above each `*** [x] Error`.
    let log = job(
        "$ cmake --build build\n[ 50%] Building CXX object CMakeFiles/shop.dir/main.cpp.o\n/builds/acme/shop/main.cpp: In function 'int main()':\n/builds/acme/shop/main.cpp:5:26: error: conversion from 'int' to non-scalar type 'std::string' requested\n    5 |     std::string s = total(1, 2);\n      |                     ~~~~~^~~~~~\nCMakeFiles/shop.dir/build.make:76: recipe for target 'CMakeFiles/shop.dir/main.cpp.o' failed\ngmake[2]: *** [CMakeFiles/shop.dir/main.cpp.o] Error 1\nCMakeFiles/Makefile2:111: recipe for target 'CMakeFiles/shop.dir/all' failed\ngmake[1]: *** [CMakeFiles/shop.dir/all] Error 2\nMakefile:91: recipe for target 'all' failed\ngmake: *** [all] Error 2\n",
    );
    let report = assert_first_excerpt(&log, (13, 16));
    let places: Vec<_> = report
        .locations
        .iter()
        .map(|l| (l.path.as_str(), l.line))
        .collect();
    assert_eq!(places, [("/builds/acme/shop/main.cpp", 5)], "{report:#?}");
}

#[test]
fn a_failed_assertion_is_the_test_s_verdict_not_a_network_error_a_log_quotes() {
    // An unknown runner's failed check, then the server's log it dumps: the TLS error in that
    // log is what the server said as the test ran, not why the job failed.
    let log = job(
        "$ ./run-checks\ncheck_ciphers ... ok\ncheck_handshake.tcl:41: AssertionError: server key is X25519, expected DH 2048\n\nserver log:\n  accepted connection from 10.0.0.7\n  verify error:num=20:unable to get local issuer certificate\n  verify return:1\n2 checks, 1 failed\n",
    );
    let report = assert_first_excerpt(&log, (13, 13));
    assert_ne!(report.rule, "tls", "{report:#?}");
}

#[test]
fn a_failed_test_s_title_heads_its_report_from_well_above_the_failure() {
    // The test logged sixteen steps under its title before its assertion failed.
    let steps: String = (1..=16)
        .map(|n| format!("  step {n}: sent record {n}, {} bytes\n", n * 64))
        .collect();
    let log = job(&format!(
        "$ ./run-checks\ncheck_ciphers ... ok\n==================== check_handshake ====================\n{steps}checks/handshake.tcl:41: AssertionError: server key is X25519, expected DH 2048\n2 checks, 1 failed\n"
    ));
    assert_headed(&log, (13, 31), "checks/handshake.tcl:41");
}

#[test]
fn a_framed_verdict_titles_the_report_a_weak_word_read_first() {
    // The failed word read the heading and the framed title as a block of its own; the
    // assertion's report starts at that title, a blank line and the test's output above it.
    let log = job(
        "$ ./run-checks\ncheck_ciphers ... ok\n** CHECK FAILURES **\n------------ FAILED check handshake ------------\n\n  sent client hello\n  got server hello\nchecks/handshake.tcl:41: AssertionError: server key is X25519\n\n2 checks, 1 failed\n",
    );
    // From the heading the weak word read with the title down to the run's count.
    assert_headed(&log, (13, 20), "checks/handshake.tcl:41");
}

#[test]
fn a_heading_over_a_trace_of_calls_is_a_crash_whose_message_is_right_above() {
    // An unknown program's crash: its message, then its trace under a heading.
    let log = job(
        "$ ./bin/shopd --check\nloading prices from prices.db\nPrice table is empty, nothing to sell\nBacktrace:\n  #0 0x401136 in load_prices shopd.c:41\n  #1 0x401180 in main shopd.c:77\nchecked 0 items\n",
    );
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start == 13 && end >= 16, "{report:#?}");
    assert_eq!(report.headline, "Price table is empty, nothing to sell");
    // A message indented under its first line, over a trace of where it was raised (CMake's
    // shape): from that first line.
    let log = job(
        "$ ./configure-shop\nreading config/shop.cfg\nShop configuration halted in config/shop.cfg, section prices:\n  No price list named \"spring\" (known lists: winter,\n  summer)\nCall Stack (most recent call first):\n  config/shop.cfg:12 (include)\n  config/main.cfg:3 (include)\n\nConfiguring incomplete.\n",
    );
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start == 13 && end >= 18, "{report:#?}");
    assert!(
        report.headline.starts_with("Shop configuration halted"),
        "{report:#?}"
    );
}

#[test]
fn a_verdict_that_names_nothing_that_failed_points_at_the_errors_above_it() {
    // A build script's own closing word, after the errors of a tool it ran and the progress of
    // what it went on to build: the errors are what failed.
    let progress: String = (1..=8)
        .map(|n| format!("   Compiling shop-part{n} v0.1.0\n"))
        .collect();
    let log = job(&format!(
        "$ ./build.sh\ngenerating bindings for shop\nshopgen: error: schema shop.schema has no version field\nshopgen: error: cannot generate bindings\n\n{progress}ERROR: Build failed\n"
    ));
    assert_headed(&log, (13, 24), "shopgen: error: schema");
    // Alone, the verdict is all the step said.
    let report = analyze(&job(
        "$ ./build.sh\ngenerating bindings for shop\nERROR: Build failed\n",
    ));
    assert_eq!(report.headline, "ERROR: Build failed", "{report:#?}");
}

#[test]
fn a_diagnostic_of_an_unknown_tool_is_the_cause_not_make_s_pointer() {
    let log = job(
        "$ make\nerlc -o ebin src/shop.erl\nsrc/shop.erl:91:5: function total/1 undefined\nsrc/shop.erl:12:1: Warning: function unused/0 is unused\nmake: *** [Makefile:4: ebin/shop.beam] Error 1\n",
    );
    let report = analyze(&log);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(start, 13, "{report:#?}");
    assert!(
        text.starts_with("src/shop.erl:91:5: function total/1 undefined"),
        "{text}"
    );
    assert_eq!(report.locations[0].path, "src/shop.erl");
    assert_eq!(report.locations[0].line, 91);
}

#[test]
fn msbuild_and_ghc_diagnostics_keep_their_bodies() {
    let msbuild = job(
        "$ dotnet build\n  Determining projects to restore...\nProgram.cs(12,17): error CS0103: The name 'totl' does not exist in the current context [/builds/acme/shop/Shop.csproj]\n\nBuild FAILED.\n",
    );
    let report = analyze(&msbuild);
    assert!(
        first_excerpt(&report).2.contains("error CS0103"),
        "{report:#?}"
    );
    let ghc = job(
        "$ ghc -o shop Main.hs\n[1 of 1] Compiling Main             ( Main.hs, Main.o )\n\nMain.hs:4:19: error: [GHC-83865]\n    • Couldn't match expected type ‘Int’ with actual type ‘[Char]’\n    • In the first argument of ‘print’, namely ‘(total \"x\")’\n  |\n4 | main = print (total \"x\")\n  |                   ^^^^^^^^^\n",
    );
    let report = analyze(&ghc);
    let (start, end, text) = first_excerpt(&report);
    assert_eq!((start, end), (14, 19), "{report:#?}");
    assert!(text.contains("Couldn't match expected type"), "{text}");
}

#[test]
fn a_line_logged_below_error_level_is_not_the_cause() {
    let log = job(
        "$ mvn -q test\n2026-12-01 10:00:00.123 INFO  [main] c.a.Pool - connection refused, retrying in 1s\n[WARNING] Could not connect to the cache: Connection refused\nlevel=info msg=\"dial tcp 10.0.0.1:5432: i/o timeout\"\n[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.1 s <<< FAILURE! -- in shop.CartTest\n[ERROR] shop.CartTest.total -- Time elapsed: 0.01 s <<< FAILURE!\norg.opentest4j.AssertionFailedError: expected: <4> but was: <3>\n\tat shop.CartTest.total(CartTest.java:12)\n",
    );
    let report = analyze(&log);
    assert_ne!(report.category.as_str(), "network", "{report:#?}");
    let (_, _, text) = first_excerpt(&report);
    assert!(!text.contains("connection refused"), "{text}");
    assert!(!text.contains("i/o timeout"), "{text}");
}

#[test]
fn a_line_logged_below_error_level_right_above_the_cause_is_not_its_title() {
    let log = job(concat!(
        "$ java -cp build Main\n",
        "WARNING: connection refused by cache, continuing\n",
        "Exception in thread \"main\" java.lang.IllegalStateException: bad PORT setting\n",
        "\tat Main.port(Main.java:6)\n",
        "\tat Main.main(Main.java:10)\n",
    ));
    let report = assert_first_excerpt(&log, (13, 15));
    assert!(!first_excerpt(&report).2.contains("WARNING"), "{report:#?}");
}

#[test]
fn a_retry_or_a_warning_the_step_went_on_past_yields_to_the_step_s_last_words() {
    // A retry's warning is an attempt: what the step printed after it tells what became of it.
    let log = job(concat!(
        "$ ./release-check\n",
        "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(': Failed to establish a new connection: [Errno 111] Connection refused')': /simple/shopx/\n",
        "checking 14 packages\n",
        "package shop-core 2.1.0 is not signed by a trusted key\n",
    ));
    let report = analyze(&log);
    assert!(!report.summary.contains("Retrying"), "{report:#?}");
    assert!(
        report
            .summary
            .ends_with("package shop-core 2.1.0 is not signed by a trusted key"),
        "{report:#?}"
    );
    // A warning the step printed far above its end says less than the end.
    let mut busy = String::from("$ ./release-check\nWARN cache: connection refused\n");
    for i in 0..10 {
        busy.push_str(&format!("checked package {i}\n"));
    }
    busy.push_str("package shop-core 2.1.0 is not signed by a trusted key\n");
    let report = analyze(&job(&busy));
    assert!(!first_excerpt(&report).2.contains("refused"), "{report:#?}");
    assert!(
        report
            .summary
            .ends_with("package shop-core 2.1.0 is not signed by a trusted key"),
        "{report:#?}"
    );
    // Close above the end, it is still shown, with the lines after it.
    let near = job("$ ./release-check\nWARN cache: connection refused\nchecked 14 packages\n");
    let report = analyze(&near);
    assert!(first_excerpt(&report).2.contains("refused"), "{report:#?}");
}

#[test]
fn a_file_s_heading_heads_the_diagnostic_under_it_not_the_line_above() {
    let log = job(concat!(
        "$ make\n",
        "[WARNING] Could not transfer metadata org.acme:shop-parent:1.0-SNAPSHOT/maven-metadata.xml from/to snapshots (https://repo.acme.ru/snapshots): Connection refused\n",
        "src/cart.c: In function 'main':\n",
        "src/cart.c:4:43: error: expected ';' before 'return'\n",
        "    4 | int main(void) { int x = 1 return x; }\n",
        "      |                           ^\n",
    ));
    let report = assert_first_excerpt(&log, (13, 16));
    assert!(
        first_excerpt(&report)
            .2
            .starts_with("src/cart.c: In function 'main':"),
        "{report:#?}"
    );
}

#[test]
fn git_s_dying_words_the_script_went_on_past_are_not_the_step_s_failure() {
    // A build's version stamp (`git describe` in a Makefile) fails, the build goes on and fails
    // later of its own.
    let log = job(concat!(
        "$ make test\n",
        "fatal: No names found, cannot describe anything.\n",
        "cc -DVERSION=\"unknown\" -o cart_test cart_test.c cart.c\n",
        "./cart_test\n",
        "cart_test.c:12: total of two prices: expected 5, got 3\n",
        "make: *** [Makefile:9: test] Error 1\n",
    ));
    let report = analyze(&log);
    assert!(!report.summary.contains("No names found"), "{report:#?}");
    assert!(
        first_excerpt(&report).2.contains("expected 5, got 3"),
        "{report:#?}"
    );
    // When what follows names git, its caller reported git's exit: git's failure stopped it.
    let log = job(concat!(
        "$ dep ensure\n",
        "fatal: unable to access 'https://go.googlesource.com/sys/': The requested URL returned error: 502\n",
        ": command failed: [git clone https://go.googlesource.com/sys /go/pkg/dep/sources/sys]: exit status 128\n",
    ));
    let report = analyze(&log);
    assert!(report.summary.contains("502"), "{report:#?}");
}

#[test]
fn without_an_error_line_the_answer_is_the_command_s_last_output_not_the_runner_s() {
    let log = job(
        "$ ./deploy.sh\nuploading bundle to staging\nstaging answered 500 Internal Server Error\n",
    );
    let report = analyze(&log);
    let (_, _, text) = first_excerpt(&report);
    assert!(text.contains("staging answered 500"), "{report:#?}");
    assert!(!text.contains("Cleaning up"), "{text}");
    let quiet = job("$ ./check.sh\nchecking the schema\nchecked 12 tables\n");
    let report = analyze(&quiet);
    let (_, _, text) = first_excerpt(&report);
    assert!(text.contains("checked 12 tables"), "{report:#?}");
    assert!(!text.contains("Cleaning up"), "{text}");
}

#[test]
fn a_weak_guess_is_shown_with_the_step_s_last_lines() {
    // Only a generic word matches, early in the step (a fault the tool got over); the unknown
    // tool's verdict is its last lines, which no rule names.
    let log = job(
        "$ ./release-check\nFATAL: cache server unreachable, building without the cache\nmanifest fetched\nchecking 14 packages\nchecking signatures\nchecking the lock file\nrebuilding the index\nwriting the index\nchecked 14 packages\npackage shop-core 2.1.0 is not signed by a trusted key\n",
    );
    let report = analyze(&log);
    assert!(report.confidence <= 0.5, "{report:#?}");
    let last = report.excerpts.last().expect("an excerpt");
    assert!(
        last.text
            .ends_with("package shop-core 2.1.0 is not signed by a trusted key"),
        "{report:#?}"
    );
    assert_eq!(report.rule, "generic-error");
    assert_eq!(report.excerpts[0].start_line, 12, "the guess stays first");
    assert_eq!(last.end_line, 20, "{report:#?}");
}

#[test]
fn a_failure_an_earlier_step_went_on_after_is_shown_with_what_it_broke() {
    let log = job(
        "$ pip install shopx==2.1 || true\nCollecting shopx==2.1\nERROR: Could not find a version that satisfies the requirement shopx==2.1 (from versions: 1.0, 1.1)\nERROR: No matching distribution found for shopx==2.1\n$ python -c 'import shopx'\nTraceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'shopx'\n",
    );
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(
        texts[0].contains("satisfies the requirement shopx==2.1")
            && texts[0].ends_with("No matching distribution found for shopx==2.1"),
        "the root cause first, all of it: {texts:#?}"
    );
    assert!(
        texts[1].ends_with("ModuleNotFoundError: No module named 'shopx'"),
        "then the symptom: {texts:#?}"
    );
    assert!(
        report
            .summary
            .starts_with("Dependency resolution failed: ModuleNotFoundError")
            && report
                .summary
                .contains("earlier in the job: ERROR: Could not find a version"),
        "the summary names both: {}",
        report.summary
    );
    // An earlier error about something else is not pulled in.
    let unrelated = job(
        "$ ./lint.sh || true\nERROR: 'legacy_api' is deprecated\n$ python -c 'import shopx'\nTraceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'shopx'\n",
    );
    let report = analyze(&unrelated);
    assert!(
        report
            .excerpts
            .iter()
            .all(|e| !e.text.contains("legacy_api")),
        "{report:#?}"
    );
}

#[test]
fn a_passing_command_s_logged_errors_do_not_hide_the_failure_the_script_went_on_after() {
    // Between the failed install the script went on after and the import that lacks it, a
    // smoke test passed while its client logged an error: the install is still the root cause.
    let log = job(concat!(
        "$ pip install shopx==2.1 || true\n",
        "ERROR: Could not find a version that satisfies the requirement shopx==2.1 (from versions: 1.0, 1.1)\n",
        "ERROR: No matching distribution found for shopx==2.1\n",
        "$ ./scripts/smoke.sh\n",
        "2026-12-05 10:00:01,123 INFO  [main] c.a.App - starting\n",
        "2026-12-05 10:00:02,001 ERROR [pool-1] c.a.Client - connection refused: localhost/127.0.0.1:5432\n",
        "smoke ok\n",
        "$ python -c 'import shopx'\n",
        "Traceback (most recent call last):\n",
        "  File \"<string>\", line 1, in <module>\n",
        "ModuleNotFoundError: No module named 'shopx'\n",
    ));
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(
        texts[0].contains("satisfies the requirement shopx==2.1"),
        "the root cause first: {texts:#?}"
    );
    assert!(
        texts.iter().all(|t| !t.contains("connection refused")),
        "{texts:#?}"
    );
}

#[test]
fn a_script_s_own_word_on_where_it_stopped_points_at_what_is_above_it() {
    // An ERR trap's report and a verdict that says "see above" come after the cause: the cause
    // is shown whole, from its first line.
    for said_after in ["Error on line 42: exit code 22", "Tests failed, see above."] {
        let log = job(&format!(
            "$ clisp cart.lisp\nloading prices\n*** - EVAL: variable TAX has no value\n\n{said_after}\n"
        ));
        let report = analyze(&log);
        let texts = excerpt_texts(&report);
        assert!(
            texts[0].contains("variable TAX has no value"),
            "{said_after}: {texts:#?}"
        );
    }
}

#[test]
fn an_application_s_record_logged_after_the_failure_did_not_cause_it() {
    // A script prints the server's log once the build failed: its refused connection came after
    // the compiler's error, and a runner's own `ERROR: Job failed: …` verdict is no such record.
    let log = job(concat!(
        "$ ./ci/build-and-test.sh\n",
        "src/cart.c:12:5: error: 'totl' undeclared (first use in this function)\n",
        "   12 |     totl += p;\n",
        "      |     ^~~~\n",
        "make: *** [Makefile:8: cart.o] Error 1\n",
        "2026-12-05 10:00:01,123 INFO  [main] c.a.App - starting\n",
        "2026-12-05 10:00:02,001 ERROR [pool-1] c.a.Client - connection refused: localhost/127.0.0.1:5432\n",
        "2026-12-05 10:00:03,002 INFO  [main] c.a.App - shutting down\n",
    ));
    let report = analyze(&log);
    assert_eq!(report.category, Category::Compilation, "{report:#?}");
    assert!(
        excerpt_texts(&report)[0].contains("'totl' undeclared"),
        "{report:#?}"
    );
}

#[test]
fn a_long_command_that_goes_on_when_it_fails_is_read_to_its_end() {
    // The report cuts a command short; whether the script let it fail is said at its end.
    let log = job(concat!(
        "$ pip install --index-url https://pypi.example.org/simple --extra-index-url https://mirror.example.org/pypi/simple --no-cache-dir --prefer-binary -r requirements/base.txt -r requirements/test.txt shoplib==9.9 || true\n",
        "ERROR: Could not find a version that satisfies the requirement shoplib==9.9 (from versions: 1.0)\n",
        "ERROR: No matching distribution found for shoplib==9.9\n",
        "$ ./scripts/smoke.sh\n",
        "smoke: 0 of 3 checks passed\n",
    ));
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(
        texts[0].contains("satisfies the requirement shoplib==9.9"),
        "the failure the script went on after first: {texts:#?}"
    );
}

#[test]
fn a_failure_the_script_noted_in_a_variable_is_the_one_its_later_check_fails_for() {
    // `|| FAILED=1` goes on; `test -z "$FAILED"` fails for it without a word.
    let log = job(concat!(
        "$ ./scripts/lint.sh || LINT_FAILED=1\n",
        "shop/cart.py:3:1: F401 'os' imported but unused\n",
        "$ python -m pytest -q || TESTS_FAILED=1\n",
        "...                                                                      [100%]\n",
        "3 passed in 0.02s\n",
        "$ docker compose logs app\n",
        "app-1  | 2026-12-07 03:10:04 ERROR Connection reset by peer, retrying\n",
        "$ test -z \"$LINT_FAILED$TESTS_FAILED\"\n",
    ));
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(
        texts[0].contains("F401 'os' imported but unused"),
        "{texts:#?}"
    );
    assert!(
        texts.iter().all(|t| !t.contains("Connection reset")),
        "{texts:#?}"
    );
    assert_eq!(
        report.failing_command.as_deref(),
        Some("./scripts/lint.sh || LINT_FAILED=1")
    );
}

#[test]
fn an_earlier_error_is_a_root_cause_by_a_name_not_by_a_word() {
    // A wait loop's refused connections (`waiting for postgres`, `port 5432`) and a failure
    // that quotes a common word (checkstyle's `'for' construct`, jq's `"port"`) are not one
    // story; a name that is part of a longer word (`cart` in `carts`) is not the name either.
    for (earlier, failing) in [
        (
            "waiting for postgres: psql: error: connection to server at \"db\" (172.18.0.2), port 5432 failed: Connection refused\n",
            "$ checkstyle -c checks.xml src/shop/Cart.java\n[ERROR] /builds/acme/app/src/shop/Cart.java:6:9: 'for' construct must use '{}'s. [NeedBraces]\nCheckstyle ends with 1 errors.\n",
        ),
        (
            "waiting for postgres: psql: error: connection to server at \"db\" (172.18.0.2), port 5432 failed: Connection refused\n",
            "$ jq -er .services.shop.port config.json\njq: error (at config.json:5): Cannot index string with string \"port\"\n",
        ),
        (
            "error: table 'carts' is locked\n",
            "$ ./check.sh\nerror: no such table 'cart'\n",
        ),
    ] {
        let log = job(&format!(
            "$ ./scripts/wait.sh\n{earlier}{earlier}ready\n{failing}"
        ));
        let report = analyze(&log);
        assert!(
            report.excerpts.iter().all(|e| e.start_line > 13),
            "{report:#?}"
        );
    }
}

#[test]
fn a_retried_command_s_verdict_is_a_pointer_not_the_cause() {
    // Travis' travis_retry: "failed N times" points at the step, whose own output is the cause.
    let log = "$ bundle install\nFetching gem metadata from https://rubygems.org/\nnet error: connection reset by peer\nThe command \"bundle install\" failed 3 times.\n\nThe command \"bundle install\" failed and exited with 5 during .\n";
    let report = analyze(log);
    assert!(
        report
            .excerpts
            .iter()
            .all(|e| !e.text.contains("failed 3 times")),
        "{report:#?}"
    );
    assert!(
        report.excerpts[0].text.contains("connection reset by peer"),
        "{report:#?}"
    );
}

#[test]
fn a_retried_command_is_explained_by_its_last_try() {
    // travis_retry (travis-build's bash function, its red report of each try): the first try
    // timed out, the two after it found no such version; the last is what failed the job.
    let red = |l: &str| format!("\n\x1b[31;1m{l}\x1b[0m\n\n");
    let timeout = "npm ERR! code ETIMEDOUT\nnpm ERR! network request to https://registry.npmjs.org/left-pad failed, reason: connect ETIMEDOUT 104.16.0.35:443\n";
    let missing =
        "npm ERR! code ETARGET\nnpm ERR! notarget No matching version found for left-pad@^9.0.0.\n";
    let log = job(&format!(
        "$ travis_retry npm install\n{timeout}{}{missing}{}{missing}{}",
        red("The command \"npm install\" failed. Retrying, 2 of 3."),
        red("The command \"npm install\" failed. Retrying, 3 of 3."),
        red("The command \"npm install\" failed 3 times."),
    ));
    let report = analyze(&log);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(start, 22, "{report:#?}");
    assert!(text.contains("No matching version found"), "{text}");
    assert!(
        report
            .excerpts
            .iter()
            .all(|e| !e.text.contains("ETIMEDOUT") && !e.text.contains("Retrying")),
        "{report:#?}"
    );
}

#[test]
fn a_command_under_travis_wait_is_explained_by_the_log_printed_after_its_exit() {
    // travis_wait keeps the command's output in a file while its timer writes over one line,
    // reports the exit, then prints the file under `Log:`.
    let log = "travis_time:start:1c2d3e4f\r\x1b[0K$ travis_wait 30 autoflake --check -r shop\n\n\nStill running (1 of 30): autoflake --check -r shop\rStill running (2 of 30): autoflake --check -r shop\r\n\x1b[31;1mThe command autoflake --check -r shop exited with 1.\x1b[0m\n\n\x1b[32;1mLog:\x1b[0m\n\nshop/cart.py: Unused imports/variables detected\n\ntravis_time:end:1c2d3e4f:start=1,finish=2,duration=1\r\x1b[0K\x1b[31;1mThe command \"travis_wait 30 autoflake --check -r shop\" exited with 1.\x1b[0m\n\nDone. Your build exited with 1.\n";
    let report = analyze(log);
    let (start, end, text) = first_excerpt(&report);
    assert_eq!((start, end), (9, 9), "{report:#?}");
    assert_eq!(text, "shop/cart.py: Unused imports/variables detected");
}

#[test]
fn an_earlier_error_the_failing_command_prints_again_is_not_shown_twice() {
    // The machine's set-up updated its package lists past a mirror's 404 and went on; the
    // build's own update fails on the same 404 (another address of the mirror).
    let log = "$ sudo apt-get update -qq\nW: Failed to fetch http://dl.example.org/debian/dists/stable/InRelease  Could not connect to dl.example.org:80 (10.0.0.7), connection timed out\nE: Failed to fetch http://dl.example.org/debian/dists/stable/main/binary-i386/Packages  404  Not Found [IP: 52.84.14.76 80]\nE: Some index files failed to download. They have been ignored, or old ones used instead.\n$ ./script/cibuild\nReading package lists...\nE: Failed to fetch http://dl.example.org/debian/dists/stable/main/binary-i386/Packages  404  Not Found [IP: 13.33.164.117 80]\nE: Some index files failed to download. They have been ignored, or old ones used instead.\n\nThe command \"./script/cibuild\" exited with 100.\n";
    let report = analyze(log);
    assert_eq!(report.excerpts.len(), 1, "{report:#?}");
    assert_eq!(first_excerpt(&report).0, 7, "{report:#?}");
}

#[test]
fn of_commands_run_side_by_side_the_one_that_failed_is_explained_by_its_own_lines() {
    // concurrently 9 (captured): each line behind its command's name, the failed command's
    // report of its exit, then the other command's lines, which passed, after them.
    let log = job(
        "$ npx concurrently -n api,app \"npm:ci -w @acme/api\" \"autoflake --check -r shop\"\n[app] shop/cart.py: Unused imports/variables detected\n[app] autoflake --check -r shop exited with code 1\n[api] \n[api] > @acme/api@1.0.0 ci\n[api] > node --test\n[api] \n[api] ℹ tests 1\n[api] ℹ pass 1\n[api] npm run ci -w @acme/api exited with code 0\n",
    );
    assert_said_by_the_failed_one(&log, (12, 13), AUTOFLAKE_SAID, "pass 1");
}

#[test]
fn a_monorepo_task_streamed_behind_its_package_s_name_is_explained_by_that_package_s_lines() {
    // Lerna 9 with `--stream` (captured): the tasks' headers first, with nothing under them,
    // then each line behind its package's name as it comes, then the failed tasks.
    let npm_exit = [
        "npm error Lifecycle script `ci` failed with error:",
        "npm error code 1",
        "npm error path /builds/acme/shop/packages/app",
        "npm error workspace @acme/app@1.0.0",
        "npm error location /builds/acme/shop/packages/app",
        "npm error command failed",
        "npm error command sh -c autoflake --check -r shop",
    ]
    .map(|l| format!("@acme/app: {l}\n"))
    .concat();
    let log = job(&format!(
        "$ npx lerna run ci --stream\nlerna notice cli v9.0.7\n\n Lerna (powered by Nx)   Running target ci for 2 projects:\n\n- @acme/api\n- @acme/app\n\n\n\n> @acme/app:ci\n\n\n> @acme/api:ci\n\n@acme/app: > @acme/app@1.0.0 ci\n@acme/app: > autoflake --check -r shop\n@acme/app: shop/cart.py: Unused imports/variables detected\n{npm_exit}@acme/api: > @acme/api@1.0.0 ci\n@acme/api: > echo api ok\n@acme/api: api ok\n\n\n\n Lerna (powered by Nx)   Running target ci for 2 projects failed\n\nFailed tasks:\n\n- @acme/app:ci\n\n"
    ));
    // The line, and npm's report of the exit under it.
    assert_said_by_the_failed_one(&log, (28, 35), AUTOFLAKE_SAID, "api ok");
}

#[test]
fn a_container_that_exited_is_explained_by_its_own_lines_not_the_others_after_it() {
    // docker compose up (Compose 2, as its source formats it): each container's lines behind
    // its name, the app's exit reported by its name; the database logs its shutdown after.
    let log = job(
        "$ docker compose up --abort-on-container-exit --exit-code-from app\nAttaching to app-1, db-1\ndb-1   | 2026-12-06 12:00:00.214 UTC [1] LOG:  database system is ready to accept connections\napp-1  | shop/cart.py: Unused imports/variables detected\n\r\x1b[Kapp-1 exited with code 1\nAborting on container exit...\n Container shop-app-1  Stopping\n Container shop-app-1  Stopped\n Container shop-db-1  Stopping\ndb-1   | 2026-12-06 12:00:03.201 UTC [1] LOG:  received fast shutdown request\ndb-1   | 2026-12-06 12:00:03.231 UTC [1] LOG:  database system is shut down\n Container shop-db-1  Stopped\n",
    );
    // The line, and Compose's report of the exit under it.
    assert_said_by_the_failed_one(&log, (14, 15), AUTOFLAKE_SAID, "shutdown");
}

#[test]
fn a_build_step_that_failed_is_explained_by_its_own_lines_not_a_stage_beside_it() {
    // BuildKit builds two stages side by side (its plain progress, as its source prints it):
    // the other stage's lines come between the failed step's and its error.
    let log = job(
        "$ docker build -t app .\n#0 building with \"default\" instance using docker driver\n\n#7 [web 2/3] RUN npm ci\n#8 [api 3/4] RUN autoflake --check -r shop\n#8 0.512 shop/cart.py: Unused imports/variables detected\n#7 1.204 npm warn deprecated inflight@1.0.6: This module is not supported\n#7 2.311 added 312 packages in 2s\n#8 ERROR: process \"/bin/sh -c autoflake --check -r shop\" did not complete successfully: exit code: 1\n#7 CANCELED\n------\n > [api 3/4] RUN autoflake --check -r shop:\n0.512 shop/cart.py: Unused imports/variables detected\n------\nERROR: failed to solve: process \"/bin/sh -c autoflake --check -r shop\" did not complete successfully: exit code: 1\n",
    );
    assert_said_by_the_failed_one(&log, (16, 16), AUTOFLAKE_SAID, "packages");
}

#[test]
fn another_container_s_lines_amid_a_traceback_are_not_part_of_it() {
    // The database logs a connection while the app prints its traceback (Compose 2's tags).
    let log = job(
        "$ docker compose up --abort-on-container-exit --exit-code-from app\nAttaching to app-1, db-1\napp-1  | Traceback (most recent call last):\napp-1  |   File \"/app/migrate.py\", line 3, in <module>\ndb-1   | 2026-12-06 12:00:01.002 UTC [7] LOG:  connection received: host=172.18.0.3 port=40112\napp-1  |     run(\"ALTER TABLE orders ADD total int\")\ndb-1   | 2026-12-06 12:00:01.004 UTC [7] LOG:  connection authorized: user=shop database=shop\napp-1  | psycopg2.errors.DuplicateColumn: column \"total\" of relation \"orders\" already exists\n\r\x1b[Kapp-1 exited with code 1\nAborting on container exit...\n",
    );
    let report = analyze(&log);
    let (start, end, text) = first_excerpt(&report);
    assert_eq!((start, end), (13, 18), "{report:#?}");
    assert!(text.starts_with("Traceback"), "{text}");
    assert!(text.contains("DuplicateColumn"), "{text}");
    assert!(!text.contains("LOG:"), "{text}");
}

#[test]
fn gradle_s_failed_test_is_the_cause_not_its_what_went_wrong_pointer() {
    // Gradle's default test logging, written after its documented format (Gradle cannot fetch
    // its distribution on this machine): the failed test with its exception indented under it,
    // then "What went wrong: … There were failing tests", which only points back at it.
    let log = job(
        "$ ./gradlew test --no-daemon\n> Task :test\n\nCartTest > emptyCart() PASSED\n\nCartTest > twoPrices() FAILED\n    org.opentest4j.AssertionFailedError: expected: <5> but was: <3>\n        at app//CartTest.twoPrices(CartTest.java:6)\n\n2 tests completed, 1 failed\n\n> Task :test FAILED\n\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nExecution failed for task ':test'.\n> There were failing tests. See the report at: file:///build/reports/tests/test/index.html\n\nBUILD FAILED in 12s\n",
    );
    let report = assert_first_excerpt(&log, (16, 18));
    let text = first_excerpt(&report).2;
    assert!(text.starts_with("CartTest > twoPrices() FAILED"), "{text}");
    assert!(text.contains("expected: <5> but was: <3>"), "{text}");
}

#[test]
fn a_location_printed_under_a_failure_belongs_to_it() {
    // xcpretty's summary: the test and its assertion, then where, on a line of its own at the
    // same indentation.
    let log = job(
        "$ xcodebuild test | xcpretty\nShopTests.CartTestCase\n  testTwoPrices, XCTAssertEqual failed: (\"3\") is not equal to (\"5\")\n  /Users/ci/shop/Tests/CartTests.swift:12\n\n Executed 4 tests, with 1 failure (0 unexpected) in 0.01 seconds\n",
    );
    let report = analyze(&log);
    let (_, end, text) = first_excerpt(&report);
    assert_eq!(end, 14, "{report:#?}");
    assert!(
        text.ends_with("/Users/ci/shop/Tests/CartTests.swift:12"),
        "{text}"
    );
}

#[test]
fn a_test_s_or_a_client_s_own_timeout_is_not_the_job_s_time_limit() {
    // A test harness's verdict on one test that hung, and a client's own deadline: the job
    // itself finished in time.
    for output in [
        "$ php run-tests.php\n========DIFF========\n001+ ** ERROR: process timed out **\n========DONE========\nFAIL proc_open hangs on large input [tests/file/proc_open_large.phpt]\n",
        "$ ./check-health.sh\nrpc error: code = DeadlineExceeded desc = context deadline exceeded\nError: health check failed\n",
    ] {
        let report = analyze(&job(output));
        assert_ne!(report.category.as_str(), "timeout", "{report:#?}");
    }
    // A runner's own limit is one.
    let limit = job("$ ./slow.sh\nERROR: Job failed: execution took longer than 1h0m0s seconds\n");
    assert_eq!(analyze(&limit).category.as_str(), "timeout");
}

#[test]
fn an_earlier_step_s_error_is_shown_with_its_symptom_unless_the_green_run_printed_it_too() {
    use exlogare_analysis::{Analyzer, Baseline};
    let pip = "ERROR: Could not find a version that satisfies the requirement 'shoplib' (from versions: none)\n";
    let failing = job(&format!(
        "$ pip install 'shoplib' || true\n{pip}$ python -m shop\nModuleNotFoundError: No module named 'shoplib'\n"
    ));
    let shows_pip = |report: &Report| {
        report
            .excerpts
            .iter()
            .any(|e| e.text.contains("Could not find a version"))
    };
    assert!(
        shows_pip(&analyze(&failing)),
        "the earlier cause, with the symptom"
    );

    // The green run printed the same pip error (its `shoplib` came from elsewhere): not a cause.
    let passing = job(&format!(
        "$ pip install 'shoplib' || true\n{pip}$ python -m shop\nserved 3 requests\n"
    ));
    let report =
        Analyzer::with_baseline(JobMeta::default(), Baseline::from_bytes(passing.as_bytes()))
            .read_bytes(failing.as_bytes());
    assert!(!shows_pip(&report), "{report:#?}");
    assert!(report.excerpts[0].text.contains("ModuleNotFoundError"));
    assert_eq!(report.excerpts[0].new_since_baseline, Some(true));
}

/// PHP's run-tests.php, in the shape it prints with `--show-diff` (a faithful reconstruction of
/// its format, not a captured run): the failed test's report is the diff section above its
/// `FAIL` line, and the first failure is the answer, not the summary at the end.
#[test]
fn a_php_test_s_diff_section_is_its_report() {
    let log = job(concat!(
        "$ php run-tests.php -g FAIL,XFAIL --show-diff\n",
        "PASS Test array_sum() [ext/standard/tests/array/array_sum.phpt]\n",
        "\n",
        "========DIFF========\n",
        "001+ Deprecated: Implicit nullable types are deprecated in /src/ext/shop/tests/total.php on line 18\n",
        "\n",
        "001- OK.\n",
        "========DONE========\n",
        "FAIL shop_total() sums prices [ext/shop/tests/total.phpt] \n",
        "PASS shop_count() [ext/shop/tests/count.phpt]\n",
        "=====================================================================\n",
        "FAILED TEST SUMMARY\n",
        "---------------------------------------------------------------------\n",
        "shop_total() sums prices [ext/shop/tests/total.phpt]\n",
        "=====================================================================\n",
    ));
    let report = analyze(&log);
    assert_eq!(report.category.as_str(), "test_failure");
    let (start, end, text) = first_excerpt(&report);
    // Lines 15–19: from the diff's first line through the FAIL line.
    assert_eq!((start, end), (15, 19), "{report:#?}");
    assert!(text.starts_with("001+ Deprecated"), "{text}");
    assert!(text.ends_with("[ext/shop/tests/total.phpt]"), "{text}");
}

/// sbt with junit-interface, in its console format (a faithful reconstruction, not a captured
/// run): a passing test's provoked exception, then sbt's own `[error]` report.
#[test]
fn a_passing_test_run_s_exceptions_are_noise_and_a_tagged_error_run_is_one_report() {
    let log = job(concat!(
        "$ sbt testAll\n",
        "[info] Test run started\n",
        "[info] Test shop.ClientTest.retriesWhenDown started\n",
        "java.net.ConnectException: Connection refused (Connection refused)\n",
        "\tat java.net.PlainSocketImpl.socketConnect(Native Method)\n",
        "\tat shop.Client.fetch(Client.java:12)\n",
        "[info] Test run finished: 0 failed, 0 ignored, 1 total, 0.8s\n",
        "[error]  \n",
        "[error] 1 of 2 test tasks failed:\n",
        "[error] - core/mimaReportBinaryIssues\n",
        "[error]   - core/mimaReportBinaryIssues failed: java.lang.RuntimeException: core: Binary compatibility check failed!\n",
        "[error] (testAll) testAll failed due to previous errors\n",
    ));
    let report = assert_first_excerpt(&log, (18, 22));
    let text = first_excerpt(&report).2;
    assert!(text.contains("1 of 2 test tasks failed"), "{text}");
    assert!(
        report
            .excerpts
            .iter()
            .all(|e| !e.text.contains("ConnectException")),
        "{report:#?}"
    );
}

/// Surefire's per-class verdict (`Tests run: 3, Failures: 0, Errors: 0`) covers what the class's
/// tests printed; a class with failures does not.
#[test]
fn surefire_s_verdicts_tell_a_passing_class_s_noise_from_a_failing_class_s_error() {
    let passing_noise = concat!(
        "Running shop.CacheTest\n",
        "java.lang.IllegalStateException: cache closed (expected by the test)\n",
        "\tat shop.Cache.get(Cache.java:40)\n",
        "Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 sec - in shop.CacheTest\n",
    );
    let log = job(&format!(
        "$ mvn -B test\n{passing_noise}Running shop.PriceTest\njava.lang.ArithmeticException: / by zero\n\tat shop.Price.ratio(Price.java:7)\nTests run: 2, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 0.1 sec - in shop.PriceTest\n"
    ));
    let report = analyze(&log);
    let (_, _, text) = first_excerpt(&report);
    assert!(text.contains("ArithmeticException"), "{report:#?}");
    assert!(
        report
            .excerpts
            .iter()
            .all(|e| !e.text.contains("cache closed")),
        "{report:#?}"
    );
}

/// A passing class that prints many exceptions must not use up the slots of the errors that
/// come after its verdict: its blocks give theirs back.
#[test]
fn a_passing_class_s_many_exceptions_do_not_crowd_out_a_later_error() {
    let mut noise = String::from("Running shop.ClientTest\n");
    for line in 40..48 {
        noise.push_str(&format!(
            "java.lang.IllegalArgumentException: quantity must be positive\n\tat shop.Client.call(Client.java:{line})\n\n"
        ));
    }
    noise.push_str("Tests run: 12, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 1.2 s - in shop.ClientTest\n");
    let log = job(&format!(
        "$ mvn -B verify\n{noise}Exception in thread \"main\" java.lang.IllegalStateException: schema version 7 does not match database version 6\n\tat shop.Schema.check(Schema.java:31)\n"
    ));
    let report = analyze(&log);
    let (_, _, text) = first_excerpt(&report);
    assert!(text.contains("schema version 7"), "{report:#?}");
    assert!(
        report
            .excerpts
            .iter()
            .all(|e| !e.text.contains("quantity must be positive")),
        "{report:#?}"
    );
}

/// A pointer (`make: *** … Error 1`) under output no rule knows: what it points at is the
/// output right above it, shown with it, not the pointer alone.
#[test]
fn a_pointer_under_unknown_output_shows_the_output_above_it() {
    let log = job(concat!(
        "$ make dist\n",
        "step 1 ok\n",
        "packing the archive\n",
        "archive incomplete: 3 of 7 parts written\n",
        "make: *** [Makefile:3: dist] Error 1\n",
    ));
    let report = analyze(&log);
    assert!(report.summary.contains("archive incomplete"), "{report:#?}");
    let (start, end, text) = first_excerpt(&report);
    assert_eq!((start, end), (12, 15), "{report:#?}");
    assert!(text.contains("archive incomplete"), "{text}");
}

/// Formats whose tools cannot run here, as faithful reconstructions of their documented output
/// (not captured runs): `dotnet test` (VSTest's console logger), Pester 5, Windows PowerShell's
/// and PowerShell 7's error views, xcodebuild and XCTest. The first excerpt must hold the cause.
#[test]
fn formats_that_cannot_run_here_land_on_their_cause() {
    let cases: [(&str, &str, (u64, u64)); 6] = [
        (
            "dotnet test",
            concat!(
                "$ dotnet test --no-build\n",
                "Starting test execution, please wait...\n",
                "  Failed ShopTests.CartTests.TotalOfTwoPrices [4 ms]\n",
                "  Error Message:\n",
                "   Assert.Equal() Failure\n",
                "Expected: 5\n",
                "Actual:   3\n",
                "  Stack Trace:\n",
                "     at ShopTests.CartTests.TotalOfTwoPrices() in /src/CartTests.cs:line 12\n",
                "\n",
                "Failed!  - Failed:     1, Passed:     3, Skipped:     0, Total:     4\n",
            ),
            (13, 16),
        ),
        (
            "Pester",
            concat!(
                "$ pwsh -c Invoke-Pester -Output Detailed\n",
                "Describing Cart\n",
                "   [+] adds one price 12ms (8ms|4ms)\n",
                "   [-] adds two prices 9ms (7ms|2ms)\n",
                "    Expected 5, but got 3.\n",
                "    at $total | Should -Be 5, C:\\build\\tests\\Cart.Tests.ps1:12\n",
                "Tests Passed: 1, Failed: 1, Skipped: 0 NotRun: 0\n",
            ),
            (14, 15),
        ),
        (
            "Windows PowerShell",
            concat!(
                "$ powershell -File deploy.ps1\n",
                "deploying\n",
                "Get-Item : Cannot find path 'C:\\missing\\config.json' because it does not exist.\n",
                "At C:\\build\\deploy.ps1:5 char:1\n",
                "+ Get-Item C:\\missing\\config.json\n",
                "+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n",
                "    + CategoryInfo          : ObjectNotFound: (C:\\missing\\config.json:String) [Get-Item], ItemNotFoundException\n",
            ),
            (13, 14),
        ),
        (
            "PowerShell 7",
            concat!(
                "$ pwsh -File deploy.ps1\n",
                "deploying\n",
                "Get-Item: C:\\build\\deploy.ps1:5\n",
                "Line |\n",
                "   5 |  Get-Item C:\\missing\\config.json\n",
                "     |  ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n",
                "     | Cannot find path 'C:\\missing\\config.json' because it does not exist.\n",
            ),
            (13, 17),
        ),
        (
            "xcodebuild",
            concat!(
                "$ xcodebuild -scheme Shop build\n",
                "CompileSwift normal x86_64 /Users/ci/shop/Sources/Cart.swift\n",
                "/Users/ci/shop/Sources/Cart.swift:12:9: error: cannot find 'totl' in scope\n",
                "        totl += price\n",
                "        ^~~~\n",
                "** BUILD FAILED **\n",
            ),
            (13, 15),
        ),
        (
            "XCTest",
            concat!(
                "$ xcodebuild test -scheme Shop\n",
                "Test Case '-[ShopTests.CartTests testOnePrice]' passed (0.001 seconds).\n",
                "/Users/ci/shop/Tests/CartTests.swift:14: error: -[ShopTests.CartTests testTwoPrices] : XCTAssertEqual failed: (\"3\") is not equal to (\"5\")\n",
                "Test Case '-[ShopTests.CartTests testTwoPrices]' failed (0.002 seconds).\n",
                "** TEST FAILED **\n",
            ),
            (13, 13),
        ),
    ];
    for (format, output, (start, end)) in cases {
        let report = analyze(&job(output));
        let (first, last, _) = first_excerpt(&report);
        assert!(
            first <= start && last >= end,
            "{format}: lines {start}-{end} not in the first excerpt {first}-{last}: {report:#?}"
        );
    }
}

#[test]
fn a_diagnostic_under_a_build_tool_s_error_tag_keeps_its_frame_and_verdict() {
    // sbt tags every line of a compiler error: the frame, the caret and the verdict are read
    // inside the tag; Maven's own verdict (a rule of its own) is not swallowed.
    let sbt = job(
        "$ sbt compile\n[info] Compiling 1 Scala source to /builds/acme/shop/target/classes ...\n[error] /builds/acme/shop/src/main/scala/Shop.scala:7:21: type mismatch;\n[error]  found   : String(\"x\")\n[error]  required: Int\n[error]   val total: Int = \"x\"\n[error]                    ^\n[error] one error found\n[error] (Compile / compileIncremental) Compilation failed\n[error] Total time: 3 s, completed Dec 1, 2026 10:00:00 AM\n",
    );
    let report = analyze(&sbt);
    assert_eq!(first_excerpt(&report).0, 13, "{report:#?}");
    assert_eq!(
        report.excerpts.last().map(|e| e.end_line),
        Some(20),
        "{report:#?}"
    );
    let maven = job(
        "$ mvn -q compile\n[ERROR] /builds/acme/shop/src/main/java/shop/Cart.java:[4,51] cannot find symbol\n[ERROR]   symbol:   variable StringUtils\n[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.1:compile (default-compile) on project shop: Compilation failure\n",
    );
    let report = analyze(&maven);
    assert_eq!(
        (first_excerpt(&report).0, first_excerpt(&report).1),
        (12, 13),
        "{report:#?}"
    );
}

#[test]
fn a_report_under_the_name_of_a_test_marked_failed_is_its_cause() {
    // A runner marks the test failed as it runs and prints its report further down, titled by
    // the test's name alone or after a path's separator. A line that merely ends with the
    // name's words is not a title.
    for title in [
        "  applies the discount",
        "  cart.spec › applies the discount",
    ] {
        let log = job(&format!(
            "$ run-tests\n  ✔ empty cart\n  ✘ applies the discount (4 ms)\n\n{title}\n\n  spec/cart.spec:9\n\n  Expected: 90\n  Received: 100\n\n  ──\n\n  1 test failed\n"
        ));
        let report = analyze(&log);
        let (start, end, text) = first_excerpt(&report);
        assert_eq!((start, end), (15, 20), "{report:#?}");
        assert!(text.contains("Received: 100"), "{text}");
        assert_eq!(report.category.as_str(), "test_failure");
        assert_eq!(report.failing_tests, ["applies the discount"]);
    }
    let prose = job(
        "$ run-tests\n  ✘ applies the discount (4 ms)\nthe total no longer applies the discount\n  1 test failed\n",
    );
    let report = analyze(&prose);
    assert_ne!(report.rule, "named-report", "{report:#?}");
}

#[test]
fn a_heading_framed_by_rules_over_a_failed_check_is_its_title() {
    // A test framework frames the test's name between rule lines, one blank line over the
    // check that failed; a check's failure is a test's, not a compiler's.
    let log = job(
        "$ ./unit-tests\n\n------------------------------------------------------------\nrounding\n  halves go up\n------------------------------------------------------------\nround.c:14\n............................................................\n\nround.c:15: FAILED:\n  CHECK( round_half(2.5) == 3 )\nwith expansion:\n  2 == 3\n\n============================================================\n",
    );
    let report = assert_first_excerpt(&log, (13, 23));
    let text = first_excerpt(&report).2;
    assert!(
        text.starts_with("---") && text.contains("halves go up"),
        "{text}"
    );
    assert_eq!(report.category.as_str(), "test_failure", "{report:#?}");
    // A failed check's level is the message's first word (Haskell's doctest).
    let doctest = job(
        "$ doctest src/Round.hs\nsrc/Round.hs:5: failure in expression `half 5'\nexpected: 3\n but got: 2\n",
    );
    assert_eq!(analyze(&doctest).category.as_str(), "test_failure");
    // A compiler's error at a location stays a compilation error.
    let gcc = job("$ make\nround.c:15:5: error: 'x' undeclared (first use in this function)\n");
    assert_eq!(analyze(&gcc).category.as_str(), "compilation");
}

#[test]
fn a_structured_log_line_is_read_as_its_text_at_its_level() {
    // A JSON logger's line at INFO is not the cause, however alarming its message.
    let log = job(
        "$ npm test\n> shop@1.0.0 test\n{\"level\":30,\"time\":1764583200000,\"msg\":\"redis: connection refused, retrying\"}\n{\"level\":30,\"time\":1764583200000,\"msg\":\"server listening on 3000\"}\nrequest failed\n",
    );
    let report = analyze(&log);
    assert_ne!(report.category.as_str(), "network", "{report:#?}");
    // go test -json: the failure inside the events is read as go test prints it.
    let log = job(
        "$ go test -json ./...\n{\"Action\":\"run\",\"Package\":\"shop\",\"Test\":\"TestTotal\"}\n{\"Action\":\"output\",\"Package\":\"shop\",\"Test\":\"TestTotal\",\"Output\":\"=== RUN   TestTotal\\n\"}\n{\"Action\":\"output\",\"Package\":\"shop\",\"Test\":\"TestTotal\",\"Output\":\"    cart_test.go:9: Total([2 3]) = 3, want 5\\n\"}\n{\"Action\":\"output\",\"Package\":\"shop\",\"Test\":\"TestTotal\",\"Output\":\"--- FAIL: TestTotal (0.00s)\\n\"}\n{\"Action\":\"fail\",\"Package\":\"shop\",\"Test\":\"TestTotal\",\"Elapsed\":0}\n{\"Action\":\"output\",\"Package\":\"shop\",\"Output\":\"FAIL\\tshop\\t0.004s\\n\"}\n",
    );
    let report = analyze(&log);
    let (start, _, text) = first_excerpt(&report);
    // From the test's announcement, over what it printed, down to its verdict.
    assert_eq!(start, 13, "{report:#?}");
    assert!(text.starts_with("=== RUN   TestTotal\n"), "{text}");
    assert!(
        text.contains("cart_test.go:9: Total([2 3]) = 3, want 5"),
        "{text}"
    );
    assert_eq!(report.failing_tests, ["TestTotal"], "{report:#?}");
}

#[test]
fn a_memory_report_is_read_behind_its_process_id_prefix() {
    // Valgrind prints `==pid==` before every line; behind it a leak's record is a title over its
    // indented frames, and a bare prefix is a blank line. An option's words (`--leak-check`)
    // do not make the job a lint check.
    let log = job(
        "$ valgrind --leak-check=full --error-exitcode=1 ./shop\n==411== Memcheck, a memory error detector\n==411== Command: ./shop\n==411== \nready\n==411== \n==411== HEAP SUMMARY:\n==411==     in use at exit: 16 bytes in 1 blocks\n==411== \n==411== 16 bytes in 1 blocks are definitely lost in loss record 1 of 1\n==411==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)\n==411==    by 0x10918C: open_cart (cart.c:9)\n==411==    by 0x1091D5: main (main.c:4)\n==411== \n==411== LEAK SUMMARY:\n==411==    definitely lost: 16 bytes in 1 blocks\n==411== ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 from 0)\n",
    );
    let report = assert_first_excerpt(&log, (20, 23));
    let text = first_excerpt(&report).2;
    assert!(text.contains("open_cart (cart.c:9)"), "{text}");
    assert_ne!(report.category.as_str(), "lint", "{report:#?}");
}

#[test]
fn a_dump_after_the_failure_quotes_it_and_a_bare_verdict_completes_the_line_above() {
    // No exit pointer (the log was cut after the after_failure steps): the last step only cats
    // files, so the step before it, which reported the error, is the one explained. Its bare
    // `ERROR` line completes the test file the check announced above it.
    let log = "$ R CMD check shop_0.1.0.tar.gz\n* checking tests ...\n  Running ‘testthat.R’\n ERROR\nRunning the tests in ‘tests/testthat.R’ failed.\nLast 3 lines of output:\n  ── 1. Failure: two prices add up (@test-total.R#6)\n  Error: testthat unit tests failed\n  Execution halted\n* DONE\n$ for f in $(find shop.Rcheck -name '*fail'); do cat $f; done\n> test_check(\"shop\")\nError in total(x) : object 'totl' not found\nError: testthat unit tests failed\nExecution halted\n";
    let report = analyze(log);
    let (start, end, text) = first_excerpt(&report);
    assert_eq!((start, end), (3, 10), "{report:#?}");
    assert!(text.starts_with("  Running ‘testthat.R’\n ERROR"), "{text}");
}

#[test]
fn a_failed_test_s_output_since_its_runner_announced_it_is_its_report() {
    // TAP with the test announced by name: what it printed in between is why it failed, and
    // a passing test's refused connection, earlier, is not the cause.
    let log = job(
        "$ ./run-tests\n# Starting Test: cache - warm\nredis: connection refused\nok 1 cache - warm\n# Starting Test: dns - resolve over TCP\n  tap.lua:85: Missing 1 expected call\n  stack traceback:\n  \t[C]: in function 'error'\nnot ok 2 dns - resolve over TCP\n# Starting Test: dns - load resolver\nok 3 dns - load resolver\n",
    );
    let report = analyze(&log);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(start, 15, "{report:#?}");
    assert!(text.contains("Missing 1 expected call"), "{text}");
    assert_eq!(
        report.failing_tests,
        ["dns - resolve over TCP"],
        "{report:#?}"
    );
}

#[test]
fn what_a_unit_titled_passed_prints_is_its_noise() {
    // Jest prints a passing file's console output under its `PASS` title; the coverage gate
    // that failed the job comes after it.
    let log = job(
        "$ npx jest --coverage\nPASS src/cart.test.js\n  console.error\n    cache: connect ECONNREFUSED 127.0.0.1:6379\n\n      at Object.<anonymous> (src/cart.test.js:4:11)\n\nJest: Coverage for lines (75%) does not meet \"global\" threshold (90%)\n",
    );
    let report = analyze(&log);
    assert!(
        first_excerpt(&report)
            .2
            .contains("does not meet \"global\" threshold"),
        "{report:#?}"
    );
    assert_ne!(report.category.as_str(), "network", "{report:#?}");
    // Ansible: a passing task's debug message, and the failed task's result with what the
    // task printed since its header; its code frame quotes the debug task's source.
    let log = job(
        "$ ansible-playbook site.yml\n\nTASK [Say where we deploy] ***\nok: [localhost] => {\n    \"msg\": \"cache said: connection refused\"\n}\n\nTASK [Read the configuration] ***\n[ERROR]: Task failed: Module failed: non-zero return code\nOrigin: /builds/acme/deploy/site.yml:8:7\n\n7         msg: \"cache said: connection refused\"\n8     - name: Read the configuration\n        ^ column 7\n\nfatal: [localhost]: FAILED! => {\"changed\": true, \"rc\": 1, \"stderr\": \"cat: /etc/shop.yml: No such file or directory\"}\n\nPLAY RECAP ***\n",
    );
    let report = assert_first_excerpt(&log, (19, 26));
    let text = first_excerpt(&report).2;
    assert!(text.starts_with("[ERROR]: Task failed"), "{text}");
    assert_eq!(report.rule, "ansible-failed");
}

#[test]
fn a_pytest_report_longer_than_an_excerpt_is_shown_with_its_e_lines() {
    // `--tb=long` lists the source of every frame down to the raise; the E lines come last.
    let frames: String = (0..40).map(|i| format!("        step_{i}()\n")).collect();
    let log = job(&format!(
        "$ pytest -q tests\n.F\n=================================== FAILURES ===================================\n_________________________________ test_locale __________________________________\n\n    def test_locale():\n>       assert shop.locale() is not None\n\ntests/test_locale.py:8: \n_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _\n\n    def locale():\n{frames}>       warn(msg, DeprecationWarning, stacklevel=3)\nE       DeprecationWarning: 'locale.getdefaultlocale' is deprecated\n\nshop/compat.py:51: DeprecationWarning\n=========================== short test summary info ============================\nFAILED tests/test_locale.py::test_locale - DeprecationWarning: 'locale.getdef...\n"
    ));
    let report = analyze(&log);
    let shown: Vec<&str> = report
        .excerpts
        .iter()
        .flat_map(|e| e.text.lines())
        .collect();
    assert!(
        shown.iter().any(|l| l.contains("test_locale ___")),
        "{report:#?}"
    );
    assert!(
        shown
            .iter()
            .any(|l| l.starts_with("E       DeprecationWarning")),
        "{report:#?}"
    );
    assert!(
        shown.contains(&"shop/compat.py:51: DeprecationWarning"),
        "{report:#?}"
    );
    let spanned: u64 = report
        .excerpts
        .iter()
        .map(|e| e.end_line - e.start_line + 1)
        .sum();
    assert!(spanned <= 30, "{report:#?}");
    // The first excerpt is the test's own frame, down to where it names its place.
    assert!(
        first_excerpt(&report)
            .2
            .ends_with("tests/test_locale.py:8:"),
        "{report:#?}"
    );
}

#[test]
fn tools_speaking_russian_are_read_as_in_english_and_shown_as_printed() {
    // GCC, make and bash under LANG=ru_RU.UTF-8 (their gettext catalogs' wording).
    let log = job(
        "$ make\ncc -Wall -c -o main.o main.c\nmain.c: В функции «main»:\nmain.c:5:20: предупреждение: неиспользуемая переменная «x» [-Wunused-variable]\nmain.c:7:12: ошибка: «totl» не описан (первое использование в этой функции)\n    7 |     return totl;\n      |            ^~~~\nmake: *** [<встроенное>: main.o] Ошибка 1\n",
    );
    let report = analyze(&log);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(report.category.as_str(), "compilation", "{report:#?}");
    assert!(
        start <= 15 && text.contains("ошибка: «totl» не описан"),
        "{report:#?}"
    );
    assert_eq!(report.locations[0].path, "main.c");
    assert_eq!(report.locations[0].line, 7);
    let log = job(
        "$ wget --tries=1 http://127.0.0.1:9/schema.json\nПодключение к 127.0.0.1:9... ошибка: В соединении отказано.\n",
    );
    assert_eq!(analyze(&log).category.as_str(), "network");
    let log = job("$ ./deploy.sh\nbash: строка 1: ./deploy.sh: Отказано в доступе\n");
    assert_eq!(analyze(&log).category.as_str(), "permission");
}

#[test]
fn an_ignored_failure_is_shown_when_the_symptom_names_its_file_or_library_bare() {
    // jq names the file curl was to write, unquoted; the earlier command names it.
    let log = job(
        "$ curl -fsS -o release.json http://127.0.0.1:9/releases/latest || true\ncurl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server\n$ jq -r .tag_name release.json\njq: error: Could not open file release.json: No such file or directory\n",
    );
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(texts[0].starts_with("curl: (7)"), "{texts:#?}");
    assert!(
        texts[1].contains("Could not open file release.json"),
        "{texts:#?}"
    );
    // ld names the library by its -l flag; apt-get could not find its -dev package.
    let log = job(
        "$ apt-get install -y libshopyaml-dev || true\nReading package lists...\nE: Unable to locate package libshopyaml-dev\n$ gcc -o shop main.c -lshopyaml\n/usr/bin/ld: cannot find -lshopyaml: No such file or directory\ncollect2: error: ld returned 1 exit status\n",
    );
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Unable to locate package libshopyaml-dev")),
        "{texts:#?}"
    );
}

#[test]
fn under_a_mere_pointer_a_failure_the_script_said_to_ignore_is_shown() {
    let log = job(
        "$ ./configure || echo 'configure failed, building anyway'\nchecking for libyaml... no\nconfigure: error: libyaml is required to build shop\nconfigure failed, building anyway\n$ make\nmake: *** No targets specified and no makefile found.  Stop.\n",
    );
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(
        texts[0].starts_with("configure: error: libyaml is required"),
        "{texts:#?}"
    );
    assert!(texts[1].starts_with("make: ***"), "{texts:#?}");
    // The same earlier failure not ignored by the script, before a pointer, is not pulled in.
    let log = job(
        "$ ./configure\nconfigure: error: libyaml is required to build shop\n$ make\nmake: *** No targets specified and no makefile found.  Stop.\n",
    );
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(
        !texts.iter().any(|t| t.contains("configure: error")),
        "{texts:#?}"
    );
}

#[test]
fn a_tail_report_shows_a_failure_the_script_said_to_ignore() {
    // Nothing in the failing step looks like an error; the step before failed under `|| true`.
    let log = job(
        "$ ./gen-schema.sh || true\ngen-schema: cannot parse api.yaml: mapping values are not allowed here\n$ ./publish.sh\nchecking dist/\nnothing to publish\n",
    );
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(texts[0].contains("cannot parse api.yaml"), "{texts:#?}");
    assert!(texts[1].contains("nothing to publish"), "{texts:#?}");
    assert!(
        report.summary.ends_with(
            "earlier in the job: gen-schema: cannot parse api.yaml: mapping values are not allowed here"
        ),
        "{}",
        report.summary
    );
}

#[test]
fn a_logger_s_timestamp_does_not_hide_the_level_and_diagnostic_behind_it() {
    let log = job(concat!(
        "$ mvn -B compile\n",
        "21:06:24,646 [INFO] Compiling 1 source file to /builds/shop/target/classes\n",
        "21:06:25,243 [ERROR] /builds/shop/src/main/java/shop/Order.java:[7,48] cannot find symbol\n",
        "  symbol:   method orElse(java.lang.String)\n",
        "  location: class java.lang.String\n",
        "21:06:25,243 [INFO] 1 error\n",
        "21:06:25,244 [INFO] BUILD FAILURE\n",
        "21:06:25,246 [ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.1:compile (default-compile) on project shop: Compilation failure\n",
    ));
    let report = assert_first_excerpt(&log, (13, 15));
    let text = first_excerpt(&report).2;
    assert!(text.starts_with("[ERROR] /builds/shop/"), "{text}");
    assert_eq!(report.locations[0].line, 7, "{report:#?}");
}

#[test]
fn a_runner_s_timestamp_and_the_tool_s_own_after_it_are_both_read_past() {
    // A runner that stamps each line (GitLab's and GitFlic's `… 01O `) before a tool that
    // stamps its own (a logger's time, a task's tag).
    let stamped = |lines: &[&str]| {
        let script: String = lines
            .iter()
            .map(|line| format!("2026-12-05T10:00:01.123456Z 01O {line}\n"))
            .collect();
        analyze(&job(&script))
    };
    let report = stamped(&[
        "$ mvn -B compile",
        "21:06:24,646 [INFO] Compiling 1 source file to /builds/shop/target/classes",
        "21:06:25,243 [ERROR] /builds/shop/src/main/java/shop/Order.java:[7,48] cannot find symbol",
        "  symbol:   method orElse(java.lang.String)",
        "  location: class java.lang.String",
        "21:06:25,243 [INFO] 1 error",
        "21:06:25,244 [INFO] BUILD FAILURE",
    ]);
    assert_eq!(
        (first_excerpt(&report).0, first_excerpt(&report).1),
        (13, 15)
    );
    assert!(
        first_excerpt(&report)
            .2
            .starts_with("[ERROR] /builds/shop/"),
        "{report:#?}"
    );
    assert_eq!(report.locations[0].line, 7, "{report:#?}");
    let report = stamped(&[
        "$ npx eleventy",
        "[11ty] Problem writing Eleventy templates:",
        "[11ty] 1. Having trouble rendering njk template ./src/index.njk (via TemplateContentRenderError)",
        "[11ty] 2. (./src/index.njk)",
        "[11ty]   Error: filter not found: money (via Template render error)",
        "[11ty] 3. filter not found: money",
        "[11ty] Wrote 0 files in 0.06 seconds (v3.1.8)",
    ]);
    let text = first_excerpt(&report).2;
    assert!(
        text.contains("\n  Error: filter not found: money"),
        "{report:#?}"
    );
    assert!(!text.contains("[11ty]"), "{report:#?}");
}

#[test]
fn a_unified_diff_in_a_report_is_read_to_the_end_of_its_hunk_whatever_its_lines_look_like() {
    // A golden file's rule (` ------`) is a context line of the diff, not the report's end.
    let log = job(concat!(
        "$ python3 -m pytest -q tests\n",
        "F                                                                        [100%]\n",
        "=================================== FAILURES ===================================\n",
        "__________________________ test_invoice_for_two_lines __________________________\n",
        "\n",
        "    def test_invoice_for_two_lines():\n",
        ">       verify(render(\"ACME\", LINES))\n",
        "E       ApprovalException: Approval Mismatch, received != approved\n",
        "\n",
        "tests/test_invoice.py:7: ApprovalException\n",
        "----------------------------- Captured stdout call -----------------------------\n",
        "--- tests/invoice.received.txt\n",
        "+++ tests/invoice.approved.txt\n",
        "@@ -1,5 +1,5 @@\n",
        " Invoice for ACME\n",
        " ------------------------\n",
        "-A-1       2 x  120.00\n",
        "+A-1       2 x 120.00\n",
        " ------------------------\n",
        " Total             240.00\n",
        "------------------------\n",
        "1 failed in 0.06s\n",
    ));
    let report = analyze(&log);
    let text = first_excerpt(&report).2;
    assert!(text.contains("\n+A-1       2 x 120.00\n"), "{report:#?}");
    assert!(text.contains("\n Total             240.00"), "{report:#?}");
    // The hunk complete, a rule ends the report as before.
    assert!(!text.contains("1 failed"), "{report:#?}");
}

/// cmake-lint 0.6 (captured): findings under the file's name ruled off, then its summary ruled
/// off a blank line below.
const CMAKE_LINT: &str = concat!(
    "CMakeLists.txt\n",
    "==============\n",
    "CMakeLists.txt:03,04: [C0103] Invalid directory variable name \"shopSources\" doesn't match `[A-Z][0-9A-Z_]+|_[0-9a-z_]+`\n",
    "\n",
    "Summary\n",
    "=======\n",
    "files scanned: 1\n",
    "found lint:\n",
    "  Convention: 1\n",
    "\n",
);

#[test]
fn groups_ruled_off_under_a_wrapper_s_echo_are_one_report_without_the_echo() {
    let plain = job(&format!("$ cmake-lint CMakeLists.txt\n{CMAKE_LINT}"));
    assert_first_excerpt(&plain, (12, 20));
    // tox's echo of the command right above the first group is no part of it.
    let tox = job(&format!(
        "$ tox -e lint\nlint: commands[0]> cmake-lint CMakeLists.txt\n{CMAKE_LINT}lint: exit 1 (0.31 seconds) /builds/acme/app> cmake-lint CMakeLists.txt pid=412\n  lint: FAIL code 1 (0.40=setup[0.09]+cmd[0.31] seconds)\n  evaluation failed :( (0.45 seconds)\n"
    ));
    assert_first_excerpt(&tox, (13, 21));
}

#[test]
fn yarn_s_report_of_a_silent_command_s_exit_is_its_headline_not_yarn_s_advice() {
    // Yarn 1.22 (captured): its echo of the script's command, then its report and its advice,
    // both under its lower-case level tags.
    let log = job(concat!(
        "$ yarn run ci\n",
        "yarn run v1.22.22\n",
        "$ timeout 2 sleep 5\n",
        "error Command failed with exit code 124.\n",
        "info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.\n",
    ));
    let report = analyze(&log);
    assert!(
        report
            .summary
            .ends_with("error Command failed with exit code 124."),
        "{report:#?}"
    );
    // Yarn's `info` is a level below error: not shown under the error it follows.
    let log = job(concat!(
        "$ yarn install --frozen-lockfile\n",
        "yarn install v1.22.22\n",
        "[1/4] Resolving packages...\n",
        "error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.\n",
        "info Visit https://yarnpkg.com/en/docs/cli/install for documentation about this command.\n",
    ));
    assert_first_excerpt(&log, (14, 14));
    // Yarn's advice at the end is no record the command's last words come after: what a
    // command said after an environment event is shown with it, the advice not.
    let log = job(concat!(
        "$ yarn run ci\n",
        "yarn run v1.22.22\n",
        "$ go test ./...\n",
        "2026/12/03 19:19:27 cannot reach the test database: dial tcp 127.0.0.1:5433: connect: connection refused\n",
        "FAIL\texample.com/shop\t0.008s\n",
        "FAIL\n",
        "error Command failed with exit code 1.\n",
        "info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.\n",
    ));
    let report = analyze(&log);
    let (start, end, text) = first_excerpt(&report);
    assert!(start == 14 && (15..=17).contains(&end), "{report:#?}");
    assert!(!text.contains("info Visit"), "{report:#?}");
}

#[test]
fn an_environment_event_is_shown_with_what_the_command_said_after_it() {
    let log = job(concat!(
        "$ rsync -az dist/ deploy@203.0.113.7:/srv/shop/\n",
        "ssh: connect to host 203.0.113.7 port 22: Connection refused\n",
        "rsync: connection unexpectedly closed (0 bytes received so far) [sender]\n",
        "rsync error: unexplained error (code 255) at io.c(232) [sender=3.2.7]\n",
    ));
    let report = analyze(&log);
    assert_eq!(report.category, Category::Network, "{report:#?}");
    assert_eq!(first_excerpt(&report).0..=first_excerpt(&report).1, 12..=14);
    // Far from the step's end, the command's later output is its own story, not its last words.
    let mut busy = String::from(
        "$ ./deploy.sh\nssh: connect to host 203.0.113.7 port 22: Connection refused\n",
    );
    for i in 0..6 {
        busy.push_str(&format!("copying asset {i} to the fallback bucket\n"));
    }
    let report = analyze(&job(&busy));
    let (start, end, _) = first_excerpt(&report);
    assert!(start == 12 && end < 17, "{report:#?}");
    // Under a wrapper, its closing (Gradle's block a blank line below, tox's report of the
    // exit right under) is no more of the command's words: those above it are shown still.
    let buildah = concat!(
        "wget: can't connect to remote host (127.0.0.1): Connection refused\n",
        "subprocess exited with status 1\n",
        "subprocess exited with status 1\n",
        "Error: building at STEP \"RUN sh fetch-deps.sh\": exit status 1\n",
    );
    let gradle = job(&format!(
        "$ gradle image\n> Task :image\n{buildah}\n> Task :image FAILED\n\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nExecution failed for task ':image'.\n> Process 'command 'buildah'' finished with non-zero exit value 1\n\nBUILD FAILED in 3s\n1 actionable task: 1 executed\n"
    ));
    assert_first_excerpt(&gradle, (13, 16));
    let tox = job(&format!(
        "$ tox -e image\nimage: commands[0]> buildah bud -t shop:ci .\n{buildah}image: exit 1 (0.52 seconds) /builds/acme/shop> buildah bud -t shop:ci . pid=412\n  image: FAIL code 1 (0.60=setup[0.08]+cmd[0.52] seconds)\n  evaluation failed :( (0.66 seconds)\n"
    ));
    let report = analyze(&tox);
    let (start, end, _) = first_excerpt(&report);
    assert!(start == 13 && end >= 16, "{report:#?}");
}

#[test]
fn a_chain_of_python_exceptions_is_told_by_its_last_traceback_with_its_root_cause() {
    let log = job(concat!(
        "$ python3 manage.py migrate\n",
        "Traceback (most recent call last):\n",
        "  File \"/usr/lib/python3/site-packages/psycopg2/__init__.py\", line 122, in connect\n",
        "    conn = _connect(dsn)\n",
        "psycopg2.OperationalError: connection to server at \"db\", port 5432 failed: Connection refused\n",
        "\n",
        "The above exception was the direct cause of the following exception:\n",
        "\n",
        "Traceback (most recent call last):\n",
        "  File \"/builds/shop/manage.py\", line 5, in <module>\n",
        "    main()\n",
        "  File \"/usr/lib/python3/site-packages/django/db/utils.py\", line 91, in __exit__\n",
        "    raise dj_exc_value.with_traceback(traceback) from exc_value\n",
        "django.db.utils.OperationalError: connection to server at \"db\", port 5432 failed: Connection refused\n",
    ));
    let report = analyze(&log);
    let spans: Vec<(u64, u64)> = report
        .excerpts
        .iter()
        .map(|e| (e.start_line, e.end_line))
        .collect();
    assert!(
        spans.first().is_some_and(|s| s.0 <= 20 && s.1 >= 24),
        "{spans:?}"
    );
    assert!(spans.iter().any(|s| s.0 <= 15 && s.1 >= 15), "{spans:?}");
    assert!(
        report
            .headline
            .starts_with("django.db.utils.OperationalError"),
        "{report:#?}"
    );
}

#[test]
fn a_location_on_its_own_line_takes_the_message_above_it_and_blank_lines_part_no_findings() {
    let log = job(concat!(
        "$ cfn-lint template.yaml\n",
        "E3034 1200 is greater than the maximum of 900\n",
        "template.yaml:20:7\n",
        "\n",
        "E1010 'WorkerRole' is not one of ['Orders', 'Worker']\n",
        "template.yaml:19:7\n",
        "\n",
    ));
    let report = assert_first_excerpt(&log, (12, 16));
    let text = first_excerpt(&report).2;
    assert_eq!(report.excerpts.len(), 1, "{report:#?}");
    assert!(text.starts_with("E3034 1200"), "{text}");
    assert!(text.contains("template.yaml:20:7\n\nE1010"), "{text}");
    assert!(report.headline.starts_with("E3034"), "{report:#?}");
    assert_eq!(report.locations[0].path, "template.yaml");
    assert_eq!(report.locations[0].line, 20);
}

#[test]
fn under_a_weak_anchor_all_the_step_printed_after_it_is_shown_when_it_fits() {
    let log = job(concat!(
        "$ detect-secrets-hook config/settings.py\n",
        "ERROR: Potential secrets about to be committed to git repo!\n",
        "\n",
        "Secret Type: AWS Access Key\n",
        "Location:    config/settings.py:2\n",
        "\n",
        "Secret Type: Secret Keyword\n",
        "Location:    config/settings.py:3\n",
        "\n",
        "Possible mitigations:\n",
        "  - Mark false positives with an inline `pragma: allowlist secret` comment\n",
    ));
    let report = analyze(&log);
    assert_eq!(report.excerpts.len(), 1, "{report:#?}");
    let (start, end, _) = first_excerpt(&report);
    assert_eq!((start, end), (12, 21), "{report:#?}");
}

#[test]
fn lines_right_under_a_python_exception_are_its_message() {
    let log = job(concat!(
        "$ alembic upgrade head\n",
        "Traceback (most recent call last):\n",
        "  File \"/builds/shop/migrations/versions/0001_orders.py\", line 9, in upgrade\n",
        "    op.execute(\"INSERT INTO order_lines (order_id) VALUES (1)\")\n",
        "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: order_lines\n",
        "[SQL: INSERT INTO order_lines (order_id) VALUES (1)]\n",
        "(Background on this error at: https://sqlalche.me/e/20/e3q8)\n",
    ));
    let report = assert_first_excerpt(&log, (12, 17));
    assert!(
        report
            .headline
            .starts_with("sqlalchemy.exc.OperationalError"),
        "{report:#?}"
    );
}

#[test]
fn a_box_drawn_code_frame_belongs_to_the_error_above_it() {
    let log = job(concat!(
        "$ sass styles/main.scss dist/main.css\n",
        "Error: Undefined variable.\n",
        "  ╷\n",
        "5 │   margin: math.div($gutter, 2);\n",
        "  │                    ^^^^^^^\n",
        "  ╵\n",
        "  styles/main.scss 5:20  root stylesheet\n",
    ));
    assert_first_excerpt(&log, (12, 17));
}

#[test]
fn a_weak_anchor_heading_the_step_s_last_paragraph_is_shown_with_all_of_it() {
    let mut table =
        String::from("$ sqlfluff lint migrations/\n== [migrations/0003_orders.sql] FAIL\n");
    for n in 0..12 {
        table.push_str(&format!(
            "L:   7 | P: {n:>3} | LT01 | Expected single whitespace.\n"
        ));
    }
    table.push_str("All Finished!\n");
    assert_first_excerpt(&job(&table), (12, 25));
}

#[test]
fn a_note_at_a_location_of_its_own_belongs_to_the_error_above_it() {
    let log = job(concat!(
        "$ mypy app/\n",
        "app/config.py:1: error: Library stubs not installed for \"yaml\"  [import-untyped]\n",
        "app/config.py:1: note: Hint: \"python3 -m pip install types-PyYAML\"\n",
        "app/config.py:1: note: (or run \"mypy --install-types\" to install all missing stub packages)\n",
        "Found 1 error in 1 file (checked 1 source file)\n",
    ));
    assert_first_excerpt(&log, (12, 15));
}

#[test]
fn what_a_heading_says_is_allowed_is_not_the_cause() {
    let log = job(concat!(
        "$ awesome_bot README.md --white-list example.org\n",
        "Checking URLs: ✓✓✓→✓\n",
        "\n",
        "> White listed:\n",
        "  1. 301 http://example.org/old → http://example.org/new\n",
        "\n",
        "Issues :-(\n",
        "> Links\n",
        "  1. 404 https://shop.example.net/gone\n",
        "> Dupes\n",
        "  None ✓\n",
    ));
    let report = analyze(&log);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(start, 18, "{report:#?}");
    assert!(text.contains("404 https://shop.example.net/gone"), "{text}");
    assert!(
        !report
            .excerpts
            .iter()
            .any(|e| e.start_line <= 15 && e.end_line >= 15),
        "{report:#?}"
    );
}

#[test]
fn an_error_a_passing_minitest_run_printed_is_its_noise() {
    let log = job(concat!(
        "$ bin/test\n",
        "# Running:\n",
        "....Bundler could not find compatible versions for gem \"activemodel\":\n",
        "  In Gemfile:\n",
        "    rails was resolved to 5.1.7, which depends on\n",
        "\n",
        "98 runs, 620 assertions, 0 failures, 0 errors, 0 skips\n",
        "# Running:\n",
        "F\n",
        "Failure:\n",
        "DbConsoleTest#test_prompt [test/dbconsole_test.rb:40]:\n",
        "\"sqlite>\" expected, but got nothing\n",
        "\n",
        "2 runs, 2 assertions, 1 failures, 0 errors, 0 skips\n",
    ));
    let report = analyze(&log);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(start, 20, "{report:#?}");
    assert!(text.starts_with("Failure:"), "{text}");
}

#[test]
fn a_pointer_shows_the_list_of_findings_of_one_form_above_it() {
    let mut script = String::from("$ npm run travis\n");
    for file in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"] {
        script.push_str(&format!(
            "rules/{file}.js failed indent_char: found setting '  ', should be '    '\n"
        ));
    }
    script.push_str(concat!(
        "npm ERR! code ELIFECYCLE\n",
        "npm ERR! errno 1\n",
        "npm ERR! shop@1.0.0 travis: `npm run --silent test`\n",
        "\n",
        "npm ERR! A complete log of this run can be found in:\n",
        "npm ERR!     /home/travis/.npm/_logs/debug.log\n",
    ));
    let report = analyze(&job(&script));
    let (start, end, _) = first_excerpt(&report);
    assert_eq!(start, 12, "{report:#?}");
    assert!(end >= 26, "{report:#?}");
}

#[test]
fn a_report_ends_at_the_heading_of_the_runner_s_next_section() {
    let log = job(concat!(
        "$ rspec\n",
        ".F\n",
        "Failures:\n",
        "\n",
        "  1) cart sums prices\n",
        "     Failure/Error: expect([2, 3].drop(1).sum).to eq(5)\n",
        "       expected: 5\n",
        "            got: 3\n",
        "\n",
        "Deprecation Warnings:\n",
        "\n",
        "Using `should` from rspec-expectations' old `:should` syntax is deprecated.\n",
        "\n",
        "1 deprecation warning total\n",
    ));
    assert_first_excerpt(&log, (13, 18));
}

#[test]
fn a_github_actions_step_is_its_run_group_and_the_echoed_script_is_no_output() {
    let log = concat!(
        "2026-12-01T10:00:01.0000000Z ##[group]Run actions/setup-java@v4\n",
        "2026-12-01T10:00:02.0000000Z with:\n",
        "2026-12-01T10:00:03.0000000Z   distribution: temurin\n",
        "2026-12-01T10:00:04.0000000Z ##[endgroup]\n",
        "2026-12-01T10:00:05.0000000Z Error: cache service responded with 503 (retrying without a cache)\n",
        "2026-12-01T10:00:06.0000000Z ##[group]Run mvn -B verify || echo \"build failed: error\" >&2 && exit 1\n",
        "2026-12-01T10:00:07.0000000Z mvn -B verify || echo \"build failed: error\" >&2 && exit 1\n",
        "2026-12-01T10:00:08.0000000Z shell: /usr/bin/bash -e {0}\n",
        "2026-12-01T10:00:09.0000000Z ##[endgroup]\n",
        "2026-12-01T10:00:10.0000000Z [INFO] Running shop.BasketTest\n",
        "2026-12-01T10:00:11.0000000Z [ERROR] twoItems(shop.BasketTest)  Time elapsed: 0.008 s  <<< FAILURE!\n",
        "2026-12-01T10:00:12.0000000Z java.lang.AssertionError: expected:<450> but was:<300>\n",
        "2026-12-01T10:00:13.0000000Z \tat shop.BasketTest.twoItems(BasketTest.java:6)\n",
        "2026-12-01T10:00:14.0000000Z build failed: error\n",
        "2026-12-01T10:00:15.0000000Z ##[error]Process completed with exit code 1.\n",
        "2026-12-01T10:00:16.0000000Z Post job cleanup.\n",
    );
    let report = assert_first_excerpt(log, (11, 13));
    assert_eq!(
        report.failing_command.as_deref(),
        Some("mvn -B verify || echo \"build failed: error\" >&2 && exit 1"),
        "{report:#?}"
    );
    assert!(
        !report
            .excerpts
            .iter()
            .any(|e| e.start_line <= 7 && e.end_line >= 5),
        "{report:#?}"
    );
}

#[test]
fn a_step_echo_that_never_closes_hides_only_a_few_lines() {
    let mut log = String::from("$ ./build.sh\n##[group]Run make\n");
    for i in 0..80 {
        log.push_str(&format!("compiling unit {i}\n"));
    }
    log.push_str("src/cart.c:3:5: error: 'totl' undeclared\n");
    let report = analyze(&job(&log));
    assert_eq!(first_excerpt(&report).0, 93, "{report:#?}");
}

#[test]
fn a_fenced_code_block_belongs_to_the_failure_it_quotes() {
    let log = job(concat!(
        "$ xcodebuild test | xcpretty\n",
        "Alamofire_iOS_Tests.StatusCodeValidationTestCase\n",
        "  testThatValidationSucceeds, XCTAssertTrue failed\n",
        "  /Users/travis/build/shop/Tests/ValidationTests.swift:55\n",
        "  ```\n",
        "\n",
        "        XCTAssertTrue(response.isSuccess)\n",
        "\n",
        "  ```\n",
        "\n",
        "\n",
        "\t Executed 528 tests, with 1 failure (0 unexpected) in 44.353 (45.598) seconds\n",
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 13 && end == 19, "{report:#?}");
}

/// A report that quotes a Python traceback too long to show (pytest's `--tb=native`, where
/// pytest's own frames come first) is shown by the traceback's end: the test's frame and the
/// exception, not the runner's first frames.
#[test]
fn a_report_quoting_a_long_traceback_shows_its_end() {
    let frames: String = (0..30)
        .map(|i| format!("  File \"/lib/runner.py\", line {i}, in call\n    step_{i}()\n"))
        .collect();
    let log = job(&format!(
        "$ pytest --tb=native\n=== FAILURES ===\n___ test_total ___\nTraceback (most recent call last):\n{frames}  File \"/app/tests/test_cart.py\", line 8, in test_total\n    assert total([2, 3]) == 5\nAssertionError: assert 3 == 5\n=== short test summary info ===\n"
    ));
    let report = analyze(&log);
    let (_, end, text) = first_excerpt(&report);
    assert_eq!(end, 77, "{report:#?}");
    assert!(
        text.contains("line 8, in test_total") && text.ends_with("AssertionError: assert 3 == 5"),
        "{text}"
    );
}

/// A diff under its legend (`+ actual - expected`, as Node's assert prints it) belongs to the
/// assertion above it, across the blank line between them and whatever the diff's indent.
#[test]
fn a_diff_under_its_legend_belongs_to_the_assertion() {
    let log = job(concat!(
        "$ node --test\n",
        "✖ two items\n",
        "  AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal:\n",
        "  + actual - expected\n",
        "\n",
        "    {\n",
        "  +   currency: 'RUB',\n",
        "  -   currency: 'EUR',\n",
        "    }\n",
        "      at TestContext.<anonymous> (file:///builds/acme/shop/t.mjs:8:10)\n",
    ));
    let report = assert_first_excerpt(&log, (12, 20));
    assert!(
        first_excerpt(&report).2.contains("-   currency: 'EUR'"),
        "{report:#?}"
    );
}

/// A compiler's errors one per line are one run: past the few blocks the engine keeps per
/// step, the errors right under the last kept one are still shown with it.
#[test]
fn errors_one_per_line_are_shown_past_the_blocks_kept_per_step() {
    let errors: String = (1..=10)
        .map(|i| format!("src/totals.zz:{i}:9: error: undefined: price{i}\n"))
        .collect();
    let report = assert_first_excerpt(&job(&format!("$ zzc build\n{errors}")), (12, 21));
    assert!(
        first_excerpt(&report).2.ends_with("undefined: price10"),
        "{report:#?}"
    );
}

/// Surefire prints a class's verdict first and its failures' reports under it; the next class's
/// passing verdict (after its `Running` line) covers only that class, not the reports above.
#[test]
fn a_passing_test_class_does_not_cover_the_reports_of_the_class_before_it() {
    let log = job(concat!(
        "$ mvn test\n",
        "[INFO] Running shop.DbTest\n",
        "[ERROR] Tests run: 1, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! - in shop.DbTest\n",
        "[ERROR] shop.DbTest  Time elapsed: 0.04 s  <<< ERROR!\n",
        "java.lang.IllegalStateException: SHOP_DB_URL is not set\n",
        "\tat shop.DbTest.connect(DbTest.java:7)\n",
        "\n",
        "[INFO] Running shop.CartTest\n",
        "[INFO] Tests run: 1, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0 s - in shop.CartTest\n",
    ));
    let report = assert_first_excerpt(&log, (14, 16));
    assert!(
        first_excerpt(&report).2.contains("SHOP_DB_URL is not set"),
        "{report:#?}"
    );
}

/// A report's line that ends with a colon announces what follows, past a blank line (Minitest's
/// `"sqlite>" expected, but got:`, a blank line, then the output it got).
#[test]
fn what_a_report_announces_goes_on_after_a_blank_line() {
    let log = job(concat!(
        "$ bin/rails test\n",
        "Failure:\n",
        "DBConsoleTest#test_prompt [test/dbconsole_test.rb:40]:\n",
        "\"sqlite>\" expected, but got:\n",
        "\n",
        "Error: unable to open database\n",
        "Expected \"\" to include \"sqlite>\".\n",
    ));
    let report = assert_first_excerpt(&log, (12, 17));
    assert!(
        first_excerpt(&report).2.contains("unable to open database"),
        "{report:#?}"
    );
}

/// A program's error that the script went on past (`rm … || true`, then its own progress line)
/// is not what stopped it: the later program's error is the cause, with all its lines (tar's
/// `tar (child):` and `tar:` are one program's).
#[test]
fn an_error_the_script_went_on_past_is_not_the_cause() {
    let log = job(concat!(
        "$ bash deploy.sh\n",
        "rm: cannot remove '/tmp/cache': No such file or directory\n",
        "unpacking the release\n",
        "tar (child): release.tar.gz: Cannot open: No such file or directory\n",
        "tar (child): Error is not recoverable: exiting now\n",
        "tar: Child returned status 2\n",
    ));
    let report = assert_first_excerpt(&log, (14, 16));
    assert_eq!(report.excerpts.len(), 1, "{report:#?}");
}

/// GNU wget's request line names what it could not fetch: it heads the failure under it.
#[test]
fn wget_s_request_line_heads_its_failure() {
    let log = job(concat!(
        "$ wget --tries=1 http://127.0.0.1:9/schema.json\n",
        "--2026-12-03 18:57:26--  http://127.0.0.1:9/schema.json\n",
        "Connecting to 127.0.0.1:9... failed: Connection refused.\n",
    ));
    assert_first_excerpt(&log, (12, 13));
}

/// A command's usage text after its error is help, not the report: the error is shown without
/// the options npm lists under `Usage:` (as many as npm 10 prints for `npm ci`).
#[test]
fn usage_text_after_an_error_is_not_its_report() {
    let options: String = (0..90)
        .map(|i| format!("npm error [--option-{i} <value>]\n"))
        .collect();
    let log = job(&format!(
        "$ npm ci\nnpm error code EUSAGE\nnpm error\nnpm error The `npm ci` command can only install with an existing package-lock.json.\nnpm error\nnpm error Usage:\nnpm error npm ci\n{options}"
    ));
    let report = analyze(&log);
    let (start, end, text) = first_excerpt(&report);
    assert_eq!((start, end), (12, 15), "{report:#?}");
    assert!(!text.contains("--option-"), "{text}");
}

/// An earlier error that the later one names something of (a file) is one story with it, not a
/// survived error: `cp` could not write `conf/config.yml`, then `tar` cannot open it.
#[test]
fn an_earlier_error_the_later_one_names_is_kept() {
    let log = job(concat!(
        "$ bash build.sh\n",
        "cp: cannot create regular file 'conf/config.yml': No such file or directory\n",
        "packing the release\n",
        "tar: conf/config.yml: Cannot stat: No such file or directory\n",
    ));
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(
        texts.iter().any(|t| t.contains("cp: cannot create")),
        "{report:#?}"
    );
}

/// With no rule to go by, the category comes from the command; an option that turns something off
/// (`--disable-pip-version-check`) does not make an install a lint check, a bare `--check` does;
/// a tool's name and an install's verb say what the command does.
#[test]
fn an_option_that_turns_something_off_says_nothing_of_the_category() {
    let install = job(
        "$ python3 -m pip install --disable-pip-version-check -r requirements.txt\nsomething went sideways\n",
    );
    assert_eq!(analyze(&install).category, Category::Dependency);
    let check = job("$ black --check .\nsomething went sideways\n");
    assert_eq!(analyze(&check).category, Category::Lint);
    let critic = job("$ perlcritic --gentle lib\nsomething went sideways\n");
    assert_eq!(analyze(&critic).category, Category::Lint);
    let runner = job("$ bundle exec cucumber\nsomething went sideways\n");
    assert_eq!(analyze(&runner).category, Category::TestFailure);
    let script = job("$ ./release.sh\nsomething went sideways\n");
    assert_eq!(analyze(&script).category, Category::Unknown);
}

#[test]
fn a_ruby_frame_is_where_a_test_failed_not_a_compile_error() {
    let log = job(
        "$ ruby -Ilib test/test_cart.rb\nStarted\n.F\n==========\nFailure: test_two_prices(CartTest)\ntest/test_cart.rb:9:in `test_two_prices'\n  =>  9:     assert_equal(450, total([150, 300]))\n<450> expected but was\n<300>\n\n2 tests, 2 assertions, 1 failures, 0 errors\n",
    );
    let report = assert_first_excerpt(&log, (15, 19));
    assert_eq!(report.category, Category::TestFailure, "{report:#?}");
}

#[test]
fn a_count_of_errors_points_at_the_findings_above_it() {
    let log = job(
        "$ npm test\nRunning \"jshint:all\" (jshint) task\n\n   src/cart.js\n      6 |  return total - discountRate * total;\n             ^ 'discountRate' is not defined.\n\n>> 1 error in 2 files\nWarning: Task \"jshint:all\" failed. Use --force to continue.\n\nAborted due to warnings.\n",
    );
    // (Grunt's report of the task's exit right under it is shown, as a wrapper's is.)
    assert_first_excerpt(&log, (14, 19));
    // A count under prose counts nothing shown: no findings above it.
    let prose = job("$ ./check.sh\nchecking the cart\n\n2 errors\n");
    assert_eq!(first_excerpt(&analyze(&prose)).0, 14);
}

#[test]
fn a_report_between_rules_is_shown_from_its_rule_when_it_carries_a_verdict() {
    let framed = "$ raco test cart-test.rkt\nraco test: \"cart-test.rkt\"\n--------------------\nsums prices\nFAILURE\nname:       check-equal?\nlocation:   cart-test.rkt:4:25\nactual:     300\nexpected:   450\n--------------------\n1/2 test failures\n";
    assert_first_excerpt(&job(framed), (14, 20));
    // A table ruled off the same way has no verdict line: its rows are not the report.
    let table = "$ coverage report --fail-under=90\nName      Stmts   Miss  Cover\n----------------------------------------\nTOTAL        11      5    55%\nCoverage failure: total of 55 is less than fail-under=90\n";
    assert_first_excerpt(&job(table), (15, 15));
}

/// A Maven goal that printed nothing before its failure (Surefire under `-Dtest=` that ran no
/// test): Maven's closing above the verdict is no part of its cause.
#[test]
fn a_maven_goal_that_printed_nothing_is_told_by_its_failure_alone() {
    let rule = "-".repeat(72);
    let log = job(&format!(
        "$ mvn -B test -Dtest=CartTest\n[INFO] \n[INFO] --- maven-surefire-plugin:2.22.3:test (default-test) @ shop ---\n[INFO] {rule}\n[INFO] BUILD FAILURE\n[INFO] {rule}\n[INFO] Total time:  1.243 s\n[INFO] Finished at: 2026-12-04T08:08:26Z\n[INFO] {rule}\n[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.22.3:test (default-test) on project shop: No tests were executed!  (Set -DfailIfNoTests=false to ignore this error.) -> [Help 1]\n[ERROR] \n[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n"
    ));
    let report = assert_first_excerpt(&log, (20, 20));
    assert_eq!(report.excerpts.len(), 1, "{report:#?}");
}

/// A Maven goal that failed with no rule for its message: the plugin's name says what it does.
#[test]
fn a_failed_maven_goal_s_plugin_says_the_category() {
    let goal = |plugin: &str| {
        job(&format!(
            "$ mvn -B package\n[INFO] BUILD FAILURE\n[ERROR] Failed to execute goal org.apache.maven.plugins:{plugin}:3.5.0:run (default) on project shop: something went sideways -> [Help 1]\n"
        ))
    };
    assert_eq!(
        analyze(&goal("maven-dependency-plugin")).category,
        Category::Dependency
    );
    assert_eq!(
        analyze(&goal("maven-enforcer-plugin")).category,
        Category::Configuration
    );
    assert_eq!(
        analyze(&goal("maven-failsafe-plugin")).category,
        Category::TestFailure
    );
    assert_eq!(
        analyze(&goal("maven-antrun-plugin")).category,
        Category::Unknown
    );
}

/// A log cut at the CI's size limit is no time limit: what filled it is the cause.
#[test]
fn a_log_cut_at_its_size_limit_shows_what_filled_it() {
    let repeated = "java.lang.NumberFormatException: For input string: \"x\"\n\tat java.lang.Integer.parseInt(Integer.java:580)\n\tat shop.Feed.read(Feed.java:12)\n".repeat(3);
    let log = job(&format!(
        "$ mvn -B test\n[INFO] Running shop.FeedTest\n{repeated}\nThe job exceeded the maximum log length, and has been terminated.\n"
    ));
    let report = analyze(&log);
    assert_ne!(report.category, Category::Timeout, "{report:#?}");
    assert!(
        first_excerpt(&report)
            .2
            .starts_with("java.lang.NumberFormatException"),
        "{report:#?}"
    );
    // With nothing else to show, the limit's own line says what happened.
    let cut = job("$ ./build.sh\ncompiling\nJob's log exceeded limit of 4194304 bytes.\n");
    let report = analyze(&cut);
    assert!(
        first_excerpt(&report).2.contains("log exceeded limit"),
        "{report:#?}"
    );
    assert_ne!(report.category, Category::Timeout);
}

/// A recursion's thousand identical frames say no more after the first ones.
#[test]
fn a_frame_repeated_over_and_over_ends_the_trace() {
    let frames = "\tat Tree.depth(Tree.java:5)\n".repeat(50);
    let log = job(&format!(
        "$ java Tree\nException in thread \"main\" java.lang.StackOverflowError\n{frames}"
    ));
    assert_first_excerpt(&log, (12, 14));
}

/// The JVM's runners name a failed test in two forms (Surefire's verdict and its summary): the
/// report names it once, as `Class.method`.
#[test]
fn surefire_names_each_failed_test_once() {
    let log = job(
        "$ mvn -B test\n[INFO] Running shop.TaxTest\n[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0 s <<< FAILURE! - in shop.TaxTest\n[ERROR] rounding(shop.TaxTest)  Time elapsed: 0 s  <<< FAILURE!\njava.lang.AssertionError: tax of 1025 cents expected:<210> but was:<205>\n\tat shop.TaxTest.rounding(TaxTest.java:6)\n\n[ERROR] Failures: \n[ERROR]   TaxTest.rounding:6 tax of 1025 cents expected:<210> but was:<205>\n[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0\n",
    );
    assert_eq!(
        analyze(&log).failing_tests,
        vec!["TaxTest.rounding".to_owned()]
    );
}

/// A failed test's name boxed above its check (Alcotest), and the value the expectation was
/// compared with on the next line at the same indent, belong to the check's report.
#[test]
fn a_boxed_test_name_and_the_compared_value_belong_to_the_check() {
    let log = job(
        "$ dune test\n  [FAIL]        total          1   two.\n\n┌──────────────────────────────┐\n│ [FAIL]        total   1   two. │\n└──────────────────────────────┘\nASSERT two prices\nFAIL two prices\n\n   Expected: `450'\n   Received: `300'\n\n1 failure! in 0.000s. 2 tests run.\n",
    );
    assert_first_excerpt(&log, (14, 21));
}

/// Exit code 124 is timeout(1)'s when it kills a command, and xargs' when a command it ran exits
/// with 255: only the first is a time limit.
#[test]
fn exit_124_is_a_timeout_unless_xargs_gave_it() {
    let log = |command: &str, output: &str| {
        format!(
            "Running with gitlab-runner 16.11.0 (91a27b2a)\nExecuting \"step_script\" stage of the job script\n$ {command}\n{output}Cleaning up project directory and file based variables\nERROR: Job failed: exit code 124\n"
        )
    };
    let timed_out = log("timeout 5 ./load-fixtures.sh", "loading fixtures\n");
    assert_eq!(analyze(&timed_out).category, Category::Timeout);
    let xargs = log(
        "ls src/*.json | xargs -n1 ./check.sh",
        "checking src/b.json\nxargs: ./check.sh: exited with status 255; aborting\n",
    );
    assert_ne!(analyze(&xargs).category, Category::Timeout);
}

/// A setting given to a command (`-o StrictHostKeyChecking=yes`, `CI=true`) says how it runs, not
/// what it does: a word in it is no category.
#[test]
fn a_commands_settings_do_not_name_its_category() {
    let log = |command: &str| {
        format!(
            "Running with gitlab-runner 16.11.0 (91a27b2a)\nExecuting \"step_script\" stage of the job script\n$ {command}\ndeploying\nCleaning up project directory and file based variables\nERROR: Job failed: exit code 1\n"
        )
    };
    assert_eq!(
        analyze(&log(
            "ssh -o StrictHostKeyChecking=yes deploy@shop ./restart"
        ))
        .category,
        Category::Unknown
    );
    assert_eq!(analyze(&log("ruff check src")).category, Category::Lint);
}

/// Two parts of one report a single line apart (git's relayed `remote: error:` over its
/// `! [remote rejected]`, the `To url` between them) are shown as one excerpt with that line.
#[test]
fn parts_of_a_report_one_line_apart_are_one_excerpt() {
    let log = job(
        "$ git push origin HEAD:main\nremote: error: commit b0ed35f has no Signed-off-by line\nTo https://gitflic.ru/project/acme/shop.git\n ! [remote rejected] HEAD -> main (pre-receive hook declined)\nerror: failed to push some refs to 'https://gitflic.ru/project/acme/shop.git'\n",
    );
    let report = assert_first_excerpt(&log, (12, 15));
    assert_eq!(report.category, Category::Permission);
}

/// rustc's errors carry a code (`error[E0308]:`); a bare `error:` line is any tool's (uv, git,
/// cargo), so it says nothing of compiling: the command that failed names the category.
#[test]
fn a_bare_error_line_is_not_a_compile_error() {
    let log = job(
        "$ uv sync --locked\nResolved 3 packages in 3ms\nerror: The lockfile at `uv.lock` needs to be updated, but `--locked` was provided.\n\nhint: To update the lockfile, run `uv lock`.\n",
    );
    let report = assert_first_excerpt(&log, (13, 15));
    assert_eq!(report.category, Category::Dependency);
    let rust = job("$ cargo build\nerror[E0308]: mismatched types\n --> src/main.rs:2:18\n");
    assert_eq!(analyze(&rust).category, Category::Compilation);
}

/// A location alone on its line heads the message under it (svelte-check, Next.js): the block
/// is the location and its message; one whose message is logged as a warning (`Warn:`) is not
/// the cause while an error is there; a one-line title a blank line above (`Failed to
/// compile.`) is shown with the diagnostic it titles.
#[test]
fn a_location_on_its_own_line_heads_its_message() {
    let svelte = job(
        "$ svelte-check\n\n/builds/acme/shop/src/Cart.svelte:3:25\nWarn: This reference only captures the initial value of `prices`.\n  const total = prices;\n\n/builds/acme/shop/src/Cart.svelte:3:9\nError: Type 'string' is not assignable to type 'number'. (ts)\n  const total: number = prices.join(\"+\");\n\n====================================\nsvelte-check found 1 error and 1 warning in 1 file\n",
    );
    assert_first_excerpt(&svelte, (17, 19));
    let next = job(
        "$ next build\n   Linting and checking validity of types ...\n\nFailed to compile.\n\n./app/page.tsx:4:30\nType error: Type 'string' is not assignable to type 'number'.\n\n  3 | export default function Home() {\n> 4 |   const sum: number = total([\"150\"]);\n    |                              ^\nNext.js build worker exited with code: 1 and signal: null\n",
    );
    assert_first_excerpt(&next, (14, 21));
}

/// A `path:line:col` finding is a compile error under a compiler and lint under a linter or a
/// spelling check, which the command names.
#[test]
fn a_finding_under_a_linter_is_lint() {
    let finding = |command: &str| {
        job(&format!(
            "$ {command}\nsrc/cart.ts:3:25 - Unknown word (acummulator)\n"
        ))
    };
    assert_eq!(analyze(&finding("npm run spell")).category, Category::Lint);
    assert_eq!(analyze(&finding("make lint")).category, Category::Lint);
    assert_eq!(
        analyze(&finding("npm run build")).category,
        Category::Compilation
    );
}

/// PostgreSQL's error as psql prints it running a file: the message with the file's line, the
/// statement's LINE and its caret; the location is the file's, not `psql`'s last letter taken
/// for a drive.
#[test]
fn a_postgres_error_is_shown_with_its_fields_and_the_files_line() {
    let log = job(
        "$ psql -v ON_ERROR_STOP=1 -f migrations/002_prices.sql\nALTER TABLE\npsql:migrations/002_prices.sql:3: ERROR:  column \"cents\" does not exist\nLINE 1: UPDATE items SET price = cents / 100.0;\n                                 ^\nHINT:  Perhaps you meant to reference the column \"items.price_cents\".\n",
    );
    let report = assert_first_excerpt(&log, (13, 16));
    assert_eq!(report.category, Category::Configuration);
    assert_eq!(report.locations[0].path, "migrations/002_prices.sql");
    assert_eq!(report.locations[0].line, 3);
}

/// A message a generic rule read on its own line (`error: …`) over a diagnostic's location
/// (rustc's `-->`, annotate-snippets' Unicode `╭▸`) is that diagnostic's headline.
#[test]
fn a_bare_error_over_a_location_is_the_diagnostics_headline() {
    let log = job(
        "$ typos\nerror: `teh` should be `the`\n  ╭▸ ./README.md:3:48\n  │\n3 │ The cart adds teh tax.\n  ╰╴              ━━━\n",
    );
    let report = assert_first_excerpt(&log, (12, 16));
    assert_eq!(report.headline, "error: `teh` should be `the`");
    assert_eq!(report.category, Category::Lint);
}

/// Playwright's report: its numbered title ruled off to the line's width, then the error, the
/// call log and the code frame, indented parts two blank lines apart; the test is named without
/// the rule.
#[test]
fn a_report_parted_by_two_blank_lines_stays_whole() {
    let log = job(
        "$ npx playwright test\nRunning 2 tests using 1 worker\n·F\n\n  1) e2e/cart.spec.js:11:1 › sums two prices ──────────────────────\n\n    Error: expect(locator).toHaveText(expected) failed\n\n    Call log:\n      - waiting for locator('#total')\n\n\n    > 13 |   await expect(page.locator(\"#total\")).toHaveText(\"450\");\n         |                                        ^\n        at /builds/acme/shop/e2e/cart.spec.js:13:40\n\n  1 failed\n",
    );
    let report = assert_first_excerpt(&log, (15, 27));
    assert_eq!(
        report.failing_tests,
        ["e2e/cart.spec.js:11:1 › sums two prices"]
    );
}

/// miette's report (oxlint, and other Rust-built tools): the message over `,-[path:line:col]`,
/// the numbered code, the `:` caret lines, the closing `` `---- `` and the help.
#[test]
fn a_miette_report_is_one_diagnostic() {
    let log = job(
        "$ npx oxlint --deny-warnings src\n\n  ! eslint(no-debugger): `debugger` statement is not allowed\n   ,-[src/cart.js:3:3]\n 2 |   const unused = 0;\n 3 |   debugger;\n   :   ^^^^^^^^^\n   `----\n  help: Remove the debugger statement\n\nFound 1 warning and 0 errors.\n",
    );
    let report = assert_first_excerpt(&log, (13, 19));
    assert_eq!(
        report.headline,
        "! eslint(no-debugger): `debugger` statement is not allowed"
    );
    assert_eq!(report.locations[0].path, "src/cart.js");
}

/// Bun's report: the numbered source lines and caret above its `error:` line, the compared
/// values a blank line under it, the frame, and the `(fail)` verdict that names the test.
#[test]
fn a_frame_above_an_error_and_the_verdict_under_it_are_the_report() {
    let log = job(
        "$ bun test\ncart.test.ts:\n(pass) empty cart [0.16ms]\n8 | test(\"sums two prices\", () => {\n9 |   expect(total([150, 300])).toBe(450);\n                                ^\nerror: expect(received).toBe(expected)\n\nExpected: 450\nReceived: 300\n\n      at <anonymous> (/builds/acme/shop/cart.test.ts:9:29)\n(fail) sums two prices [1.61ms]\n\n 1 pass\n 1 fail\n",
    );
    let report = assert_first_excerpt(&log, (14, 23));
    assert_eq!(report.failing_tests, ["sums two prices"]);
}

/// What a heading in capitals announces is the report's (Django's `ERRORS:` over the field's
/// error); a lower-case program output that ends with a colon announces nothing.
#[test]
fn a_capitals_heading_announces_the_line_under_it() {
    let log = job(
        "$ python3 manage.py check\nSystemCheckError: System check identified some issues:\n\nERRORS:\nshop.Item.price: (fields.E130) DecimalFields must define a 'decimal_places' attribute.\n\nSystem check identified 1 issue (0 silenced).\n",
    );
    assert_first_excerpt(&log, (12, 15));
}

/// TeX's `Runaway argument?` and the text that ran away are the error's beginning.
#[test]
fn a_runaway_argument_leads_the_tex_error() {
    let log = job(
        "$ pdflatex -interaction=nonstopmode -halt-on-error paper.tex\n(./paper.tex\nRunaway argument?\n{Cake costs 300 kopecks. \n! Paragraph ended before \\text@command was complete.\n<to be read again> \n                   \\par \nl.10 It is sold out.}\n                     \n!  ==> Fatal error occurred, no output PDF file produced!\n",
    );
    let report = assert_first_excerpt(&log, (13, 20));
    assert_eq!(
        report.headline,
        "! Paragraph ended before \\text@command was complete."
    );
}

/// A configuration checker's failure is configuration, a document builder's is compilation,
/// though neither name says so.
#[test]
fn checkers_and_document_builders_name_their_category() {
    let log = |command: &str, output: &str| job(&format!("$ {command}\n{output}"));
    let caddy = log(
        "caddy validate --config Caddyfile",
        "Error: adapting config using caddyfile: Caddyfile:4: unrecognized directive: header_up\n",
    );
    assert_eq!(analyze(&caddy).category, Category::Configuration);
    let bibtex = log(
        "bibtex paper",
        "I couldn't open database file references.bib\n---line 4 of file paper.aux\n(There was 1 error message)\n",
    );
    assert_eq!(analyze(&bibtex).category, Category::Compilation);
}

/// codespan's report (cargo-deny): `error[code]:` over `┌─ path:line:col`, the frame and its `├`
/// notes; a `warning[code]:` report under it is a warning, not shown with it.
#[test]
fn a_codespan_error_is_shown_and_its_warnings_are_not() {
    let log = job(
        "$ cargo deny check licenses\nerror[rejected]: failed to satisfy license requirements\n  ┌─ Cargo.toml:5:12\n  │\n5 │ license = \"GPL-3.0-only\"\n  │            ━━━━━━━━━━━━\n  ├ shop v0.1.0\n\nwarning[license-not-encountered]: license was not encountered\n  ┌─ deny.toml:2:18\n  │\n2 │ allow = [\"MIT\", \"Apache-2.0\"]\n  │                  ━━━━━━━━━━ unmatched license allowance\n\nlicenses FAILED\n",
    );
    let report = assert_first_excerpt(&log, (12, 17));
    assert_eq!(report.excerpts.len(), 1, "{:#?}", report.excerpts);
    assert_eq!(report.category, Category::Lint);
}

#[test]
fn an_error_a_tool_repeats_in_its_summary_is_shown_where_it_was_first_said() {
    // Maven's compiler plugin: a message without a location under its capitals heading, which
    // Maven repeats under `Failed to execute goal`.
    let maven = job(
        "$ mvn -B package\n[INFO] --- maven-compiler-plugin:3.10.1:compile (default-compile) @ shop ---\n[INFO] -------------------------------------------------------------\n[ERROR] COMPILATION ERROR : \n[INFO] -------------------------------------------------------------\n[ERROR] Annotation processor 'shop.Gen' not found\n[INFO] 1 error\n[INFO] -------------------------------------------------------------\n[INFO] BUILD FAILURE\n[INFO] Total time:  0.773 s\n[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.1:compile (default-compile) on project shop: Compilation failure\n[ERROR] Annotation processor 'shop.Gen' not found\n[ERROR] -> [Help 1]\n",
    );
    let report = assert_first_excerpt(&maven, (14, 16));
    assert_eq!(
        report.headline,
        "[ERROR] Annotation processor 'shop.Gen' not found"
    );
    // Any tool's: the same error line again after more output, in a closing summary.
    let script = job(
        "$ ./deploy.sh\nERROR: cannot open config/app.toml\nuploading assets\nassets uploaded\nsummary of the run\nERROR: cannot open config/app.toml\n",
    );
    let report = analyze(&script);
    assert_eq!(first_excerpt(&report).0, 12, "{report:#?}");
}

#[test]
fn a_failing_test_named_with_and_without_its_module_or_suite_is_one_test() {
    let pytest = job(
        "$ python3 -m pytest -v tests\ntests/test_cart.py::test_empty PASSED [ 50%]\ntests/test_cart.py::test_two FAILED [100%]\n\n=================================== FAILURES ===================================\n___________________________________ test_two ___________________________________\n\n    def test_two():\n>       assert total([2, 3]) == 5\nE       assert 3 == 5\n\ntests/test_cart.py:7: AssertionError\n=========================== short test summary info ============================\nFAILED tests/test_cart.py::test_two - assert 3 == 5\n",
    );
    assert_eq!(
        analyze(&pytest).failing_tests,
        ["tests/test_cart.py::test_two"]
    );
    let jest = job(
        "$ npx jest --verbose\nFAIL ./cart.test.js\n  total\n    ✕ of two prices (2 ms)\n\n  ● total › of two prices\n\n    expect(received).toBe(expected) // Object.is equality\n\n    Expected: 5\n    Received: 3\n",
    );
    assert_eq!(analyze(&jest).failing_tests, ["total › of two prices"]);
}

#[test]
fn a_heading_s_error_line_is_the_headline_and_a_file_url_is_a_location() {
    // node --test's dot reporter: its failures under a heading, frames as file URLs.
    let log = job(
        "$ node --test --test-reporter=dot test.mjs\n.X\n\nFailed tests:\n\n✖ one item (0.9ms)\n  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n  \n  0 !== 450\n  \n      at TestContext.<anonymous> (file:///builds/acme/shop/test.mjs:10:31)\n      at Test.runInAsyncScope (node:async_hooks:206:9)\n",
    );
    let report = analyze(&log);
    assert_eq!(
        report.headline,
        "AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: 0 !== 450"
    );
    assert_eq!(report.locations[0].path, "/builds/acme/shop/test.mjs");
    assert_eq!(report.locations[0].line, 10);
    // Other URLs' hosts are no paths.
    let url =
        job("$ ./fetch.sh\nERROR: cannot reach https://example.org/api.json:8443 (refused)\n");
    assert!(
        analyze(&url).locations.is_empty(),
        "{:?}",
        analyze(&url).locations
    );
}

#[test]
fn a_bare_test_verdict_is_headed_by_what_the_test_printed() {
    // Go: `--- FAIL: name` over the message the test printed at its line, not one it logged.
    let go = job(
        "$ go test ./...\n--- FAIL: TestTwo (0.00s)\n    cart_test.go:9: level=info msg=\"cache cold\"\n    cart_test.go:14: Total([450 300]) = 300, want 750\nFAIL\nFAIL\texample.com/shop\t0.004s\n",
    );
    assert_eq!(
        analyze(&go).headline,
        "cart_test.go:14: Total([450 300]) = 300, want 750"
    );
    // JUnit 4 with Hamcrest: an exception whose message is on the lines under it.
    let hamcrest = job(
        "$ java org.junit.runner.JUnitCore CartTest\nJUnit version 4.13.2\n.E\nThere was 1 failure:\n1) twoPrices(CartTest)\njava.lang.AssertionError: \nExpected: is <750>\n     but: was <300>\n\tat org.hamcrest.MatcherAssert.assertThat(MatcherAssert.java:20)\n\tat CartTest.twoPrices(CartTest.java:14)\n\nFAILURES!!!\nTests run: 1,  Failures: 1\n",
    );
    let report = analyze(&hamcrest);
    assert_eq!(
        report.headline,
        "java.lang.AssertionError: Expected: is <750>"
    );
    // The test's own frame, not the matcher library's, is where to look.
    assert_eq!(report.locations[0].path, "CartTest.java");
    assert_eq!(report.locations[0].line, 14);
    // JUnit 5's console prints its frames without `at `.
    let junit5 = job(
        "$ java -jar junit-platform-console-standalone.jar --scan-classpath\nFailures (1):\n  JUnit Jupiter:CartTest:twoPrices()\n    MethodSource [className = 'CartTest', methodName = 'twoPrices', methodParameterTypes = '']\n    => org.opentest4j.AssertionFailedError: expected: <750> but was: <300>\n       org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)\n       org.junit.jupiter.api.Assertions.assertEquals(Assertions.java:1153)\n       CartTest.twoPrices(CartTest.java:9)\n       [...]\n",
    );
    let report = analyze(&junit5);
    assert_eq!(report.locations[0].path, "CartTest.java", "{report:#?}");
}

#[test]
fn a_step_s_last_output_is_shown_from_the_start_of_its_value_or_its_underlined_title() {
    // ajv: the invalid file over its errors, dumped as a JavaScript array.
    let ajv = job(
        "$ ajv validate -s schema.json -d 'products/*.json'\nproducts/book.json valid\nproducts/pen.json invalid\n[\n  {\n    instancePath: '/price',\n    schemaPath: '#/properties/price/type',\n    keyword: 'type',\n    params: { type: 'integer' },\n    message: 'must be integer'\n  }\n]\n",
    );
    let report = assert_first_excerpt(&ajv, (13, 22));
    assert_eq!(report.headline, "products/pen.json invalid");
    // import-linter: the broken contract's name, underlined, over what broke it.
    let contracts = job(
        "$ lint-imports\nContracts: 0 kept, 1 broken.\n\n\n----------------\nBroken contracts\n----------------\n\nDomain does not depend on the web layer\n---------------------------------------\n\nshop.domain is not allowed to import shop.web:\n\n- shop.domain -> shop.web (l.1)\n\n",
    );
    assert_first_excerpt(&contracts, (19, 24));
}

#[test]
fn pytest_cov_s_coverage_section_is_no_failed_test_and_its_gate_is_the_cause() {
    let log = job(
        "$ python3 -m pytest -q --cov=shop --cov-fail-under=90 tests\n.\nERROR: Coverage failure: total of 40 is less than fail-under=90\n                                                                         [100%]\n================================ tests coverage ================================\n_______________ coverage: platform linux, python 3.11.7-final-0 ________________\n\nName               Stmts   Miss  Cover\n--------------------------------------\nshop/cart.py          10      6    40%\n--------------------------------------\nTOTAL                 10      6    40%\nFAIL Required test coverage of 90% not reached. Total coverage: 40.00%\n1 passed in 0.03s\n",
    );
    let report = assert_first_excerpt(&log, (23, 23));
    assert!(report.failing_tests.is_empty(), "{report:#?}");
}

#[test]
fn a_verdict_takes_the_report_indented_above_it_and_a_summary_points_at_the_boxes() {
    // Nim's unittest: the failed check, printed indented above `[FAILED] name`, which the
    // failed word on it must not keep from the verdict.
    let nim = job(
        "$ nim c -r tests/tcart.nim\n\n[Suite] cart\n  [OK] empty\n    /b/tests/tcart.nim(11, 24): Check failed: total(prices) == 750\n    total(prices) was 300\n  [FAILED] two prices\nError: execution of an external program failed: '/b/tests/tcart '\n",
    );
    let report = assert_first_excerpt(&nim, (15, 18));
    assert_eq!(
        report.headline,
        "/b/tests/tcart.nim(11, 24): Check failed: total(prices) == 750"
    );
    assert_eq!(report.failing_tests, ["two prices"]);
    // PHPUnit --testdox: `FAILURES!` points at the ✘ boxes above it.
    let testdox = job(
        "$ phpunit --testdox tests\nCart\n ✔ Empty cart\n ✘ Adds two prices\n   │\n   │ Failed asserting that 300 is identical to 750.\n   │\n   │ /b/tests/CartTest.php:18\n   │\n\nTime: 00:00.009, Memory: 6.00 MB\n\nFAILURES!\nTests: 2, Assertions: 2, Failures: 1.\n",
    );
    let report = analyze(&testdox);
    assert_eq!(first_excerpt(&report).0, 14, "{report:#?}");
}

#[test]
fn a_line_reporting_how_a_subprocess_exited_points_at_its_error_above() {
    // python -m build: setuptools' error, then the frontend's report of its backend's exit.
    let log = job(
        "$ python3 -m build --wheel\n* Getting build dependencies for wheel...\nerror: Multiple top-level packages discovered in a flat-layout: ['shop', 'migrations'].\n\nTo avoid accidental inclusion of unwanted files or directories,\nsetuptools will not proceed with this build.\n\nERROR Backend subprocess exited when trying to invoke get_requires_for_build_wheel\n",
    );
    let report = analyze(&log);
    assert_eq!(first_excerpt(&report).0, 13, "{report:#?}");
    assert!(
        report
            .headline
            .starts_with("error: Multiple top-level packages")
    );
}

#[test]
fn rollup_s_error_mark_and_a_frame_two_blank_lines_above_an_error_are_read() {
    let rollup = job(
        "$ rollup src/main.js --file dist/bundle.js\nsrc/main.js → dist/bundle.js...\n[!] RollupError: src/cart.js (6:0): Expected '}', got '<eof>'\nsrc/cart.js (6:0)\n4:   return sum;\n5: }\n    at Object.getRollupError (/n/rollup/dist/shared/parseAst.js:326:41)\n",
    );
    assert_eq!(first_excerpt(&analyze(&rollup)).0, 13);
    // tsx prints Node's frame two blank lines above the error.
    let tsx = job(
        "$ tsx src/report.ts\norder 1: 450\n/b/src/report.ts:4\n  return order.lines!.reduce((sum, line) => sum + line.price, 0);\n                      ^\n\n\nTypeError: Cannot read properties of undefined (reading 'reduce')\n    at total (/b/src/report.ts:4:23)\n",
    );
    let report = analyze(&tsx);
    assert_eq!(first_excerpt(&report).0, 13, "{report:#?}");
}

#[test]
fn a_frame_never_heads_a_report_and_a_tree_s_frames_are_read_behind_its_rules() {
    // JUnit 5's console, --details=verbose: the caught exception under the test's node, its
    // frames behind the tree's rules; `assertEquals` in a frame says nothing.
    let log = job(
        "$ java -jar junit-platform-console-standalone.jar --details=verbose --scan-classpath\n│  │  ├─ twoPrices()\n│  │  │     caught: org.opentest4j.AssertionFailedError: total ==> expected: <5> but was: <3>\n│  │  │               \tat org.junit.jupiter.api.AssertEquals.assertEquals(AssertEquals.java:150)\n│  │  │               \tat CartTest.twoPrices(CartTest.java:6)\n│  │  │     status: ✘ FAILED\n",
    );
    let report = analyze(&log);
    assert!(
        report.headline.contains("expected: <5> but was: <3>"),
        "{report:#?}"
    );
    assert_eq!(report.locations[0].path, "CartTest.java");
}

#[test]
fn mocha_s_failure_list_names_a_test_by_its_suites_and_title() {
    let mocha = job(
        "$ mocha test\n\n  cart\n    ✔ is empty\n    1) adds two prices\n\n  1 passing (5ms)\n  1 failing\n\n  1) cart\n       with items\n         adds two prices:\n\n      AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n3 !== 5\n\n      at Context.<anonymous> (test/cart.test.js:9:12)\n",
    );
    assert_eq!(
        analyze(&mocha).failing_tests,
        ["cart with items adds two prices"]
    );
    // RSpec's lines under its numbered title are the report's, not the name's.
    let rspec = job(
        "$ bundle exec rspec\nF\n\nFailures:\n\n  1) Cart adds two prices\n     Failure/Error: expect(cart.total).to eq(5)\n\n       expected: 5\n            got: 3\n     # ./spec/cart_spec.rb:6:in `block (2 levels) in <top (required)>'\n",
    );
    assert_eq!(analyze(&rspec).failing_tests, ["Cart adds two prices"]);
}

#[test]
fn paths_under_the_runner_s_checkout_are_relative_to_it() {
    let log = "Running with gitlab-runner 16.11.0 (91a27b2a)\nGetting source from Git repository\nReinitialized existing Git repository in /builds/acme/shop/.git/\nChecking out 3f786850 as detached HEAD (ref is main)...\nExecuting \"step_script\" stage of the job script\n$ python3 fetch.py\nTraceback (most recent call last):\n  File \"/builds/acme/shop/fetch.py\", line 4, in <module>\n    prices = load()\n  File \"/usr/lib/python3.11/json/__init__.py\", line 293, in load\n    return loads(fp.read())\nValueError: no prices\nCleaning up project directory and file based variables\nERROR: Job failed: exit code 1\n";
    let report = analyze(log);
    let paths: Vec<&str> = report.locations.iter().map(|l| l.path.as_str()).collect();
    assert!(paths.contains(&"fetch.py"), "{paths:?}");
    assert!(
        paths.contains(&"/usr/lib/python3.11/json/__init__.py"),
        "{paths:?}"
    );
    // The summary names the place as the locations do.
    assert!(
        report.summary.ends_with("(fetch.py:4)"),
        "{}",
        report.summary
    );
}

#[test]
fn a_report_under_a_level_tag_is_read_inside_the_tag() {
    // sbt logs ScalaTest's report at `[info]`: the message is indented inside the tag, and the
    // `[error]` lines after the run only point at it.
    let log = job(
        "$ sbt -batch test\n[info] CartSpec:\n[info] A cart\n[info] - should be empty at first\n[info] - should add two prices *** FAILED ***\n[info]   300 did not equal 750 (CartSpec.scala:14)\n[info] - should apply the discount\n[info] *** 1 TEST FAILED ***\n[error] Failed tests:\n[error] \tshop.CartSpec\n[error] (Test / test) sbt.TestsFailedException: Tests unsuccessful\n",
    );
    let report = assert_first_excerpt(&log, (15, 16));
    assert_eq!(report.category, Category::TestFailure);
    // The message at its place heads the report, not the bare verdict.
    assert_eq!(
        report.headline,
        "[info]   300 did not equal 750 (CartSpec.scala:14)"
    );
    assert_eq!(report.failing_tests, ["should add two prices"]);
    assert_eq!(report.locations[0].path, "CartSpec.scala");
}

#[test]
fn a_dotnet_test_report_runs_past_its_blank_lines_to_the_test_s_frame() {
    // NUnit through `dotnet test`: a blank line parts the message from `Stack Trace:`.
    let log = job(
        "$ dotnet test\nStarting test execution, please wait...\n  Failed TotalAddsTwoPrices [42 ms]\n  Error Message:\n     Assert.That(cart.Total(), Is.EqualTo(750))\n  Expected: 750\n  But was:  300\n\n  Stack Trace:\n     at Shop.Tests.CartTests.TotalAddsTwoPrices() in /builds/acme/shop/tests/CartTests.cs:line 14\n\nFailed!  - Failed:     1, Passed:     2, Skipped:     0, Total:     3, Duration: 61 ms - Shop.Tests.dll (net8.0)\n",
    );
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 13 && end == 20, "{report:#?}");
    assert_eq!(report.failing_tests, ["TotalAddsTwoPrices"]);
    assert_eq!(
        report.headline,
        "Error Message: Assert.That(cart.Total(), Is.EqualTo(750))"
    );
    assert_eq!(
        report.locations[0].path,
        "/builds/acme/shop/tests/CartTests.cs"
    );
    assert_eq!(report.locations[0].line, 14);
}

#[test]
fn the_first_exception_heads_a_report_of_several_failures() {
    // JUnit 4's console: the first failure's exception, not the assertion of the second.
    let log = job(
        "$ java org.junit.runner.JUnitCore CartTest\n.E..E\nThere were 2 failures:\n1) parses(CartTest)\njava.lang.NumberFormatException: For input string: \" 3\"\n\tat java.base/java.lang.Integer.parseInt(Integer.java:654)\n\tat CartTest.parses(CartTest.java:4)\n2) names(CartTest)\njava.lang.AssertionError: name must be set\n\tat CartTest.names(CartTest.java:5)\n\nFAILURES!!!\nTests run: 3,  Failures: 2\n",
    );
    assert_eq!(
        analyze(&log).headline,
        "java.lang.NumberFormatException: For input string: \" 3\""
    );
}

#[test]
fn a_build_tool_s_verdict_points_at_the_output_of_the_unit_it_names() {
    // Maven: the goal's failure only counts the bugs; the plugin logged the bug at INFO level in
    // its section, above Maven's closing lines and blank lines.
    let maven = job(
        "$ mvn -B verify\n[INFO] --- compiler:3.11.0:compile (default-compile) @ shop ---\n[INFO] Compiling 4 source files\n[INFO] \n[INFO] --- findbugs-maven-plugin:3.0.5:check (default) @ shop ---\n[INFO] Total bugs: 1\n[INFO] Medium: shop.Cart.getItems() may expose internal representation [shop.Cart] At Cart.java:[line 18] EI_EXPOSE_REP\n[INFO] \n\n\nTo see bug detail using the Findbugs GUI, use the following command \"mvn findbugs:gui\"\n\n\n[INFO] ------------------------------------------------------------------------\n[INFO] BUILD FAILURE\n[INFO] ------------------------------------------------------------------------\n[ERROR] Failed to execute goal org.codehaus.mojo:findbugs-maven-plugin:3.0.5:check (default) on project shop: failed with 1 bugs and 0 errors -> [Help 1]\n",
    );
    let report = analyze(&maven);
    let (start, end, text) = first_excerpt(&report);
    assert!(start <= 17 && end >= 17, "{report:#?}");
    // Not the other goal's section.
    assert!(!text.contains("Compiling"), "{text}");
    assert!(
        report.headline.contains("EI_EXPOSE_REP"),
        "{}",
        report.headline
    );
    assert_eq!(report.locations[0].path, "Cart.java");
    assert_eq!(report.locations[0].line, 18);
    // Gradle: the task failed on warnings, which its output shows above What went wrong.
    let gradle = job(
        "$ gradle check\n:compileJava\n:checkstyleMain\n[ant:checkstyle] [WARN] /builds/acme/shop/src/Cart.java:12:5: '{' is not preceded with whitespace. [WhitespaceAround]\n:checkstyleMain FAILED\n\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nExecution failed for task ':checkstyleMain'.\n> Checkstyle rule violations were found. See the report at: file:///builds/acme/shop/build/reports/checkstyle/main.html\n",
    );
    let report = assert_first_excerpt(&gradle, (14, 14));
    assert_eq!(report.locations[0].line, 12);
    // A goal whose section only logs progress: the goal's own message heads the report.
    let progress = job(
        "$ mvn -B package\n[INFO] --- maven-antrun-plugin:3.1.0:run (check) @ shop ---\n[INFO] Executing tasks\n[INFO] ------------------------------------------------------------------------\n[INFO] BUILD FAILURE\n[INFO] ------------------------------------------------------------------------\n[ERROR] Failed to execute goal org.apache.maven.plugins:maven-antrun-plugin:3.1.0:run (check) on project shop: An Ant BuildException has occured: db/schema.sql is missing\n",
    );
    let report = analyze(&progress);
    assert!(
        report.headline.contains("db/schema.sql is missing"),
        "{}",
        report.headline
    );
}

#[test]
fn a_tool_s_own_error_under_its_pointer_tag_is_the_cause() {
    // npm ci's refusal inside BuildKit's step lines: npm's `npm error code` list only points; the
    // lock file message under the same tag is the cause, not BuildKit's digest below.
    let log = job(
        "$ docker build --progress=plain .\n#7 [4/4] RUN npm ci --omit=dev\n#7 1.204 npm error code EUSAGE\n#7 1.205 npm error\n#7 1.205 npm error `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.\n#7 1.205 npm error\n#7 1.205 npm error Missing: express@4.21.1 from lock file\n#7 ERROR: process \"/bin/sh -c npm ci --omit=dev\" did not complete successfully: exit code: 1\n------\n > [4/4] RUN npm ci --omit=dev:\n1.205 npm error Missing: express@4.21.1 from lock file\n------\nERROR: failed to solve: process \"/bin/sh -c npm ci --omit=dev\" did not complete successfully: exit code: 1\n",
    );
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 15 && end >= 17, "{report:#?}");
    assert!(
        report.headline.contains("can only install"),
        "{}",
        report.headline
    );
    assert_eq!(report.category, Category::Dependency);
}

#[test]
fn a_program_a_step_cannot_find_is_the_one_an_earlier_command_failed_to_build() {
    let log = job(
        "$ gplc --no-top-level cart.pl -o cart && echo built\ncart.pl:4-7: fatal error: unknown operation in arithmetic expression (missing_price/0)\ncompilation failed\n$ ./cart\nbash: line 1: ./cart: No such file or directory\n",
    );
    let report = analyze(&log);
    let texts = excerpt_texts(&report);
    assert!(texts.iter().any(|t| t.contains("fatal error")), "{texts:?}");
    // Another program's absence is not that build's doing.
    let other = job(
        "$ gplc --no-top-level cart.pl -o cart && echo built\ncart.pl:4-7: fatal error: unknown operation in arithmetic expression (missing_price/0)\ncompilation failed\n$ ./report\nbash: line 1: ./report: No such file or directory\n",
    );
    let texts = excerpt_texts(&analyze(&other)).concat();
    assert!(!texts.contains("fatal error"), "{texts}");
}

#[test]
fn a_traceback_logged_under_a_warning_is_not_the_cause_once_the_program_goes_on() {
    // Python's `logger.warning(…, exc_info=True)`: the record, then its traceback, then the
    // program's own verdict. The level may be cut to five letters behind bracketed fields.
    let record = "2026-12-04 12:49:25,572 [MainThread  ] [WARNI]  Failed to get the guidelines from https://api.example.com/v2/guidelines.\n";
    let traceback = "Traceback (most recent call last):\n  File \"/usr/lib/python3/site-packages/urllib3/connection.py\", line 204, in _new_conn\n    sock = connection.create_connection(\nsocket.gaierror: [Errno -2] Name or service not known\n";
    let log = job(&format!(
        "$ scan infra\n{record}{traceback}scan results:\n\nPassed checks: 5, Failed checks: 2, Skipped checks: 0\n\nCheck: CKV_AWS_24: \"Ensure no security groups allow ingress from 0.0.0.0:0 to port 22\"\n\tFAILED for resource: aws_security_group.web\n\tFile: /main.tf:1-11\n"
    ));
    let report = analyze(&log);
    let (_, _, text) = first_excerpt(&report);
    assert!(
        text.starts_with("Passed checks: 5, Failed checks: 2"),
        "{report:#?}"
    );
    assert!(text.contains("FAILED for resource"), "{text}");
    assert!(
        !excerpt_texts(&report)
            .iter()
            .any(|t| t.contains("gaierror")),
        "{report:#?}"
    );
    // The same traceback as the step's last words is a crash, whatever was logged above it.
    let crash = job(&format!("$ scan infra\n{record}{traceback}"));
    let report = analyze(&crash);
    let (_, _, text) = first_excerpt(&report);
    assert!(text.contains("socket.gaierror"), "{report:#?}");
}

#[test]
fn a_checker_s_count_over_its_findings_heads_them() {
    // A boxed count (Semgrep's), a total over a table under its target's ruled-off title (Trivy's).
    let boxed = job(
        "$ scan src\n┌────────────────┐\n│ 1 Code Finding │\n└────────────────┘\n\n    src/export.py\n   ❯❯❱ subprocess-shell-true\n          subprocess called with shell=True\n\n            6┆ return subprocess.run(cmd, shell=True, check=True)\n\n┌──────────────┐\n│ Scan Summary │\n└──────────────┘\n • Findings: 1 (1 blocking)\n",
    );
    let report = analyze(&boxed);
    let (_, end, text) = first_excerpt(&report);
    assert!(text.contains("1 Code Finding"), "{report:#?}");
    assert!(text.contains("6┆ return subprocess.run"), "{text}");
    assert!(end >= 20, "{report:#?}");
    // The headline is the count without its box.
    assert!(report.summary.ends_with(": 1 Code Finding"), "{report:#?}");
    let table = job(
        "$ trivy image shop\n2024-11-05T10:12:33Z\tWARN\tUsing severities from other vendors for some vulnerabilities.\n\nshop (debian 12.7)\n==================\nTotal: 1 (HIGH: 0, CRITICAL: 1)\n\n│ libssl3 │ CVE-2024-5535 │ CRITICAL │ fixed  │\n",
    );
    let report = analyze(&table);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(start, 14, "{report:#?}");
    assert!(
        text.starts_with("shop (debian 12.7)\n=================="),
        "{text}"
    );
    assert!(text.contains("CVE-2024-5535"), "{text}");
    // A decisive finding under the count is the cause it counted.
    let tflint = job(
        "$ tflint\n2 issue(s) found:\n\nWarning: `ami_id` variable has no type (terraform_typed_variables)\n\n  on variables.tf line 3:\n   3: variable \"ami_id\" {\n\nError: \"t2.superlarge\" is an invalid value as instance_type (aws_instance_invalid_type)\n\n  on main.tf line 9:\n   9:   instance_type = \"t2.superlarge\"\n",
    );
    let report = analyze(&tflint);
    let (_, _, text) = first_excerpt(&report);
    assert!(text.starts_with("Error: \"t2.superlarge\""), "{report:#?}");
}

#[test]
fn a_warning_is_the_failure_when_the_command_made_warnings_fatal() {
    let output = "[warn]: @param tag has unknown parameter name: qty \n    in file `lib/cart.rb' near line 6\nFiles:           1\nMethods:         2 (    0 undocumented)\n 100.00% documented\n";
    let fatal = job(&format!("$ yard doc --fail-on-warning lib\n{output}"));
    let report = analyze(&fatal);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(start, 12, "{report:#?}");
    assert!(text.starts_with("[warn]: @param tag"), "{text}");
    assert_eq!(report.rule, "fatal-warning", "{report:#?}");
    // Without the flag the same warning is a line logged below error, not the rule's finding.
    let plain = job(&format!("$ yard doc lib\n{output}"));
    assert_ne!(analyze(&plain).rule, "fatal-warning");
    // So does a wrapper's echo of the command (make's recipe line), not a diagnostic's flag.
    let made = job(&format!(
        "$ make docs\nyard doc --fail-on-warning lib\n{output}make: *** [Makefile:4: docs] Error 1\n"
    ));
    let report = analyze(&made);
    assert_eq!(report.rule, "fatal-warning", "{report:#?}");
    assert_eq!(first_excerpt(&report).0, 13, "{report:#?}");
    // tox's echo of the command it runs, behind the environment's name.
    let toxed = job(&format!(
        "$ tox -e docs\ndocs: commands[0]> yard doc --fail-on-warning lib\n{output}"
    ));
    assert_eq!(analyze(&toxed).rule, "fatal-warning");
    let flagged = job(&format!(
        "$ make\ncart.c:3:7: warning: unused variable 'x' [-Werror=unused-variable]\n{output}"
    ));
    assert_ne!(analyze(&flagged).rule, "fatal-warning");
    // Nor a compiler's -Werror in a recipe: what the recipe runs after it warns on its own terms.
    let compiled = job(&format!("$ make\ncc -Wall -Werror -c cart.c\n{output}"));
    assert_ne!(analyze(&compiled).rule, "fatal-warning");
}

#[test]
fn a_location_a_blank_line_above_a_caret_frame_and_a_guess_under_the_error_are_its() {
    // Line 11 is `In …`; the frame, the error and the compiler's guess follow.
    let log = job(
        "$ crystal build src/shop.cr\nShowing last frame. Use --error-trace for full trace.\n\nIn src/shop.cr:4:8\n\n 4 | puts order.totl\n            ^---\nError: undefined method 'totl' for Order\n\nDid you mean 'total'?\n",
    );
    let report = assert_first_excerpt(&log, (14, 20));
    assert!(
        first_excerpt(&report).2.ends_with("Did you mean 'total'?"),
        "{report:#?}"
    );
    assert_eq!(report.locations[0].path, "src/shop.cr");
    assert_eq!(report.locations[0].line, 4);
    // Not a location two blank lines up, nor one in other words.
    let log = job(
        "$ crystal build src/shop.cr\nIn src/shop.cr:4:8\n\n\n 4 | puts order.totl\n            ^---\nError: undefined method 'totl' for Order\n",
    );
    assert!(first_excerpt(&analyze(&log)).0 > 12);
}

#[test]
fn a_box_drawn_banner_over_a_report_s_header_titles_it() {
    // Line 11 is the banner.
    let log = job(
        "$ flutter test\n══╡ EXCEPTION CAUGHT BY FLUTTER TEST FRAMEWORK ╞═══════════════════════\nThe following TestFailure was thrown running a test:\nExpected: exactly one matching candidate\n  Actual: _TextWidgetFinder:<Found 0 widgets with text \"1\": []>\n",
    );
    let report = assert_first_excerpt(&log, (12, 15));
    assert!(
        first_excerpt(&report).2.starts_with("══╡ EXCEPTION CAUGHT"),
        "{report:#?}"
    );
    // A progress bar is no banner: pip's over its error stays out.
    let log = job(
        "$ pip install -r requirements.txt\nCollecting shopx==9.0\n     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 64.9/64.9 kB 65.3 MB/s eta 0:00:00\nERROR: No matching distribution found for shopx==9.0\n",
    );
    assert_eq!(first_excerpt(&analyze(&log)).0, 14);
}

#[test]
fn lines_hanging_under_a_lead_s_column_go_on_its_report() {
    // Line 12 is the table's first row: its third column starts where the lines under it do.
    let log = job(
        "$ newman run shop.json\n 1.  AssertionError  total is the sum of the prices\n                     expected 349 to deeply equal 350\n                     at assertion:1 in test-script\n                     inside \"cart total\"\n",
    );
    let report = assert_first_excerpt(&log, (12, 15));
    assert!(
        first_excerpt(&report).2.ends_with("inside \"cart total\""),
        "{report:#?}"
    );
    // Level with the anchor but under no column of the lead: not the report's.
    let log = job(
        "$ newman run shop.json\n 1.  AssertionError total is the sum of the prices\n                     expected 349 to deeply equal 350\n                     at assertion:1 in test-script\n",
    );
    assert_eq!(first_excerpt(&analyze(&log)).1, 13);
}

#[test]
fn a_plain_heading_gives_the_summary_to_the_sentence_under_it() {
    let log = job(
        "$ ./gradlew build\n\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nPlugin [id: 'org.example.boot', version: '3.9.9'] was not found in any of the following sources:\n\n- Plugin Repositories (could not resolve plugin artifact 'org.example.boot:org.example.boot.gradle.plugin:3.9.9')\n\n* Try:\n> Run with --stacktrace option to get the stack trace.\n\nBUILD FAILED in 2s\n",
    );
    let report = analyze(&log);
    assert!(
        report
            .summary
            .ends_with(": Plugin [id: 'org.example.boot', version: '3.9.9'] was not found in any of the following sources:"),
        "{}",
        report.summary
    );
    assert!(report.locations.is_empty(), "{:?}", report.locations);
}

#[test]
fn a_report_under_a_shouted_banner_keeps_its_headings_and_is_summed_up_by_its_first_sentence() {
    // Lines 12-23: the record that logs the analysis, the banner, Description and Action.
    let log = job(
        "$ java -jar build/libs/shop.jar\n2026-12-04T10:02:13.240Z ERROR 42 --- [shop] [           main] o.s.b.d.LoggingFailureAnalysisReporter   : \n\n***************************\nAPPLICATION FAILED TO START\n***************************\n\nDescription:\n\nWeb server failed to start. Port 8080 was already in use.\n\nAction:\n\nIdentify and stop the process that's listening on port 8080 or configure this application to listen on another port.\n\n",
    );
    let report = analyze(&log);
    assert_eq!(report.rule, "spring-failure-analysis");
    assert_eq!(report.category.as_str(), "configuration");
    assert!(
        report
            .summary
            .ends_with(": Web server failed to start. Port 8080 was already in use."),
        "{}",
        report.summary
    );
    assert!(
        report
            .excerpts
            .iter()
            .any(|e| e.text.contains("Identify and stop the process")),
        "{report:#?}"
    );
}

#[test]
fn a_program_s_error_comes_with_what_it_printed_right_above_it() {
    // Lines 13-16: dh_install's warnings (a blank line between) and its error; line 12 is
    // another program's. Line 17 is make's report of the exit right under it, line 18 the outer
    // wrapper's (dpkg-buildpackage's) report of the same exit.
    let log = job(
        "$ dpkg-buildpackage -us -uc -b\n   dh_install\ndh_install: warning: Cannot find (any matches for) \"usr/bin/shop-cli\" (tried in ., debian/tmp)\n\ndh_install: warning: shop missing files: usr/bin/shop-cli\ndh_install: error: missing files, aborting\nmake: *** [debian/rules:3: binary] Error 25\ndpkg-buildpackage: error: debian/rules binary subprocess returned exit status 2\n",
    );
    let report = assert_first_excerpt(&log, (13, 17));
    assert_eq!(
        report.headline, "dh_install: error: missing files, aborting",
        "{report:#?}"
    );
    assert!(
        first_excerpt(&report)
            .2
            .starts_with("dh_install: warning: Cannot find"),
        "{report:#?}"
    );
}

#[test]
fn a_command_or_job_that_analyses_code_is_a_lint_check() {
    // No rule names the finding; the command says what kind of job it was.
    let log = job(
        "$ dart analyze --fatal-infos\n   info - lib/cart.dart:3:8 - Unused import: 'dart:io'. - unused_import\n\n1 issue found.\n",
    );
    assert_eq!(analyze(&log).category.as_str(), "lint");
    let meta = JobMeta {
        name: Some("static-analysis".into()),
        stage: None,
    };
    let log = job("$ ./tools/run.sh\nscanned 14 files\n1 problem in lib/cart.dart\n");
    assert_eq!(
        analyze_bytes(log.as_bytes(), meta).category.as_str(),
        "lint"
    );
}

#[test]
fn a_message_a_console_wrapped_at_its_width_is_taken_whole_above_its_place() {
    // Lines 12-13: the message, wrapped; line 14 names its place.
    let log = job(
        "$ powershell -File build.ps1\nInvoke-Build : The term 'Invoke-Build' is not recognized as the name of a cmdlet, function, script file, or operable\nprogram. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\nAt C:\\builds\\shop\\build.ps1:4 char:1\n+ Invoke-Build -Task Test\n+ ~~~~~~~~~~~~\n    + CategoryInfo          : ObjectNotFound: (Invoke-Build:String) [], CommandNotFoundException\n",
    );
    assert_first_excerpt(&log, (12, 17));
    // A short line above a line in lower case is not one it wrapped.
    let log = job(
        "$ powershell -File build.ps1\nStep 3\nprogram. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\nAt C:\\builds\\shop\\build.ps1:4 char:1\n+ Invoke-Build -Task Test\n",
    );
    assert_eq!(first_excerpt(&analyze(&log)).0, 13);
}

#[test]
fn a_count_under_a_table_ruled_off_above_and_below_shows_the_table() {
    // Lines 12-17: the table; line 19 counts what is in it.
    let log = job(
        "$ vendor/bin/phpstan analyse src\n ------ ------------------------------------------\n  Line   src/Cart.php\n ------ ------------------------------------------\n  14     Method Shop\\Cart::total() should return int but returns string.\n         return.type\n ------ ------------------------------------------\n\n [ERROR] Found 1 error\n",
    );
    assert_first_excerpt(&log, (12, 19));
    // Prose between two rules is no table of findings.
    let log = job(
        "$ ./release.sh\n ------------------------------\n ------------------------------\n\n [ERROR] Found 1 error\n",
    );
    assert_eq!(first_excerpt(&analyze(&log)).0, 15);
}

#[test]
fn an_audit_s_verdict_shows_the_advisory_printed_above_it_field_by_field() {
    // Lines 16-21: the advisory, under the audit's progress lines; line 23 is the verdict.
    let log = job(
        "$ cargo audit\n    Fetching advisory database\n      Loaded 689 security advisories\n    Updating crates.io index\n    Scanning Cargo.lock for vulnerabilities (187 crate dependencies)\nCrate:     time\nVersion:   0.1.45\nTitle:     Potential segfault in the time crate\nID:        RUSTSEC-2020-0071\nSolution:  Upgrade to >=0.2.23\nDependency tree:\n\nerror: 1 vulnerability found!\n",
    );
    let report = assert_first_excerpt(&log, (16, 23));
    assert_eq!(report.category.as_str(), "dependency");
    // Two fields are no record: the verdict stands alone.
    let log = job(
        "$ ./audit.sh\nchecked 187 crates\nscanned the lock file\nrefreshed the index\nwrote the report\nread the database\nloaded the advisories\nmerged the results\nsorted the results\nprinted the summary\nprepared the output\nflushed the cache\nclosed the database\nCrate: time\nVersion: 0.1.45\n\nerror: 1 vulnerability found!\n",
    );
    assert_eq!(first_excerpt(&analyze(&log)).0, 27);
}

#[test]
fn what_a_program_printed_at_its_place_gives_the_summary_to_the_failure_under_it() {
    // Haxe's trace prints `path:line: message` as its diagnostics do; the exception is raised
    // as the program runs, so it is no compile error.
    let log = job(
        "$ haxe -cp src -main Cart --interp\nsrc/Cart.hx:9: loading prices\nsrc/Cart.hx:4: characters 24-29 : Uncaught exception not a price: n/a\nsrc/Cart.hx:11: characters 51-64 : Called from here\n",
    );
    let report = analyze(&log);
    assert!(
        report
            .summary
            .ends_with("Uncaught exception not a price: n/a"),
        "{}",
        report.summary
    );
    assert_ne!(report.category, Category::Compilation, "{report:#?}");
}

#[test]
fn an_exception_at_a_place_in_a_test_run_is_a_failed_test_not_a_compile_error() {
    let log = job(
        "$ dub test\nRunning shop-test-library\ncore.exception.AssertError@source/cart.d(18): total of two prices\n----------------\n1/1 modules FAILED unittests\n",
    );
    assert_eq!(analyze(&log).category, Category::TestFailure);
}

#[test]
fn a_message_under_its_ruled_off_source_frame_is_shown_with_the_frame_and_its_title() {
    // Lines 14-24: Cython's title, its frame of source between two rules, the message.
    let log = job(
        "$ python3 setup.py build_ext --inplace\n[1/1] Cythonizing cart.pyx\n\nError compiling Cython file:\n------------------------------------------------------------\n...\ndef total(list prices):\n    cdef int sum = 0\n    for price in prices:\n        sum += price\n    cdef char* label = sum\n                       ^\n------------------------------------------------------------\ncart.pyx:6:23: Cannot assign type 'int' to 'char *'\n",
    );
    let report = analyze(&log);
    assert_eq!(first_excerpt(&report).0, 14, "{report:#?}");
    // A table ruled off the same way is no frame: only the verdict under it is shown.
    let log = job(
        "$ gcovr --fail-under-line 90\n------------------------------------------------------------------------------\nTOTAL                                            8        6    75%\n------------------------------------------------------------------------------\ncart.c:5: error: line not covered\n",
    );
    assert_eq!(first_excerpt(&analyze(&log)).0, 15);
}

#[test]
fn a_summary_names_no_place_in_a_library_s_own_files() {
    let log = job(
        "$ jekyll build\n      Generating...\n  Liquid Exception: Could not locate the included file 'pricing-table.html' in index.md\n/usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/tags/include.rb:219:in `locate_include_file': Could not locate the included file 'pricing-table.html' (IOError)\n\tfrom /usr/share/rubygems-integration/all/gems/jekyll-4.3.1/lib/jekyll/tags/include.rb:201:in `render'\n",
    );
    let report = analyze(&log);
    assert!(
        report.summary.ends_with(
            "Liquid Exception: Could not locate the included file 'pricing-table.html' in index.md"
        ),
        "{}",
        report.summary
    );
    assert!(
        first_excerpt(&report).2.contains("  Liquid Exception: "),
        "{report:#?}"
    );
}

#[test]
fn a_script_s_traced_command_is_shown_with_what_it_printed_and_named_when_it_printed_nothing() {
    // Line 14 is the traced command, 15 bash's error for it.
    let log = job(
        "$ bash scripts/publish.sh\n+ version=1.5.0\n+ tar czf shop-1.5.0.tar.gz README.md\n+ yc storage s3 cp shop-1.5.0.tar.gz s3://acme-releases/shop/\nscripts/publish.sh: line 6: yc: command not found\n",
    );
    assert_first_excerpt(&log, (14, 15));
    // A check that failed without a word: the last command the script traced.
    let log = job(
        "$ bash scripts/check-release.sh\n+ version=1.5.0\n+ test -f Cargo.toml\n+ grep -q '^version = \"1.5.0\"' Cargo.toml\n",
    );
    let report = analyze(&log);
    assert!(
        report
            .summary
            .ends_with("the script stopped at `grep -q '^version = \"1.5.0\"' Cargo.toml`, which printed nothing"),
        "{}",
        report.summary
    );
    // An assignment traced last took a command substitution's output: its error says why.
    let log = job(
        "$ bash scripts/render.sh\n+ env=production\n++ jq -er .services.shop.port config/production.json\njq: error (at config/production.json:5): Cannot index string with string \"port\"\n+ port=\n",
    );
    let report = analyze(&log);
    assert!(
        report
            .summary
            .ends_with("Cannot index string with string \"port\""),
        "{}",
        report.summary
    );
}

#[test]
fn a_driver_s_report_of_how_the_linker_exited_takes_what_the_linker_printed() {
    // Line 13 is ld's, by its path; 14 collect2's report of ld's exit.
    let log = job(
        "$ make\navr-gcc -mmcu=attiny85 -Os -o shop.elf src/main.c\n/usr/lib/gcc/avr/5.4.0/../../../avr/bin/ld: shop.elf section `.text' will not fit in region `text'\ncollect2: error: ld returned 1 exit status\nmake: *** [Makefile:5: shop.elf] Error 1\n",
    );
    let report = assert_first_excerpt(&log, (13, 14));
    assert!(
        report.summary.ends_with("will not fit in region `text'"),
        "{}",
        report.summary
    );
}

#[test]
fn a_count_of_warnings_that_failed_the_lint_takes_the_warnings_above_it() {
    // Verilator's `%Warning-…` and its frame, lines 12-15, then its verdict.
    let log = job(
        "$ verilator --lint-only -Wall rtl/counter.v\n%Warning-WIDTH: rtl/counter.v:11:28: Operator ADD expects 8 bits on the RHS, but RHS's VARREF 'step' generates 4 bits.\n                                   : ... In instance counter\n   11 |             count <= count + step;\n      |                            ^\n%Error: Exiting due to 1 warning(s)\n",
    );
    let report = assert_first_excerpt(&log, (12, 16));
    assert!(
        report
            .summary
            .contains("%Warning-WIDTH: rtl/counter.v:11:28: Operator ADD"),
        "{}",
        report.summary
    );
}

#[test]
fn a_chain_of_causes_is_shown_from_its_error_down_to_its_root_not_the_retries_warned_above() {
    // Lines 14-26: the error, its Caused by links, the root cause.
    let log = job(
        "$ cargo build\n    Updating `mirror` index\nwarning: spurious network error (1 try remaining): [7] Could not connect to server (Failed to connect to 127.0.0.1 port 9 after 0 ms: Could not connect to server)\nerror: failed to get `itoa` as a dependency of package `shop v0.1.0 (/builds/acme/shop)`\n\nCaused by:\n  failed to query replaced source registry `crates-io`\n\nCaused by:\n  download of config.json failed\n\nCaused by:\n  failed to download from `http://127.0.0.1:9/index/config.json`\n\nCaused by:\n  [7] Could not connect to server (Failed to connect to 127.0.0.1 port 9 after 0 ms: Could not connect to server)\n",
    );
    let report = analyze(&log);
    assert_eq!(report.category, Category::Network);
    let shown: Vec<u64> = report
        .excerpts
        .iter()
        .flat_map(|e| e.start_line..=e.end_line)
        .collect();
    assert!((14..=26).all(|n| shown.contains(&n)), "{report:#?}");
    assert!(
        report
            .summary
            .starts_with("Network failure: [7] Could not connect"),
        "{}",
        report.summary
    );
}

#[test]
fn a_diagnostic_in_another_alphabet_keeps_the_summary() {
    let log = job(
        "$ msgfmt --check -o shop.mo po/ru.po\npo/ru.po:10: неизвестное ключевое слово «msgstrx»\npo/ru.po:9: пропущена секция «msgstr»\npo/ru.po:10:8: syntax error\nmsgfmt: найдено 3 критические ошибки\n",
    );
    let report = analyze(&log);
    assert!(
        report
            .summary
            .ends_with("po/ru.po:10: неизвестное ключевое слово «msgstrx»"),
        "{}",
        report.summary
    );
}

#[test]
fn a_one_line_error_s_reasons_under_a_heading_a_blank_line_below_go_with_it() {
    // Lines 11-15: pip's error, a blank line, the heading and the two pins that conflict.
    let log = job(
        "ERROR: Cannot install -r requirements.txt (line 1) and urllib3<1.21 because these package versions have conflicting dependencies.\n\nThe conflict is caused by:\n    The user requested urllib3<1.21\n    requests 2.32.3 depends on urllib3<3 and >=1.21.1\n\nTo fix this you could try to:\n1. loosen the range of package versions you've specified\n",
    );
    assert_first_excerpt(&log, (11, 15));
}

#[test]
fn an_exception_s_message_goes_on_one_paragraph_below_its_first_line() {
    // Lines 11-16: the traceback and the exception, 17 blank, 18 the message's next paragraph.
    let log = job(
        "Traceback (most recent call last):\n  File \"/tmp/env/lib/python3.11/site-packages/hatchling/build.py\", line 58, in build_wheel\n    return os.path.basename(next(builder.build(directory=wheel_directory)))\n  File \"/tmp/env/lib/python3.11/site-packages/hatchling/builders/wheel.py\", line 281, in default_file_selection_options\n    raise ValueError(message)\nValueError: Unable to determine which files to ship inside the wheel using the following heuristics\n\nThe most likely cause of this is that there is no directory that matches the name of your project (acme_shop).\n\nAt least one file selection option must be defined.\n",
    );
    assert_first_excerpt(&log, (11, 18));
}

#[test]
fn a_raku_program_s_death_is_its_message_over_its_backtrace() {
    // Line 12 is the message, 13-14 the backtrace; the program's buffered output follows.
    let log = job(
        "$ raku bin/report.raku\nno price for lamp\n  in sub price-of at bin/report.raku line 3\n  in block <unit> at bin/report.raku line 7\n\n125\n250\n",
    );
    let report = assert_first_excerpt(&log, (12, 14));
    assert!(
        report
            .summary
            .ends_with("no price for lamp (bin/report.raku:3)"),
        "{}",
        report.summary
    );
}

#[test]
fn a_message_announced_at_a_place_sums_up_the_report_around_it() {
    let log = job(
        "$ cargo test\nrunning 1 test\ntest tests::total_covers_each_price ... FAILED\n\nfailures:\n\n---- tests::total_covers_each_price stdout ----\nproptest: Saving this and future failures in proptest-regressions/lib.txt\n\nthread 'tests::total_covers_each_price' (4242) panicked at src/lib.rs:14:5:\nTest failed: total 0 is below price 1 at src/lib.rs:19.\nminimal failing input: prices = [\n    1,\n]\n\nfailures:\n    tests::total_covers_each_price\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored\n",
    );
    let report = analyze(&log);
    assert!(
        report
            .summary
            .ends_with(": Test failed: total 0 is below price 1 at src/lib.rs:19."),
        "{}",
        report.summary
    );
}

#[test]
fn a_verdict_that_names_nothing_points_at_the_latest_error_not_a_debug_line_after_it() {
    // `Build failed.` says only that it failed: of the lines above it, the one that failed at
    // error level says why, not the debug line the script logged after it.
    let report = analyze(&job(
        "$ ./build.sh\npacking shop\npacking prices FAILED: table lacks column vat\nDEBUG: cache upload failed with status 500\nBuild failed.\n",
    ));
    assert!(
        report.headline.starts_with("packing prices FAILED"),
        "{report:#?}"
    );
}

#[test]
fn a_trace_that_says_its_frames_order_is_a_crash_under_the_message_a_blank_line_above() {
    // Any runtime's heading that says its frames' order, set off by a blank line from the
    // message over it (as Python's faulthandler prints a crash): the message, then the frames.
    assert_headed(
        &job(
            "$ ./run-worker\nstarting worker 3\nworker 3 died in native code\n\nThread 0x00007f20439e3b80 (most recent call first):\n  at shop.native.checksum (native.q:7)\n  at shop.worker.run (worker.q:12)\n",
        ),
        (13, 17),
        "worker 3 died in native code",
    );
}

#[test]
fn an_error_a_tool_names_after_itself_is_the_cause_with_its_indented_message() {
    // An unknown configure tool's `<Name> Error at <place>:` over its indented message, and its
    // closing words after two blank lines: the error is the cause, not those last words.
    let report = analyze(&job(
        "$ ./configure.sh\n-- checking for money.h - not found\nForge Error at recipes/shop.rcp:12 (require):\n  Could not find a package \"libmoney\" needed by \"shop\".\n\n  Install libmoney-dev or set MONEY_DIR.\n\n\n-- Configuring incomplete, errors occurred!\nSee also \"build/forge.log\".\n",
    ));
    let (start, end, text) = first_excerpt(&report);
    assert_eq!(start, 13, "{report:#?}");
    assert!(
        end >= 16 && text.contains("Install libmoney-dev"),
        "{report:#?}"
    );
    assert!(
        report
            .headline
            .starts_with("Forge Error at recipes/shop.rcp:12 (require):"),
        "{report:#?}"
    );
}

#[test]
fn a_step_no_rule_reads_is_summed_up_by_the_error_a_program_gave_not_its_last_note() {
    let log = job(
        "$ ./lint-prices\nlint-prices: errors found in prices.csv (2 rows)\nlint-prices: note: rerun with --verbose to list the rows\n",
    );
    let report = analyze(&log);
    assert_eq!(report.rule, "tail");
    assert!(
        report
            .summary
            .ends_with("; it printed: lint-prices: errors found in prices.csv (2 rows)"),
        "{}",
        report.summary
    );
    // A step whose last line is its only words keeps saying so.
    let report = analyze(&job(
        "$ ./check.sh\nchecking prices\nprices.csv has 3 rows, expected 4\n",
    ));
    assert!(
        report
            .summary
            .ends_with("; its last output was: prices.csv has 3 rows, expected 4"),
        "{}",
        report.summary
    );
}

#[test]
fn a_table_drawn_in_a_box_at_a_step_s_end_is_shown_with_the_sentence_above_it() {
    let log = job(
        "$ attw --pack .\n\n@acme/money v2.0.0\n\nImport resolved to JavaScript files, but no type declarations were found.\n\n\n┌───────────────┬────────┬───────────────────┐\n│               │ node10 │ node16 (from CJS) │\n├───────────────┼────────┼───────────────────┤\n│ \"@acme/money\" │ OK     │ No types          │\n└───────────────┴────────┴───────────────────┘\n",
    );
    // Lines 15-22: the sentence, two blank lines, the table.
    let report = assert_first_excerpt(&log, (15, 22));
    assert!(
        report.excerpts[0].text.starts_with("Import resolved"),
        "{}",
        report.excerpts[0].text
    );
}

#[test]
fn a_symptom_that_misses_something_is_shown_after_the_failure_the_script_let_pass() {
    let log = job(
        "$ go generate ./... || true\ncolor.go:3: running \"stringer\": exec: \"stringer\": executable file not found in $PATH\n$ go build ./...\n# example.com/shop\n./color.go:12:51: c.String undefined (type Color has no field or method String)\n",
    );
    let report = analyze(&log);
    let spans: Vec<(u64, u64)> = report
        .excerpts
        .iter()
        .map(|e| (e.start_line, e.end_line))
        .collect();
    assert_eq!(spans, vec![(12, 12), (14, 15)], "{report:#?}");
    assert!(
        report
            .summary
            .contains("; earlier in the job: color.go:3: running \"stringer\""),
        "{}",
        report.summary
    );
    // A symptom that misses nothing keeps to its own step.
    let log = job(
        "$ go generate ./... || true\ncolor.go:3: running \"stringer\": exec: \"stringer\": executable file not found in $PATH\n$ go build ./...\n# example.com/shop\n./color.go:12:9: cannot use \"red\" (untyped string constant) as Color value in return statement\n",
    );
    let report = analyze(&log);
    assert_eq!(report.excerpts.len(), 1, "{report:#?}");
    assert_eq!(first_excerpt(&report).0, 14);
}

#[test]
fn values_under_bare_got_and_want_labels_belong_to_the_failure_above_them() {
    let log = job(
        "$ go test ./...\n--- FAIL: ExampleTotal (0.00s)\ngot:\n250\nwant:\n375\nFAIL\nFAIL\texample.com/shop\t0.004s\nFAIL\n",
    );
    // Lines 12-16: the verdict, got:, its value, want:, its value; not the FAIL lines.
    assert_first_excerpt(&log, (12, 16));
}

#[test]
fn a_diff_a_step_ends_with_is_shown_whole_across_its_blank_context_lines() {
    let log = job(
        "$ go mod tidy && git diff --exit-code -- go.mod go.sum\ndiff --git a/go.mod b/go.mod\nindex ca7606d..12872c7 100644\n--- a/go.mod\n+++ b/go.mod\n@@ -2,6 +2,4 @@ module example.com/shop\n \n go 1.19\n \n-require example.com/unused v1.0.0\n-\n replace example.com/unused => ./unused\n",
    );
    // Lines 12-22: from the diff's git header to its last context line.
    let report = assert_first_excerpt(&log, (12, 22));
    assert!(
        report.summary.ends_with("; it printed a diff of go.mod"),
        "{}",
        report.summary
    );
}

#[test]
fn the_excerpts_keep_to_their_budget_when_pieces_merge_across_blank_lines() {
    // Found by `cargo fuzz run analyze`: TeX-like `!` lines far apart, each piece within the
    // budget, merged across the blank lines between them into 32 lines.
    let log = b"! \xdf! \xdd\xdf\xdf\xdeD\n\n\n\n\n\n! z\xcc\n\n\n! \xcc\n\n\n\n\x0e \xdd\xdf\xdf\xdeD\n\n\x0e\n\n\n\n\n z!\xcc\n\n\n\xff! \xcc\n\n\n\n\x0e\n\n\n\n0\xf7";
    let report = analyze_bytes(log, JobMeta::default());
    let shown: u64 = report
        .excerpts
        .iter()
        .map(|e| e.end_line - e.start_line + 1)
        .sum();
    assert!(
        !report.excerpts.is_empty() && shown <= exlogare_analysis::MAX_SHOWN_LINES as u64,
        "{report:#?}"
    );
}

#[test]
fn a_script_whose_last_words_are_its_own_echo_failed_in_the_command_after_it() {
    let log = job("$ echo \"checking signatures\"; git verify-commit HEAD\nchecking signatures\n");
    // Line 11: the command, 12: what its echo said.
    let report = assert_first_excerpt(&log, (11, 12));
    assert!(
        report
            .summary
            .ends_with(": `git verify-commit HEAD` printed nothing"),
        "{}",
        report.summary
    );
    // Words of the step's own, not of its echo, are its last output as before.
    let report = analyze(&job(
        "$ echo \"checking signatures\"; ./verify.sh\nchecking signatures\nno key for 3f786850\n",
    ));
    assert!(
        report
            .summary
            .ends_with("its last output was: no key for 3f786850"),
        "{}",
        report.summary
    );
}

#[test]
fn a_report_in_sections_that_ends_in_advice_is_read_from_its_first_section() {
    // Line 11 is `$ ./licenses.sh`; the first section's heading is line 12.
    let log = job(concat!(
        "$ ./licenses.sh\n",
        "# MISSING LICENSES\n",
        "\n",
        "These files name no licence of the project's:\n",
        "* src/cart.py\n",
        "* src/tax.py\n",
        "\n",
        "# SUMMARY\n",
        "\n",
        "* Files with a licence: 1 / 3\n",
        "\n",
        "# RECOMMENDATIONS\n",
        "\n",
        "* Add a licence header to each file: the tutorial shows how\n",
        "  <https://example.com/tutorial/>\n",
    ));
    let report = assert_first_excerpt(&log, (12, 16));
    assert!(
        report
            .summary
            .contains("These files name no licence of the project's:"),
        "{}",
        report.summary
    );
}

#[test]
fn a_check_s_bare_verdict_gives_the_summary_to_the_line_that_says_why() {
    let log = job(
        "$ twine check --strict dist/*\nChecking dist/shop-0.1.0.tar.gz: FAILED\nERROR    `long_description` has syntax errors in markup and would not be rendered on PyPI.\n         line 6: Error: Error in \"code-block\" directive:\n",
    );
    let report = analyze(&log);
    assert!(
        report
            .summary
            .contains("`long_description` has syntax errors"),
        "{}",
        report.summary
    );
}

#[test]
fn a_python_traceback_printed_without_its_header_is_shown_from_the_title_over_its_frames() {
    // green's report: the test's title, the frames, the exception (lines 5-12 of the job).
    let log = job(
        "$ green -vv shop\nE   test_code\n\nError in shop.test_discount.DiscountTest.test_code\n  File \"/builds/acme/shop/shop/test_discount.py\", line 17, in test_code\n    self.assertEqual(discount(1000, \"sale\"), 900)\n  File \"/builds/acme/shop/shop/test_discount.py\", line 6, in discount\n    return total - total * rates[code] // 100\n                           ~~~~~^^^^^^\nKeyError: 'sale'\n\nFAILED (errors=1, passes=2)\n",
    );
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    let title = log
        .lines()
        .position(|l| l.starts_with("Error in "))
        .expect("title") as u64
        + 1;
    assert_eq!((start, end), (title, title + 6), "{:?}", report.excerpts);
    assert_eq!(
        report.failing_tests,
        ["shop.test_discount.DiscountTest.test_code"]
    );
    assert_eq!(report.category, Category::TestFailure);
}

#[test]
fn a_list_of_findings_under_one_status_word_is_not_cut_in_the_middle() {
    // One finding per line, each under the same word in capitals, then the count: more than the
    // tail's eight lines, all of them shown.
    let findings: String = (1..=10)
        .map(|n| format!("MISSED   src/lib.rs:{n}:5: replace + with - in total\n"))
        .collect();
    let log = job(&format!(
        "$ mutate --all\nFound 14 mutants to test\nok       Unmutated baseline\n{findings}14 mutants tested: 10 missed, 4 caught\n"
    ));
    let first = log
        .lines()
        .position(|l| l.starts_with("MISSED"))
        .expect("finding") as u64
        + 1;
    assert_first_excerpt(&log, (first, first + 10));
}

#[test]
fn the_report_a_program_printed_above_its_traceback_is_shown_when_the_exception_names_it() {
    // The plugin's frames, more than a report shows: the traceback is read from its end.
    let frames: String = (1..=16)
        .map(|n| format!("  File \"/usr/lib/python3/site-packages/pluggy/_hooks.py\", line {n}, in call\n    return hook()\n"))
        .collect();
    let traceback = format!(
        "Traceback (most recent call last):\n{frames}  File \"/usr/lib/python3/site-packages/bench/session.py\", line 260, in check\n    raise Regression('Performance has regressed.')\nbench.session.Regression: Performance has regressed.\n"
    );
    let report = |message: &str| {
        analyze(&job(&format!(
            "$ python3 -m bench compare\n{}\n{message}\n\ttest_total (0001) - 'mean' failed: 3044.4 > 20.0\n{}\n{traceback}",
            "-".repeat(40),
            "-".repeat(40),
        )))
    };
    let echoed = report("Performance has regressed:");
    let shown = excerpt_texts(&echoed);
    assert_eq!(
        shown[0], "Performance has regressed:\n\ttest_total (0001) - 'mean' failed: 3044.4 > 20.0",
        "{shown:?}"
    );
    assert!(
        shown[1].ends_with("Regression: Performance has regressed."),
        "{shown:?}"
    );
    // A paragraph that says something else is not the exception's report.
    let other = report("Comparing against run 0001:");
    assert!(
        other
            .excerpts
            .iter()
            .all(|e| !e.text.contains("Comparing against")),
        "{:?}",
        other.excerpts
    );
}

#[test]
fn a_test_that_only_counts_its_failed_cases_yields_to_the_cases_own_reports() {
    // A compile-fail harness in libtest's shape: each case's verdict and report, then the
    // harness' own test, whose panic only counts them. The report of the case that failed
    // quotes the compiler's output under its expected and actual headings.
    let log = job(concat!(
        "$ cargo test\n",
        "running 1 test\n",
        "test tests/ui/a.rs ... ok\n",
        "test tests/ui/private_field.rs ... mismatch\n",
        "\n",
        "EXPECTED:\n",
        "error[E0603]: tuple struct constructor `Price` is private\n",
        " --> tests/ui/private_field.rs:4:17\n",
        "\n",
        "ACTUAL OUTPUT:\n",
        "error[E0423]: cannot initialize a tuple struct which contains private fields\n",
        " --> tests/ui/private_field.rs:4:17\n",
        "\n",
        "test tests/ui/z.rs ... ok\n",
        "\n",
        "test ui ... FAILED\n",
        "\n",
        "failures:\n",
        "\n",
        "---- ui stdout ----\n",
        "thread 'ui' panicked at /root/.cargo/registry/src/trybuild-1.0.122/src/run.rs:103:13:\n",
        "1 of 3 tests failed\n",
        "\n",
        "failures:\n",
        "    ui\n",
        "\n",
        "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n",
    ));
    let report = analyze(&log);
    let text = excerpt_texts(&report)[0];
    assert!(
        text.starts_with("test tests/ui/private_field.rs ... mismatch")
            && text.ends_with(" --> tests/ui/private_field.rs:4:17")
            && text.contains("ACTUAL OUTPUT:\nerror[E0423]"),
        "{text}"
    );
    assert_eq!(report.category, Category::TestFailure);
    assert_eq!(report.failing_tests, ["tests/ui/private_field.rs", "ui"]);
}

#[test]
fn a_table_drawn_in_a_box_is_not_cut_in_the_middle_and_its_first_row_sums_it_up() {
    let rows: String = (1..=5)
        .map(|n| format!("│ {n}   │ type-error │ Type error in row {n}      │\n│     │            │ of field \"price\"         │\n"))
        .collect();
    let log = job(&format!(
        "$ validate data/prices.csv\n{}\n┏━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n┃ Row ┃ Type       ┃ Message                  ┃\n┡━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n{rows}└─────┴────────────┴──────────────────────────┘\n",
        "─".repeat(20)
    ));
    let top = log.lines().position(|l| l.starts_with('┏')).expect("table") as u64 + 1;
    let report = assert_first_excerpt(&log, (top, top + 13));
    assert!(
        report
            .summary
            .ends_with("1 · type-error · Type error in row 1"),
        "{}",
        report.summary
    );
}

#[test]
fn a_tool_that_says_it_exits_with_a_failing_code_is_summed_up_by_that_sentence() {
    let log = job(
        "$ npx jest --ci\nNo tests found, exiting with code 1\nRun with `--passWithNoTests` to exit with code 0\nIn /builds/acme/shop\n  3 files checked.\n  testMatch: **/__tests__/**/*.test.js - 0 matches\nPattern:  - 0 matches\n",
    );
    let report = analyze(&log);
    assert!(
        report
            .summary
            .ends_with("No tests found, exiting with code 1"),
        "{}",
        report.summary
    );
}

#[test]
fn a_test_report_goes_on_over_its_parts_under_one_word_headings() {
    let log = job(concat!(
        "$ python3 -m pytest --nbval notebooks/\n",
        "notebooks/totals.ipynb .F\n",
        "\n",
        "=================================== FAILURES ===================================\n",
        "________________________ notebooks/totals.ipynb::Cell 1 ________________________\n",
        "Notebook cell execution failed\n",
        "Cell 1: Cell outputs differ\n",
        "\n",
        "Input:\n",
        "print('total', sum(prices))\n",
        "\n",
        "Traceback:\n",
        " mismatch 'stdout'\n",
        "\n",
        "  'total 2.00\\n' == 'total 2.05\\n'\n",
        "\n",
        "=========================== short test summary info ============================\n",
        "FAILED notebooks/totals.ipynb::Cell 1 - Notebook cell execution failed\n",
    ));
    let report = analyze(&log);
    let text = excerpt_texts(&report)[0];
    assert!(
        text.contains("Input:\nprint('total', sum(prices))")
            && text.ends_with("'total 2.00\\n' == 'total 2.05\\n'"),
        "{text}"
    );
}

#[test]
fn an_exception_whose_message_starts_under_it_goes_on_to_the_message_s_end() {
    let log = job(concat!(
        "$ papermill notebooks/report.ipynb run.ipynb\n",
        "Traceback (most recent call last):\n",
        "  File \"/usr/lib/python3/site-packages/papermill/execute.py\", line 251, in raise_for_execution_errors\n",
        "    raise error\n",
        "papermill.exceptions.PapermillExecutionError: \n",
        "---------------------------------------------------------------------------\n",
        "Exception encountered at \"In [2]\":\n",
        "---------------------------------------------------------------------------\n",
        "KeyError                                  Traceback (most recent call last)\n",
        "Cell In[2], line 1\n",
        "----> 1 total = sum(o['price'] for o in orders)\n",
        "\n",
        "KeyError: 'price'\n",
        "\n",
    ));
    let report = analyze(&log);
    let text = excerpt_texts(&report)[0];
    assert!(
        text.starts_with("Traceback (most recent call last):")
            && text.ends_with("KeyError: 'price'"),
        "{text}"
    );
}

#[test]
fn lines_tagged_by_the_command_or_file_they_came_from_read_as_untagged_ones() {
    // npm-run-all pads its labels to the longest; the failure report is mocha's.
    let side_by_side = job(concat!(
        "$ run-p --print-label lint test\n",
        "[lint] > eslint src\n",
        "[test]   1 passing (12ms)\n",
        "[test]   1 failing\n",
        "[test] \n",
        "[test]   1) cart\n",
        "[test]        formats roubles:\n",
        "[test] \n",
        "[test]       AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n",
        "[test]       at Context.<anonymous> (test/cart.test.js:8:38)\n",
        "[test] \n",
        "ERROR: \"test\" exited with 1.\n",
    ))
    .replace("[lint]", "[lint ]");
    let report = analyze(&side_by_side);
    assert_eq!(report.category, Category::TestFailure, "{report:#?}");
    assert!(
        excerpt_texts(&report)[0].contains("AssertionError [ERR_ASSERTION]"),
        "{report:#?}"
    );
    // GNU parallel's --tag: each line behind its input file's name and a tab.
    let tagged = job(concat!(
        "$ parallel --tag python3 check.py ::: north.json south.json\n",
        "north.json\t2 prices checked\n",
        "south.json\tTraceback (most recent call last):\n",
        "south.json\t  File \"/builds/acme/shop/check.py\", line 5, in <module>\n",
        "south.json\t    prices = json.load(open(path))\n",
        "south.json\tjson.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n",
        "west.json\t1 prices checked\n",
    ));
    let report = analyze(&tagged);
    let (start, _, text) = first_excerpt(&report);
    assert!(
        start == 13 && text.contains("\njson.decoder.JSONDecodeError: Expecting value"),
        "{report:#?}"
    );
}

#[test]
fn the_message_a_logger_printed_over_an_exception_heads_it() {
    // asyncio's handler: its ERROR line, the task it names, then the task's traceback.
    let python = job(concat!(
        "$ python3 feeds.py\n",
        "INFO feeds: north: 12 prices\n",
        "ERROR asyncio: Task exception was never retrieved\n",
        "future: <Task finished name='Task-3' coro=<fetch() done>>\n",
        "Traceback (most recent call last):\n",
        "  File \"/builds/acme/shop/feeds.py\", line 13, in fetch\n",
        "    raise ValueError(\"feed south: price 'n/a' is not a number\")\n",
        "ValueError: feed south: price 'n/a' is not a number\n",
        "INFO feeds: west: 12 prices\n",
    ));
    assert_first_excerpt(&python, (13, 18));
    // SLF4J's log.error(message, exception), a line of context between.
    let java = job(concat!(
        "$ java -jar shop.jar import\n",
        "10:00:00.123 [main] INFO  shop.App - starting import\n",
        "10:00:00.456 [main] ERROR shop.Importer - Failed to import prices from feeds/south.csv\n",
        "  (while reading row 12)\n",
        "java.lang.NumberFormatException: For input string: \"n/a\"\n",
        "\tat java.base/java.lang.Integer.parseInt(Integer.java:668)\n",
        "\tat shop.Importer.parse(Importer.java:42)\n",
    ));
    assert_first_excerpt(&java, (13, 17));
    // A build tool's [ERROR] tag over a test's report is no logger's message about it.
    let maven = job(concat!(
        "$ mvn test\n",
        "[ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0 <<< FAILURE! - in shop.TaxTest\n",
        "[ERROR] rounding(shop.TaxTest)  Time elapsed: 0 s  <<< FAILURE!\n",
        "java.lang.AssertionError: tax of 1025 cents expected:<210> but was:<205>\n",
        "\tat shop.TaxTest.rounding(TaxTest.java:6)\n",
    ));
    assert_eq!(first_excerpt(&analyze(&maven)).0, 13);
}

#[test]
fn a_long_test_report_with_blank_lines_in_its_code_still_ends_with_its_conclusion() {
    // pytest's long traceback quotes a library function's source, blank lines and all, over
    // more lines than a block holds; its `E` line comes last.
    let mut source = String::new();
    for i in 0..30 {
        source.push_str(&format!("        step_{i} = prepare({i})\n\n"));
    }
    let log = job(&format!(
        concat!(
            "$ python3 -m pytest tests\n",
            "=================================== FAILURES ===================================\n",
            "__________________________ test_euro_answers_quickly ___________________________\n",
            "\n",
            "    async def wait_for(fut, timeout):\n",
            "{}",
            ">       raise exceptions.TimeoutError() from exc\n",
            "E       TimeoutError\n",
            "\n",
            "/usr/lib/python3.11/asyncio/tasks.py:502: TimeoutError\n",
            "=========================== short test summary info ============================\n",
            "FAILED tests/test_rates.py::test_euro_answers_quickly - TimeoutError\n",
        ),
        source
    ));
    let report = analyze(&log);
    let shown = excerpt_texts(&report).join("\n");
    assert!(
        shown.contains("E       TimeoutError") && shown.contains("tasks.py:502: TimeoutError"),
        "{report:#?}"
    );
}

#[test]
fn a_transcript_s_diff_is_shown_with_the_lines_that_introduce_it() {
    // dune's cram test: the transcript's place and the command that compared, over the diff.
    let dune = job(concat!(
        "$ dune test\n",
        "File \"test/total.t\", line 1, characters 0-0:\n",
        "         git (internal) (exit 1)\n",
        "(cd _build/default && git --no-pager diff --no-index -u test/total.t test/total.t.corrected)\n",
        "diff --git a/test/total.t b/test/total.t.corrected\n",
        "--- a/test/total.t\n",
        "+++ b/test/total.t.corrected\n",
        "@@ -8,4 +8,4 @@ Two items:\n",
        " \n",
        "   $ ../bin/cart.exe 120 80\n",
        "   items: 2\n",
        "-  total: 200\n",
        "+  total: 80\n",
    ));
    assert_first_excerpt(&dune, (12, 23));
    // cram: a progress mark over the diff, another under it, then a count that only says how
    // many failed.
    let cram = job(concat!(
        "$ cram tests\n",
        "!\n",
        "--- tests/total.t\n",
        "+++ tests/total.t.err\n",
        "@@ -8,4 +8,4 @@\n",
        " \n",
        "   $ python3 cart.py 120 80\n",
        "   items: 2\n",
        "-  total: 200\n",
        "+  total: 80\n",
        ".\n",
        "# Ran 2 tests, 0 skipped, 1 failed.\n",
    ));
    assert_first_excerpt(&cram, (12, 22));
}

#[test]
fn a_tool_s_verdict_on_a_file_right_above_the_error_in_it_heads_the_error() {
    let lint = job(concat!(
        "$ composer lint\n",
        "> find src -name \"*.php\" -print0 | xargs -0 -n1 php -l\n",
        "No syntax errors detected in src/Cart.php\n",
        "Errors parsing src/Invoice.php\n",
        "PHP Parse error:  syntax error, unexpected token \"}\" in src/Invoice.php on line 9\n",
        "xargs: php: exited with status 255; aborting\n",
    ));
    assert_eq!(first_excerpt(&analyze(&lint)).0, 14);
    // A build's progress line names the file it compiles: it is no verdict on it.
    let build = job(concat!(
        "$ make\n",
        "cc -c -o src/cart.o src/cart.c\n",
        "src/cart.c:3:12: error: 'summ' undeclared (first use in this function)\n",
    ));
    assert_eq!(first_excerpt(&analyze(&build)).0, 13);
}

#[test]
fn a_stack_s_outermost_callers_in_installed_code_are_not_shown() {
    let log = job(concat!(
        "$ python3 -m pytest tests\n",
        "tests/test_native.py .Fatal Python error: Segmentation fault\n",
        "\n",
        "Current thread 0x00007f20439e3b80 (most recent call first):\n",
        "  File \"/usr/lib/python3.11/ctypes/__init__.py\", line 519 in string_at\n",
        "  File \"/builds/acme/shop/shop/native.py\", line 7 in checksum\n",
        "  File \"/builds/acme/shop/tests/test_native.py\", line 12 in test_checksum_of_nothing\n",
        "  File \"/venv/lib/python3.11/site-packages/_pytest/python.py\", line 187 in pytest_pyfunc_call\n",
        "  File \"/venv/lib/python3.11/site-packages/pluggy/_execution.py\", line 147 in _multicall\n",
        "  File \"/venv/lib/python3.11/site-packages/pluggy/_manager.py\", line 183 in _hookexec\n",
        "  File \"/venv/lib/python3.11/site-packages/pytest/__main__.py\", line 9 in <module>\n",
        "  File \"<frozen runpy>\", line 88 in _run_code\n",
    ));
    assert_first_excerpt(&log, (12, 17));
}

#[test]
fn a_test_binary_that_died_under_cargo_is_a_test_failure_not_a_compilation_one() {
    let log = job(concat!(
        "$ cargo test\n",
        "     Running unittests src/lib.rs (target/debug/deps/shop-1)\n",
        "\n",
        "running 1 test\n",
        "error: test failed, to rerun pass `--lib`\n",
        "\n",
        "Caused by:\n",
        "  process didn't exit successfully: `/builds/acme/shop/target/debug/deps/shop-1` (signal: 11, SIGSEGV: invalid memory reference)\n",
    ));
    let report = analyze(&log);
    assert_eq!(report.category, Category::TestFailure, "{report:#?}");
}

#[test]
fn a_count_of_failed_tests_points_at_the_verdicts_just_above_it() {
    let log = job(concat!(
        "$ octave --eval 'test(\"cart_total\", \"verbose\", stdout)'\n",
        ">>>>> processing cart_total\n",
        "***** assert (cart_total ([120 80]), 200)\n",
        "!!!!! test failed\n",
        "ASSERT errors for:  assert (cart_total ([120, 80]),200)\n",
        "\n",
        "  Location  |  Observed  |  Expected  |  Reason\n",
        "     ()           80          200        Abs err 120 exceeds tol 0 by 1e+02\n",
        "error: cart_total: 1 of 2 tests failed\n",
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 14 && end >= 18, "{report:#?}");
}

#[test]
fn what_the_after_script_and_the_artifacts_upload_print_is_not_the_cause() {
    let log = job(concat!(
        "$ go test ./...\n",
        "--- FAIL: TestTotal (0.00s)\n",
        "    cart_test.go:7: Total([120 80]) = 80, want 200\n",
        "FAIL\n",
        "Running after_script\n",
        "Running after script...\n",
        "$ ls coverage/ && tail logs/app.log\n",
        "ls: cannot access 'coverage/': No such file or directory\n",
        "2026-12-05 10:00:02,481 ERROR shop.db: connection refused (db:5432)\n",
        "Uploading artifacts for failed job\n",
        "Uploading artifacts...\n",
        "WARNING: coverage/: no matching files. Ensure that the artifact path is relative to the working directory (/builds/acme/shop)\n",
        "ERROR: No files to upload\n",
    ));
    let report = assert_first_excerpt(&log, (12, 13));
    assert_eq!(report.category, Category::TestFailure, "{report:#?}");
    // A timeout the runner states after the after_script is still the script's cause.
    let timeout = concat!(
        "Executing \"step_script\" stage of the job script\n",
        "$ make integration\n",
        "waiting for the payment service\n",
        "Running after_script\n",
        "Running after script...\n",
        "$ docker compose logs\n",
        "ERROR: payment-1 exited with code 1\n",
        "Cleaning up project directory and file based variables\n",
        "ERROR: Job failed: execution took longer than 1h0m0s seconds\n",
    );
    assert_eq!(analyze(timeout).category, Category::Timeout);
}

#[test]
fn what_the_runner_prints_saving_the_cache_is_not_the_cause_nor_hides_the_verdict() {
    // A job whose cache is saved on failure (`cache: when: on_failure`): the runner saves it
    // between the script and the verdict.
    let log = job(concat!(
        "$ timeout 2 ./wait-for-db.sh\n",
        "Saving cache for failed job\n",
        "Creating cache default-protected...\n",
        "WARNING: .cache/pip: no matching files. Ensure that the artifact path is relative to the working directory (/builds/acme/shop)\n",
        "Archive is up to date!\n",
        "Created cache\n",
    ))
    .replace("exit code 1", "exit code 124");
    let report = analyze(&log);
    // The exit code the verdict states (timeout(1)'s 124) is the script's.
    assert_eq!(report.category, Category::Timeout, "{report:#?}");
    assert!(
        excerpt_texts(&report).iter().all(|t| !t.contains("cache")),
        "{report:#?}"
    );
    let log = job(concat!(
        "$ go test ./...\n",
        "--- FAIL: TestTotal (0.00s)\n",
        "    cart_test.go:7: Total([120 80]) = 80, want 200\n",
        "FAIL\n",
        "Saving cache for failed job\n",
        "Creating cache default-protected...\n",
        "WARNING: .cache/go-build: no matching files. Ensure that the artifact path is relative to the working directory (/builds/acme/shop)\n",
        "Created cache\n",
    ));
    let report = assert_first_excerpt(&log, (12, 13));
    assert_eq!(report.category, Category::TestFailure, "{report:#?}");
}

#[test]
fn what_a_step_logs_below_error_level_after_its_last_words_is_not_them() {
    // npm's update notice, printed as npm exits whatever happened.
    const NOTICE: &str = concat!(
        "npm notice\n",
        "npm notice New major version of npm available! 10.2.4 -> 11.0.0\n",
        "npm notice Changelog: https://github.com/npm/cli/releases/tag/v11.0.0\n",
        "npm notice Run npm install -g npm@11.0.0 to update!\n",
        "npm notice\n",
    );
    // A one-line error: the notice is no line of it.
    let log = job(&format!(
        "$ npm run deploy\ndeploy.sh: line 4: DEPLOY_HOST: unbound variable\n{NOTICE}"
    ));
    assert_first_excerpt(&log, (12, 12));
    // An unknown tool's verdict: its last words are the step's last before the notice.
    let log = job(&format!(
        "$ npx api-extractor run\nAPI Extractor completed with warnings\nWarning: the API report changed: etc/shop.api.md\nPlease copy the file to update it\n{NOTICE}"
    ));
    let report = analyze(&log);
    assert!(
        excerpt_texts(&report)
            .iter()
            .any(|t| t.ends_with("Please copy the file to update it")),
        "{report:#?}"
    );
    assert!(!report.summary.contains("npm notice"), "{report:#?}");
    // git's dying words are the step's last: the notice does not make the script go on past them.
    let log = job(&format!(
        "$ npm run release\nfatal: detected dubious ownership in repository at '/builds/acme/shop'\n{NOTICE}"
    ));
    let report = assert_first_excerpt(&log, (12, 12));
    assert_eq!(report.category, Category::Configuration, "{report:#?}");
    // pip's notice of a new release, printed as pip exits whatever happened.
    let log = job(concat!(
        "$ ./scripts/check-release.sh\n",
        "checking the changelog\n",
        "CHANGELOG.md has no entry for 2.4.0\n",
        "\n",
        "[notice] A new release of pip is available: 23.2.1 -> 24.3.1\n",
        "[notice] To update, run: pip install --upgrade pip\n",
    ));
    let report = analyze(&log);
    assert!(
        report.summary.contains("CHANGELOG.md has no entry"),
        "{report:#?}"
    );
}

#[test]
fn a_report_framed_in_stars_ends_at_its_closing_row() {
    // The runner's warning about a service, then its cache restored with a warning of its own.
    let log = concat!(
        "Running with gitlab-runner 16.11.0 (91a27b2a)\n",
        "Preparing the \"docker\" executor\n",
        "Starting service postgres:16 ...\n",
        "Waiting for services to be up and running (timeout 30 seconds)...\n",
        "*** WARNING: Service runner-xy3abcd-project-118-concurrent-0-postgres-0 probably didn't start properly.\n",
        "Health check error:\n",
        "service \"runner-xy3abcd-project-118-concurrent-0-postgres-0-wait-for-service\" timeout\n",
        "Service container logs:\n",
        "2026-12-04T10:00:30.117Z Error: Database is uninitialized and superuser password is not specified.\n",
        "*********\n",
        "Restoring cache\n",
        "WARNING: Failed to extract cache\n",
        "Executing \"step_script\" stage of the job script\n",
        "$ psql -h postgres -U shop -c 'select 1'\n",
        "psql: error: connection to server at \"postgres\" (172.17.0.3), port 5432 failed: Connection refused\n",
        "Cleaning up project directory and file based variables\n",
        "ERROR: Job failed: exit code 2\n",
    );
    let report = analyze(log);
    let service = report
        .excerpts
        .iter()
        .find(|e| e.start_line == 5)
        .unwrap_or_else(|| panic!("{report:#?}"));
    assert_eq!(service.end_line, 10, "{report:#?}");
}

#[test]
fn a_log_cut_short_in_the_after_script_ends_with_the_script_s_step() {
    let log = concat!(
        "Executing \"step_script\" stage of the job script\n",
        "$ go test ./...\n",
        "--- FAIL: TestTotal (0.00s)\n",
        "    cart_test.go:7: Total([120 80]) = 80, want 200\n",
        "FAIL\n",
        "Running after_script\n",
        "Running after script...\n",
        "$ ls coverage/\n",
        "ls: cannot access 'coverage/': No such file or directory\n",
    );
    let report = analyze(log);
    assert_eq!(report.category, Category::TestFailure, "{report:#?}");
    assert_eq!(first_excerpt(&report).0, 3, "{report:#?}");
}

#[test]
fn what_a_test_script_printed_before_it_died_heads_test_builder_s_line() {
    let log = job(concat!(
        "$ prove t\n",
        "Use of uninitialized value in multiplication (*) at lib/Invoice.pm line 8.\n",
        "# Tests were run but no plan was declared and done_testing() was not seen.\n",
        "# Looks like your test exited with 255 just after 1.\n",
        "t/invoice.t .. \n",
        "Dubious, test returned 255 (wstat 65280, 0xff00)\n",
    ));
    assert_eq!(first_excerpt(&analyze(&log)).0, 12);
}

#[test]
fn a_wrapper_s_report_of_how_the_command_exited_points_at_what_the_command_said() {
    // make's report a blank line under the program's last words.
    let make = job(concat!(
        "$ make report\n",
        "./bin/report\n",
        "loading prices\n",
        "*** - EVAL: variable TAX has no value\n",
        "\n",
        "make: *** [Makefile:5: report] Error 1\n",
    ));
    let report = analyze(&make);
    let (start, end, text) = first_excerpt(&report);
    assert!(start <= 14 && end >= 14, "{report:#?}");
    assert!(text.contains("variable TAX has no value"), "{report:#?}");
    assert!(report.summary.contains("variable TAX"), "{report:#?}");
    // tox's closing lines, which name the program's file too: the program's last words are the
    // summary, and the lines under tox's tag that report its exit are shown under them (not its
    // closing `evaluation failed :(`).
    let tox = job(concat!(
        "$ tox -e py\n",
        "py: commands[0]> ./check-prices data/prices.csv\n",
        "checking data/prices.csv\n",
        "data/prices.csv: 3 prices above the limit\n",
        "py: exit 1 (0.52 seconds) /builds/acme/shop> ./check-prices data/prices.csv pid=412\n",
        "  py: FAIL code 1 (3.21=setup[2.69]+cmd[0.52] seconds)\n",
        "  evaluation failed :( (3.30 seconds)\n",
    ));
    let report = analyze(&tox);
    assert!(
        report.summary.contains("3 prices above the limit"),
        "{report:#?}"
    );
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 14 && end == 16, "{report:#?}");
}

#[test]
fn a_monorepo_task_runner_s_closing_points_at_the_failing_package_s_output() {
    // Lerna 9's `--stream` (Nx inside), as it prints it: each package's lines behind its scoped
    // name, in colour; npm's report of the script's exit; Nx's closing list of failed tasks.
    // Line 14 is the package's last word of its own.
    let log = job(concat!(
        "$ npx lerna run ci --stream\n",
        "\x1b[1m\x1b[96m@acme/app:\x1b[39m\x1b[22m > @acme/app@1.0.0 ci\n",
        "\x1b[1m\x1b[96m@acme/app:\x1b[39m\x1b[22m > ./check-prices\n",
        "\x1b[1m\x1b[96m@acme/app:\x1b[39m\x1b[22m data/prices.csv: 3 prices above the limit\n",
        "\x1b[1m\x1b[96m@acme/app:\x1b[39m\x1b[22m npm error Lifecycle script `ci` failed with error:\n",
        "\x1b[1m\x1b[96m@acme/app:\x1b[39m\x1b[22m npm error code 1\n",
        "\x1b[1m\x1b[96m@acme/app:\x1b[39m\x1b[22m npm error path /builds/acme/shop/packages/app\n",
        "\x1b[1m\x1b[96m@acme/app:\x1b[39m\x1b[22m npm error command failed\n",
        "\x1b[1m\x1b[96m@acme/app:\x1b[39m\x1b[22m npm error command sh -c ./check-prices\n",
        "\n",
        "\x1b[7m\x1b[1m\x1b[31m Lerna (powered by Nx) \x1b[39m\x1b[22m\x1b[27m  \x1b[31mRunning target ci for 2 projects failed\x1b[39m\n",
        "\n",
        "\x1b[2mFailed tasks:\x1b[22m\n",
        "\n",
        "\x1b[2m-\x1b[22m @acme/app:ci\n",
    ));
    let report = analyze(&log);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(start, 14, "{report:#?}");
    assert!(text.starts_with("data/prices.csv: 3 prices"), "{report:#?}");
    assert!(
        report.summary.contains("3 prices above the limit"),
        "{report:#?}"
    );
    // pnpm 9's `-r`, as it prints it: the package's echo of its script's command is what names
    // the kind of job, not `pnpm -r run ci`.
    let log = job(concat!(
        "$ pnpm -r run ci\n",
        "Scope: 2 of 3 workspace projects\n",
        "packages/api ci$ node --test\n",
        "packages/app ci$ ./check-prices data/prices.csv\n",
        "packages/api ci: ✔ health (1.204ms)\n",
        "packages/app ci: data/prices.csv: 3 prices above the limit\n",
        "packages/api ci: Done\n",
        "packages/app ci: Failed\n",
        "/builds/acme/shop/packages/app:\n",
        "\u{2009}ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL\u{2009} @acme/app@1.0.0 ci: `./check-prices data/prices.csv`\n",
        "Exit status 1\n",
    ));
    let report = analyze(&log);
    assert_eq!(report.category, Category::Lint, "{report:#?}");
    assert!(
        report.summary.contains("3 prices above the limit"),
        "{report:#?}"
    );
    // Nx 22, as it prints it: each task's output whole under its header, the failed task's
    // (its last words on line 17) before a passing one's, and the list of failed tasks at the end.
    let log = job(concat!(
        "$ npx nx run-many -t ci\n",
        "\x1b[2m> \x1b[22m\x1b[2mnx run\x1b[22m @acme/app:ci\n",
        "\n",
        "> @acme/app@1.0.0 ci\n",
        "> ./check-prices data/prices.csv\n",
        "\n",
        "data/prices.csv: 3 prices above the limit\n",
        "npm error Lifecycle script `ci` failed with error:\n",
        "npm error code 1\n",
        "\n",
        "\x1b[2m> \x1b[22m\x1b[2mnx run\x1b[22m @acme/api:ci\n",
        "\n",
        "> @acme/api@1.0.0 ci\n",
        "> node --test\n",
        "\n",
        "✔ health (1.204ms)\n",
        "ℹ tests 1\n",
        "ℹ pass 1\n",
        "ℹ fail 0\n",
        "\n",
        "\x1b[7m\x1b[1m\x1b[31m NX \x1b[39m\x1b[22m\x1b[27m  \x1b[31mRunning target ci for 2 projects failed\x1b[39m\n",
        "\n",
        "\x1b[2mFailed tasks:\x1b[22m\n",
        "\n",
        "\x1b[2m-\x1b[22m @acme/app:ci\n",
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 17 && (17..21).contains(&end), "{report:#?}");
    assert!(
        report.summary.contains("3 prices above the limit"),
        "{report:#?}"
    );
}

#[test]
fn npm_s_report_that_a_script_failed_points_at_what_the_script_said() {
    // npm 6's lifecycle block and its debug log's path under a program no rule knows.
    let log = job(concat!(
        "$ npm run check\n",
        "\n",
        "> shop@1.0.0 check /builds/acme/shop\n",
        "> ./bin/check-prices\n",
        "\n",
        "data/prices.csv: 3 prices above the limit\n",
        "npm ERR! code ELIFECYCLE\n",
        "npm ERR! errno 1\n",
        "npm ERR! shop@1.0.0 check: `./bin/check-prices`\n",
        "npm ERR! Exit status 1\n",
        "npm ERR! \n",
        "npm ERR! Failed at the shop@1.0.0 check script.\n",
        "npm ERR! This is probably not a problem with npm. There is likely additional logging output above.\n",
        "\n",
        "npm ERR! A complete log of this run can be found in:\n",
        "npm ERR!     /root/.npm/_logs/2026-12-05T10_00_00_000Z-debug.log\n",
    ));
    let report = analyze(&log);
    assert!(
        report.summary.contains("3 prices above the limit"),
        "{report:#?}"
    );
    let (start, _, _) = first_excerpt(&report);
    assert_eq!(start, 16, "{report:#?}");
    assert!(
        excerpt_texts(&report).iter().all(|t| !t.contains("_logs/")),
        "{report:#?}"
    );
}

#[test]
fn buildkit_s_closing_repeats_what_the_failed_step_showed() {
    // A RUN step's program, no rule knows it; then BuildKit's copy of the step's last lines
    // (the digest), the Dockerfile around the step and its verdict.
    let log = job(concat!(
        "$ docker build --progress=plain -t shop .\n",
        "#7 [3/3] RUN ./bin/price-report\n",
        "#7 0.201 ==412== reading data/prices.csv\n",
        "#7 0.214 ==412== data/prices.csv: 3 prices above the limit\n",
        "#7 ERROR: process \"/bin/sh -c ./bin/price-report\" did not complete successfully: exit code: 1\n",
        "------\n",
        " > [3/3] RUN ./bin/price-report:\n",
        "0.201 ==412== reading data/prices.csv\n",
        "0.214 ==412== data/prices.csv: 3 prices above the limit\n",
        "------\n",
        "Dockerfile:3\n",
        "--------------------\n",
        "   2 |     COPY . .\n",
        "   3 | >>> RUN ./bin/price-report\n",
        "--------------------\n",
        "ERROR: failed to solve: process \"/bin/sh -c ./bin/price-report\" did not complete successfully: exit code: 1\n",
    ));
    let report = analyze(&log);
    let (start, end, text) = first_excerpt(&report);
    assert!((13..=14).contains(&start) && end <= 15, "{report:#?}");
    assert!(text.contains("3 prices above the limit"), "{report:#?}");
    assert_eq!(report.excerpts.len(), 1, "{report:#?}");
    assert!(
        report.summary.contains("3 prices above the limit"),
        "{report:#?}"
    );
    assert_eq!(report.category, Category::DockerBuild, "{report:#?}");
}

/// pre-commit's line for a hook: its name padded with dots to the verdict, at 79 columns.
fn hook_verdict(name: &str, verdict: &str) -> String {
    format!("{name:.<73}{verdict}\n")
}

#[test]
fn a_hook_runner_s_title_over_a_tool_s_output_heads_the_cause_the_tool_printed() {
    // pre-commit 4, as it prints a failed hook that ran pytest: the hook's title, id and exit
    // code, then pytest's own report; a passing hook after it.
    let log = job(&[
        "$ pre-commit run --all-files\n".to_owned(),
        hook_verdict("ruff", "Passed"),
        hook_verdict("tests", "Failed"),
        "- hook id: tests\n- exit code: 1\n\n".to_owned(),
        "F                                                                        [100%]\n"
            .to_owned(),
        "=================================== FAILURES ===================================\n"
            .to_owned(),
        "__________________________________ test_total __________________________________\n\n"
            .to_owned(),
        "    def test_total():\n>       assert 1 + 1 == 3\nE       assert (1 + 1) == 3\n\n"
            .to_owned(),
        "test_a.py:2: AssertionError\n".to_owned(),
        "=========================== short test summary info ============================\n"
            .to_owned(),
        "FAILED test_a.py::test_total - assert (1 + 1) == 3\n1 failed in 0.03s\n\n".to_owned(),
        hook_verdict("trailing check", "Passed"),
    ]
    .concat());
    let report = analyze(&log);
    let (_, end, text) = first_excerpt(&report);
    assert_eq!(report.category, Category::TestFailure, "{report:#?}");
    assert!(end >= 25, "{report:#?}");
    assert!(text.contains("E       assert (1 + 1) == 3"), "{report:#?}");
    assert!(
        report.summary.contains("assert (1 + 1) == 3"),
        "{report:#?}"
    );
}

#[test]
fn a_hook_s_output_that_no_rule_reads_is_shown_first_under_its_title() {
    // A hook that failed on a warning (a lock file check), between passing hooks: the warning
    // is what it said (line 17), not the title's header nor either hook's verdict; the title
    // (lines 13-15) says which hook it was.
    let log = job(&[
        "$ pre-commit run --all-files\n".to_owned(),
        hook_verdict("ruff", "Passed"),
        hook_verdict("lock", "Failed"),
        "- hook id: pdm-lock-check\n- exit code: 1\n\n".to_owned(),
        "WARNING: Lockfile doesn't satisfy the project requirements\n\n".to_owned(),
        hook_verdict("trailing check", "Passed"),
    ]
    .concat());
    let report = analyze(&log);
    let lines: Vec<(u64, u64)> = (report.excerpts.iter())
        .map(|e| (e.start_line, e.end_line))
        .collect();
    assert_eq!(lines, [(13, 17)], "{report:#?}");
    assert!(
        (report.summary)
            .ends_with(": lock: WARNING: Lockfile doesn't satisfy the project requirements"),
        "{report:#?}"
    );
    // A finding at a place in a hook's output is the report's location.
    let log = job(&[
        "$ pre-commit run --all-files\n".to_owned(),
        hook_verdict("no print statements", "Failed"),
        "- hook id: no-print\n- exit code: 1\n\n".to_owned(),
        "app/cart.py:2:    print(\"debug\", prices)\n\n".to_owned(),
        hook_verdict("no TODO markers", "Passed"),
    ]
    .concat());
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert_eq!((start, end), (12, 16), "{report:#?}");
    let place = report.locations.first().map(|l| (l.path.as_str(), l.line));
    assert_eq!(place, Some(("app/cart.py", 2)), "{report:#?}");
}

#[test]
fn ninja_s_failed_edge_heads_what_its_command_printed() {
    // Ninja 1.11's output (captured) for an edge whose command printed nothing a rule reads:
    // its title, the command, then the command's output; not the progress line over them.
    let log = job(concat!(
        "$ ninja -j1\n",
        "[1/1] sh -c 'echo \"checking data/prices.csv\"; echo \"data/prices.csv: 3 prices above the limit\"; exit 1'\n",
        "FAILED: out/prices.ok \n",
        "sh -c 'echo \"checking data/prices.csv\"; echo \"data/prices.csv: 3 prices above the limit\"; exit 1'\n",
        "checking data/prices.csv\n",
        "data/prices.csv: 3 prices above the limit\n",
        "ninja: build stopped: subcommand failed.\n",
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert_eq!((start, end), (13, 17), "{report:#?}");
    assert!(
        (report.summary)
            .ends_with("FAILED: out/prices.ok: data/prices.csv: 3 prices above the limit"),
        "{report:#?}"
    );
}

#[test]
fn make_s_echo_of_the_recipe_line_is_not_what_the_command_said() {
    // make echoes the recipe line before the command's output: the lock check's verdict logged
    // at WARNING level (line 13) is the command's last words, not the echo over it.
    let log = job(concat!(
        "$ make ci\n",
        "PDM_CHECK_UPDATE=false pdm lock --check\n",
        "WARNING: Lockfile doesn't satisfy the project requirements, packages may be outdated\n",
        "make: *** [Makefile:12: ci] Error 1\n",
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 13 && end >= 13, "{report:#?}");
    assert!(report.summary.contains("Lockfile"), "{report:#?}");
    // A report under its underlined title (write-good's, lines 13-21): all of it, the title
    // under the echo too.
    let log = job(concat!(
        "$ make docs-lint\n",
        "node_modules/.bin/write-good README.md\n",
        "In README.md\n",
        "=============\n",
        "The cart is totalled by the server.\n",
        "         ^^^^^^^^^^^\n",
        "\"is totalled\" may be passive voice on line 3 at column 9\n",
        "-------------\n",
        "It is basically a simple cart.\n",
        "^^^^^\n",
        "\"It is\" is wordy or unneeded on line 5 at column 0\n",
        "make: *** [Makefile:12: docs-lint] Error 2\n",
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 13 && end >= 21, "{report:#?}");
}

#[test]
fn gulp_s_task_header_starts_what_the_task_s_command_printed() {
    // gulp-shell echoes nothing: the task's header over its output (line 13) starts the
    // command's output, and the lock check's verdict logged at WARNING level (line 14) is its
    // last words, not the header.
    let log = job(concat!(
        "$ npx gulp ci\n",
        "[10:42:07] Using gulpfile /builds/acme/app/gulpfile.js\n",
        "[10:42:07] Starting 'ci'...\n",
        "WARNING: Lockfile doesn't satisfy the project requirements, packages may be outdated\n",
        "[10:42:09] 'ci' errored after 1.97 s\n",
        "[10:42:09] Error in plugin \"gulp-shell\"\n",
        "Message:\n",
        "    Command `pdm lock --check` failed with exit code 1\n",
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start == 14 && end >= 14, "{report:#?}");
    assert!(report.summary.contains("Lockfile"), "{report:#?}");
}

#[test]
fn what_a_command_gave_up_on_is_shown_over_its_wrappers_reports() {
    // Turborepo runs npm, which runs rsync: the refused connection (line 16), what rsync gave
    // up on under it (17-18), then npm's block and Turborepo's report of the exit. Those
    // wrappers' lines are no more of rsync's words: its two lines are few enough to show.
    let log = job(concat!(
        "$ npx turbo run deploy\n",
        "@acme/app:deploy: cache miss, executing 0687f5b903f1439d\n",
        "@acme/app:deploy: > @acme/app@1.0.0 deploy\n",
        "@acme/app:deploy: > rsync -az dist/ deploy@10.0.0.7:/srv/shop/\n",
        "@acme/app:deploy: \n",
        "@acme/app:deploy: ssh: connect to host 10.0.0.7 port 22: Connection refused\n",
        "@acme/app:deploy: rsync: connection unexpectedly closed (0 bytes received so far) [sender]\n",
        "@acme/app:deploy: rsync error: unexplained error (code 255) at io.c(232) [sender=3.2.7]\n",
        "@acme/app:deploy: npm error Lifecycle script `deploy` failed with error:\n",
        "@acme/app:deploy: npm error code 255\n",
        "@acme/app:deploy: npm error path /builds/acme/app/packages/app\n",
        "@acme/app:deploy: npm error workspace @acme/app@1.0.0\n",
        "@acme/app:deploy: npm error location /builds/acme/app/packages/app\n",
        "@acme/app:deploy: npm error command failed\n",
        "@acme/app:deploy: npm error command sh -c rsync -az dist/ deploy@10.0.0.7:/srv/shop/\n",
        "@acme/app#deploy:  ERROR  command (/builds/acme/app/packages/app) /usr/bin/npm run deploy exited (255)\n",
        "\n",
        " Tasks:    0 successful, 1 total\n",
        "Failed:    @acme/app#deploy\n",
        "\n",
        " ERROR  run failed: command  exited (255)\n",
    ));
    let report = analyze(&log);
    assert_eq!(report.category, Category::Network, "{report:#?}");
    let (start, end, _) = first_excerpt(&report);
    assert!(start == 16 && end >= 18, "{report:#?}");
}

#[test]
fn a_wrapper_s_report_of_the_exit_in_words_of_an_exit_alone_closes_the_report_over_it() {
    // tox reports the exit with no word of an error (line 23): it closes the sanitizer's
    // summary (line 22), which is then shown under the leak's report (lines 15-20).
    let log = job(concat!(
        "$ tox -e py\n",
        "py: commands[0]> ./cart\n",
        "\n",
        "=================================================================\n",
        "==31064==ERROR: LeakSanitizer: detected memory leaks\n",
        "\n",
        "Direct leak of 45 byte(s) in 3 object(s) allocated from:\n",
        "    #0 0x7f978b2b89cf in __interceptor_malloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69\n",
        "    #1 0x55797fbd81bc in label /builds/acme/app/cart.c:4\n",
        "    #2 0x55797fbd81f9 in main /builds/acme/app/cart.c:9\n",
        "\n",
        "SUMMARY: AddressSanitizer: 45 byte(s) leaked in 3 allocation(s).\n",
        "py: exit 1 (12.31 seconds) /builds/acme/app> ./cart pid=412\n",
        "  py: FAIL code 1 (20.17=setup[7.86]+cmd[12.31] seconds)\n",
        "  evaluation failed :( (20.25 seconds)\n",
    ));
    let report = analyze(&log);
    let shown: Vec<(u64, u64)> = (report.excerpts.iter())
        .map(|e| (e.start_line, e.end_line))
        .collect();
    assert!(
        shown.iter().any(|&(start, end)| start <= 15 && end >= 22),
        "{report:#?}"
    );
}

#[test]
fn what_a_command_logged_below_error_level_as_it_started_is_not_shown_with_its_last_words() {
    // The JVM's notes as it starts (lines 12-13) and pip's warning about running as root are
    // no part of what the tool said after (lines 14-15).
    for opening in [
        "Picked up JAVA_TOOL_OPTIONS: -Dfile.encoding=UTF8\nOpenJDK 64-Bit Server VM warning: Sharing is only supported for boot loader classes because bootstrap classpath has been appended\n",
        "WARNING: Running pip as the 'root' user can result in broken permissions.\n(node:412) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.\n",
    ] {
        let log = job(&format!(
            "$ ./gradlew -q verifyManifest\n{opening}manifest.json: version 1.4.2 does not match build.gradle (1.4.3)\nverification stopped\n"
        ));
        let report = analyze(&log);
        let (start, end, _) = first_excerpt(&report);
        assert!(start == 14 && end >= 15, "{report:#?}");
    }
    // Findings a linter labels `warning:` do not speak of warnings: Node's note still goes.
    let log = job(concat!(
        "$ hadolint --failure-threshold error Dockerfile\n",
        "(node:412) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.\n",
        "Dockerfile:3 DL3003 warning: Use WORKDIR to switch to a directory\n",
        "Dockerfile:4 DL3020 error: Use COPY instead of ADD for files and folders\n",
    ));
    let (start, end, _) = first_excerpt(&analyze(&log));
    assert!(start == 13 && end == 14, "{start}-{end}");
    // A warning the verdict speaks of is what failed: shown with it.
    let log = job(concat!(
        "$ pandoc --fail-if-warnings -o manual.docx manual.md\n",
        "[WARNING] Could not fetch resource images/flow.png: replacing image with description\n",
        "Failing because there were warnings.\n",
    ));
    let (start, end, _) = first_excerpt(&analyze(&log));
    assert!(start == 12 && end == 13, "{start}-{end}");
}

#[test]
fn gnu_make_under_another_name_reports_the_exit_as_make_does() {
    // CMake's Makefiles under `gmake` (Red Hat's systems, the BSDs): the sub-makes' reports of
    // the exit are not the check's last words (line 15); the innermost one is shown under them.
    let log = job(concat!(
        "$ cmake --build build --target check\n",
        "[ 50%] Built target cart\n",
        "[100%] Running the checks\n",
        "./check-prices data/prices.csv\n",
        "data/prices.csv: 3 prices above the limit\n",
        "gmake[3]: *** [CMakeFiles/check.dir/build.make:70: CMakeFiles/check] Error 1\n",
        "gmake[2]: *** [CMakeFiles/Makefile2:111: CMakeFiles/check.dir/all] Error 2\n",
        "gmake[1]: *** [CMakeFiles/Makefile2:118: CMakeFiles/check.dir/rule] Error 2\n",
        "gmake: *** [Makefile:137: check] Error 2\n",
    ));
    let report = analyze(&log);
    let (_, end, _) = first_excerpt(&report);
    assert_eq!(end, 16, "{report:#?}");
    assert!(
        report.summary.contains("3 prices above the limit"),
        "{report:#?}"
    );
}

/// Gradle's report on a build whose `Exec` task's process failed, as Gradle 4.4 (captured,
/// without a rich console) and Gradle 8 print it under the task's output.
const GRADLE_4_EXEC_REPORT: &str = concat!(
    ":ci FAILED\n",
    "\n",
    "FAILURE: Build failed with an exception.\n",
    "\n",
    "* What went wrong:\n",
    "Execution failed for task ':ci'.\n",
    "> Process 'command 'sh'' finished with non-zero exit value 1\n",
    "\n",
    "* Try:\n",
    "Run with --stacktrace option to get the stack trace. Run with --info or --debug option to get more log output. Run with --scan to get full insights.\n",
    "\n",
    "* Get more help at https://help.gradle.org\n",
    "\n",
    "BUILD FAILED in 4s\n",
    "1 actionable task: 1 executed\n",
);

#[test]
fn what_a_gradle_exec_task_s_process_printed_is_the_cause_not_gradle_s_report() {
    // Gradle 4.4's output (captured): the task's header, what the process printed, the report.
    let log = job(&format!(
        "$ gradle ci\n:ci\nchecking data/prices.csv\ndata/prices.csv: 3 prices above the limit\n{GRADLE_4_EXEC_REPORT}"
    ));
    let report = assert_first_excerpt(&log, (13, 14));
    assert_eq!(report.excerpts.len(), 1, "{report:#?}");
    assert!(
        report.summary.contains("3 prices above the limit"),
        "{report:#?}"
    );
    // Gradle 8's, the process's output all warnings: they are what it said, not the header.
    let log = job(concat!(
        "$ ./gradlew ci\n",
        "> Task :ci\n",
        "WARNING: Lockfile doesn't satisfy the project requirements\n",
        "\n",
        "> Task :ci FAILED\n",
        "\n",
        "FAILURE: Build failed with an exception.\n",
        "\n",
        "* What went wrong:\n",
        "Execution failed for task ':ci'.\n",
        "> Process 'command 'pdm'' finished with non-zero exit value 1\n",
        "\n",
        "* Try:\n",
        "> Run with --stacktrace option to get the stack trace.\n",
        "> Run with --info or --debug option to get more log output.\n",
        "> Run with --scan to get full insights.\n",
        "> Get more help at https://help.gradle.org.\n",
        "\n",
        "BUILD FAILED in 3s\n",
        "1 actionable task: 1 executed\n",
    ));
    let report = assert_first_excerpt(&log, (13, 13));
    assert!(report.summary.contains("Lockfile"), "{report:#?}");
    // Gradle 4.4's, the process's output on standard error: the task's header is not ended
    // before it, and its verdict comes as ` FAILED` after it.
    let log = job(&format!(
        "$ gradle ci\n:ciWARNING: Lockfile does not satisfy the project requirements\n FAILED\n{}",
        &GRADLE_4_EXEC_REPORT[":ci FAILED\n".len()..]
    ));
    let report = assert_first_excerpt(&log, (12, 12));
    assert!(report.summary.contains("Lockfile"), "{report:#?}");
}

#[test]
fn a_gradle_exec_task_s_process_output_is_shown_as_a_step_s_last_words() {
    // Gradle's verdict on the task does not report the exit itself: the line under it does.
    // What the process printed is its last words, a diff whole with the verdict under it
    // (cram's transcript diff, lines 13-22), not its last eight lines.
    let log = job(&format!(
        "$ gradle ci\n:ci\n!\n--- tests/total.t\n+++ tests/total.t.err\n@@ -8,4 +8,4 @@\n \n   $ python3 \"$TESTDIR/../cart.py\" 120 80\n   items: 2\n-  total: 200\n+  total: 80\n.\n# Ran 2 tests, 0 skipped, 1 failed.\n{GRADLE_4_EXEC_REPORT}"
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 13 && end >= 22, "{report:#?}");
    // A verdict in a paragraph of its own, the advice two blank lines under it (pub's): the
    // verdict's paragraph is shown over the advice (lines 12-16).
    let log = job(&format!(
        "$ gradle ci\n:ci\nResolving dependencies...\nBecause shop depends on intl ^0.20.0 which depends on clock ^1.2.0, clock ^1.2.0 is required.\nSo, because shop depends on clock 1.1.1, version solving failed.\n\n\nYou can try the following suggestion to make the pubspec resolve:\n* Consider downgrading your constraint on intl: dart pub add intl:^0.19.0\n{GRADLE_4_EXEC_REPORT}"
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 13 && end >= 14, "{report:#?}");
    // A weak anchor in the process's output, further above its last words (RSpec's
    // `Failure/Error:` under its load error's first line, line 13): all of it from the
    // anchor's paragraph down.
    let log = job(&format!(
        "$ gradle ci\n:ci\nAn error occurred while loading ./spec/cart_spec.rb.\nFailure/Error:\n  RSpec.describe Cart do\n    it \"sums the prices\" do\n    end\n  end\n\nNameError:\n  uninitialized constant Cart\n\n  RSpec.describe Cart do\n                 ^^^^\n# ./spec/cart_spec.rb:3:in `<top (required)>'\nNo examples found.\n\n\nFinished in 0.00003 seconds (files took 0.08137 seconds to load)\n0 examples, 0 failures, 1 error occurred outside of examples\n\n{GRADLE_4_EXEC_REPORT}"
    ));
    let report = analyze(&log);
    let (start, end, text) = first_excerpt(&report);
    assert!(start <= 13 && end >= 25, "{report:#?}");
    assert!(text.contains("uninitialized constant Cart"), "{report:#?}");
}

#[test]
fn a_compiler_s_error_glued_to_gradle_4_s_task_header_names_its_file() {
    // Gradle 4.4 (captured): javac's first line on standard error follows the task's header
    // on its line; ` FAILED` after the compiler's count is the task's verdict, not the error's.
    let log = job(concat!(
        "$ gradle build\n",
        ":compileJava/builds/acme/shop/src/main/java/shop/Cart.java:3: error: cannot find symbol\n",
        "    int total() { return totl; }\n",
        "                         ^\n",
        "  symbol:   variable totl\n",
        "  location: class Cart\n",
        "1 error\n",
        " FAILED\n",
        "\n",
        "FAILURE: Build failed with an exception.\n",
        "\n",
        "* What went wrong:\n",
        "Execution failed for task ':compileJava'.\n",
        "> Compilation failed; see the compiler error output for details.\n",
    ));
    let report = assert_first_excerpt(&log, (12, 17));
    let place = report.locations.first().map(|l| (l.path.as_str(), l.line));
    assert_eq!(
        place,
        Some(("/builds/acme/shop/src/main/java/shop/Cart.java", 3)),
        "{report:#?}"
    );
}

#[test]
fn what_a_command_grunt_ran_printed_is_the_cause_not_grunt_s_closing() {
    // Grunt 1.6 (captured): grunt-shell's task, the command's output (the second line on its
    // standard error, which grunt-shell repeats under its warning), then Grunt's closing.
    let log = job(concat!(
        "$ grunt shell:test\n",
        "Running \"shell:test\" (shell) task\n",
        "checking data/prices.csv\n",
        "data/prices.csv: 3 prices above the limit\n",
        "Warning: Command failed: echo \"checking data/prices.csv\"; echo \"data/prices.csv: 3 prices above the limit\" >&2; exit 1\n",
        "data/prices.csv: 3 prices above the limit\n",
        "\u{7} Use --force to continue.\n",
        "\n",
        "Aborted due to warnings.\n",
    ));
    let report = analyze(&log);
    let (start, end, text) = first_excerpt(&report);
    assert!(start <= 14 && end >= 14, "{report:#?}");
    assert!(!text.contains("Aborted due to warnings."), "{report:#?}");
    assert!(!text.contains("Running \"shell:test\""), "{report:#?}");
    assert!(
        report.summary.contains("3 prices above the limit"),
        "{report:#?}"
    );
    // grunt-exec's (captured): the standard error under Grunt's `>> ` mark, then its reports
    // of the exit, the second of them shaped as an error; the first is shown under the output,
    // as a wrapper's report of the exit right under it is.
    let log = job(concat!(
        "$ grunt exec:test\n",
        "Running \"exec:test\" (exec) task\n",
        "checking data/prices.csv\n",
        ">> data/prices.csv: 3 prices above the limit\n",
        ">> Exited with code: 1.\n",
        ">> Error executing child process: Error: Process exited with code 1.\n",
        "Warning: Task \"exec:test\" failed.\u{7} Use --force to continue.\n",
        "\n",
        "Aborted due to warnings.\n",
    ));
    let report = assert_first_excerpt(&log, (13, 15));
    assert_eq!(report.excerpts.len(), 1, "{report:#?}");
    assert!(
        report
            .summary
            .ends_with(": data/prices.csv: 3 prices above the limit"),
        "{report:#?}"
    );
    // A weak error line over the findings it heads (isort's diff) is shown with them: grunt-
    // shell's report in a warning's words is no log record that the verdict comes after.
    let log = job(concat!(
        "$ grunt shell:lint\n",
        "Running \"shell:lint\" (shell) task\n",
        "ERROR: /builds/acme/shop/app/main.py Imports are incorrectly sorted and/or formatted.\n",
        "--- /builds/acme/shop/app/main.py:before\t2026-12-03 09:53:29.226439\n",
        "+++ /builds/acme/shop/app/main.py:after\t2026-12-03 09:53:30.088463\n",
        "@@ -1,3 +1,3 @@\n",
        "+import os\n",
        " import sys\n",
        "-import os\n",
        "Warning: Command failed: isort --check-only --diff app\n",
        " Use --force to continue.\n",
        "\n",
        "Aborted due to warnings.\n",
    ));
    let report = assert_first_excerpt(&log, (13, 20));
    assert!(
        !excerpt_texts(&report).concat().contains("Aborted"),
        "{report:#?}"
    );
}

/// Maven 3.8's exec plugin 3.1 (captured, see fixtures/maven): its goal's header, over the
/// command's output.
const MAVEN_EXEC_HEAD: &str = concat!(
    "$ mvn -B exec:exec@ci\n",
    include_str!("fixtures/maven/exec-head.txt")
);

/// Its report when the command exits with 1: Commons Exec's exception with Maven's frames, then
/// Maven's closing.
const MAVEN_EXEC_REPORT: &str = include_str!("fixtures/maven/exec-report.txt");

#[test]
fn what_a_command_maven_s_exec_plugin_ran_printed_is_the_cause_not_the_plugin_s_exception() {
    // What an unknown tool said last, over the plugin's exception and its thirty frames.
    let log = job(&format!(
        "{MAVEN_EXEC_HEAD}checking data/prices.csv\ndata/prices.csv: 3 prices above the limit\n{MAVEN_EXEC_REPORT}"
    ));
    let report = assert_first_excerpt(&log, (19, 20));
    assert!(
        report
            .excerpts
            .iter()
            .all(|e| !e.text.contains("org.apache")),
        "{report:#?}"
    );
    // A program's crash (a traceback under the goal's header, logged at INFO level) is no
    // record that the program went on past: the plugin's report after it is not the program's
    // (its first line is shown with the traceback, as a wrapper's report of the exit is).
    let log = job(&format!(
        "{MAVEN_EXEC_HEAD}Traceback (most recent call last):\n  File \"/builds/acme/shop/migrate.py\", line 3, in <module>\n    upgrade()\nsqlite3.OperationalError: no such table: order_lines\n{MAVEN_EXEC_REPORT}"
    ));
    let report = assert_first_excerpt(&log, (19, 23));
    assert_eq!(report.rule, "py-traceback", "{report:#?}");
    // A command's last words longer than a few lines (a formatter's diff) are shown whole, as
    // a step's are, not cut to the last lines of the goal's output.
    let log = job(&format!("{MAVEN_EXEC_HEAD}{GOFMT_DIFF}{MAVEN_EXEC_REPORT}"));
    assert_first_excerpt(&log, (19, 30));
    // The report of the exit by what ran the failed command in turn (xargs', line 20) is
    // shown under its last words, as a step's is; they, not the report, are the headline.
    let log = job(&format!(
        "{MAVEN_EXEC_HEAD}parse error: Expected another key-value pair at line 1, column 16\nxargs: sh: exited with status 255; aborting\n{MAVEN_EXEC_REPORT}"
    ));
    assert_headed(&log, (19, 20), "parse error");
}

/// `gofmt -d`'s diff, as a `test -z` check prints it: twelve lines.
const GOFMT_DIFF: &str = concat!(
    "diff cart.go.orig cart.go\n",
    "--- cart.go.orig\n",
    "+++ cart.go\n",
    "@@ -4,7 +4,7 @@\n",
    " func Total(prices []int) int {\n",
    " \tsum := 0\n",
    " \tfor _, p := range prices {\n",
    "-\tsum += p\n",
    "+\t\tsum += p\n",
    " \t}\n",
    " \treturn sum\n",
    " }\n",
);

/// Maven's closing after the frontend plugin's npm goal failed.
const MAVEN_FRONTEND_CLOSING: &str = concat!(
    "[INFO] ------------------------------------------------------------------------\n",
    "[INFO] BUILD FAILURE\n",
    "[INFO] ------------------------------------------------------------------------\n",
    "[INFO] Total time:  4.117 s\n",
    "[INFO] Finished at: 2026-12-06T08:27:22Z\n",
    "[INFO] ------------------------------------------------------------------------\n",
    "[ERROR] Failed to execute goal com.github.eirslett:frontend-maven-plugin:1.15.0:npm (ci) on project app: Failed to run task: 'npm run ci' failed. org.apache.commons.exec.ExecuteException: Process exited with an error: 2 (Exit value: 2) -> [Help 1]\n",
    "[ERROR] \n",
    "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n",
    "[ERROR] Re-run Maven using the -X switch to enable full debug logging.\n",
);

#[test]
fn what_maven_s_frontend_plugin_relays_is_read_as_the_command_printed_it() {
    // The plugin logs each line its npm script prints at INFO level, standard error at ERROR
    // (npm's report of the exit among them), under its `Running '…' in …` line.
    let log = job(&format!(
        concat!(
            "$ mvn -B verify\n",
            "[INFO] --- frontend-maven-plugin:1.15.0:npm (ci) @ app ---\n",
            "[INFO] Running 'npm run ci' in /builds/acme/app\n",
            "[INFO] \n",
            "[INFO] > app@1.0.0 ci\n",
            "[INFO] > tsc --noEmit\n",
            "[INFO] \n",
            "[INFO] src/cart.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n",
            "[ERROR] npm error Lifecycle script `ci` failed with error:\n",
            "[ERROR] npm error code 2\n",
            "[ERROR] npm error path /builds/acme/app\n",
            "[ERROR] npm error command failed\n",
            "[ERROR] npm error command sh -c tsc --noEmit\n",
            "{}"
        ),
        MAVEN_FRONTEND_CLOSING
    ));
    let report = analyze(&log);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(start, 18, "{report:#?}");
    assert!(text.contains("error TS2322"), "{report:#?}");
    assert_eq!(report.locations[0].path, "src/cart.ts", "{report:#?}");
    assert_eq!(report.locations[0].line, 3, "{report:#?}");
    // The relay ends at the next goal's header: what the compiler plugin logs after it is
    // Maven's again, read by its tags.
    let log = job(concat!(
        "$ mvn -B verify\n",
        "[INFO] --- frontend-maven-plugin:1.15.0:npm (ci) @ app ---\n",
        "[INFO] Running 'npm run ci' in /builds/acme/app\n",
        "[INFO] \n",
        "[INFO] > app@1.0.0 ci\n",
        "[INFO] > tsc --noEmit\n",
        "[INFO] \n",
        "[INFO] --- maven-compiler-plugin:3.10.1:compile (default-compile) @ app ---\n",
        "[INFO] Compiling 2 source files to /builds/acme/app/target/classes\n",
        "[INFO] -------------------------------------------------------------\n",
        "[ERROR] COMPILATION ERROR : \n",
        "[INFO] -------------------------------------------------------------\n",
        "[ERROR] /builds/acme/app/src/main/java/shop/Order.java:[5,31] cannot find symbol\n",
        "  symbol:   method sum()\n",
        "  location: variable cart of type shop.Cart\n",
        "[INFO] 1 error\n",
        "[INFO] -------------------------------------------------------------\n",
        "[INFO] ------------------------------------------------------------------------\n",
        "[INFO] BUILD FAILURE\n",
        "[INFO] ------------------------------------------------------------------------\n",
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.1:compile (default-compile) on project app: Compilation failure\n",
    ));
    let report = analyze(&log);
    let (start, _, _) = first_excerpt(&report);
    assert!((21..=23).contains(&start), "{report:#?}");
    assert!(
        report.locations[0]
            .path
            .ends_with("src/main/java/shop/Order.java"),
        "{report:#?}"
    );
}

#[test]
fn what_a_command_maven_s_antrun_plugin_ran_printed_is_the_cause_not_ant_s_exception() {
    // Maven 3.8's AntRun plugin 3.1 (captured): Ant's output at INFO level, the exec task's tag
    // on each line the command printed, then Ant's exception and where in the target it was.
    let log = job(concat!(
        "$ mvn -B verify\n",
        "[INFO] --- maven-antrun-plugin:3.1.0:run (ci) @ app ---\n",
        "[INFO] Executing tasks\n",
        "[INFO]      [exec] checking data/prices.csv\n",
        "[INFO]      [exec] data/prices.csv: 3 prices above the limit\n",
        "[INFO] ------------------------------------------------------------------------\n",
        "[INFO] BUILD FAILURE\n",
        "[INFO] ------------------------------------------------------------------------\n",
        "[INFO] Total time:  0.604 s\n",
        "[INFO] Finished at: 2026-12-06T09:21:38Z\n",
        "[INFO] ------------------------------------------------------------------------\n",
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-antrun-plugin:3.1.0:run (ci) on project app: An Ant BuildException has occured: exec returned: 1\n",
        "[ERROR] around Ant part ...<exec failonerror=\"true\" executable=\"sh\">... @ 4:46 in /builds/acme/app/target/antrun/build-main.xml\n",
        "[ERROR] -> [Help 1]\n",
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert_eq!(start, 14, "{report:#?}");
    assert!(end >= 15, "{report:#?}");
    assert!(
        report.summary.contains("3 prices above the limit"),
        "{report:#?}"
    );
    // A diff the command printed is shown whole: Maven's verdict says the goal ran a command
    // (`exec returned: 1`), whose last words its output is.
    let exec: String = GOFMT_DIFF
        .lines()
        .map(|l| format!("[INFO]      [exec] {l}\n"))
        .collect();
    let rule = "-".repeat(72);
    let log = job(&format!(
        "$ mvn -B verify\n[INFO] --- maven-antrun-plugin:3.1.0:run (ci) @ app ---\n[INFO] Executing tasks\n{exec}[INFO] {rule}\n[INFO] BUILD FAILURE\n[INFO] {rule}\n[ERROR] Failed to execute goal org.apache.maven.plugins:maven-antrun-plugin:3.1.0:run (ci) on project app: An Ant BuildException has occured: exec returned: 1\n"
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    // (Maven's verdict a rule below it is shown with it, as the anchor.)
    assert_eq!(start, 14, "{report:#?}");
    assert!(end >= 25, "{report:#?}");
}

#[test]
fn output_that_is_all_warnings_under_a_wrapper_s_echo_is_what_the_command_said() {
    let warning = "WARNING: Lockfile does not satisfy the project requirements\n";
    // Ninja 1.11 under CMake: the failed edge's title, its command, then the command's output.
    let log = job(&format!(
        "$ cmake --build build --target check\nninja: Entering directory `build'\n[1/2] Building C object CMakeFiles/cart.dir/src/cart.c.o\n[2/2] cd /builds/acme/app && pdm lock --check\nFAILED: CMakeFiles/check \ncd /builds/acme/app && pdm lock --check\n{warning}ninja: build stopped: subcommand failed.\n"
    ));
    // (Shown under the title, as Ninja's title heads what the command printed.)
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert!(start <= 17 && 17 <= end, "{report:#?}");
    assert!(report.summary.contains("Lockfile"), "{report:#?}");
    // go-task 3 and nox echo the command they run on a line of their own.
    let log = job(&format!(
        "$ task ci\ntask: [ci] pdm lock --check\n{warning}task: Failed to run task \"ci\": exit status 1\n"
    ));
    // (With the wrapper's report of the exit right under it.)
    assert_eq!(first_excerpt(&analyze(&log)).0, 13);
    let log = job(&format!(
        "$ nox -s tests\nnox > Running session tests\nnox > pdm lock --check\n{warning}nox > Command pdm lock --check failed with exit code 1\nnox > Session tests failed.\n"
    ));
    assert_eq!(first_excerpt(&analyze(&log)).0, 14);
}

#[test]
fn maven_s_trace_of_a_failed_goal_under_e_is_its_epilogue_not_the_cause() {
    // Maven 3.8 with `-e` (captured, its frames cut short): under the goal's failure, the
    // LifecycleExecutionException and its causes, each with Maven's and the JDK's frames.
    let log = job(concat!(
        "$ mvn -B -e exec:exec@ci\n",
        "[INFO] --- exec-maven-plugin:3.1.0:exec (ci) @ app ---\n",
        "checking data/prices.csv\n",
        "data/prices.csv: 3 prices above the limit\n",
        "[INFO] ------------------------------------------------------------------------\n",
        "[INFO] BUILD FAILURE\n",
        "[INFO] ------------------------------------------------------------------------\n",
        "[ERROR] Failed to execute goal org.codehaus.mojo:exec-maven-plugin:3.1.0:exec (ci) on project app: Command execution failed. Process exited with an error: 1 (Exit value: 1) -> [Help 1]\n",
        "org.apache.maven.lifecycle.LifecycleExecutionException: Failed to execute goal org.codehaus.mojo:exec-maven-plugin:3.1.0:exec (ci) on project app: Command execution failed.\n",
        "    at org.apache.maven.lifecycle.internal.MojoExecutor.doExecute2 (MojoExecutor.java:375)\n",
        "    at org.apache.maven.lifecycle.internal.MojoExecutor.doExecute (MojoExecutor.java:351)\n",
        "Caused by: org.apache.maven.plugin.MojoExecutionException: Command execution failed.\n",
        "    at org.codehaus.mojo.exec.ExecMojo.execute (ExecMojo.java:492)\n",
        "    at org.apache.maven.plugin.DefaultBuildPluginManager.executeMojo (DefaultBuildPluginManager.java:137)\n",
        "Caused by: org.apache.commons.exec.ExecuteException: Process exited with an error: 1 (Exit value: 1)\n",
        "    at org.apache.commons.exec.DefaultExecutor.executeInternal (DefaultExecutor.java:404)\n",
        "    at org.codehaus.plexus.classworlds.launcher.Launcher.main (Launcher.java:348)\n",
        "[ERROR] \n",
        "[ERROR] Re-run Maven using the -X switch to enable full debug logging.\n",
    ));
    let report = analyze(&log);
    let (start, end, _) = first_excerpt(&report);
    assert_eq!(start, 13, "{report:#?}");
    assert!(end >= 14, "{report:#?}");
    assert!(
        report
            .excerpts
            .iter()
            .all(|e| !e.text.contains("Lifecycle")),
        "{report:#?}"
    );
}

#[test]
fn a_command_s_own_echo_before_its_output_is_not_part_of_what_it_printed() {
    // Line 11: the command, 12: its echo, 13–14: what sha256sum said.
    let log = job(
        "$ echo \"verifying downloads\"; sha256sum -c SHA256SUMS\nverifying downloads\nprotoc-25.1-linux-x86_64.zip: FAILED\nsha256sum: WARNING: 1 computed checksum did NOT match\n",
    );
    let report = assert_first_excerpt(&log, (13, 14));
    assert!(
        excerpt_texts(&report)
            .iter()
            .all(|t| !t.contains("verifying downloads")),
        "{report:#?}"
    );
}

/// A job whose last script entry spans lines (`- |` in the YAML), of which GitLab's and
/// GitFlic's runners echo the first: `first` on line 11, then `output`.
fn collapsed_block(first: &str, output: &str) -> String {
    job(&format!(
        "$ {first} # collapsed multi-line command\n{output}"
    ))
}

#[test]
fn a_multi_line_script_entry_is_told_by_what_it_printed_not_by_its_first_line() {
    const PYTEST: &str = "============================= test session starts ==============================\ncollected 1 item\n\ntests/test_cart.py F                                                     [100%]\n\n=================================== FAILURES ===================================\n______________________________ test_total ______________________________________\n\n    def test_total():\n>       assert total([2, 3]) == 6\nE       assert 5 == 6\n\ntests/test_cart.py:4: AssertionError\n=========================== short test summary info ============================\nFAILED tests/test_cart.py::test_total - assert 5 == 6\n============================== 1 failed in 0.03s ===============================\n";
    // Its first line let an install fail, and named one: neither is what failed.
    let report = analyze(&collapsed_block("pip install -q -e . || true", PYTEST));
    assert_eq!(report.category, Category::TestFailure, "{report:#?}");
    assert_eq!(
        report.failing_command.as_deref(),
        Some("pip install -q -e . || true …")
    );
    // Its first line announces what it runs: the output starts under that.
    let report = analyze(&collapsed_block(
        "echo \"Running the checks\"",
        "Running the checks\nsrc/cart.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n",
    ));
    assert_eq!(first_excerpt(&report).0, 13, "{report:#?}");
    // A first line that goes on to the next is the start of the one command that ran.
    let report = analyze(&collapsed_block(
        "npx eslint \\",
        "/builds/acme/shop/src/cart.js\n  3:7  error  'unused' is assigned a value but never used  no-unused-vars\n\n✖ 1 problem (1 error, 0 warnings)\n",
    ));
    assert_eq!(report.category, Category::Lint, "{report:#?}");
    assert_eq!(report.failing_command.as_deref(), Some("npx eslint …"));
}

#[test]
fn what_an_application_logged_before_a_tool_reported_the_failure_is_not_the_cause() {
    // Line 11: the command; 12–16: an exception the worker logged and retried past; 18–26: the
    // test that failed.
    let log = job(concat!(
        "$ python -m unittest\n",
        "ERROR:app.worker:job 42 failed, will retry\n",
        "Traceback (most recent call last):\n",
        "  File \"/builds/acme/app/app/worker.py\", line 31, in run\n",
        "    result = handler(job)\n",
        "ValueError: bad payload\n",
        ".F\n",
        "======================================================================\n",
        "FAIL: test_total (tests.test_cart.CartTest.test_total)\n",
        "----------------------------------------------------------------------\n",
        "Traceback (most recent call last):\n",
        "  File \"/builds/acme/app/tests/test_cart.py\", line 9, in test_total\n",
        "    self.assertEqual(total([2, 3]), 6)\n",
        "AssertionError: 5 != 6\n",
        "\n",
        "----------------------------------------------------------------------\n",
        "Ran 2 tests in 0.003s\n",
        "\n",
        "FAILED (failures=1)\n",
    ));
    let report = analyze(&log);
    let (start, end, text) = first_excerpt(&report);
    assert!(start <= 19 && end >= 24, "{report:#?}");
    assert!(!text.contains("bad payload"), "{report:#?}");
    // A server the script started logs a network error among a compiler's output.
    let log = job(concat!(
        "$ npx tsc --noEmit\n",
        "2026-12-05 10:00:02,001 ERROR [pool-1] c.a.Client - connection refused: localhost/127.0.0.1:5432\n",
        "src/cart.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n",
    ));
    let report = analyze(&log);
    assert_eq!(report.category, Category::Compilation, "{report:#?}");
    assert_eq!(
        excerpt_texts(&report),
        ["src/cart.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."]
    );
    // The same record, logged as JSON.
    let log = job(concat!(
        "$ npx tsc --noEmit\n",
        "{\"time\":\"2026-12-05T10:00:02Z\",\"level\":\"error\",\"logger\":\"c.a.Client\",\"msg\":\"connection refused: localhost:5432\"}\n",
        "src/cart.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n",
    ));
    assert_eq!(analyze(&log).category, Category::Compilation);
}

#[test]
fn an_application_s_record_the_step_went_on_well_past_is_not_its_answer() {
    // Line 12: a server the script started logs a network error; 13–22: the check's own words.
    let log = job(concat!(
        "$ ./scripts/check-headers.sh\n",
        "2026-12-05 10:00:02,001 ERROR [pool-1] c.a.Client - connection refused: localhost/127.0.0.1:5432\n",
        "checking src/cart.py\n",
        "checking src/tax.py\n",
        "checking src/orders.py\n",
        "checking src/prices.py\n",
        "checking src/users.py\n",
        "checking src/api.py\n",
        "\n",
        "src/tax.py: no licence header\n",
        "src/api.py: no licence header\n",
        "2 of 6 files have no licence header\n",
    ));
    let report = analyze(&log);
    assert_ne!(report.category, Category::Network, "{report:#?}");
    assert!(
        excerpt_texts(&report)
            .iter()
            .all(|t| !t.contains("connection refused")),
        "{report:#?}"
    );
    assert!(
        excerpt_texts(&report)
            .iter()
            .any(|t| t.contains("2 of 6 files have no licence header")),
        "{report:#?}"
    );
}

#[test]
fn a_run_s_closing_count_of_failures_points_back_at_the_failure_it_counts() {
    // A project's own test script, which no rule knows: line 14 is the failed check, 15–20 its
    // report, 27 the count that closes the run, more than ten lines further down.
    let log = job(concat!(
        "$ ./tests/run.sh\n",
        "running 8 checks from tests/\n",
        "[cart_total] passed\n",
        "[cart_discount] failed\n",
        "    discount of 10% on 100\n",
        "    wanted 90, had 100\n",
        "    in check_discount (tests/cart.sh, line 14)\n",
        "    in run_check (tests/lib.sh, line 40)\n",
        "    in run_file (tests/lib.sh, line 62)\n",
        "    in main (tests/run.sh, line 9)\n",
        "[orders_sum] passed\n",
        "[orders_tax] passed\n",
        "[orders_empty] passed\n",
        "[users_login] passed\n",
        "[users_logout] passed\n",
        "\n",
        "Failed: 1.  Passed: 7.\n",
    ));
    let report = analyze(&log);
    let (start, end, text) = first_excerpt(&report);
    assert!(start <= 14 && end >= 16, "{report:#?}");
    assert!(text.contains("wanted 90, had 100"), "{report:#?}");
}

#[test]
fn a_failed_test_s_report_under_a_title_framed_by_rules_is_its_report() {
    // Line 12 marks the test failed, 16–19 is its report under a framed title, 21–22 the list
    // of the tests that failed.
    let log = job(concat!(
        "$ ./build/check\n",
        "test cart_total ... ok\n",
        "test cart_discount ... FAILED\n",
        "test orders_sum ... ok\n",
        "\n",
        "==== cart_discount output ====\n",
        "discount of 10% on 100\n",
        "wanted 90, had 100\n",
        "at tests/cart.c:14\n",
        "\n",
        "failed checks:\n",
        "    cart_discount\n",
        "\n",
        "2 passed; 1 failed\n",
    ));
    let report = analyze(&log);
    let (start, end, text) = first_excerpt(&report);
    assert!(start <= 16 && end >= 19, "{report:#?}");
    assert!(text.contains("wanted 90, had 100"), "{report:#?}");
}

#[test]
fn a_failure_the_program_says_it_went_past_is_not_the_title_of_the_next_error() {
    // Line 12: a failure the tool went on from (`…, skipping`); 13–16: the compiler's error.
    let log = job(concat!(
        "$ make\n",
        "failed to load optional plugin 'coverage-badge', skipping\n",
        "src/cart.c:12:9: error: 'total' undeclared (first use in this function)\n",
        "   12 |         total += price;\n",
        "      |         ^~~~~\n",
        "make: *** [Makefile:4: cart.o] Error 1\n",
    ));
    let report = analyze(&log);
    let (start, _, text) = first_excerpt(&report);
    assert_eq!(start, 13, "{report:#?}");
    assert!(
        excerpt_texts(&report)
            .iter()
            .all(|t| !t.contains("coverage-badge")),
        "{report:#?}"
    );
    assert!(text.contains("'total' undeclared"), "{report:#?}");
}

#[test]
fn a_failed_test_s_title_heads_the_report_its_assertion_closes() {
    // Line 16 titles the failed test; 18–19 quote its code, 21 is the assertion that failed.
    let log = job(concat!(
        "$ ./ci/check\n",
        "checking cart\n",
        "  ok   empty cart\n",
        "  ok   one price\n",
        "\n",
        "FAIL cart › sums two prices\n",
        "\n",
        "    local items = { 2, 3 }\n",
        "    check(total(items) == 5)\n",
        "\n",
        "AssertionError: check failed: total(items) == 5\n",
        "\n",
        "3 passed, 1 failed\n",
    ));
    let report = assert_first_excerpt(&log, (16, 21));
    assert!(
        first_excerpt(&report)
            .2
            .starts_with("FAIL cart › sums two prices"),
        "{report:#?}"
    );
}

#[test]
fn a_test_s_name_framed_by_rules_heads_its_report() {
    // 12–17: the first test's report under its framed name, down to its place; 18–22: the
    // second's.
    let log = job(concat!(
        "$ ./ci/check\n",
        "===================== sums_two_prices =====================\n",
        "\n",
        "    local items = { 2, 3 }\n",
        ">   check(total(items) == 5)\n",
        "AssertionError: check failed: total(items) == 5\n",
        "cart.spec.lua:14: AssertionError\n",
        "===================== applies_discount =====================\n",
        "\n",
        ">   check(discount(100, 10) == 90)\n",
        "AssertionError: check failed: discount(100, 10) == 90\n",
        "cart.spec.lua:22: AssertionError\n",
        "\n",
        "1 passed, 2 failed\n",
    ));
    let report = analyze(&log);
    let (start, end, text) = first_excerpt(&report);
    assert!(start == 12 && end >= 17, "{report:#?}");
    assert!(text.contains("total(items) == 5"), "{report:#?}");
}

#[test]
fn the_next_test_s_framed_title_is_no_source_line_of_a_failure_s_place() {
    // 12–13: the failed test's report; 14: the next test's title, a line under a place that is
    // no source line quoted there.
    let log = job(concat!(
        "$ ./ci/check\n",
        "===================== sums_two_prices =====================\n",
        "tests/cart.check:14: expected 5, got 3\n",
        "===================== slow_total =====================\n",
        "took 3.2 s\n",
        "\n",
        "1 passed, 1 failed\n",
    ));
    assert_first_excerpt(&log, (12, 13));
}

#[test]
fn a_failed_test_s_report_runs_from_its_title_to_the_run_s_verdict() {
    // 12: the title; 14: the assertion; 16–22: the difference and the place, blank lines
    // between; 24: the run's verdict, no part of it.
    let log = job(concat!(
        "$ ./ci/check\n",
        "FAIL cart › sums two prices\n",
        "\n",
        "AssertionError: expected 5, received 3\n",
        "\n",
        "- Expected\n",
        "+ Received\n",
        "\n",
        "- 5\n",
        "+ 3\n",
        "\n",
        " at cart.spec.js:14:5\n",
        "\n",
        "3 passed, 1 failed\n",
    ));
    assert_first_excerpt(&log, (12, 22));
}

#[test]
fn a_failed_test_s_report_indented_under_its_title_ends_where_the_indent_does() {
    // 14: the failed test's title; 15–16 its report; 17: the next test's verdict.
    let log = job(concat!(
        "$ ./ci/check\n",
        "cart\n",
        "  PASS empty cart\n",
        "  FAIL sums two prices\n",
        "    AssertionError: expected 5, got 3\n",
        "      at cart.spec.js:14:5\n",
        "  PASS one price\n",
        "2 passed, 1 failed\n",
    ));
    assert_first_excerpt(&log, (14, 16));
}

#[test]
fn a_weak_line_above_a_failed_test_s_verdict_opens_no_way_into_it() {
    // 12: a weak line; 13–14: Go's verdict on the test; 15–22: its panic, which takes no title
    // from inside the verdict's block.
    let log = job(concat!(
        "$ go test ./...\n",
        "optional plugin 'coverage-badge' failed to load\n",
        "--- FAIL: TestFirst (0.00s)\n",
        "    cart_test.go:10: level=info msg=\"dial tcp: connection refused\"\n",
        "panic: runtime error: invalid memory address or nil pointer dereference [recovered]\n",
        "\tpanic: runtime error: invalid memory address or nil pointer dereference\n",
        "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4f5351]\n",
        "\n",
        "goroutine 18 [running]:\n",
        "example.com/shop.TestFirst(0xc000096680)\n",
        "\t/builds/acme/shop/cart_test.go:12 +0x51\n",
        "FAIL\texample.com/shop\t0.004s\n",
    ));
    let report = analyze(&log);
    assert!(
        report
            .excerpts
            .iter()
            .any(|e| e.text.contains("cart_test.go:12 +0x51")),
        "{report:#?}"
    );
}

#[test]
fn a_count_of_errors_under_a_report_a_weaker_rule_took_points_at_that_report() {
    // 12: a tool's verdict, over the place, the source line and its caret in a shape no rule
    // reads (13–15); 17: its count of errors, which finds no findings of its own above it.
    let log = job(concat!(
        "$ forgec -d build src/Cart.forge\n",
        "Forge compilation aborted:\n",
        "src/Cart.forge: 3: unable to resolve class shop.Rounding\n",
        "   import shop.Rounding\n",
        "   ^\n",
        "\n",
        "1 error\n",
    ));
    assert_first_excerpt(&log, (12, 17));
}

#[test]
fn a_trace_under_a_long_indented_message_takes_the_message_from_its_first_line() {
    // 12: the program's message, 13–21: each place it searched, indented under it; 22: the
    // heading of its trace.
    let log = job(concat!(
        "$ weave render site.wv\n",
        "weave: plugin json could not be loaded; searched:\n",
        "\t./plugins/json.wv\n",
        "\t./plugins/json/init.wv\n",
        "\t/usr/local/share/weave/plugins/json.wv\n",
        "\t/usr/local/share/weave/plugins/json/init.wv\n",
        "\t/usr/share/weave/plugins/json.wv\n",
        "\t/usr/share/weave/plugins/json/init.wv\n",
        "\t/usr/lib/weave/plugins/json.so\n",
        "\t/usr/local/lib/weave/plugins/json.so\n",
        "\t./json.so\n",
        "Backtrace:\n",
        "\tin load_plugin, site.wv line 2\n",
        "\tin main, site.wv line 1\n",
    ));
    assert_headed(&log, (12, 24), "weave: plugin json could not be loaded");
}

#[test]
fn a_verdict_that_says_its_errors_are_above_is_not_the_headline() {
    // 13–15: a compiler's error in words no rule reads; 16: its verdict, pointing above it.
    let log = job(concat!(
        "$ quill build\n",
        "Compiling 3 modules\n",
        "  We found a problem in src/Cart.qu, line 3:\n",
        "    3 | let total: int = \"3\"\n",
        "  This has type string, but somewhere wanted int.\n",
        "Failed to Compile. See Errors Above\n",
    ));
    let report = assert_first_excerpt(&log, (12, 16));
    assert!(
        !report.headline.starts_with("Failed to Compile"),
        "{report:#?}"
    );
}

#[test]
fn a_closing_list_of_links_is_passed_over_for_what_the_tool_found() {
    // 12–14: a checker's findings in a shape no rule reads; 16: its count; 18–20: the pages
    // of its rules, the step's last words.
    let log = job(concat!(
        "$ pagecheck public\n",
        "public/index.html\n",
        "   7:6   problem  <img> lacks a text alternative   img-alt\n",
        "  10:12  problem  the id \"total\" is used twice     unique-id\n",
        "\n",
        "2 problems\n",
        "\n",
        "More information:\n",
        "  https://pagecheck.dev/rules/img-alt\n",
        "  https://pagecheck.dev/rules/unique-id\n",
    ));
    assert_first_excerpt(&log, (12, 16));
}

#[test]
fn a_link_under_a_heading_that_says_what_failed_is_the_error_not_a_reference() {
    // 14–16: the step's last words, a failure with the addresses it could not fetch from.
    let log = job(concat!(
        "$ ./fetch-assets\n",
        "fetching the fonts\n",
        "\n",
        "Could not download from:\n",
        "  https://assets.example.com/fonts.tar.gz\n",
        "  https://mirror.example.com/fonts.tar.gz\n",
    ));
    let report = analyze(&log);
    assert!(
        report
            .excerpts
            .iter()
            .any(|e| e.text.contains("Could not download from:")),
        "{report:#?}"
    );
}

#[test]
fn an_error_make_says_it_ignored_is_not_the_cause_of_the_recipe_that_failed_after_it() {
    // 13: `rm`'s error under a `-` recipe line, which make ignored (14); 16: what the recipe
    // that failed printed, in words no rule reads, over make's report of it (17).
    let log = job(concat!(
        "$ make\n",
        "rm build/*.o\n",
        "rm: cannot remove 'build/*.o': No such file or directory\n",
        "make: [Makefile:4: clean] Error 1 (ignored)\n",
        "./gen-prices data/prices.csv\n",
        "gen-prices: column amount is missing in data/prices.csv\n",
        "make: *** [Makefile:7: prices] Error 1\n",
    ));
    assert_first_excerpt(&log, (16, 17));
}

#[test]
fn a_network_error_the_program_says_it_went_on_past_is_not_the_cause() {
    // 12: a connection the program logged at error level and went on without; 14: the error
    // that stopped the build.
    let log = job(concat!(
        "$ ./build-site\n",
        "ERROR cache: connection refused (falling back to a cold start)\n",
        "rendering 12 pages\n",
        "pages/index.md:4: unknown layout wide\n",
    ));
    let report = assert_first_excerpt(&log, (14, 14));
    assert_eq!(report.category, Category::Compilation, "{report:#?}");
}
