//! Dependencies that could not be fetched, resolved or built: package managers and their registries.
//! Tried in the order listed, after the families before this one (see [`super::RULES`]).

use super::Category::{Compilation, Dependency, Permission, Unknown};
use super::Shape::{Line, List, Report, Section, Stack};
use super::{Lead, Rule, rule};

pub(super) static RULES: &[Rule] = &[
    // An audit's verdict on the dependencies (cargo audit's `error: 1 vulnerability found!`,
    // bundler-audit's `Vulnerabilities found!`, govulncheck's `Your code is affected by 1
    // vulnerability …`): what it found is the advisory printed above it, field by field.
    Rule {
        lead: Lead::Findings,
        ..rule(
            "vulnerabilities-found",
            r"^(error: )?[1-9]\d* vulnerabilit(y|ies) found|^Vulnerabilities found!$|^Your code is affected by [1-9]\d* vulnerabilit",
            Dependency,
            1,
            Line,
            "A dependency has a known vulnerability: the advisory names the package, the version in use and the one that fixes it.",
        )
    },
    // pkg-config's report of a library it has no `.pc` file for: `Package libcurl was not found
    // in the pkg-config search path.`, its advice, and `Package 'libcurl', required by
    // 'virtual:world', not found` (which alone is configure's business, under its `configure:
    // error:`); what a compile needed from it fails next.
    rule(
        "pkg-config-missing",
        r"^Package '?[\w.+-]+'? was not found in the pkg-config search path",
        Dependency,
        1,
        Section,
        "pkg-config cannot find the library: install its development package (libfoo-dev) in the job's image, or add the directory of its .pc file to PKG_CONFIG_PATH.",
    ),
    // NuGet's errors as MSBuild prints them (`Shop.csproj : error NU1101: Unable to find
    // package …`): a package that cannot be found or resolved.
    rule(
        "nuget",
        r" : error NU\d{4}: ",
        Dependency,
        0,
        Line,
        "NuGet could not restore a package: check its name, version and package sources.",
    ),
    rule(
        "pip-resolve",
        r"(?i)could not find a version that satisfies the requirement|no matching distribution found|resolutionimpossible|error: cannot install .* conflicting dependencies|error: failed building wheel|failed to build installable wheels|pip\._vendor|(?-i:^ERROR: THESE PACKAGES DO NOT MATCH THE HASHES)",
        Dependency,
        0,
        Line,
        "pip could not install a requirement: check the package name and version pins against the Python version of the job.",
    ),
    // pip's frame around a build step's output: a pointer to the error inside the frame.
    rule(
        "pip-subprocess",
        r"^\s*error: (subprocess-exited-with-error|metadata-generation-failed)",
        Dependency,
        3,
        Line,
        "A package's build step failed while pip installed it: its own error is in the output pip framed.",
    ),
    // pytest's report of a test module or conftest it could not import: the header, the frame
    // of the import, and the `E` line naming what is missing.
    rule(
        "pytest-import",
        r"^ImportError while (loading conftest|importing test module) '",
        Dependency,
        0,
        Report,
        "pytest could not import a test module or conftest: the E line names the missing module; install it or fix the import.",
    ),
    rule(
        "py-import",
        r"^\s*(ModuleNotFoundError|ImportError): ",
        Dependency,
        0,
        Line,
        "A Python module is missing: add it to the requirements, or install the project (pip install -e .) before running it.",
    ),
    // Perl's `use` of a module that is not installed: `Can't locate Foo/Bar.pm in @INC (you may
    // need to install the Foo::Bar module)`, with `BEGIN failed--compilation aborted` under it.
    rule(
        "perl-module",
        r"^Can't locate \S+\.pm in @INC",
        Dependency,
        0,
        Line,
        "A Perl module is not installed: add it to the dependencies (cpanfile, Makefile.PL) and install them before the tests.",
    ),
    // npm's E401/E403: the registry refused the token or the action (publishing a version that
    // exists, a package the token may not read), whatever command asked.
    rule(
        "npm-auth",
        r"^npm (ERR!|error) code E40[13]$",
        Permission,
        1,
        List,
        "The npm registry refused the request (E401: no valid token; E403: the token may not do this, or the version is already published): check the token's scopes and expiry and the package's version.",
    ),
    // A lock file out of date where the install may not change it (`yarn --frozen-lockfile`,
    // pnpm's CI default, its code set off by thin spaces, which the rules' ASCII `\s` does not
    // match; Yarn 2+'s `--immutable`); npm ci's own message is npm-code's.
    rule(
        "frozen-lockfile",
        r"^error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`|^(\s| )*ERR_PNPM_OUTDATED_LOCKFILE(\s| )|^➤ YN0028: ",
        Dependency,
        0,
        Report,
        "The lock file is out of date with the manifest: run the install locally and commit the updated lock file.",
    ),
    rule(
        "npm-code",
        r"^npm (ERR!|error) (code (E404|ETARGET|ERESOLVE|ENOTFOUND|EINTEGRITY|ENOVERSIONS)|404 |notarget|peer dep|ERESOLVE|Could not resolve dependency|missing script:|.*can only install packages when your package\.json and package-lock\.json)",
        Dependency,
        1,
        List,
        "npm could not install or run: check package.json, the lock file and the registry credentials.",
    ),
    rule(
        "node-module",
        r"(Error: )?Cannot find module '[^']+'|ERR_MODULE_NOT_FOUND|Module not found: Error: Can't resolve",
        Dependency,
        0,
        Stack,
        "A JavaScript module is missing: run npm ci (or yarn install) before the build, and check the import path.",
    ),
    // A bundler's unresolved import (esbuild's `✘ [ERROR] Could not resolve "x"`, Rollup's and
    // Rolldown's `Could not resolve './x' from/in src/main.js`) and the code frame under it.
    rule(
        "unresolved-import",
        r#"Could not resolve ['"]"#,
        Compilation,
        0,
        Section,
        "The bundler could not resolve an import: check the path and that the module is installed.",
    ),
    rule(
        "cargo-dep",
        r"^error: (failed to select a version|no matching package named|failed to get `[^`]+` as a dependency|failed to download|failed to load source for dependency|failed to parse lock file|the lock file .* needs to be updated)",
        Dependency,
        0,
        Section,
        "Cargo could not resolve a dependency: check Cargo.toml, the lock file (cargo update -p …) and the registry.",
    ),
    rule(
        "go-mod",
        r"^go: (.*: )?(unknown revision|module .* not found|reading .*: 404|cannot find module|missing go\.sum entry|updates to go\.mod needed|inconsistent vendoring|.*: invalid version)|^(.*: )?missing go\.sum entry|: cannot find module providing package ",
        Dependency,
        0,
        Line,
        "Go modules could not be resolved: run go mod tidy and commit go.mod and go.sum.",
    ),
    rule(
        "maven-dep",
        r"(?i)could not resolve dependencies|could not transfer artifact|failed to collect dependencies|non-resolvable parent pom|could not find artifact|failed to read artifact descriptor|dependency resolution failed|could not resolve all (files|dependencies)",
        Dependency,
        0,
        Line,
        "Maven/Gradle could not resolve an artifact: check the coordinates, the repository list and its credentials.",
    ),
    rule(
        "apt",
        r"^E: (Unable to locate package|Package '?[^ ]+'? has no installation candidate|Unable to correct problems|Version '.*' for '.*' was not found|Failed to fetch|Some index files failed to download|Could not get lock|Unable to fetch some archives)",
        Dependency,
        0,
        Line,
        "apt could not install a package: run apt-get update first and check the package name for this distribution release.",
    ),
    rule(
        "gem-bundler",
        r"(?i)^(Could not find gem|Bundler could not find compatible versions|Gem::MissingSpecError|Gem::LoadError|ERROR:  Could not find a valid gem)",
        Dependency,
        0,
        Line,
        "Bundler could not install the gems: check the Gemfile and Gemfile.lock against the Ruby version of the job.",
    ),
    // RubyGems' report of a gem whose native extension did not build (`Gem::Ext::BuildError:
    // ERROR: Failed to build gem native extension.` under Bundler, the same indented under `gem
    // install`'s `ERROR:  Error installing mysql2:`): what its extconf.rb checked and did not
    // find (`checking for mysql_config... no`, `*** extconf.rb failed ***`), blank lines
    // included, or the compiler's error in it, which is a cause of its own.
    rule(
        "gem-native-extension",
        r"^(Gem::Ext::BuildError: )?\s*ERROR: Failed to build gem native extension\.",
        Dependency,
        1,
        Report,
        "A gem's native extension did not build: what its extconf.rb did not find (`checking for … no`), or the compiler's error, names the library whose development package the machine lacks.",
    ),
    // Bundler's word on a gem it could not install points at the gem's own report above it (its
    // native extension's build, its download's error).
    rule(
        "bundler-cannot-continue",
        r"^An error occurred while installing .* and Bundler cannot continue",
        Dependency,
        3,
        Line,
        "Bundler could not install a gem: the lines above it say why (its native extension's build, its download).",
    ),
    // A gem command stopped by an exception (`ERROR:  While executing gem ... (Gem::…)`, the
    // message indented under it): RubyGems' format, whose two spaces are PostgreSQL's too.
    rule(
        "gem-command",
        r"^ERROR:  While executing gem \.\.\. \(",
        Unknown,
        0,
        Line,
        "A gem command stopped: the exception in brackets and the line under it say why (a gemspec field it requires, a gem it cannot fetch, a file it cannot write).",
    ),
    // A package manager that cannot find a package it was asked for: rebar3's `===> Package not
    // found in any repo: cowboy 2.10.0`, cpanm's `! Finding X on mirror … failed.`, `! Couldn't
    // find module or a distribution X` and `! Installing the dependencies failed: …`.
    rule(
        "package-not-found",
        r"^===> Package not found in any repo: |^! (Finding \S+ .* failed\.$|Couldn't find module or a distribution |Installing the dependencies failed)",
        Dependency,
        0,
        Line,
        "The package manager could not find a package: check its name and version, and that the job can reach the registry or mirror.",
    ),
    rule(
        "composer",
        r"^\s*(Your requirements could not be resolved to an installable set of packages|Problem \d+$)",
        Dependency,
        0,
        List,
        "Composer could not resolve the requirements: check composer.json and composer.lock against the PHP version.",
    ),
    rule(
        "shared-lib",
        r"error while loading shared libraries: .*: cannot open shared object file",
        Dependency,
        0,
        Line,
        "A shared library is missing on the runner: install the package that provides it, or link statically.",
    ),
    rule(
        "cmake-find",
        r"Could NOT find \w+|Could not find a package configuration file provided by",
        Dependency,
        0,
        Line,
        "CMake could not find a dependency: install its development package on the runner or point CMake at it (CMAKE_PREFIX_PATH).",
    ),
];
