//! The oauth function: `/api/integrations/gitflic/…`. Parses the request, calls
//! [`connect`] or [`channels`], maps the outcome to a status.
//!
//! | route | |
//! |---|---|
//! | `GET oauth/start?base_url=` | 302 to GitFlic's consent page |
//! | `GET`/`POST oauth/callback` | `code` + `state` in the query, a JSON or a form body (public) |
//! | `GET connections` | the tenant's connections |
//! | `DELETE connections/{id}` | disconnect: delete its webhooks, then its tokens |
//! | `POST connections/{id}/sync[?include_shared=true]` | projects with their watch status |
//! | `PUT`/`DELETE connections/{id}/projects/{owner}/{alias}/watch` | watch (`{"branch_pattern"}`) / unwatch |
//! | `POST connections/{id}/manual-webhook` | a connection-level webhook URL and secret, shown once |
//! | `GET channels` | the tenant's chat channels, credentials masked |
//! | `PUT`/`DELETE channels/{kind}[?project_id=]` | set (`slack`, `telegram`, `matrix`) / remove a channel (a project's override with `project_id`) |
//! | `POST channels/{kind}/test` | send a test message to the room |
//!
//! Every route but the callback needs the tenant from the API Gateway JWT authorizer's claims.

pub mod channels;
pub mod config;
pub mod connect;

use channels::{ChannelError, ChannelSettings};
use config::OauthConfig;
use connect::Connect;
use exlogare_shared::connections::ConnectError;
use exlogare_shared::gitflic::api::ApiError;
use exlogare_shared::gitflic::oauth::OauthError;
use exlogare_shared::http_edge::{body_bytes, error, json, method_not_allowed, request_path};
use exlogare_shared::notify::Delivery;
use exlogare_shared::report::Language;
use exlogare_shared::services::Services;
use lambda_http::http::{HeaderValue, Method, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::Deserialize;
use serde_json::json;
use url::Url;

pub const PREFIX: &str = "/api/integrations/gitflic/";
/// Largest request body accepted.
const MAX_BODY: usize = 16 * 1024;

/// What the handler needs besides the request.
pub struct App {
    pub connect: Connect,
    pub channels: ChannelSettings,
    /// Language of the channels' test messages.
    pub language: Language,
    /// The API's public base URL; `None` uses the domain each request arrived at.
    pub public_base_url: Option<Url>,
    pub dashboard_url: Url,
    pub tenant_claim: String,
}

impl App {
    /// The function as it runs, from its configuration.
    pub fn from_config(
        config: OauthConfig,
        aws: &aws_config::SdkConfig,
    ) -> Result<Self, reqwest::Error> {
        let services = Services::from_config(&config.app, config.scopes, aws)?;
        Ok(Self {
            channels: ChannelSettings::new(
                services.store,
                services.kms,
                services.http,
                config.app.telegram_api,
                config.app.allow_private,
            ),
            language: config.app.language,
            connect: Connect::new(services.connections),
            public_base_url: config.public_base_url,
            dashboard_url: config.dashboard_url,
            tenant_claim: config.tenant_claim,
        })
    }
}

/// The tenant named by the JWT authorizer's claim, if any.
fn tenant(request: &Request, claim: &str) -> Option<String> {
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx
            .authorizer
            .as_ref()?
            .jwt
            .as_ref()?
            .claims
            .get(claim)
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .cloned(),
        _ => None,
    }
}

/// The API's public base URL: configured, or the domain API Gateway received the request on.
fn public_base(app: &App, request: &Request) -> Option<Url> {
    if let Some(url) = &app.public_base_url {
        return Some(url.clone());
    }
    let domain = match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.domain_name.clone()?,
        _ => return None,
    };
    Url::parse(&format!("https://{domain}")).ok()
}

fn failure(e: &ConnectError) -> Response<Body> {
    let status = match e {
        ConnectError::BaseUrl(_) | ConnectError::InvalidState | ConnectError::BadRequest(_) => {
            StatusCode::BAD_REQUEST
        }
        ConnectError::Oauth(OauthError::Rejected(_)) => StatusCode::BAD_REQUEST,
        ConnectError::NotFound | ConnectError::Gitflic(ApiError::NotFound) => StatusCode::NOT_FOUND,
        ConnectError::NeedsReconnect | ConnectError::Gitflic(ApiError::Unauthorized) => {
            StatusCode::CONFLICT
        }
        ConnectError::Gitflic(ApiError::Forbidden) => StatusCode::FORBIDDEN,
        ConnectError::Gitflic(_) | ConnectError::Oauth(_) => StatusCode::BAD_GATEWAY,
        ConnectError::Store(_) | ConnectError::Crypto(_) => {
            tracing::error!(error = %e, "storage or encryption failed");
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable, retry later",
            );
        }
    };
    let message = match e {
        ConnectError::Gitflic(ApiError::Forbidden) => {
            "GitFlic denied access: managing webhooks needs project administrator rights".to_owned()
        }
        other => other.to_string(),
    };
    error(status, &message)
}

fn channel_failure(e: &ChannelError) -> Response<Body> {
    match e {
        ChannelError::Invalid(_) => error(StatusCode::BAD_REQUEST, &e.to_string()),
        ChannelError::NotFound => error(StatusCode::NOT_FOUND, &e.to_string()),
        ChannelError::Store(_) | ChannelError::Crypto(_) => {
            tracing::error!(error = %e, "storage or encryption failed");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable, retry later",
            )
        }
    }
}

/// The chat-channel routes.
async fn channels(
    app: &App,
    tenant: &str,
    segments: &[&str],
    method: &Method,
    project: Option<&str>,
    body: &[u8],
) -> Response<Body> {
    let channels = &app.channels;
    match (segments, method) {
        (["channels"], &Method::GET) => match channels.list(tenant).await {
            Ok(list) => json(StatusCode::OK, &json!({ "channels": list })),
            Err(e) => channel_failure(&e),
        },
        (["channels", kind], &Method::PUT) => match channels.set(tenant, kind, project, body).await
        {
            Ok(view) => json(StatusCode::OK, &json!({ "channel": view })),
            Err(e) => channel_failure(&e),
        },
        (["channels", kind], &Method::DELETE) => match channels.delete(tenant, kind, project).await
        {
            Ok(()) => json(StatusCode::OK, &json!({ "status": "deleted" })),
            Err(e) => channel_failure(&e),
        },
        (["channels", kind, "test"], &Method::POST) => {
            match channels.test(tenant, kind, project, app.language).await {
                Ok(Delivery::Delivered { .. }) => {
                    json(StatusCode::OK, &json!({ "status": "delivered" }))
                }
                Ok(Delivery::Rejected { status, reason }) => error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("the room refused the message (HTTP {status}): {reason}"),
                ),
                Ok(Delivery::Retry { reason, .. }) => error(
                    StatusCode::BAD_GATEWAY,
                    &format!("the chat service is unavailable: {reason}"),
                ),
                Err(e) => channel_failure(&e),
            }
        }
        (["channels"], _) => method_not_allowed("GET"),
        (["channels", _], _) => method_not_allowed("PUT, DELETE"),
        _ => method_not_allowed("POST"),
    }
}

fn redirect(location: &Url) -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::FOUND;
    if let Ok(value) = HeaderValue::from_str(location.as_str()) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

#[derive(Deserialize, Default)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
}

/// `code` and `state` from the query, a JSON body or a form body.
fn callback_params(request: &Request) -> CallbackParams {
    let query = request.query_string_parameters();
    let mut params = CallbackParams {
        code: query.first("code").map(str::to_owned),
        state: query.first("state").map(str::to_owned),
    };
    let body = body_bytes(request.body());
    if params.code.is_none() && !body.is_empty() && body.len() <= MAX_BODY {
        let parsed = serde_json::from_slice::<CallbackParams>(body)
            .ok()
            .or_else(|| {
                let pairs: Vec<(String, String)> =
                    url::form_urlencoded::parse(body).into_owned().collect();
                let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                Some(CallbackParams {
                    code: get("code"),
                    state: get("state"),
                })
            });
        if let Some(parsed) = parsed {
            params = parsed;
        }
    }
    params
}

async fn callback(app: &App, request: &Request) -> Response<Body> {
    let params = callback_params(request);
    let result = match (params.code.as_deref(), params.state.as_deref()) {
        (Some(code), Some(state)) => app.connect.complete(code, state).await,
        _ => Err(ConnectError::BadRequest(
            "code and state are required".into(),
        )),
    };
    if request.method() == Method::POST {
        return match result {
            Ok(view) => json(
                StatusCode::OK,
                &json!({ "status": "connected", "connection": view }),
            ),
            Err(e) => failure(&e),
        };
    }
    // The browser goes back to the dashboard with the outcome in the query.
    let mut location = app.dashboard_url.clone();
    match &result {
        Ok(view) => {
            location
                .query_pairs_mut()
                .append_pair("gitflic", "connected")
                .append_pair("connection", &view.id);
        }
        Err(e) => {
            tracing::warn!(error = %e, "GitFlic connection failed");
            location
                .query_pairs_mut()
                .append_pair("gitflic", "error")
                .append_pair("reason", &e.to_string());
        }
    }
    redirect(&location)
}

#[derive(Deserialize, Default)]
struct WatchBody {
    branch_pattern: Option<String>,
}

pub async fn handle(app: &App, request: Request) -> Result<Response<Body>, lambda_http::Error> {
    let path = request_path(&request).trim_end_matches('/').to_owned();
    let Some(route) = path
        .strip_prefix(PREFIX)
        .or_else(|| path.strip_prefix(PREFIX.trim_end_matches('/')))
    else {
        return Ok(error(StatusCode::NOT_FOUND, "not found"));
    };
    if body_bytes(request.body()).len() > MAX_BODY {
        return Ok(error(StatusCode::PAYLOAD_TOO_LARGE, "body too large"));
    }
    let segments: Vec<String> = route
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = request.method().clone();

    if segments == ["oauth", "callback"] {
        return Ok(match method {
            Method::GET | Method::POST => callback(app, &request).await,
            _ => method_not_allowed("GET, POST"),
        });
    }
    let known = matches!(
        segments.as_slice(),
        ["oauth", "start"]
            | ["connections"]
            | ["connections", _]
            | ["connections", _, "sync" | "manual-webhook"]
            | ["connections", _, "projects", _, _, "watch"]
            | ["channels"]
            | ["channels", _]
            | ["channels", _, "test"]
    );
    if !known {
        return Ok(error(StatusCode::NOT_FOUND, "not found"));
    }
    let Some(tenant) = tenant(&request, &app.tenant_claim) else {
        return Ok(error(StatusCode::UNAUTHORIZED, "unauthorized"));
    };
    if segments.first() == Some(&"channels") {
        let query = request.query_string_parameters();
        let project = query.first("project_id");
        return Ok(channels(
            app,
            &tenant,
            &segments,
            &method,
            project,
            body_bytes(request.body()),
        )
        .await);
    }
    let connections = &app.connect;
    let query = request.query_string_parameters();
    let Some(public) = public_base(app, &request) else {
        tracing::error!("no PUBLIC_BASE_URL and no domain in the request context");
        return Ok(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the service's public URL is not configured",
        ));
    };
    let result = match (segments.as_slice(), &method) {
        (["oauth", "start"], &Method::GET) => {
            return Ok(
                match connections
                    .start(&tenant, query.first("base_url"), &public)
                    .await
                {
                    Ok(url) => redirect(&url),
                    Err(e) => failure(&e),
                },
            );
        }
        (["connections"], &Method::GET) => connections
            .list(&tenant)
            .await
            .map(|c| json!({ "connections": c })),
        (["connections", id], &Method::DELETE) => connections
            .disconnect(&tenant, id)
            .await
            .map(|_| json!({ "status": "disconnected" })),
        (["connections", id, "sync"], &Method::POST) => {
            let shared = query
                .first("include_shared")
                .is_some_and(|v| v == "true" || v == "1");
            connections
                .sync(&tenant, id, shared, &public)
                .await
                .map(|p| json!({ "projects": p }))
        }
        (["connections", id, "manual-webhook"], &Method::POST) => connections
            .manual_webhook(&tenant, id, &public)
            .await
            .map(|m| json!(m)),
        (["connections", id, "projects", owner, alias, "watch"], &Method::PUT) => {
            let body = body_bytes(request.body());
            let Ok(watch) = (if body.is_empty() {
                Ok(WatchBody::default())
            } else {
                serde_json::from_slice::<WatchBody>(body)
            }) else {
                return Ok(error(
                    StatusCode::BAD_REQUEST,
                    "body must be JSON: {\"branch_pattern\": \"…\"}",
                ));
            };
            let pattern = watch
                .branch_pattern
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty());
            if pattern.is_some_and(|p| p.len() > 512) {
                return Ok(error(StatusCode::BAD_REQUEST, "branch_pattern is too long"));
            }
            connections
                .watch(&tenant, id, owner, alias, pattern, &public)
                .await
                .map(|w| json!({ "status": "watching", "watch": w }))
        }
        (["connections", id, "projects", owner, alias, "watch"], &Method::DELETE) => connections
            .unwatch(&tenant, id, owner, alias)
            .await
            .map(|_| json!({ "status": "unwatched" })),
        (["oauth", "start"] | ["connections"], _) => return Ok(method_not_allowed("GET")),
        (["connections", _], _) => return Ok(method_not_allowed("DELETE")),
        (["connections", _, "projects", ..], _) => return Ok(method_not_allowed("PUT, DELETE")),
        _ => return Ok(method_not_allowed("POST")),
    };
    Ok(match result {
        Ok(body) => json(StatusCode::OK, &body),
        Err(e) => failure(&e),
    })
}
