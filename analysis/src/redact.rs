//! Masking credential-looking strings before any text leaves for a report or a chat room.

use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

pub const MASK: &str = "[REDACTED]";

pub(super) struct Redactor {
    /// (pattern, replacement): `$name` groups keep the label, the secret becomes MASK.
    rules: Vec<(Regex, &'static str)>,
    base64: Regex,
}

pub(super) fn redactor() -> &'static Redactor {
    static CELL: OnceLock<Redactor> = OnceLock::new();
    CELL.get_or_init(|| {
        let rules: &[(&str, &'static str)] = &[
            // Private key material: the armour lines and anything on them. The body between them
            // is masked by `redact` as a block, and line by line by the base64 rule below.
            (r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----.*", "[REDACTED PRIVATE KEY]"),
            (r"-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----", "[REDACTED PRIVATE KEY]"),
            // Passwords in URLs: scheme://user:password@host
            (r"(?i)\b(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@", "${scheme}[REDACTED]@"),
            // Credentials on a command line: curl/wget `-u user:password`, `--password=…`.
            (r"(?P<flag>(^|\s)(-u\s+|--user[=\s]\s*|--proxy-user[=\s]\s*))[^\s:]+:[^\s]+", "${flag}[REDACTED]"),
            (r"(?i)(?P<flag>--(password|passwd|pass)[= ])\S+", "${flag}[REDACTED]"),
            // Authorization headers, whatever the scheme.
            (r#"(?i)\b(?P<name>(proxy-)?authorization)(?P<sep>\s*[:=]\s*)((bearer|basic|token|digest|negotiate|bot)\s+)?[^\s,;'"]+"#, "${name}${sep}[REDACTED]"),
            (r"(?i)\b(?P<scheme>bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{16,}", "${scheme} [REDACTED]"),
            // KEY=value assignments whose name says secret.
            (r#"(?i)\b(?P<name>[A-Z0-9_.-]*(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API[_-]?KEY|ACCESS[_-]?KEY|PRIVATE[_-]?KEY|CREDENTIALS?|AUTH)[A-Z0-9_]*)(?P<sep>\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s"',;]+)"#, "${name}${sep}[REDACTED]"),
            // Well-known token formats.
            (r"\b(AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b", MASK),
            // These prefixes are distinctive enough to be found inside a longer word too
            // (`test_ghp_…`, a test named after its fixture).
            (r"gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}", MASK),
            (r"glpat-[A-Za-z0-9_-]{20,}|\bgl(cbt|dt|ft|imt|oas|ptt|rt|soat)-[A-Za-z0-9_-]{20,}", MASK),
            (r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b", MASK),
            (r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+", "https://hooks.slack.com/services/[REDACTED]"),
            (r"\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b", MASK),
            (r"\bAIza[0-9A-Za-z_-]{35}\b", MASK),
            (r"\bsk-(proj-|live-|test-)?[A-Za-z0-9_-]{20,}\b|\b[rs]k_(live|test)_[A-Za-z0-9]{16,}\b", MASK),
            (r"\bnpm_[A-Za-z0-9]{36}\b|\bpypi-[A-Za-z0-9_-]{50,}\b", MASK),
            (r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", MASK),
            // Amazon secret keys in the usual assignment form are caught above; a bare 40-char
            // base64 string after aws_secret_access_key is caught by the name rule.
        ];
        Redactor {
            // A base64 run long enough to be key or token material (a PEM body line is 64).
            base64: Regex::new(r"[A-Za-z0-9+/]{40,}={0,2}").expect("base64 pattern compiles"),
            rules: rules
                .iter()
                .map(|(p, r)| (Regex::new(p).expect("redaction pattern compiles"), *r))
                .collect(),
        }
    })
}

/// `text` with every credential-looking substring masked.
pub fn redact(text: &str) -> Cow<'_, str> {
    let redactor = redactor();
    let mut out = Cow::Borrowed(text);
    if text.contains("PRIVATE KEY") {
        out = Cow::Owned(mask_key_bodies(text));
    }
    for (pattern, replacement) in &redactor.rules {
        if pattern.is_match(&out) {
            out = Cow::Owned(pattern.replace_all(&out, *replacement).into_owned());
        }
    }
    if redactor.base64.is_match(&out) {
        let haystack: &str = &out;
        let masked = redactor
            .base64
            .replace_all(haystack, |c: &regex::Captures<'_>| {
                let run = c.get(0).map_or("", |m| m.as_str());
                let names_a_file = c
                    .get(0)
                    .is_some_and(|m| run.contains('/') && file_extension_at(haystack, m.end()));
                if looks_random(run) && !names_a_file {
                    MASK.to_owned()
                } else {
                    run.to_owned()
                }
            });
        if let Cow::Owned(masked) = masked {
            out = Cow::Owned(masked);
        }
    }
    out
}

/// Whether `text` goes on at `at` with a file's extension (`.php`, `.tar`): a run of path
/// segments that ends so (`bridge/Legacy/ForwardCompatTestTraitForV5.php`) names a file.
fn file_extension_at(text: &str, at: usize) -> bool {
    let Some(rest) = text[at..].strip_prefix('.') else {
        return false;
    };
    let extension = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    (1..=5).contains(&extension)
}

/// Random base64 of this length has upper- and lower-case letters and digits; hex digests,
/// identifiers and words rarely have all three.
fn looks_random(run: &str) -> bool {
    run.bytes().any(|b| b.is_ascii_uppercase())
        && run.bytes().any(|b| b.is_ascii_lowercase())
        && run.bytes().any(|b| b.is_ascii_digit())
}

/// Every line between a private key's `BEGIN` and `END` armour (each line's prefix kept, such
/// as pytest's `E       `), so that short body lines go too.
fn mask_key_bodies(text: &str) -> String {
    let mut inside = false;
    let mut out: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let begins = line.contains("-----BEGIN") && line.contains("PRIVATE KEY");
        let ends = line.contains("-----END") && line.contains("PRIVATE KEY");
        if inside && !begins && !ends {
            let body = line.trim_end();
            let prefix = body.rfind(char::is_whitespace).map_or(0, |i| i + 1);
            out.push(format!("{}{MASK}", &body[..prefix]));
        } else {
            out.push(line.to_owned());
        }
        inside = (inside || begins) && !ends;
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn masks_credentials_and_keeps_the_rest() {
        let cases = [
            (
                "git clone https://oauth2:glpat-abcdefghijklmnopqrst@gitflic.ru/x.git",
                "glpat-abcdefghijklmnopqrst",
            ),
            (
                "curl -H 'Authorization: token 0123456789abcdef0123' https://api.gitflic.ru",
                "0123456789abcdef0123",
            ),
            (
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXZhbHVl",
                "eyJhbGciOiJIUzI1NiJ9",
            ),
            ("export DEPLOY_TOKEN=s3cr3t-value-123", "s3cr3t-value-123"),
            ("DB_PASSWORD: 'hunter2'", "hunter2"),
            (
                "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "wJalrXUtnFEMI",
            ),
            ("using key AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
            (
                "token ghp_0123456789abcdefghijklmnopqrstuvwxyz",
                "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
            ),
            ("postgres://app:pa55word@db:5432/app", "pa55word"),
            (
                "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
                "B000/XXXXXXXX",
            ),
            (
                "bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0 failed",
                "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0",
            ),
            ("-----BEGIN RSA PRIVATE KEY----- MIIEow", "MIIEow"),
            // A PEM body line on its own, and the closing armour.
            (
                "E       MIIEowIBAAKCAQEA7bq9R5XkNwIDAQABAoIBAQCzJr8oRrk3Gf0Yy1Xh2pQ9tZ",
                "MIIEowIBAAKCAQEA7bq9R5",
            ),
            ("E       -----END RSA PRIVATE KEY-----", "END RSA"),
            (
                "xoxb-123456789012-abcdefghij",
                "xoxb-123456789012-abcdefghij",
            ),
        ];
        for (input, secret) in cases {
            let out = redact(input);
            assert!(!out.contains(secret), "{input} -> {out}");
            assert!(out.contains("[REDACTED"), "{input} -> {out}");
        }
    }

    #[test]
    fn a_private_key_is_masked_from_its_armour_to_its_end() {
        let key = "E       -----BEGIN OPENSSH PRIVATE KEY-----\nE       b3BlbnNz\nE       aC1rZXk\nE       -----END OPENSSH PRIVATE KEY-----\nE       assert 1 == 2";
        let out = redact(key);
        assert_eq!(
            out,
            "E       [REDACTED PRIVATE KEY]\nE       [REDACTED]\nE       [REDACTED]\nE       [REDACTED PRIVATE KEY]\nE       assert 1 == 2"
        );
        assert_eq!(redact(&out), out);
    }

    #[test]
    fn redacting_twice_changes_nothing() {
        // Found by the fuzzer: the second pass must not eat the word after the mask.
        let line = "curl -H 'Authorization: Bearer ghp_0123456789abcdefghijklmnopqrstuvwxyz' https://x.invalid/a";
        let once = redact(line);
        assert_eq!(
            once,
            "curl -H 'Authorization: [REDACTED]' https://x.invalid/a"
        );
        assert_eq!(redact(&once), once);
    }

    #[test]
    fn leaves_ordinary_log_lines_alone() {
        for line in [
            "error[E0425]: cannot find value `token` in this scope",
            "  --> src/auth.rs:12:5",
            "FAILED tests/test_login.py::test_password_reset - AssertionError",
            "npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-pad",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "at org.apache.maven.plugin.surefire.SurefireReflectorDelegatingClassLoaderFactory.run",
            // A path whose segments run past forty characters names a file, not a key.
            "in /home/travis/build/vendor/symfony/phpunit-bridge/Legacy/ForwardCompatTestTraitForV5.php on line 162",
        ] {
            assert_eq!(redact(line), line);
        }
    }
}
