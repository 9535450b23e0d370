//! Linters and formatters, and checks that fail a build on their findings.
//! Tried in the order listed, after the families before this one (see [`super::RULES`]).

use super::Category::Lint;
use super::Shape::{Line, List, Report, Section};
use super::{Lead, Rule, rule, titling_output, with_path_lead};

pub(super) static RULES: &[Rule] = &[
    // Bandit's report of a security issue: the check, its severity, the location and the code
    // (its `>> ` mark goes as Grunt's does).
    rule(
        "bandit-issue",
        r"^Issue: \[B\d+:\w+\] ",
        Lint,
        0,
        Section,
        "Bandit found a security issue at the location shown: fix it, or mark a deliberate case with # nosec and the check's id.",
    ),
    // Redocly CLI's problem (its codeframe format): `[1] openapi.yaml:14:5 at #/paths/…`, the
    // JSON pointer to the node; its message a blank line under it, then the frame and which
    // rule (of error or warning severity) reported it. Errors are listed first.
    rule(
        "redocly-problem",
        r"^\[\d+\] \S+:\d+:\d+ at #/",
        Lint,
        1,
        Section,
        "Redocly found a problem in the API description at the place shown: its message says what; the rule named under the frame can be configured in redocly.yaml.",
    ),
    // Gitleaks' finding: `Finding:` and the fields under it in a padded column (the secret, its
    // rule, file, line and commit), up to a blank line.
    rule(
        "gitleaks-finding",
        r"^Finding: {2,}\S",
        Lint,
        1,
        Section,
        "Gitleaks found a secret in the file, line and commit shown: revoke it and rotate it first, then remove it from the history or allow a false finding in .gitleaksignore.",
    ),
    // Biome's diagnostic: a title of the file (and place), the category (`lint/style/noVar`,
    // `format`) and its tags, ruled off to the line's width, over the indented message, code
    // frame or diff and notes.
    rule(
        "biome-diagnostic",
        r"^\S+ [a-z][\w/]*( +[A-Z]+)* +━{3,}\s*$",
        Lint,
        1,
        Section,
        "Biome found a problem at the place its title names: the × line says what, the frame shows where, and FIXABLE ones are fixed by biome check --write.",
    ),
    // A check for dependencies the code does not use (cargo-machete's `found the following
    // unused dependencies`, the crates and their manifests under it).
    rule(
        "unused-dependencies",
        r"found the following unused dependencies",
        Lint,
        1,
        Line,
        "Dependencies are declared that the code does not use: remove them from the manifest, or list a false finding among the tool's ignored ones.",
    ),
    // pre-commit's hook line, padded with dots to its verdict, over the hook's id, exit code and
    // output; the next hook's line ends it.
    titling_output(rule(
        "pre-commit-hook",
        r"^\S.*\.{4,}Failed$",
        Lint,
        0,
        Report,
        "A pre-commit hook failed: its output says what to fix; a hook that modified files fixed them itself, so commit its changes.",
    )),
    // The "stylish" list many linters print under a file's name: `  12:5  error  message  rule`
    // (ESLint, yamllint), with a mark for the level in stylelint's (`  2:3  ✖  message`).
    with_path_lead(rule(
        "lint-list",
        r"^\s+\d+:\d+\s+(error|✖|×)\s+\S",
        Lint,
        0,
        List,
        "A linter found errors at the lines listed under the file's name: fix them (ESLint and stylelint fix some themselves with --fix).",
    )),
    with_path_lead(rule(
        "prettier",
        r"^(\[warn\] )?Code style issues (found|in)",
        Lint,
        0,
        Line,
        "The code is not formatted: run Prettier (--write) and commit.",
    )),
    rule(
        "flake8",
        r"^[^\s:]+\.py:\d+:\d+: [A-Z]{1,3}\d{3} ",
        Lint,
        0,
        List,
        "The Python linter found problems at the lines shown.",
    ),
    rule(
        "mypy",
        r"^[^\s:]+\.pyi?:\d+: error: ",
        Lint,
        0,
        List,
        "mypy found type errors at the lines shown.",
    ),
    // A formatter's verdict under the diff it would apply (black --diff, gofmt -d): the diff is
    // the finding.
    Rule {
        lead: Lead::Diff,
        ..rule(
            "rustfmt",
            r"^Diff in \S+( at line \d+)?:|^would reformat |^Oh no! .* files? would be reformatted|^gofmt|^\S+\.go: needs formatting",
            Lint,
            0,
            Section,
            "The code is not formatted: run the formatter (cargo fmt, black, gofmt, prettier) and commit.",
        )
    },
    rule(
        "metalinter",
        r"^\S+:\d+:\d*:(warning|error): .*\(\w+\)$",
        Lint,
        0,
        List,
        "A linter reported problems at the lines shown.",
    ),
    rule(
        "markdownlint",
        r"^\S+\.md:\s?\d+(:\d+)?:? MD\d{3}",
        Lint,
        0,
        List,
        "Markdown lint errors: fix the lines shown.",
    ),
    rule(
        "shellcheck",
        r"^In \S+ line \d+:$",
        Lint,
        0,
        Section,
        "ShellCheck found problems in the script lines shown.",
    ),
    // markdown-link-check marks a dead link `[✖] url` in its list, then sums up under `ERROR: 1
    // dead link found!` with each link's status: the summary is the report.
    rule(
        "link-check",
        r"^> Links$|^\s*\d+\. (\[L\d+\] )?[345]\d\d https?://|^\s*\[✖\] https?://\S+ → Status:|^✗ .*https?://|^\s*ERROR: \d+ dead links? found",
        Lint,
        1,
        List,
        "The link checker found dead or redirected links: update the URLs listed.",
    ),
];
