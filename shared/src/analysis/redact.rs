//! Masking credential-looking strings before any text leaves for a report or a chat room.

use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

pub const MASK: &str = "[REDACTED]";

pub(super) struct Redactor {
    /// (pattern, replacement): `$name` groups keep the label, the secret becomes MASK.
    rules: Vec<(Regex, &'static str)>,
}

pub(super) fn redactor() -> &'static Redactor {
    static CELL: OnceLock<Redactor> = OnceLock::new();
    CELL.get_or_init(|| {
        let rules: &[(&str, &'static str)] = &[
            // Private key material: the armour line and anything on it.
            (r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----.*", "[REDACTED PRIVATE KEY]"),
            // Passwords in URLs: scheme://user:password@host
            (r"(?i)\b(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@", "${scheme}[REDACTED]@"),
            // Authorization headers, whatever the scheme.
            (r#"(?i)\b(?P<name>(proxy-)?authorization)(?P<sep>\s*[:=]\s*)((bearer|basic|token|digest|negotiate|bot)\s+)?[^\s,;'"]+"#, "${name}${sep}[REDACTED]"),
            (r"(?i)\b(?P<scheme>bearer|token|basic)\s+[A-Za-z0-9._~+/=-]{16,}", "${scheme} [REDACTED]"),
            // KEY=value assignments whose name says secret.
            (r#"(?i)\b(?P<name>[A-Z0-9_.-]*(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API[_-]?KEY|ACCESS[_-]?KEY|PRIVATE[_-]?KEY|CREDENTIALS?|AUTH)[A-Z0-9_]*)(?P<sep>\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s"',;]+)"#, "${name}${sep}[REDACTED]"),
            // Well-known token formats.
            (r"\b(AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b", MASK),
            (r"\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b", MASK),
            (r"\bglpat-[A-Za-z0-9_-]{20,}\b|\bgl(cbt|dt|ft|imt|oas|ptt|rt|soat)-[A-Za-z0-9_-]{20,}", MASK),
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
            rules: rules
                .iter()
                .map(|(p, r)| (Regex::new(p).expect("redaction pattern compiles"), *r))
                .collect(),
        }
    })
}

/// `text` with every credential-looking substring masked.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for (pattern, replacement) in &redactor().rules {
        if pattern.is_match(&out) {
            out = Cow::Owned(pattern.replace_all(&out, *replacement).into_owned());
        }
    }
    out
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
        ] {
            assert_eq!(redact(line), line);
        }
    }
}
