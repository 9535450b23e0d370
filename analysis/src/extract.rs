//! Facts pulled out of the decisive lines: file locations, failing test names, fingerprints.

use regex::Regex;
use regex::bytes::{Regex as ByteRegex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

pub(super) fn location_patterns() -> &'static [Regex] {
    static CELL: OnceLock<Vec<Regex>> = OnceLock::new();
    CELL.get_or_init(|| {
        [
            // Python: File "path", line N; PyYAML: in "path", line N, column M
            r#"File "(?P<path>[^"<>]+)", line (?P<line>\d+)"#,
            r#"in "(?P<path>[^"<>]+)", line (?P<line>\d+), column (?P<col>\d+)"#,
            // javac via Maven: path.java:[12,5]; SpotBugs/FindBugs: Cart.java:[line 18]
            r"(?P<path>[\w./\\-]+\.\w+):\[(line )?(?P<line>\d+)(,(?P<col>\d+))?\]",
            // tsc / MSBuild: path.ts(12,5); Nim: path.nim(12, 5)
            r"(?P<path>[\w./\\-]+\.\w+)\((?P<line>\d+), ?(?P<col>\d+)\)",
            // Ruby/Perl: path line N / path:N:in; Terraform: on main.tf line 14
            r"(at|on) (?P<path>[\w./-]+\.\w+) line (?P<line>\d+)",
            // QTest: Loc: [../tst_cart.cpp(8)]; Qt's Q_ASSERT: …, file ../cart.cpp, line 4
            r"Loc: \[(?P<path>[^\]()]+\.\w+)\((?P<line>\d+)\)\]",
            r", file (?P<path>[\w./-]+\.\w+), line (?P<line>\d+)",
            // A line of a file in words: gfortran's `At line 8 of file src/cart.f90`, Apache's
            // `Syntax error on line 12 of /etc/httpd.conf:`; Graphviz's `Error: x.dot: syntax
            // error in line 5 near ';'`.
            r"(?-u:\b)[Ll]ine (?P<line>\d+) of (?:file )?(?P<path>[\w./-]+\.\w+)",
            // libxslt's and libxml's `compilation error: file xsl/invoice.xsl line 6 element …`.
            r"(?-u:\b)file (?P<path>[\w./-]+\.\w+),? line (?P<line>\d+)",
            // puppet-lint's `manifests/init.pp - WARNING: unquoted file mode on line 5`.
            r"(?P<path>[\w./-]+\.[A-Za-z]\w*)(?:: | - ).*?(?-u:\b)(?:in|on|at) line (?P<line>\d+)",
            // POSIX sh (dash, BusyBox ash) names a script's line as `scripts/test.sh: 4: `.
            r"^(?P<path>[\w./-]+\.[A-Za-z]\w*): (?P<line>\d+): ",
            // .NET's frames (`in /src/CartTests.cs:line 11`), Pester 4's (`Cart.Tests.ps1: line 9`)
            r"(?P<path>(?:\b[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.\w+): ?line (?P<line>\d+)",
            // path:line[:col] (rustc's -->, gcc, go, eslint's file header is separate); a
            // drive letter only where a word does not go on into it (`psql:migrations/x.sql:3`).
            // The GNU standard's `path:line.col:` and `path:line.col-line.col:` (Vala, Bison).
            r"(?P<path>(?:\b[A-Za-z]:)?[\w.@~/\\+-]*[\w-]\.[A-Za-z][\w]{0,9}):(?P<line>\d+)(:(?P<col>\d+)|\.(?P<gnu_col>\d+)(?:-\d+(?:\.\d+)?)?:)?",
        ]
        .iter()
        .map(|p| Regex::new(p).expect("location pattern compiles"))
        .collect()
    })
}

/// The locations with paths under the project's checkout made relative to it (what a link to
/// the repository's file needs), the same place named twice kept once.
pub fn relative(locations: Vec<Location>, checkout: Option<&str>) -> Vec<Location> {
    let Some(dir) = checkout else {
        return locations;
    };
    let mut out: Vec<Location> = Vec::with_capacity(locations.len());
    for mut location in locations {
        if let Some(rest) = location
            .path
            .strip_prefix(dir)
            .and_then(|r| r.strip_prefix('/'))
        {
            location.path = rest.to_owned();
        }
        if !out.contains(&location) {
            out.push(location);
        }
    }
    out
}

/// Whether a line is a frame of the JVM's own classes, of a test framework or of a build tool's
/// test launcher (Surefire's booter, Gradle's workers, sbt's runner), or such an exception's
/// line: it names a bare file (Integer.java, MatcherAssert.java) that is not the project's.
/// JUnit 5's console prints frames without their `at `.
pub(crate) fn framework_frame(line: &str) -> bool {
    const FRAMEWORKS: [&str; 21] = [
        "java.",
        "javax.",
        "sun.",
        "jdk.",
        "kotlin.",
        "org.junit.",
        "junit.framework.",
        "org.hamcrest.",
        "org.opentest4j.",
        "org.assertj.",
        "org.testng.",
        "org.mockito.",
        "org.scalatest.",
        "munit.",
        "scala.",
        "org.apache.maven.",
        "org.gradle.",
        "worker.org.gradle.",
        "sbt.",
        "xsbt.",
        "org.codehaus.plexus.classworlds.",
    ];
    let frame = outside_tree(line);
    let frame = frame.strip_prefix("at ").unwrap_or(frame);
    line.contains("java.base/") || FRAMEWORKS.iter().any(|p| frame.starts_with(p))
}

/// A line without the indent and the tree's rules a runner draws it in (JUnit 5's
/// `│  │  │   at CartTest.twoPrices(…)`).
pub(crate) fn outside_tree(line: &str) -> &str {
    line.trim_start_matches(|c: char| c.is_whitespace() || "│├└─".contains(c))
}

/// Paths that belong to a toolchain or a dependency rather than the project.
pub(crate) fn is_foreign(path: &str) -> bool {
    const FOREIGN: &[&str] = &[
        "node_modules/",
        "site-packages/",
        "dist-packages/",
        "/.cargo/registry/",
        "/rustc/",
        // The sanitizers' and glibc's own sources, in their frames.
        "libsanitizer/",
        "sysdeps/",
        "/usr/lib/",
        "/usr/local/lib/",
        "/usr/share/",
        "/usr/include/",
        // Go's and Node's own internal packages (`go/src/internal/poll`), not a project's own
        // `internal/` folder at its root.
        "/internal/",
        ":internal/",
        "<",
        "/.m2/",
        "/.gradle/",
        "/gems/",
        "/.rbenv/",
        "/.pyenv/",
        "/go/pkg/mod/",
        "/library/std/",
        "/src/libcore/",
        "/src/libstd/",
        "/lib/python",
    ];
    FOREIGN.iter().any(|f| path.contains(f))
        || !path.contains(['/', '\\']) && path.ends_with(".js") && path.starts_with("module")
}

/// Whether `line` names a place in a file, as [`locations`] reads one.
pub(crate) fn names_a_place(line: &str) -> bool {
    !locations([line], 1).is_empty()
}

/// Up to `max` distinct locations in `lines`, the project's own files first.
pub fn locations<'a>(lines: impl IntoIterator<Item = &'a str>, max: usize) -> Vec<Location> {
    let mut marked = Vec::new();
    let mut own = Vec::new();
    let mut foreign = Vec::new();
    let mut framework = Vec::new();
    for line in lines {
        // A list of places with one marked as where it failed (CHICKEN's call history ends on
        // `cart.scm:12: discount	<--`): that one comes first.
        let is_marked = line.trim_end().ends_with("<--");
        let jdk_frame = framework_frame(line);
        for pattern in location_patterns() {
            for caps in pattern.captures_iter(line) {
                let mut path = &caps["path"];
                // A file URL (Node's ESM frames: `(file:///builds/x/test.mjs:10:31)`) names a
                // path, and so does a source map's webpack URL (Cypress' frames:
                // `webpack://shop/./cypress/e2e/cart.cy.ts:14:30`, after the project's name);
                // other URLs' `//host` parts do not.
                let before = caps.name("path").map_or("", |p| &line[..p.start()]);
                if before.ends_with("file:") {
                    path = path.strip_prefix("//").unwrap_or(path);
                } else if before.ends_with("webpack:") {
                    path = path
                        .strip_prefix("//")
                        .and_then(|p| p.split_once('/'))
                        .map_or(path, |(_, p)| p);
                }
                let path = path.trim_start_matches("./").to_owned();
                let Ok(line_no) = caps["line"].parse::<u32>() else {
                    continue;
                };
                // Version numbers (1.2:3, a Maven coordinate's `plugin:3.9.9`) and URLs'
                // host:port are not locations.
                let after = caps.get(0).map_or("", |m| &line[m.end()..]);
                let version = after
                    .strip_prefix('.')
                    .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
                // A host name and its port (`repo.maven.apache.org:443`, a mirror's
                // `npm.internal-mirror.example:8080`) is no file either.
                let host = !path.contains(['/', '\\'])
                    && path.matches('.').count() >= 2
                    && path.rsplit('.').next().is_some_and(|tld| {
                        [
                            "com", "org", "net", "io", "ru", "su", "dev", "cloud", "app", "space",
                            "info", "me", "co", "us", "de", "uk", "edu", "gov", "ai", "example",
                            "internal", "local", "lan", "corp",
                        ]
                        .contains(&tld)
                    });
                if line_no == 0
                    || version
                    || host
                    || path.contains("://")
                    || path.starts_with("//")
                    || path.chars().all(|c| c.is_ascii_digit() || c == '.')
                {
                    continue;
                }
                // A folder given with its slash and joined to a name (`manifests//init.pp`).
                let location = Location {
                    path: path.replace("//", "/"),
                    line: line_no,
                    column: (caps.name("col").or_else(|| caps.name("gnu_col")))
                        .and_then(|c| c.as_str().parse().ok()),
                };
                let seen = marked.contains(&location)
                    || own.contains(&location)
                    || foreign.contains(&location)
                    || framework.contains(&location);
                if is_marked {
                    own.retain(|l| *l != location);
                    foreign.retain(|l| *l != location);
                    framework.retain(|l| *l != location);
                    if !marked.contains(&location) {
                        marked.push(location);
                    }
                } else if !seen {
                    if jdk_frame {
                        framework.push(location);
                    } else if is_foreign(&location.path) {
                        foreign.push(location);
                    } else {
                        own.push(location);
                    }
                }
            }
        }
    }
    marked.extend(own);
    marked.extend(foreign);
    // The JVM's and the frameworks' frames say where the project's code called them, which
    // its own frame says better: they stand only for a trace with no frame of the project.
    if marked.is_empty() {
        marked = framework;
    }
    marked.truncate(max);
    marked
}

/// Test-report patterns; each names the failed test in its `name` group.
pub(super) struct TestPatterns {
    /// All of them at once: most lines match none, and one set search is much cheaper than a
    /// capturing search per pattern.
    any: RegexSet,
    each: Vec<ByteRegex>,
}

pub(super) fn test_patterns() -> &'static TestPatterns {
    static CELL: OnceLock<TestPatterns> = OnceLock::new();
    CELL.get_or_init(|| {
        let patterns = [
            r"^\s*--- FAIL: (?P<name>\S+)",
            r"^\s*\[FAILED\] (?P<name>.+)$",
            // GoogleTest's verdict, with the time it took (its closing list repeats the names
            // without it): `[  FAILED  ] Cart.Sums (0 ms)`, a parameter's after `, where`.
            r"^\[  FAILED  \] (?P<name>[^\s,]+)(, where .+)? \(\d+ ms\)$",
            r#"^\s*FAIL\s+"(?P<name>[^"]+)"\s*$"#,
            r"^---- (?P<name>\S+) stdout ----$",
            // libtest's `test tests::two ... FAILED` (a doctest's name has spaces: `src/lib.rs -
            // total (line 3)`), Deno's `two prices ... FAILED (1ms)`.
            r"^test (?P<name>\S+)( - should panic)? \.\.\. FAILED$",
            // trybuild's verdict on a compile-fail case: `test tests/ui/a.rs ... mismatch`.
            r"^test (?P<name>\S+\.rs) \.\.\. (error|mismatch)$",
            // subunit-trace's (stestr's) worker and time around the name: `{0} name [0.0001s]`.
            r"^(test |\{\d+\} )?(?P<name>\S.*?)( \[[\d.]+s\])? \.\.\. FAILED( \([\d.]+[^)\s]*\))?$",
            r"^_{3,} (?P<name>[^\s:]([^:]|:[^ ])*?) _{3,}$",
            r"^(FAILED|ERROR) (?P<name>\S+::\S+)",
            // QTest: `FAIL!  : TestCart::twoItems() Compared values are not the same`
            r"^FAIL! +: (?P<name>\S+?)\(",
            r"^\s*● (?P<name>.+?)\s*$",
            // Surefire's verdict on a test, tagged or not, with its class (JUnit 4) or without
            // (JUnit 5), and its summary line (`[ERROR]   CartTest.twoPrices:7 message`).
            r"^(\[ERROR\] )?(?P<name>[\w$]+(\([\w.$]+\))?)\s+Time elapsed.*<<< (FAILURE|ERROR)!",
            r"^\[ERROR\]\s+(?P<name>[\w.$]+\.[\w$]+):\d+",
            // JUnit 4's console (`1) twoPrices(CartTest)`), JUnit 5's tree (`├─ twoPrices() ✘`),
            // Gradle's (`CartTest > twoPrices FAILED`).
            r"^\d+\) (?P<name>[\w$]+\([\w.$]+\))$",
            r"(├|└)─ (?P<name>[\w$]+\(.*?\)) ✘",
            r"^(?P<name>[\w.$]+ > .+?) FAILED$",
            r"^\d+\) (?P<name>[\w\\]+::\w+)",
            // NUnit's `1) Test Failure : CartTest.TwoPrices`; RSpec's, Jasmine's, Hspec's and
            // mocha's numbered reports (`  1) cart adds two prices`).
            r"^\d+\) Test (Failure|Error) : (?P<name>\S+)",
            r"^\s*\d+\) (?P<name>[^\s(].*?):?$",
            // unittest's `FAIL: test_x (module.Class.test_x)`, automake's `FAIL: name`, TestNG's
            // `FAILED: name`, EUnit's `cart: total_test...*failed*`, JUnit 5's Failures block,
            // Tasty's `  two prices: FAIL`.
            r"^(FAIL|ERROR): (?P<name>\w+) \(",
            // zope.testrunner's `Failure in test name (module.Class.name)`, green's `Error in
            // module.Class.name` over its traceback, Twisted trial's verbose `name ... [FAIL]`.
            r"^(Failure|Error) in test (?P<name>\w+) \(",
            r"^(Failure|Error) in (?P<name>\w+(\.\w+)+)$",
            r"^\s+(?P<name>\w+) \.\.\. +\[(FAIL|ERROR)\]$",
            r"^(FAIL|XPASS): (?P<name>\S+)$|^FAILED: (?P<method>[A-Za-z_]\w*)(\(.*\))?$",
            r"^\s*(?P<name>\w+: \w+)\.\.\.\*failed\*",
            r"^\s*JUnit (Jupiter|Vintage):(?P<name>[\w$.]+:[\w$]+\(.*?\))",
            r"^\s+(?P<name>\S.*?): FAIL$",
            r"^\s+\d+\) test (?P<name>.+) \(\S+\)$",
            r"^(?P<name>[\w:]+#test_\w+)",
            // ScalaTest's `- adds two prices *** FAILED ***` (sbt tags it `[info]`), munit's
            // `==> X Suite.name  0.03s …`, the .NET test platform's `Failed Name [5 ms]` and
            // xUnit's `[xUnit.net 00:00:00.31]     Name [FAIL]`, XCTest's `Test Case 'name' failed`
            // (`-[Module.Class testName]` on macOS), and xcpretty's `✗ testName, message`.
            r"^(\[info\] )?\s*- (?P<name>.+?) \*\*\* FAILED \*\*\*",
            r"^==> X (?P<name>\S.*?)  \d",
            r"^\s*Failed\s+(?P<name>[\w.$+`<>,()\[\]-]+)( \[[\d.]+ m?s\])?$",
            r"^\[xUnit\.net [\d:.]+\]\s+(?P<name>\S+) \[FAIL\]$",
            r"^Test Case '(-\[)?(?P<name>[^' \]]+( [^'\]]+)?)\]?' failed",
            r"^\s*✗ (?P<name>test\w*), ",
            // Karma's progress reporter: `Chrome Headless 130.0.0.0 (Linux x86_64) Suite test FAILED`.
            r"^[A-Z][\w .]* \([^)]*\) (?P<name>.+) FAILED$",
            // A runner's progress mark, without AVA's `[fail]:` and the duration after the name
            // (`(3 ms)`, Pester's `9ms (7ms|2ms)`).
            r"^\s*(✕|✗|✘|✖|×|\[-\]|\(fail\)) (\[fail\]: )?(?P<name>.+?)( \(\d+(\.\d+)? ?m?s\)| \[\d+(\.\d+)?m?s\]| \d+(\.\d+)?m?s( \([\d.ms|]+\))?)?$",
            // TAP's directive after a `#` (node-tap's `# time=589.847ms`, `# TODO`) is no
            // part of the name.
            r"^\s*not ok \d+( -)? (?P<name>.+?)( # .*)?$",
            r"^Test (?P<name>\S+) condition:$",
        ];
        // Byte-oriented and ASCII-only classes (`\s`): the set's automaton stays small, and a
        // name's other bytes (`›`, `●`) are matched as they come; a word may be non-ASCII.
        TestPatterns {
            any: RegexSetBuilder::new(patterns.iter().map(|p| crate::patterns::utf8_words(p)))
                .unicode(false)
                .build()
                .expect("test patterns compile"),
            each: patterns
                .iter()
                .map(|p| {
                    RegexBuilder::new(&crate::patterns::utf8_words(p))
                        .unicode(false)
                        .build()
                        .expect("test pattern compiles")
                })
                .collect(),
        }
    })
}

/// The name of the test a line reports as failed, if it is such a line.
pub fn failing_test(line: &str) -> Option<String> {
    let patterns = test_patterns();
    // The first pattern that matches, as the table orders them.
    let first = patterns.any.matches(line.as_bytes()).into_iter().next()?;
    patterns.each[first]
        .captures(line.as_bytes())
        .and_then(|c| c.name("name").or_else(|| c.name("method")))
        .map(|name| {
            // Playwright rules its test's title off to the line's width (`› name ────`).
            let name = String::from_utf8_lossy(name.as_bytes());
            jvm_test_name(name.trim_end_matches([' ', '─', '━', '═']).trim())
        })
        .filter(|name| !name.is_empty() && name.len() <= 300 && !a_message(name))
}

/// Whether what a failure mark precedes is a tool's message, not a test's name: a count
/// (ESLint's `✖ 3 problems`), a tag (`✘ [ERROR] …`, `ERROR: …`), a sentence (pip's `×
/// Preparing metadata … did not run successfully.`), a build's verdict (`✗ Build failed in`).
fn a_message(name: &str) -> bool {
    let first = name.split_whitespace().next().unwrap_or_default();
    name.starts_with(|c: char| c.is_ascii_digit() || c == '[')
        || name.ends_with('.')
        || first.ends_with(':') && first.bytes().all(|b| b.is_ascii_uppercase() || b == b':')
        || name.to_ascii_lowercase().contains("failed in")
}

/// A JVM runner's `method(package.Class)` (JUnit 4, Surefire) as `Class.method`, the form of
/// Surefire's summary, so that one test has one name; `method()` (JUnit 5) as `method`.
fn jvm_test_name(name: &str) -> String {
    let called = name
        .strip_suffix(')')
        .and_then(|n| n.split_once('('))
        .filter(|_| !name.contains(char::is_whitespace));
    match called {
        // JUnit 5's `Class:method(params)`.
        Some((qualified, _)) if qualified.contains(':') => qualified.replacen(':', ".", 1),
        Some((method, "")) => method.to_owned(),
        Some((method, class)) => {
            format!("{}.{method}", class.rsplit('.').next().unwrap_or(class))
        }
        None => name.to_owned(),
    }
}

pub(super) fn volatile() -> &'static [(Regex, &'static str)] {
    static CELL: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    CELL.get_or_init(|| {
        [
            (r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?", "<time>"),
            (r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", "<uuid>"),
            (r"(?i)\b0x[0-9a-f]+\b|\b[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*\b|\b[0-9a-f]*[a-f][0-9a-f]*\d[0-9a-f]*\b", "<hex>"),
            (r"(/tmp|/var/folders|/private/var|C:\\Users\\[^\\]+\\AppData\\Local\\Temp)/\S*", "<tmp>"),
            (r"\d+(\.\d+)?\s?(ms|s|sec|seconds|m|min|h)\b", "<duration>"),
            (r"\d+", "<n>"),
            (r"\s+", " "),
        ]
        .iter()
        .map(|(p, r)| (Regex::new(p).expect("volatile pattern compiles"), *r))
        .collect()
    })
}

/// A stable id for a failure: the rule that fired and its decisive lines with everything that
/// changes between runs (times, durations, hashes, ids, temporary paths, numbers) normalised.
pub fn fingerprint<'a>(rule: &str, lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(rule.as_bytes());
    for line in lines {
        let mut text = line.trim().to_owned();
        for (pattern, replacement) in volatile() {
            text = pattern.replace_all(&text, *replacement).into_owned();
        }
        hasher.update(b"\n");
        hasher.update(text.as_bytes());
    }
    hex::encode(&hasher.finalize()[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each location's file and line.
    fn places(found: &[Location]) -> Vec<(&str, u32)> {
        found.iter().map(|l| (l.path.as_str(), l.line)).collect()
    }

    #[test]
    fn finds_locations_of_many_tools_project_files_first() {
        let lines = [
            "  --> src/main.rs:12:5",
            r#"  File "/usr/lib/python3/site-packages/x.py", line 3, in f"#,
            r#"  File "app/models.py", line 41, in save"#,
            "[ERROR] /build/App.java:[7,13] cannot find symbol",
            "src/index.ts(3,7): error TS2322",
            "Connect timeout at t/https.t line 17.",
            "version 1.2:3 and https://example.com:443/x",
            "could not resolve plugin artifact 'org.example.boot:org.example.boot.gradle.plugin:3.9.9'",
            "   at Shop.CartTests.Two() in /src/CartTests.cs:line 11",
            "      at <ScriptBlock>, /src/Cart.Tests.ps1: line 9",
            "    at munit.Assertions.failComparison(Assertions.scala:274)",
            "│   on main.tf line 14, in resource \"yandex_compute_instance\" \"web\":",
            "      at Context.eval (webpack://shop/./cypress/e2e/cart.cy.ts:14:30)",
            "Connect to repo.maven.apache.org:443 [repo.maven.apache.org/151.101.0.215] failed",
            "    actual: npm.internal-mirror.example:8080",
            "   Loc: [../tst_cart.cpp(8)]",
            "QFATAL : TestStock::reserveMissing() ASSERT failure in reserve: \"no such shelf\", file ../tst_stock.cpp, line 4",
            "At line 8 of file src/cart.f90",
            "AH00526: Syntax error on line 12 of /etc/apache2/sites-enabled/shop.conf:",
            "Error: docs/arch.dot: syntax error in line 5 near ';'",
            "scripts/test.sh: 4: source: not found",
            "manifests//init.pp - WARNING: unquoted file mode on line 5 (check: unquoted_file_mode)",
            "compilation error: file xsl/invoice.xsl line 6 element for-each",
            "see line 3 of 10 and sh: 1: source: not found",
            "src/cart.vala:13.16-13.19: error: The name `summ' does not exist",
            "parse.y:12.3: error: syntax error",
        ];
        let found = locations(lines, 21);
        assert_eq!(
            places(&found),
            vec![
                ("src/main.rs", 12),
                ("app/models.py", 41),
                ("/build/App.java", 7),
                ("src/index.ts", 3),
                ("t/https.t", 17),
                ("/src/CartTests.cs", 11),
                ("/src/Cart.Tests.ps1", 9),
                ("main.tf", 14),
                ("cypress/e2e/cart.cy.ts", 14),
                ("../tst_cart.cpp", 8),
                ("../tst_stock.cpp", 4),
                ("src/cart.f90", 8),
                ("/etc/apache2/sites-enabled/shop.conf", 12),
                ("docs/arch.dot", 5),
                ("scripts/test.sh", 4),
                ("manifests/init.pp", 5),
                ("xsl/invoice.xsl", 6),
                ("src/cart.vala", 13),
                ("parse.y", 12),
                ("/usr/lib/python3/site-packages/x.py", 3),
            ]
        );
        assert_eq!(found[0].column, Some(5));
        assert_eq!(found[17].column, Some(16));
    }

    #[test]
    fn the_jvm_s_and_the_frameworks_frames_stand_only_for_a_trace_with_none_of_the_project_s() {
        let trace = [
            "java.lang.AssertionError: expected:<6> but was:<7>",
            "\tat org.junit.Assert.fail(Assert.java:88)",
            "\tat com.acme.shop.CartTest.totalSumsPrices(CartTest.java:14)",
            "\tat sun.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:62)",
            "\tat org.apache.maven.surefire.junit4.JUnit4Provider.execute(JUnit4Provider.java:252)",
            "\tat org.gradle.api.internal.tasks.testing.SuiteTestClassProcessor.processTestClass(SuiteTestClassProcessor.java:51)",
        ];
        assert_eq!(places(&locations(trace, 3)), [("CartTest.java", 14)]);
        let unresolved = [
            "sbt.ResolveException: unresolved dependency: org.acme#shop_2.12;1.0: not found",
            "\tat sbt.IvyActions$.resolve(IvyActions.scala:313)",
            "\tat xsbt.boot.Boot.main(Boot.scala:17)",
        ];
        assert_eq!(
            places(&locations(unresolved, 3)),
            [("IvyActions.scala", 313), ("Boot.scala", 17)]
        );
    }

    #[test]
    fn a_place_marked_as_where_it_failed_comes_first() {
        let history = [
            "\tcart.scm:10: total\t  ",
            "\tcart.scm:12: total\t  ",
            "\tcart.scm:12: discount\t  \t<--",
        ];
        let lines: Vec<u32> = locations(history, 3).iter().map(|l| l.line).collect();
        assert_eq!(lines, vec![12, 10]);
    }

    #[test]
    fn names_failing_tests() {
        assert_eq!(
            failing_test("not ok 3 - tapt.js # time=589.847ms").as_deref(),
            Some("tapt.js")
        );
        assert_eq!(
            failing_test("    not ok 1 - sums nothing").as_deref(),
            Some("sums nothing")
        );
        assert_eq!(
            failing_test("FAIL!  : TestCart::twoItems() Compared values are not the same")
                .as_deref(),
            Some("TestCart::twoItems")
        );
        assert_eq!(
            failing_test("--- FAIL: TestParse (0.01s)").as_deref(),
            Some("TestParse")
        );
        assert_eq!(
            failing_test("[  FAILED  ] Half/1.TwiceIsTheWhole, where TypeParam = int (0 ms)")
                .as_deref(),
            Some("Half/1.TwiceIsTheWhole")
        );
        assert_eq!(
            failing_test("test tests/ui/private_field.rs ... mismatch").as_deref(),
            Some("tests/ui/private_field.rs")
        );
        assert_eq!(
            failing_test("test tests::rejects_letters - should panic ... FAILED").as_deref(),
            Some("tests::rejects_letters")
        );
        assert_eq!(
            failing_test("test src/lib.rs - total (line 3) ... FAILED").as_deref(),
            Some("src/lib.rs - total (line 3)")
        );
        assert_eq!(
            failing_test("two prices ... FAILED (1ms)").as_deref(),
            Some("two prices")
        );
        assert_eq!(
            failing_test("{0} shop.tests.StockTest.test_reserve [0.000041s] ... FAILED").as_deref(),
            Some("shop.tests.StockTest.test_reserve")
        );
        assert_eq!(
            failing_test("Failure in test test_rounding (shop.tests.VatTest.test_rounding)")
                .as_deref(),
            Some("test_rounding")
        );
        assert_eq!(
            failing_test("Error in shop.test_discount.DiscountTest.test_code").as_deref(),
            Some("shop.test_discount.DiscountTest.test_code")
        );
        assert_eq!(failing_test("Error in main"), None);
        assert_eq!(
            failing_test("    test_two_prices ...                       [FAIL]").as_deref(),
            Some("test_two_prices")
        );
        assert_eq!(
            failing_test("---- tests::parses_empty stdout ----").as_deref(),
            Some("tests::parses_empty")
        );
        assert_eq!(
            failing_test("FAILED tests/test_x.py::test_y - assert 1 == 2").as_deref(),
            Some("tests/test_x.py::test_y")
        );
        assert_eq!(
            failing_test("  ● Parser › parses empty input").as_deref(),
            Some("Parser › parses empty input")
        );
        // Progress marks, without the runner's tag and the duration.
        assert_eq!(
            failing_test("  ✘ [fail]: adds prices").as_deref(),
            Some("adds prices")
        );
        assert_eq!(
            failing_test("   [-] adds two prices 9ms (7ms|2ms)").as_deref(),
            Some("adds two prices")
        );
        assert_eq!(
            failing_test("  ✖ reads host (0.230584ms)").as_deref(),
            Some("reads host")
        );
        // The JVM's runners: Surefire's verdicts and summary, JUnit 4's and 5's consoles, Gradle.
        for (line, name) in [
            (
                "[ERROR] rounding(shop.TaxTest)  Time elapsed: 0 s  <<< FAILURE!",
                "TaxTest.rounding",
            ),
            (
                "[ERROR] twoPrices  Time elapsed: 0.028 s  <<< FAILURE!",
                "twoPrices",
            ),
            (
                "[ERROR]   TaxTest.rounding:6 tax of 1025 cents expected:<210> but was:<205>",
                "TaxTest.rounding",
            ),
            ("1) twoPrices(CartTest)", "CartTest.twoPrices"),
            (
                "│     ├─ twoPrices() ✘ total of two prices ==> expected: <5> but was: <3>",
                "twoPrices",
            ),
            ("CartTest > twoPrices FAILED", "CartTest > twoPrices"),
            ("  JUnit Jupiter:CartTest:unknown()", "CartTest.unknown"),
            ("1) Test Failure : CartTest.TwoPrices", "CartTest.TwoPrices"),
            ("  1) cart adds two prices", "cart adds two prices"),
            (
                "FAIL: test_rounding (tests.test_tax.TaxTest.test_rounding)",
                "test_rounding",
            ),
            ("FAIL: tax_test", "tax_test"),
            ("FAILED: twoItems", "twoItems"),
            ("  cart: total_test...*failed*", "cart: total_test"),
            ("  two prices: FAIL", "two prices"),
            (
                "[info] - should add two prices *** FAILED ***",
                "should add two prices",
            ),
            (
                "==> X shop.CartSuite.adds two prices  0.031s munit.ComparisonFailException: x",
                "shop.CartSuite.adds two prices",
            ),
            (
                "  Failed Shop.CartTests.TwoPrices [5 ms]",
                "Shop.CartTests.TwoPrices",
            ),
            ("Failed   TwoPrices", "TwoPrices"),
            (
                "[xUnit.net 00:00:00.31]     Shop.CartTests.TwoPrices [FAIL]",
                "Shop.CartTests.TwoPrices",
            ),
            (
                "Test Case 'CartTests.testTwo' failed (0.001 seconds)",
                "CartTests.testTwo",
            ),
            (
                "Test Case '-[ShopTests.CartTests testTwo]' failed (0.003 seconds).",
                "ShopTests.CartTests testTwo",
            ),
            (
                "Chrome Headless 130.0.0.0 (Linux x86_64) CartComponent should add FAILED",
                "CartComponent should add",
            ),
            (
                "    ✗ testTwo, XCTAssertEqual failed: (\"3\") is not equal to (\"5\")",
                "testTwo",
            ),
        ] {
            assert_eq!(failing_test(line).as_deref(), Some(name), "{line}");
        }
        assert_eq!(failing_test("[ERROR] Tests run: 3, Failures: 1"), None);
        // Ninja's failed build edge, and messages behind a failure mark, name no test.
        assert_eq!(failing_test("FAILED: CMakeFiles/shop.dir/main.cpp.o"), None);
        assert_eq!(failing_test("✖ 3 problems (3 errors, 0 warnings)"), None);
        assert_eq!(failing_test("✘ [ERROR] Could not resolve \"./x.js\""), None);
        assert_eq!(failing_test("✗ Build failed in 120ms"), None);
        assert_eq!(failing_test("all fine"), None);
    }

    #[test]
    fn fingerprints_ignore_what_changes_between_runs() {
        let a = fingerprint(
            "rustc",
            ["error at 2024-01-01T10:00:00Z in /tmp/build-8f3a/x.rs:12 after 3.2s (id 9f86d081)"],
        );
        let b = fingerprint(
            "rustc",
            ["error at 2025-06-30T23:59:59Z in /tmp/build-11aa/x.rs:14 after 0.9s (id 1b4f0e98)"],
        );
        let c = fingerprint("rustc", ["another error entirely"]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(
            a,
            fingerprint(
                "gcc",
                [
                    "error at 2024-01-01T10:00:00Z in /tmp/build-8f3a/x.rs:12 after 3.2s (id 9f86d081)"
                ]
            )
        );
        assert_eq!(a.len(), 16);
    }
}
