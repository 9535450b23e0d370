//! What a shell command line says of itself: what it echoes, whether it goes on when it fails,
//! and the variables it notes a failure in or reads. Read from the runner's echo of a script's
//! line (`$ pytest || FAILED=1`), never run.

/// The command that follows the `echo` whose text is `said` in a shell command line (`echo
/// "checking signatures"; git verify-commit HEAD` and `checking signatures`), when there is one:
/// a script that said that last failed in what came next.
pub(crate) fn after_own_echo<'a>(command: &'a str, said: &str) -> Option<&'a str> {
    let mut parts = parts(command);
    parts.find(|part| echoed(part).is_some_and(|text| !said.is_empty() && text == said))?;
    parts.next()
}

/// What the parts of a shell command echo (`echo checking; make`, `then echo "failed"; exit 1`).
pub(crate) fn echoes(command: &str) -> impl Iterator<Item = &str> {
    parts(command).filter_map(echoed)
}

/// What a shell command line echoes before it runs anything else (`echo "Running checks";
/// make`, `echo checking && git verify-commit HEAD`).
pub(crate) fn announcement(command: &str) -> Option<&str> {
    parts(command)
        .next()
        .and_then(echoed)
        .filter(|text| !text.is_empty())
}

/// The commands a shell command line runs, in order, split at `;`, `&&`, `||` and pipes.
fn parts(command: &str) -> impl Iterator<Item = &str> {
    command
        .split([';', '&', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// What a part of a shell command echoes (`echo "checking"`, `then echo 'Some checks failed'`).
fn echoed(part: &str) -> Option<&str> {
    let part = ["then ", "else ", "do "]
        .iter()
        .find_map(|keyword| part.strip_prefix(keyword))
        .unwrap_or(part);
    let text = part.trim_start().strip_prefix("echo ")?;
    Some(text.trim().trim_matches(['"', '\'']))
}

/// Whether a shell command goes on when it fails (`./configure || echo failed`, `make || true`),
/// or notes that it failed and goes on (`pytest || FAILED=1`, `((failures++))`).
pub(crate) fn ignores_failure(command: &str) -> bool {
    command.split("||").skip(1).any(|alternative| {
        let alternative = alternative.trim_start();
        ["true", ":", "echo ", "exit 0"]
            .iter()
            .any(|ignore| alternative.starts_with(ignore))
            || assigned_variable(alternative).is_some()
    })
}

/// The variables a command notes its failure in when it goes on (`pytest || FAILED=1`,
/// `make lint || status=$?`): a script that keeps the status for later (`exit $status`) fails
/// after the command, for it.
pub(crate) fn failure_variables(command: &str) -> impl Iterator<Item = &str> {
    (command.split("||").skip(1))
        .filter_map(|alternative| assigned_variable(alternative.trim_start()))
}

/// The variable a shell command keeps the last command's status in (`STATUS=$?`, `export
/// rc=$?`): under `set +e`, that command failed and the script went on, for a later check.
pub(crate) fn status_variable(command: &str) -> Option<&str> {
    let name = assigned_variable(command)?;
    let (_, value) = command.split_once('=')?;
    value
        .trim_start_matches(['"', '\''])
        .starts_with("$?")
        .then_some(name)
}

/// Whether a shell command reads a variable (`test -z "$FAILED"`, `exit ${status}`).
pub(crate) fn reads_variable(command: &str, name: &str) -> bool {
    command.match_indices('$').any(|(at, _)| {
        let rest = &command[at + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        rest.strip_prefix(name).is_some_and(|after| {
            !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

/// The variable a shell command sets first (`FAILED=1`, `errors+=lint`, `export STATUS=$?`,
/// `((failures++))`, `let failures+=1`).
pub(crate) fn assigned_variable(command: &str) -> Option<&str> {
    let command = ["export ", "let ", "(("]
        .iter()
        .find_map(|keyword| command.strip_prefix(keyword))
        .map_or(command, str::trim_start);
    let name_end = command
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(command.len());
    let (name, after) = command.split_at(name_end);
    let assigns = ["=", "+=", "++", "--", "-="]
        .iter()
        .any(|op| after.starts_with(op))
        && !after.starts_with("==");
    (assigns && !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit())).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_that_notes_its_failure_goes_on_and_names_where() {
        for command in [
            "make || true",
            "./configure || echo failed",
            "pytest || FAILED=1",
        ] {
            assert!(ignores_failure(command), "{command}");
        }
        assert!(!ignores_failure("make && make install"));
        assert!(!ignores_failure("make || exit 1"));
        let noted: Vec<&str> = failure_variables("make lint || status=$?").collect();
        assert_eq!(noted, ["status"]);
        assert_eq!(
            failure_variables("pytest || ((failures++))").collect::<Vec<_>>(),
            ["failures"]
        );
        assert_eq!(failure_variables("[ a == b ] || echo no").count(), 0);
        assert_eq!(status_variable("export STATUS=$?"), Some("STATUS"));
        assert_eq!(status_variable("STATUS=1"), None);
    }

    #[test]
    fn a_variable_is_read_by_its_whole_name() {
        assert!(reads_variable("test -z \"$FAILED\"", "FAILED"));
        assert!(reads_variable("exit ${status}", "status"));
        assert!(!reads_variable("test -z \"$FAILED_LINT\"", "FAILED"));
        assert!(!reads_variable(
            "kubectl rollout status deploy/web",
            "status"
        ));
    }

    #[test]
    fn what_a_command_echoes_is_read_in_its_branches() {
        let command = "if [ -n \"$FAILED\" ]; then echo \"Some checks failed\"; exit 1; fi";
        assert_eq!(echoes(command).collect::<Vec<_>>(), ["Some checks failed"]);
        assert_eq!(
            after_own_echo("echo checking; git verify-commit HEAD", "checking"),
            Some("git verify-commit HEAD")
        );
        // Only an echo that comes first announces what runs; a branch's does not.
        assert_eq!(
            announcement("echo \"verifying\" && sha256sum -c SUMS"),
            Some("verifying")
        );
        assert_eq!(announcement("make || echo failed"), None);
        assert_eq!(announcement("if [ -n \"$CI\" ]; then echo ci; fi"), None);
    }
}
