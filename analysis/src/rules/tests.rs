use super::*;

fn rule_of(line: &str) -> Option<&'static str> {
    Rules::get().classify(line).map(|r| r.name)
}

#[test]
fn every_pattern_compiles() {
    for r in RULES.iter() {
        RegexBuilder::new(r.pattern)
            .unicode(false)
            .build()
            .unwrap_or_else(|e| panic!("{}: {e}", r.name));
    }
}

#[test]
fn a_word_in_a_rule_may_be_non_ascii() {
    let line = "src/корзина.c:3:50: error: 'discount' undeclared";
    assert_eq!(
        rule_of(line),
        rule_of("src/cart.c:3:50: error: 'discount' undeclared")
    );
    assert!(rule_of(line).is_some());
}

#[test]
fn tells_patterns_anchored_at_the_line_s_start() {
    for (pattern, anchored) in [
        (r"^error: ", true),
        (r"^a|^b", true),
        (r"^(a|b) c", true),
        (r"^[|(]x|^y", true),
        (r"^a\|b", true),
        (r"^a|b", false),
        (r"a|^b", false),
        (r"(?i)^a", false),
        (r"^a(|b)|c", false),
    ] {
        assert_eq!(anchored_at_start(pattern), anchored, "{pattern}");
    }
}

#[test]
fn the_first_rule_in_order_wins_whichever_set_holds_it() {
    // `node-error` (unanchored) comes before `java-exception` (anchored); both match this line.
    let line = "java.lang.IllegalStateException: cart is empty";
    let node = RULES.iter().position(|r| r.name == "node-error");
    let java = RULES.iter().position(|r| r.name == "java-exception");
    assert!(node < java);
    assert!(!anchored_at_start(RULES[node.unwrap()].pattern));
    assert!(anchored_at_start(RULES[java.unwrap()].pattern));
    assert_eq!(rule_of(line), Some("node-error"));
}

#[test]
fn recognises_tools() {
    let cases = [
        ("error[E0425]: cannot find value `x` in this scope", "rustc"),
        (
            "src/main.c:12:5: error: expected ';' before '}' token",
            "gcc",
        ),
        (
            "src/cart.vala:13.16-13.19: error: The name `summ' does not exist",
            "gcc",
        ),
        ("parse.y:12.3: warning: unused value: $2", "diagnostic"),
        ("Stacktrace:", "trace-heading"),
        ("Call Stack (most recent call first):", "trace-heading"),
        (
            "Thread 0x00007f20439e3b80 (most recent call first):",
            "trace-heading",
        ),
        (":tests/cart.test:2: [Failed]", "bracketed-verdict"),
        (
            "check prices of north.json ...  [FAIL]",
            "bracketed-verdict",
        ),
        (
            "tests/test_native.py .Fatal Python error: Segmentation fault",
            "python-fatal",
        ),
        (
            "thread 'tests::cycle_is_caught' (8770) has overflowed its stack",
            "rust-runtime-abort",
        ),
        (
            "fatal runtime error: stack overflow, aborting",
            "rust-runtime-abort",
        ),
        (
            "error: test failed, to rerun pass `--lib`",
            "cargo-test-wrapper",
        ),
        ("./main.go:5:2: undefined: foo", "go-build"),
        ("--- FAIL: TestParse (0.00s)", "go-test"),
        (
            "FAIL Bug #72294 Segfault in pgsql_stmt_dtor [ext/pdo_pgsql/tests/bug72294.phpt] ",
            "php-run-tests",
        ),
        ("Traceback (most recent call last):", "py-traceback"),
        (
            "ImportError while loading conftest '/builds/shop/tests/conftest.py'.",
            "pytest-import",
        ),
        (
            "/src/cart.nim(5, 26) Error: type mismatch: got 'int'",
            "diagnostic",
        ),
        ("ERROR: /builds/shop/test_cart.pl:4:", "diagnostic"),
        (
            "ModuleNotFoundError: No module named 'requests'",
            "py-import",
        ),
        (
            "src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
            "tsc",
        ),
        (
            "TS2345 [ERROR]: Argument of type 'string[]' is not assignable to parameter of type 'number[]'.",
            "deno-check",
        ),
        ("  We've found a bug for you!", "rescript"),
        (
            "[1] openapi.yaml:14:5 at #/paths/~1carts~1{id}/get/parameters",
            "redocly-problem",
        ),
        ("App.java:5: error: cannot find symbol", "javac"),
        ("E: Unable to locate package libfoo-dev", "apt"),
        (
            "ERROR:  Could not find a valid gem 'rack' (= 99.0) in any repository",
            "gem-bundler",
        ),
        (
            "main.go:6:2: cannot find module providing package github.com/google/uuid: module lookup disabled by GOPROXY=off",
            "go-mod",
        ),
        (
            "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.",
            "pip-resolve",
        ),
        (
            "===> Package not found in any repo: cowboy 2.10.0",
            "package-not-found",
        ),
        (
            "! Finding Mojolicious (9.0) on mirror http://127.0.0.1:9 failed.",
            "package-not-found",
        ),
        (
            "Could not reach host index.rubygems.org. Check your network connection and try",
            "connection",
        ),
        (" > [build 3/3] RUN cargo build --release:", "buildkit-step"),
        (
            "fatal: unable to access 'https://x/': Could not resolve host: x",
            "dns",
        ),
        ("write /tmp/x: no space left on device", "disk-full"),
        (
            "bash: line 1:  7495 Killed                  python3 train.py",
            "oom",
        ),
        (
            "OSError: [Errno 24] Too many open files: 'parts/part-036.csv'",
            "resource-limit",
        ),
        (
            "[ERROR] /builds/acme/shop/src/Money.java: warnings found and -Werror specified",
            "werror",
        ),
        ("scan-build: 2 bugs found.", "analyzer-bugs"),
        ("\tCaused an ERROR", "ant-junit"),
        ("Testcase: total(shop.CartTest):\tFAILED", "ant-junit"),
        (
            r#"File "/builds/acme/shop/cart.py", line 6, in cart.total"#,
            "doctest",
        ),
        (" Failure Details:", "failures-heading"),
        ("There were 2 errors:", "failures-heading"),
        (
            "bash: line 1: 12081 Segmentation fault      ./app",
            "killed-by-signal",
        ),
        ("make: *** [Makefile:2: test] Aborted", "killed-by-signal"),
        (
            "gmake[1]: *** [Makefile:2: test] Aborted",
            "killed-by-signal",
        ),
        ("gmake: *** [Makefile:137: check] Error 2", "make-error"),
        ("mingw32-make: *** [Makefile:9: all] Error 2", "make-error"),
        // SCons reports a failed target in make's words.
        ("scons: *** [build/cart.o] Error 1", "make-error"),
        (
            "cart_test: cart.c:13: main: Assertion `total(prices, 2) == 450' failed.",
            "c-assert",
        ),
        (
            "Jest: Coverage for lines (40%) does not meet \"global\" threshold (90%)",
            "coverage-threshold",
        ),
        (
            "Coverage failure: total of 55 is less than fail-under=90",
            "coverage-threshold",
        ),
        (
            "Line coverage (75.00%) is below the expected minimum coverage (90.00%).",
            "coverage-threshold",
        ),
        (
            "SimpleCov failed with exit 2 due to a coverage related error",
            "coverage-threshold",
        ),
        (
            "The type coverage rate(53.84%) is lower than the target(90%).",
            "coverage-threshold",
        ),
        (
            "(ERROR) Failed minimum line coverage (got 75.0%, minimum 90.0%)",
            "coverage-threshold",
        ),
        (
            "  sync: -slow_test_/0-fun-1-...*timed out*",
            "eunit-timeout",
        ),
        (
            "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
            "oom",
        ),
        (
            "thread 'main' panicked at 'boom', src/main.rs:2:5",
            "rust-panic",
        ),
        (
            // Rust 1.88 and later name the thread's id too.
            "thread 'tests::adds' (31329) panicked at src/lib.rs:17:9:",
            "rust-panic",
        ),
        (
            "_________________________ test_parse _________________________",
            "pytest-section",
        ),
        (
            "_________________________ test_summary _________________________",
            "pytest-section",
        ),
        ("E   assert 10200 == 12000", "pytest-explanation"),
        ("  ● Parser › parses empty input", "jest"),
        ("CartTest > twoPrices() FAILED", "gradle-test"),
        ("CartTest > Nested > twoPrices() FAILED", "gradle-test"),
        ("bash: line 1: foo: command not found", "command-not-found"),
        (
            "ERROR: Migration V3__add_orders.sql failed",
            "flyway-migration",
        ),
        (
            "Package libcurl was not found in the pkg-config search path.",
            "pkg-config-missing",
        ),
        (
            "deploy.sh: line 4: DEPLOY_HOST: unbound variable",
            "shell-error",
        ),
        (
            "deploy.sh: line 5: syntax error near unexpected token `fi'",
            "shell-error",
        ),
        (
            "main.c:(.text+0x11): undefined reference to ‘tax’",
            "linker",
        ),
        (
            "bash: line 1: ./deploy.sh: cannot execute: required file not found",
            "bad-interpreter",
        ),
        (
            "bash: ./deploy.sh: /bin/bash^M: bad interpreter: No such file or directory",
            "bad-interpreter",
        ),
        (
            "PHP Fatal error:  Allowed memory size of 16777216 bytes exhausted (tried to allocate 4096 bytes)",
            "php-memory",
        ),
        (
            "  12:5  error  'x' is defined but never used  no-unused-vars",
            "lint-list",
        ),
        (
            "  2:3   ✖  Unknown property \"colr\"  property-no-unknown",
            "lint-list",
        ),
        ("app.py:3:1: F401 'os' imported but unused", "flake8"),
        ("Failure ('test-cart.R:7'): two prices add up", "testthat"),
        (
            "── 1. Failure: two prices add up (@test-cart.R#7)  ──────────",
            "testthat",
        ),
        ("==== two-1 two prices add up FAILED", "tcltest"),
        (
            "ASSERT:two prices expected:<5> but was:<3>",
            "expected-but-was",
        ),
        ("! LaTeX Error: File `x.sty' not found.", "tex"),
        ("! Missing $ inserted.", "tex"),
        // Behind the `==pid==` prefix, which the engine strips.
        (
            "ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020",
            "memory-error",
        ),
        ("ERROR: libFuzzer: deadly signal", "libfuzzer"),
        (
            "✖ Invalid configuration object. Webpack has been initialized using a configuration object that does not match the API schema.",
            "webpack-schema",
        ),
        (
            "ValidationError: Invalid options object. Babel Loader has been initialized using an options object that does not match the API schema.",
            "webpack-schema",
        ),
        (
            "[  FAILED  ] Percents/Discount.AppliesPercent/2, where GetParam() = (33, 100) (0 ms)",
            "gtest-failed",
        ),
        (
            "** (CompileError) lib/cart.ex:3: undefined function totl/1",
            "elixir-compile",
        ),
        (
            "** (UndefinedFunctionError) function Shop.Cart.totals/1 is undefined or private",
            "elixir-exception",
        ),
        (
            "Coverage test failed, threshold not met:",
            "coverage-threshold",
        ),
        ("test tests/ui/negative_price.rs ... error", "trybuild"),
        ("test tests/ui/private_field.rs ... mismatch", "trybuild"),
        ("Invalid read of size 4", "memory-error"),
        (
            "33 bytes in 3 blocks are definitely lost in loss record 1 of 1",
            "memory-error",
        ),
        (
            "WARNING: ThreadSanitizer: data race (pid=28826)",
            "memory-error",
        ),
        (
            "src/a.c:5:12: runtime error: signed integer overflow",
            "memory-error",
        ),
        ("init terminating in do_boot ({undef,[]})", "erlang-boot"),
        ("In deploy.sh line 2:", "shellcheck"),
        ("WARNING: DATA RACE", "go-race"),
        (" FAIL  sum.test.js > sums", "vitest"),
        (
            "  /src/app/util.py:2:12 - error: Type \"str\" is not assignable",
            "diagnostic",
        ),
        (
            "README.md:2 error MD022/blanks-around-headings Headings should be surrounded by blank lines",
            "diagnostic",
        ),
        (
            "[UNRESOLVED_IMPORT] Could not resolve './cart.js' in src/main.js",
            "unresolved-import",
        ),
        ("cart_SUITE:two failed on line 8", "common-test"),
        ("Failure -> spec/cart_spec.lua @ 4", "busted"),
        ("FAIL: tax_test", "test-verdict-line"),
        ("FAIL: cart_test.go:19: S.TestTotal", "gocheck"),
        (
            "[FATAL] Non-parseable POM /b/pom.xml: Unrecognised tag: 'dependency' @ line 5, column 164",
            "fatal-tag",
        ),
        ("[02:47:04] Task never defined: lint", "task-not-defined"),
        ("Host key verification failed.", "ssh-host-key"),
        (
            "No ED25519 host key is known for [deploy.example]:2222 and you have requested strict checking.",
            "ssh-host-key",
        ),
        (
            " ! [rejected]        HEAD -> main (fetch first)",
            "git-push-rejected",
        ),
        (
            " ! [remote rejected] HEAD -> main (pre-receive hook declined)",
            "git-push-declined",
        ),
        (
            "remote: error: GH006: Protected branch update failed for refs/heads/main.",
            "git-push-declined",
        ),
        (
            "upload failed: dist/shop.zip to s3://shop/shop.zip An error occurred (NoSuchBucket) when calling the PutObject operation: The specified bucket does not exist",
            "aws-error",
        ),
        ("npm error code E403", "npm-auth"),
        (
            "psql:migrations/002.sql:3: ERROR:  column \"cents\" does not exist",
            "postgres-error",
        ),
        ("FATAL:  role \"shop\" does not exist", "postgres-error"),
        (
            "ERROR:  While executing gem ... (Gem::InvalidSpecificationException)",
            "gem-command",
        ),
        (
            "FAIL!  : TestCart::twoItems() Compared values are not the same",
            "qtest",
        ),
        (
            "QFATAL : TestStock::reserveMissing() ASSERT failure in reserve: \"no such shelf\", file ../tst_stock.cpp, line 4",
            "qtest",
        ),
        ("  ╭▸ ./README.md:3:48", "arrow-diagnostic"),
        ("   ,-[src/cart.js:3:3]", "arrow-diagnostic"),
        ("  ╭─[src/cart.js:3:3]", "arrow-diagnostic"),
        ("(fail) sums two prices [1.61ms]", "test-mark-failed"),
        ("  ┌─ /builds/acme/shop/Cargo.toml:5:12", "arrow-diagnostic"),
        (
            "cargo-machete found the following unused dependencies in this directory:",
            "unused-dependencies",
        ),
        (
            "[ALERT]    (2992) : config : parsing [haproxy.cfg:11] : unknown keyword 'bnd' in 'frontend' section",
            "generic-error",
        ),
        (
            "[emerg] 8861#8861: \"proxy_pass\" directive is duplicate in /etc/nginx/conf.d/shop.conf:12",
            "generic-error",
        ),
        (
            "[crit] 7#7: *1 SSL_do_handshake() failed (SSL: error:0A000086)",
            "generic-error",
        ),
        (
            "src/cart.js:3:8 lint/style/noVar  FIXABLE  ━━━━━━━━━━━━━━━━━━━━",
            "biome-diagnostic",
        ),
        (
            "src/tax.js format ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━",
            "biome-diagnostic",
        ),
        ("npm ERR! code E401", "npm-auth"),
        ("Warning: Task \"lint\" not found.", "task-not-defined"),
        (
            "Sums Two Prices                                                       | FAIL |",
            "robot-framework",
        ),
        (
            "The job exceeded the maximum log length, and has been terminated.",
            "log-limit",
        ),
        ("Job's log exceeded limit of 4194304 bytes.", "log-limit"),
        (
            "WARNING: Uploading artifacts as \"archive\" to coordinator... 413 Request Entity Too Large  id=90311 responseStatus=413 Request Entity Too Large status=413 token=glcbt-64",
            "artifacts-upload",
        ),
        (
            "*** WARNING: Service runner-xy3abcd-project-118-concurrent-0-5c1e2d-postgres-0 probably didn't start properly.",
            "service-unhealthy",
        ),
        (
            "No output has been received in the last 10m0s, this potentially indicates a stalled build or something wrong with the build itself.",
            "timeout-ci",
        ),
        ("<450> expected but was", "expected-but-was"),
        ("FAIL in (two-prices) (cart_test.clj:7)", "clojure-test"),
        ("1 error in 2 files", "error-count"),
        ("TypeScript: 2 semantic errors", "error-count"),
        ("FAILED: twoItems", "test-verdict-line"),
        // Ruby's message and class, as Cucumber prints them under the failed step.
        ("      expected 5, got 3 (RuntimeError)", "ruby-exception"),
        ("  ✘ [fail]: adds prices", "test-mark-failed"),
        (
            "Can't locate Money/Exlogare.pm in @INC (you may need to install the Money::Exlogare module)",
            "perl-module",
        ),
        ("[  FAILED  ] Cart.TwoPrices (0 ms)", "gtest-failed"),
        // Ninja's failed build edge names its output, not a test.
        ("• Failure [0.000 seconds]", "ginkgo-spec"),
        // An error under a short label of the runner's (mocha's).
        (
            " Exception during run: Error: `.only` forbidden by --forbid-only",
            "node-error",
        ),
        (
            "1/2 cart  FAIL            0.03s   exit status 1",
            "meson-test",
        ),
        (
            "00:01 +2 ~1 -1: test/cart_test.dart: Cart sums its prices [E]",
            "dart-test",
        ),
        ("  ERROR: 1 dead link found!", "link-check"),
        ("APPLICATION FAILED TO START", "spring-failure-analysis"),
        ("error: 2 vulnerabilities found!", "vulnerabilities-found"),
        ("Vulnerabilities found!", "vulnerabilities-found"),
        // pnpm sets its code off by thin spaces (U+2009).
        (
            "\u{2009}ERR_PNPM_OUTDATED_LOCKFILE\u{2009} Cannot install with \"frozen-lockfile\" because pnpm-lock.yaml is not up to date",
            "frozen-lockfile",
        ),
        (
            "   FAILED  Tests\\Unit\\CartTest > it sums two prices",
            "collision-failed",
        ),
        (
            "ERROR: InvalidReturnType - src/Cart.php:12:29 - The declared return type 'int' is incorrect",
            "diagnostic",
        ),
        (
            "  error - lib/src/cart.dart:14:12 - A value of type 'String' can't be returned",
            "diagnostic",
        ),
        (" [ERROR] Found 2 errors", "error-count"),
        // Starlark's error under Bazel's fetch is not R's (`Error in f(x) : …`).
        (
            "Error in download_and_extract: java.io.IOException: Error downloading [https://example.com/gtest.tar.gz] to /tmp/gtest.tar.gz: Unknown host: example.com",
            "dns",
        ),
        ("Error in `total()`:", "r-check"),
        (
            "Error in library(shop) : there is no package called 'shop'",
            "r-check",
        ),
        (
            "dh_install: error: missing files, aborting",
            "program-error",
        ),
        (
            "report: cannot open feed 'south': no such file",
            "program-error",
        ),
        (
            "/builds/shop/Shop.xcodeproj: error: No signing certificate \"iOS Distribution\" found",
            "program-error",
        ),
        (
            "  [✖] http://127.0.0.1:8080/docs/install → Status: 404",
            "link-check",
        ),
        (
            " 1/2 cart                      FAIL     0.03 s (exit status 1)",
            "meson-test",
        ),
        (
            "Issue: [B602:subprocess_popen_with_shell_equals_true] subprocess call with shell=True identified, security issue.",
            "bandit-issue",
        ),
        ("• [FAILED] [0.001 seconds]", "ginkgo-spec"),
        // Ninja's title over a failed edge, before and after 1.12; a word alone is TestNG's.
        ("FAILED: shop.p/main.c.o ", "ninja-failed-edge"),
        ("FAILED: CMakeFiles/check ", "ninja-failed-edge"),
        ("FAILED: [code=1] check ", "ninja-failed-edge"),
        ("FAILED: twoItems", "test-verdict-line"),
        (
            "no print statements......................................................Failed",
            "pre-commit-hook",
        ),
        ("  Test: two items ...FAILED", "test-summary-failed"),
        (
            "Compilation failed due to warnings while using the --warnings-as-errors option",
            "werror",
        ),
        ("ESLint found too many warnings (maximum: 0).", "werror"),
        ("Aborted with 1 warnings in strict mode!", "werror"),
        ("Oops! Something went wrong! :(", "crash-banner"),
        (
            "2/2 Test #2: sync_test ........................***Timeout   1.01 sec",
            "ctest-timeout",
        ),
        (
            "build finished with problems, 1 warning (with warnings treated as errors).",
            "werror",
        ),
        (
            "No warnings can be incurred under -Werror (or -Xfatal-warnings)",
            "werror",
        ),
        (
            "fatal: [web1]: FAILED! => {\"changed\": false, \"msg\": \"No package matching 'ngnix'\"}",
            "ansible-failed",
        ),
        (
            "fatal: [web1]: UNREACHABLE! => {\"changed\": false, \"msg\": \"Failed to connect to the host via ssh\"}",
            "ansible-unreachable",
        ),
        (
            "fatal: not a git repository (or any of the parent directories): .git",
            "git",
        ),
        (
            "Unhandled TYPE-ERROR in thread #<SB-THREAD:THREAD \"main thread\" RUNNING",
            "lisp-condition",
        ),
        (
            "Unhandled ASDF/FIND-COMPONENT:MISSING-DEPENDENCY in thread #<SB-THREAD:THREAD",
            "lisp-condition",
        ),
        ("  But was:  3", "assertion"),
        ("; caught WARNING:", "lisp-condition"),
        ("Test cart-two-prices condition:", "ert-condition"),
        ("At C:\\build\\deploy.ps1:5 char:1", "powershell"),
        ("Line |", "powershell"),
        ("   [-] adds two prices 9ms (7ms|2ms)", "test-mark-failed"),
        // A tool's own name for what it raised, two words (Jekyll's).
        (
            "  Liquid Exception: Liquid syntax error (line 5): Tag '{%' was not properly terminated in index.html",
            "node-error",
        ),
        (
            "    TypeError [Error]: Cannot read properties of undefined (reading 'x')",
            "node-error",
        ),
        ("  ✖ reads host (0.230584ms)", "test-mark-failed"),
        // Go's runtime error is a panic's, not a sanitizer's.
        (
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "go-panic",
        ),
        (
            "fatal error: all goroutines are asleep - deadlock!",
            "go-fatal",
        ),
        (
            "Fortran runtime error: Index '4' of dimension 1 of array 'prices' above upper bound of 3",
            "fortran-runtime",
        ),
        (
            "===SORRY!=== Error while compiling /builds/acme/shop/lib/Cart.rakumod",
            "raku-sorry",
        ),
        ("  in sub price-of at bin/report.raku line 3", "raku-die"),
        ("  ✕ loads an order (10 ms)", "test-mark-failed"),
        ("  [FAILED] two prices", "bracketed-verdict"),
        ("FAIL (TestExpectedEqual)", "zig-test"),
        (
            "clang: error: linker command failed with exit code 1 (use -v to see invocation)",
            "linker",
        ),
        ("  FAIL  \"two prices\"", "uvu"),
        ("  Failed Shop.Tests.CartTests.TwoPrices [5 ms]", "vstest"),
        ("Failed   TwoPrices", "vstest"),
        ("[info] - should add two prices *** FAILED ***", "scalatest"),
        (
            "Exception encountered when attempting to run a suite with class name: shop.CartSpec *** ABORTED ***",
            "scalatest",
        ),
        (
            "==> X shop.CartSuite.adds two prices  0.031s munit.ComparisonFailException: x",
            "munit",
        ),
        (
            "/src/Shop.csproj : error NU1101: Unable to find package Newtonsoft.Jsonn.",
            "nuget",
        ),
        (
            "CSC : error CS2001: Source file 'Cart.cs' could not be found.",
            "diagnostic",
        ),
        (
            "/src/CartTests.swift:14: error: CartTests.testTwo : XCTAssertEqual failed: (\"3\") is not equal to (\"5\")",
            "xctest-diagnostic",
        ),
        (
            "error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.",
            "frozen-lockfile",
        ),
        (
            " ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with \"frozen-lockfile\" because pnpm-lock.yaml is not up to date with package.json",
            "frozen-lockfile",
        ),
        (
            "➤ YN0028: │ The lockfile would have been modified by this install, which is explicitly forbidden.",
            "frozen-lockfile",
        ),
        (
            "npm error `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync.",
            "npm-code",
        ),
        (
            "│ Error: Reference to undeclared input variable",
            "terraform",
        ),
        (
            "Error from server (BadRequest): error when creating \"k8s/deployment.yaml\": strict decoding error",
            "kube-api-error",
        ),
        (
            "denied: requested access to the resource is denied",
            "permission",
        ),
        (
            "✘ [ERROR] TS2322: Type 'string' is not assignable to type 'number'. [plugin angular-compiler]",
            "esbuild-error",
        ),
        // swiftc always gives a column; XCTest on Linux never does.
        (
            "/src/Cart.swift:9:16: error: cannot convert return expression of type 'String' to return type 'Int'",
            "swiftc",
        ),
    ];
    for (line, expected) in cases {
        assert_eq!(rule_of(line), Some(expected), "{line}");
    }
}

#[test]
fn ignores_noise() {
    for line in [
        "$ make test",
        "test result: ok. 3 passed; 0 failed; 0 ignored",
        "gcc -Werror -c foo.c",
        "   Compiling error-chain v0.12.4",
        "warning: unused variable: `x`",
        "Tests run: 5, Failures: 0, Errors: 0, Skipped: 0",
        "src/app.c:12:1: warning: unused variable 'x'",
        // A diagnostic's or an error's shape on a wrapper's report of how a command exited
        // (Ant's exec task at its line, grunt-exec's): not a diagnostic, not an error.
        "/builds/acme/app/build.xml:3: exec returned: 1",
        "Error executing child process: Error: Process exited with code 1.",
        // tox 3's banner over its environments' verdicts: not a test's title.
        "___________________________________ summary ____________________________________",
        // A traceback's frame is indented: not a doctest report.
        r#"  File "/builds/acme/shop/cart.py", line 6, in total"#,
        "All good",
        "",
        // markdown-link-check's list marks a dead link; its summary below says why.
        "  [✖] http://127.0.0.1:8080/docs/install",
        // package:test's progress line of a passing test, after a failed one.
        "00:01 +3 -1: test/cart_test.dart: Cart keeps one price",
        // Source quoted in a code frame (Ansible's origin, Rust's, Babel's) says what the
        // code holds, not that a connection failed.
        "7         msg: \"cache said: connection refused\"",
        "  12 |     throw new Error('connection refused')",
        "> 3 | retry(ECONNREFUSED)",
        "Checking for gcc... failed to find it in /opt, trying /usr",
        // SLF4J's warning about its binding, which a passing program prints.
        "SLF4J: Failed to load class \"org.slf4j.impl.StaticLoggerBinder\".",
        // A failure the program says, in closing parentheses, that it went on past.
        "optional plugin 'coverage-badge' failed to load (skipping)",
        "cache: warm-up failed (falling back to a cold start)",
        "ERROR: could not load config file .shoprc, using defaults",
    ] {
        assert_eq!(rule_of(line), None, "{line}");
    }
    // A progress line that ends in its verdict is a result.
    assert_eq!(
        rule_of("Checking 'alertmanager.yml'  FAILED: undefined receiver \"oncall\" used in route"),
        Some("failed-word")
    );
    // Unquoted, the same words are an event.
    assert_eq!(
        rule_of("cache said: connection refused"),
        Some("connection")
    );
}

#[test]
fn an_error_named_after_a_tool_or_a_kind_is_an_error() {
    for line in [
        "Forge Error at recipes/shop.rcp:12 (require):",
        "Forge Error: The source directory \"/src\" does not exist.",
        "Fatal Runtime error: heap exhausted",
        "Schema Error:",
        "Project ERROR: Unknown module(s) in QT: charts",
    ] {
        assert_eq!(rule_of(line), Some("named-error"), "{line}");
    }
    // One word before the colon is an exception's name or a bare tag, not a name and the word.
    for line in [
        "Error: no such file",
        "ValidationError: price must be positive",
    ] {
        assert_ne!(rule_of(line), Some("named-error"), "{line}");
    }
    // Three words before it are prose.
    assert_eq!(rule_of("Then The Build Error: none"), None);
}

#[test]
fn a_diagnostic_that_names_its_werror_flag_is_not_a_flag_on_a_command_line() {
    // What makes the flags noise on a compiler's command line would hide any tool's error that
    // names the flag that made it one (GCC's `[-Werror=…]`, Clang's `[-Werror,-W…]`).
    for line in [
        "src/grammar.q(4,2): unused token 'NUM' [-Werror=unused]",
        "src/grammar.q:4:2 error unused token 'NUM' [-Werror,-Wunused]",
    ] {
        assert_eq!(rule_of(line), Some("diagnostic"), "{line}");
    }
    assert_eq!(rule_of("qc -Werror=unused -c src/grammar.q"), None);
}

#[test]
fn a_network_error_that_will_be_retried_is_only_an_attempt() {
    for line in [
        "db: connection refused (retrying)",
        "upstream: 503 Service Unavailable, will retry",
        "connect ECONNREFUSED 127.0.0.1:5432 - Retry in 2s",
    ] {
        assert_eq!(rule_of(line), Some("logged-below-error"), "{line}");
    }
    assert_eq!(
        rule_of("db: connection refused after 3 attempts"),
        Some("connection")
    );
}

#[test]
fn reads_a_level_behind_a_logger_s_fields_and_short_levels() {
    let rules = Rules::get();
    for line in [
        "2026-12-04 12:49:25,572 [MainThread  ] [WARNI]  Failed to get the guidelines",
        "[worker-3] [INFO] connection refused, retrying",
        "10:12:33AM WRN leaks found: 1",
        "10:12:33 INF scan completed in 312ms",
        "[warn] \tmodule not found: org.scalatest#scalatest_2.12;3.0.99",
        "info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.",
        "warning package.json: No license field",
    ] {
        assert!(rules.logged_below_error(line), "{line}");
    }
    for line in [
        "2026-12-04 12:49:25,572 [MainThread  ] [ERROR]  Failed to get the guidelines",
        "10:12:33AM ERR cannot open the repository",
        "[ERROR] Failed to execute goal",
        "[info] - should add two prices *** FAILED ***",
        "error Command failed with exit code 1.",
        "information about the build",
    ] {
        assert!(!rules.logged_below_error(line), "{line}");
    }
    for (line, rule) in [
        ("2 issue(s) found:", "count-heading"),
        ("│ 1 Code Finding │", "count-heading"),
        ("Total: 3 (HIGH: 1, CRITICAL: 2)", "count-heading"),
        (
            "Passed checks: 5, Failed checks: 2, Skipped checks: 0",
            "count-heading",
        ),
        (
            "Finding:     aws_secret_access_key = \"REDACTED\"",
            "gitleaks-finding",
        ),
        ("  Completed with 1 error and 0 warnings:", "count-heading"),
    ] {
        assert_eq!(rule_of(line), Some(rule), "{line}");
    }
    // A place and a name alone lists a place, it reports nothing (type-coverage's untyped
    // identifiers); a place and a message does.
    assert_eq!(rule_of("/builds/acme/shop/src/cart.ts:1:23: prices"), None);
    assert_eq!(
        rule_of("/builds/acme/shop/src/cart.ts:1:23: prices is not defined"),
        Some("diagnostic")
    );
    // No count, or a zero one, heads nothing.
    for line in [
        "Total: 0 (HIGH: 0, CRITICAL: 0)",
        "Passed checks: 7, Failed checks: 0, Skipped checks: 0",
        "0 issue(s) found:",
    ] {
        assert_ne!(rule_of(line), Some("count-heading"), "{line}");
    }
}

#[test]
fn knows_the_flags_that_make_warnings_fatal_and_a_warning_by_its_first_word() {
    assert!(Rules::makes_warnings_fatal(
        "yard doc --fail-on-warning lib"
    ));
    assert!(Rules::makes_warnings_fatal(
        "npx eslint --max-warnings 0 src"
    ));
    assert!(!Rules::makes_warnings_fatal("yard doc lib"));
    for line in [
        "[warn]: @param tag has unknown parameter name: qty",
        "WARNING: x",
        "warning: y",
    ] {
        assert!(Rules::is_warning(line), "{line}");
    }
    // Maven's tag on whatever it logs at that level, and words that only start like one.
    for line in [
        "[WARNING] The artifact x has been relocated",
        "warnings: 0",
        "Warned once",
    ] {
        assert!(!Rules::is_warning(line), "{line}");
    }
}
