//! The web console: three static files (no build step, no third-party script) served by this
//! function at `/console`, on the API's own origin — so the page calls the API without CORS and
//! its Content-Security-Policy can say `'self'` — and `config.json`, how it signs in.
//!
//! The page renders everything from outside (project names, log excerpts, API messages) with
//! `textContent`, never as markup; the policy forbids inline script and style, plugins, frames
//! and forms that leave for elsewhere.

use crate::Shared;
use crate::config::ConsoleAuth;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use exlogare_shared::http_edge::public_address;
use serde_json::json;

const INDEX: &str = include_str!("../console/index.html");
const SCRIPT: &str = include_str!("../console/app.js");
const STYLE: &str = include_str!("../console/app.css");

/// Where the console lives under the API's base.
pub const PATH: &str = "/console";

/// The console's address under the API's public base URL.
pub fn address(public: &url::Url) -> url::Url {
    public_address(public, &[PATH.trim_start_matches('/')])
}

/// The page's policy: its own script, style and API; the identity provider's token endpoint
/// (the code is exchanged by `fetch`); nothing else.
pub fn content_security_policy(auth: &ConsoleAuth) -> String {
    let token_origin = auth
        .token_url
        .as_ref()
        .map(|u| format!(" {}", u.origin().ascii_serialization()))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'{token_origin}; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

fn answer(app: &Shared, content_type: &'static str, body: String) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(&app.console)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `GET /console`: the page.
pub async fn page(State(app): State<Shared>) -> Response {
    answer(&app, "text/html; charset=utf-8", INDEX.to_owned())
}

/// `GET /console/{file}`: the script, the style, and `config.json`.
pub async fn file(State(app): State<Shared>, Path(name): Path<String>) -> Response {
    match name.as_str() {
        "app.js" => answer(&app, "text/javascript; charset=utf-8", SCRIPT.to_owned()),
        "app.css" => answer(&app, "text/css; charset=utf-8", STYLE.to_owned()),
        "config.json" => {
            let auth = &app.console;
            let config = json!({
                "api": crate::PREFIX.trim_end_matches('/'),
                "client_id": auth.client_id,
                "authorize_url": auth.authorize_url.as_ref().map(|u| u.as_str()),
                "token_url": auth.token_url.as_ref().map(|u| u.as_str()),
                "logout_url": auth.logout_url.as_ref().map(|u| u.as_str()),
            });
            answer(&app, "application/json", config.to_string())
        }
        _ => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({ "error": "not found" })),
        )
            .into_response(),
    }
}

/// `GET /`: the console.
pub async fn root() -> Response {
    let mut response = StatusCode::FOUND.into_response();
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static("/console"));
    response
}
