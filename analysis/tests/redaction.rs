//! No field of a report carries a credential the log held: excerpts, summary, headline,
//! locations, failing tests and the failing command alike.

use exlogare_analysis::{JobMeta, analyze_bytes};

const SECRETS: &[&str] = &[
    "s3cr3tpass",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    "glpat-abcdefghijklmnopqrst",
    "MIIEowIBAAKCAQEA7bq9R5XkNwIDAQABAoIBAQCzJr8oRrk3Gf0Yy1Xh2pQ9tZ",
    "END RSA PRIVATE KEY",
];

#[test]
fn every_field_of_the_report_is_redacted() {
    let logs: &[&str] = &[
        // A compiler diagnostic whose path holds a URL with a password and a token.
        "$ make TOKEN_URL=x\ncc -c x.c\nhttps://user:s3cr3tpass@host/ghp_0123456789abcdefghijklmnopqrstuvwxyz/x.c:3:5: error: expected ';'\nmake: *** [x.o] Error 1\nERROR: Job failed: exit code 2\n",
        // The failing command and a test name carry tokens.
        "$ curl -u bot:s3cr3tpass https://oauth2:glpat-abcdefghijklmnopqrst@gitflic.ru/x.git && pytest\n____ test_ghp_0123456789abcdefghijklmnopqrstuvwxyz ____\n\n    def test_x():\n>       assert load() == 1\nE       AssertionError: -----BEGIN RSA PRIVATE KEY-----\nE       MIIEowIBAAKCAQEA7bq9R5XkNwIDAQABAoIBAQCzJr8oRrk3Gf0Yy1Xh2pQ9tZ\nE       -----END RSA PRIVATE KEY-----\n\ntests/test_x.py:4: AssertionError\nFAILED tests/test_x.py::test_ghp_0123456789abcdefghijklmnopqrstuvwxyz - AssertionError\nERROR: Job failed: exit code 1\n",
    ];
    for log in logs {
        let report = analyze_bytes(log.as_bytes(), JobMeta::default());
        let json = serde_json::to_string(&report).unwrap();
        assert!(!report.excerpts.is_empty(), "{json}");
        for secret in SECRETS {
            assert!(!json.contains(secret), "{secret} in {json}");
        }
    }
}
