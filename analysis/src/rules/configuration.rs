//! Permissions, missing commands and files, and malformed configuration.
//! Tried in the order listed, after the families before this one (see [`super::RULES`]).

use super::Category::{Compilation, Configuration, Lint, Permission, Unknown};
use super::Shape::{Line, Report, Section, Stack};
use super::{Lead, Rule, rule};

pub(super) static RULES: &[Rule] = &[
    // Flyway's failed migration: `ERROR: Migration V3__add_orders.sql failed`, a rule, and its
    // fields (SQL State, Message, Location, Line, Statement) up to a blank line; the `Caused by:`
    // chain under it repeats them.
    rule(
        "flyway-migration",
        r"^ERROR: Migration \S+ failed$",
        Configuration,
        1,
        Section,
        "A database migration failed: its Message, Location and Statement say which SQL the database refused; fix the migration, or the database's state it assumed.",
    ),
    // Spring Boot's failure analysis of an application that could not start: a banner, then
    // `Description:` and `Action:` with a blank line around each.
    rule(
        "spring-failure-analysis",
        r"^APPLICATION FAILED TO START$",
        Configuration,
        1,
        Report,
        "The Spring application did not start: the Description says what is missing or wrong, the Action what to change.",
    ),
    rule(
        "permission",
        r"(?i)permission denied|\beacces\b|operation not permitted|\b403 forbidden\b|authentication (failed|required)|access denied|unauthorized: |could not read username|bad credentials|access to the resource is denied",
        Permission,
        0,
        Line,
        "Permission denied: check file modes, the runner's user, and the token's scopes or expiry.",
    ),
    // Terraform's diagnostic, drawn in a box: `│ Error: summary`, its place (`on main.tf line 14,
    // in resource …`), the source line and the detail, up to the box's end (`╵`).
    rule(
        "terraform",
        r"^│ Error: \S",
        Configuration,
        0,
        Section,
        "Terraform stopped on the error shown: its place in the configuration and the detail say what to change.",
    ),
    // The Kubernetes API server's refusal, as kubectl prints it (`Error from server (BadRequest):
    // error when creating "k8s/deployment.yaml": …`).
    rule(
        "kube-api-error",
        r"^Error from server( \([A-Za-z]+\))?: ",
        Configuration,
        1,
        Line,
        "The Kubernetes API server refused the request: the message names the manifest and what it rejected.",
    ),
    // PostgreSQL's error as psql prints it, severity and two spaces (`ERROR:  column "x" does
    // not exist`), behind `psql:file:line: ` when it ran a file; its fields follow.
    rule(
        "postgres-error",
        r"^(psql:\S+:\d+: )?(ERROR|FATAL|PANIC):  \S",
        Configuration,
        1,
        Line,
        "PostgreSQL rejected the statement (psql names the file and line it ran): the message, the LINE with its caret and any HINT say what to change in the migration or query.",
    ),
    // ssh's refusal of a host whose key it does not know, or whose key changed, under strict
    // checking (the way a deploy step should run it).
    rule(
        "ssh-host-key",
        r"^Host key verification failed\.$|^(No \S+ host key is known|Host key for \S+ has changed) .*strict checking",
        Permission,
        0,
        Line,
        "ssh does not trust the host's key: add the host's key to known_hosts from a CI variable (checked once, not fetched by ssh-keyscan at every run), and do not turn checking off.",
    ),
    // git push's status line for a ref it could not update (`git push` OUTPUT: flag `!`): the
    // remote has commits the job lacks, or the server refused it (a hook, a protected branch).
    rule(
        "git-push-rejected",
        r"^ ! \[rejected\] ",
        Configuration,
        1,
        Line,
        "The remote branch has commits this job does not (another push came first, or history was rewritten): fetch and rebase before pushing, or let one job at a time push.",
    ),
    // git relays what the server printed, a hook's reason among it, behind `remote: `.
    rule(
        "git-push-declined",
        r"^ ! \[remote (rejected|failure)\] |^remote: (error|fatal): ",
        Permission,
        1,
        Line,
        "The server refused the push: a hook or the branch's protection declined it (the remote: lines above say why), or the token may not push there.",
    ),
    // The AWS CLI's and SDKs' ClientError: `An error occurred (NoSuchBucket) when calling the
    // PutObject operation: …`; an AccessDenied among them is the permission rule's above.
    rule(
        "aws-error",
        r"An error occurred \([A-Za-z.]+\) (when calling the \w+ operation|\(reached max retries)",
        Configuration,
        1,
        Line,
        "An AWS API call was refused: the code in brackets says why (a bucket, stack or function name that does not exist, the region, the role's rights).",
    ),
    rule(
        "yaml",
        r"(?i)found character that cannot start any token|mapping values are not allowed|did not find expected (key|',' or ']'|node content)|could not find expected ':'|yaml(\.scanner|\.parser)?\.\w*error|error (in|parsing) .*\.ya?ml|jobs config should|invalid ci config|\.gitlab-ci\.yml",
        Configuration,
        0,
        Line,
        "A YAML file is malformed at the line and column shown: check indentation and quoting.",
    ),
    // A task runner asked for a task the project does not define: gulp's `Task never defined:
    // lint` (behind its `[hh:mm:ss]` time), Grunt's `Warning: Task "lint" not found.`, with the
    // advice under it (gulp's `To list available tasks, try running: gulp --tasks`).
    Rule {
        names_its_level: true,
        ..rule(
            "task-not-defined",
            r#"^(\[\d\d:\d\d:\d\d\] )?Task never defined: \S|^Warning: Task "[^"]+" not found\."#,
            Configuration,
            1,
            Section,
            "The task runner has no task of that name: the job's command names a task the build file does not define (renamed or removed?).",
        )
    },
    // A script whose `#!` interpreter does not exist: bash's `bad interpreter: No such file or
    // directory` (before 5.2) and `cannot execute: required file not found` (5.2), most often
    // for `bash\r`, a shebang with Windows line ends.
    rule(
        "bad-interpreter",
        r"bad interpreter: |cannot execute: required file not found$",
        Configuration,
        1,
        Line,
        "The script's interpreter (its #! line) was not found: Windows line ends (CRLF) in the script, or an interpreter the job's image lacks. Convert the line ends (.gitattributes: *.sh text eol=lf) or install it.",
    ),
    // bash's own errors in a script it runs: `deploy.sh: line 4: HOST: unbound variable` (set
    // -u), `syntax error near unexpected token`, `unexpected EOF while looking for matching`.
    rule(
        "shell-error",
        r"^\S+: line \d+: (\S+: unbound variable$|syntax error|unexpected EOF while looking for)",
        Configuration,
        1,
        Line,
        "The job's shell script stopped in bash itself: a variable that is not set (set -u) or a syntax error, at the line shown.",
    ),
    rule(
        "command-not-found",
        r"command not found$|: not found$|is not recognized as an internal or external command|No such file or directory$|executable file not found in",
        Configuration,
        1,
        Line,
        "A command or file does not exist on the runner: install it in the job's image or fix the path.",
    ),
    rule(
        "rake",
        r"^rake aborted!$|^No Rakefile found",
        Configuration,
        1,
        Section,
        "rake stopped: the line under rake aborted! says why.",
    ),
    rule(
        "gradle",
        r"^\* What went wrong:$",
        Compilation,
        1,
        Section,
        "Gradle failed: the lines under What went wrong name the task and the cause.",
    ),
    Rule {
        lead: Lead::Warnings,
        ..rule(
            "werror",
            r"warnings found and -Werror specified|failed due to warnings while using the --warnings-as-errors|^ESLint found too many warnings|^Aborted with \d+ warnings? in strict mode|\(with warnings treated as errors\)|incurred under -(Werror|Xfatal-warnings)|^%Error: Exiting due to \d+ warning",
            Compilation,
            1,
            Line,
            "Warnings failed the build (treated as errors: -Werror, strict mode): fix the warnings shown, or stop treating them as errors.",
        )
    },
    rule(
        "node-error",
        r"^\s*(\[!\] )?([A-Z][a-z]+( [a-z]+){0,3}: )?(\S*(Error|Exception)|[A-Z][a-z]+ Exception)( \[\w+\])?: |^Uncaught \w+|UnhandledPromiseRejection",
        Unknown,
        1,
        Stack,
        "An error was raised: its message says what went wrong; the first frame of a stack trace under it, if there is one, points at the code.",
    ),
    rule(
        "java-exception",
        r"^Exception in thread |^Caused by: |^(\S+\.)+\w+(Exception|Error)(: |$)",
        Unknown,
        1,
        Stack,
        "An exception was thrown: the first frame of the stack under it points at the code.",
    ),
    rule(
        "ruby-exception",
        r"^\S+\.rb:\d+:in `[^']*': .*\(\w+(::\w+)*(Error|Exception)\)|^\s+\S.* \((\w+::)*\w*(Error|Exception)\)$",
        Unknown,
        1,
        Stack,
        "Ruby raised an exception at the file and line shown.",
    ),
    // Raku's errors: the compiler's `===SORRY!=== Error while compiling path` over what it
    // found (`Undeclared routine:`, `    totl used at line 8`), and a run-time error's message over
    // its backtrace, whose first frame is the anchor (`  in sub price-of at bin/report.raku line
    // 3`) and the message the line above it.
    rule(
        "raku-sorry",
        r"^===SORRY!=== ",
        Compilation,
        1,
        Section,
        "Raku could not compile the file named: what it found is under the title, with the line it is used at.",
    ),
    Rule {
        lead: Lead::Line,
        ..rule(
            "raku-die",
            r"^  in (sub|method|block|routine|submethod) \S+ at \S+ line \d+$",
            Unknown,
            1,
            Stack,
            "The Raku program died with the message shown; the backtrace under it names the routine and the line.",
        )
    },
    // PowerShell's error views: Windows PowerShell's `Cmdlet : message` over `At path:line
    // char:N` and `+ …` lines; PowerShell 7's `Cmdlet: path:line` over `Line |` and a framed
    // message. The anchor is the view's second line; the message is the line above it.
    Rule {
        lead: Lead::Line,
        ..rule(
            "powershell",
            r"^At \S.*:\d+ char:\d+$|^Line \|$",
            Unknown,
            1,
            Section,
            "PowerShell stopped on the error shown, at the script line it names.",
        )
    },
    // Erlang/OTP's boot failure: the VM prints the uncaught reason twice, as a term and as text.
    rule(
        "erlang-boot",
        r#"^(\{"|)init terminating in do_boot"#,
        Unknown,
        1,
        Line,
        "The Erlang VM stopped at boot: the reason term names the error and the function it came from.",
    ),
    // gfortran's run-time checks stop the program with `Fortran runtime error: …` under the
    // place they name (`At line 8 of file src/cart.f90`): what it ran into, whatever the
    // compiler warned about the same code earlier.
    rule(
        "fortran-runtime",
        r"^Fortran runtime error: ",
        Unknown,
        0,
        Line,
        "The Fortran program stopped at run time at the line shown: an index out of bounds, a failed allocation or a read past the end of a file.",
    ),
    rule(
        "lua-error",
        r"^(\S*lua\S*: )?(\[string \S+\]|\S+\.lua):\d+: |^fail: |^stack traceback:$",
        Unknown,
        1,
        Stack,
        "Lua raised an error at the file and line shown.",
    ),
    // scan-build's verdict with --status-bugs: the analyzer's findings above it, printed as
    // warnings with their code frames, failed the job.
    Rule {
        lead: Lead::Warnings,
        ..rule(
            "analyzer-bugs",
            r"^scan-build: \d+ bugs? found\.$",
            Lint,
            1,
            Line,
            "The static analyzer found bugs, printed as warnings above with their code frames: fix them (scan-view shows each bug's path).",
        )
    },
];
