//! GitFlic's OAuth dialect, in one place (steps 3–4 of docs/gitflic-api.md are INFERRED: a
//! correction touches this file only).
//!
//! - authorize: `GET {oauth}/oauth/authorize?scope=A,B&clientId=…&redirectUrl=…&state=…` (DOC; no
//!   `response_type`, no PKCE — the single-use server-side `state` protects the flow);
//! - token: `GET {oauth}/api/token/access?code=…` with HTTP Basic client authentication;
//! - refresh: `POST {oauth}/api/token/refresh` with JSON `{"refreshToken": …}`, Basic auth;
//! - answers are camelCase: `accessToken`, `refreshToken`, and `expiresIn` seconds or an
//!   `expires` timestamp that may lack a zone (read as Moscow time, UTC+3).
//!
//! The `oauth2` crate provides the types: ids, URLs, and secrets that never print.

use super::base_url::GitflicHost;
use crate::http_outcome::{self, Outcome};
use oauth2::{
    AccessToken, AuthorizationCode, ClientId, ClientSecret, CsrfToken, RedirectUrl, RefreshToken,
};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum OauthError {
    #[error("GitFlic refused the authorization (HTTP {0})")]
    Rejected(u16),
    #[error("GitFlic's OAuth service is unavailable: {0}")]
    Unavailable(String),
    #[error("GitFlic's token answer could not be read: {0}")]
    Decode(String),
}

/// Tokens as GitFlic issued them. `expires_at` is Unix seconds.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: AccessToken,
    pub refresh: Option<RefreshToken>,
    pub expires_at: Option<i64>,
}

/// Our OAuth application at GitFlic.
#[derive(Debug, Clone)]
pub struct OauthApp {
    pub client_id: ClientId,
    pub client_secret: ClientSecret,
    /// Joined with commas, as GitFlic wants them.
    pub scopes: Vec<String>,
}

fn endpoint(host: &GitflicHost, segments: &[&str]) -> Url {
    let mut url = host.oauth.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

impl OauthApp {
    /// `redirect` is our callback as the user's browser reaches it.
    pub fn authorize_url(
        &self,
        host: &GitflicHost,
        state: &CsrfToken,
        redirect: &RedirectUrl,
    ) -> Url {
        let mut url = endpoint(host, &["oauth", "authorize"]);
        url.query_pairs_mut()
            .append_pair("scope", &self.scopes.join(","))
            .append_pair("clientId", self.client_id.as_str())
            .append_pair("redirectUrl", redirect.as_str())
            .append_pair("state", state.secret());
        url
    }

    pub async fn exchange(
        &self,
        http: &reqwest::Client,
        host: &GitflicHost,
        code: &AuthorizationCode,
    ) -> Result<Tokens, OauthError> {
        let mut url = endpoint(host, &["api", "token", "access"]);
        url.query_pairs_mut().append_pair("code", code.secret());
        self.send(http.get(url)).await
    }

    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        host: &GitflicHost,
        refresh: &RefreshToken,
    ) -> Result<Tokens, OauthError> {
        let url = endpoint(host, &["api", "token", "refresh"]);
        let body = serde_json::json!({ "refreshToken": refresh.secret() });
        self.send(http.post(url).json(&body)).await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Tokens, OauthError> {
        let response = request
            .basic_auth(self.client_id.as_str(), Some(self.client_secret.secret()))
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| OauthError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        if http_outcome::classify(status.as_u16()) == Outcome::Transient {
            return Err(OauthError::Unavailable(format!("HTTP {}", status.as_u16())));
        }
        if !status.is_success() {
            return Err(OauthError::Rejected(status.as_u16()));
        }
        let value: Value = response
            .json()
            .await
            .map_err(|e| OauthError::Decode(e.without_url().to_string()))?;
        parse_tokens(&value, OffsetDateTime::now_utc())
    }
}

/// Reads GitFlic's token answer.
pub fn parse_tokens(value: &Value, now: OffsetDateTime) -> Result<Tokens, OauthError> {
    let text = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let access = text("accessToken")
        .or_else(|| text("access_token"))
        .ok_or_else(|| OauthError::Decode("no accessToken in the answer".into()))?;
    let refresh = text("refreshToken").or_else(|| text("refresh_token"));
    let expires_in = match value.get("expiresIn").or_else(|| value.get("expires_in")) {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let expires_at = match expires_in {
        Some(seconds) => Some(now.unix_timestamp() + seconds),
        None => text("expires").and_then(parse_expiry),
    };
    Ok(Tokens {
        access: AccessToken::new(access.to_owned()),
        refresh: refresh.map(|r| RefreshToken::new(r.to_owned())),
        expires_at,
    })
}

/// An absolute expiry: RFC 3339, or a timestamp without a zone, read as Moscow time (UTC+3).
fn parse_expiry(text: &str) -> Option<i64> {
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let naive = time::macros::format_description!(
        version = 2,
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    let moscow = UtcOffset::from_hms(3, 0, 0).ok()?;
    PrimitiveDateTime::parse(text, &naive)
        .ok()
        .map(|t| t.assume_offset(moscow).unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn reads_both_expiry_forms() {
        let now = datetime!(2026-11-22 10:00 UTC);
        let t = parse_tokens(
            &serde_json::json!({"accessToken": "a", "refreshToken": "r", "expiresIn": 3600}),
            now,
        )
        .unwrap();
        assert_eq!(t.access.secret(), "a");
        assert_eq!(t.expires_at, Some(now.unix_timestamp() + 3600));
        let t = parse_tokens(
            &serde_json::json!({"accessToken": "a", "expires": "2026-12-22T13:00:00"}),
            now,
        )
        .unwrap();
        assert_eq!(
            t.expires_at,
            Some(datetime!(2026-12-22 10:00 UTC).unix_timestamp()),
            "naive = Moscow time"
        );
        let t = parse_tokens(&serde_json::json!({"accessToken": "a", "expires": "2026-12-22T13:00:00.123Z", "expiresIn": "60"}), now).unwrap();
        assert_eq!(t.expires_at, Some(now.unix_timestamp() + 60));
        assert!(parse_tokens(&serde_json::json!({"refreshToken": "r"}), now).is_err());
    }

    #[test]
    fn builds_gitflics_authorize_url() {
        let app = OauthApp {
            client_id: ClientId::new("cid".into()),
            client_secret: ClientSecret::new("cs".into()),
            scopes: vec!["USER_READ".into(), "PROJECT_READ".into()],
        };
        let host = GitflicHost {
            web: Url::parse("https://gitflic.ru").unwrap(),
            api: Url::parse("https://api.gitflic.ru").unwrap(),
            oauth: Url::parse("https://oauth.gitflic.ru").unwrap(),
        };
        let redirect = RedirectUrl::new("https://x.example/cb".into()).unwrap();
        let url = app.authorize_url(&host, &CsrfToken::new("st".into()), &redirect);
        assert_eq!(
            url.as_str(),
            "https://oauth.gitflic.ru/oauth/authorize?scope=USER_READ%2CPROJECT_READ&clientId=cid&redirectUrl=https%3A%2F%2Fx.example%2Fcb&state=st"
        );
        assert!(
            !format!("{app:?}").contains("\"cs\""),
            "the client secret never prints"
        );
    }
}
