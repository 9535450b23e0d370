//! The oauth function: `/api/integrations/gitflic/…`, an `axum` router run by `lambda_http`.
//! Each route's handler reads the request, calls [`connect`] or [`channels`], and maps the
//! outcome to a status; unknown paths are a JSON 404, known paths with another method a JSON 405
//! with `Allow`.
//!
//! | route | |
//! |---|---|
//! | `GET oauth/start?base_url=` | 302 to GitFlic's consent page; `{"authorize_url"}` to `Accept: application/json` |
//! | `GET`/`POST oauth/callback` | `code` + `state` in the query, a JSON or a form body (public) |
//! | `GET connections` | the tenant's connections |
//! | `DELETE connections/{id}` | disconnect: delete its webhooks, then its tokens |
//! | `POST connections/{id}/sync[?include_shared=true]` | projects with their watch status |
//! | `PUT`/`DELETE connections/{id}/projects/{owner}/{alias}/watch` | watch (`{"branch_pattern", "merge_request_discussions"}`) / unwatch |
//! | `POST connections/{id}/manual-webhook` | a connection-level webhook URL and secret, shown once |
//! | `GET projects/{project_id}/reports[?limit=]` | a watched project's newest reports |
//! | `GET channels` | the tenant's chat channels, credentials masked |
//! | `PUT`/`DELETE channels/{kind}[?project_id=]` | set (`slack`, `telegram`, `matrix`) / remove a channel (a project's override with `project_id`) |
//! | `POST channels/{kind}/test` | send a test message to the room |
//!
//! Every route but the callback needs the tenant from the API Gateway JWT authorizer's claims
//! (401 without it). A trailing `/` is ignored; bodies over 16 KiB are refused (413).

pub mod channels;
pub mod config;
pub mod connect;
pub mod console;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::routing::{delete, get, post, put};
use channels::{ChannelError, ChannelSettings};
use config::{ConsoleAuth, OauthConfig};
use connect::{Connect, WatchSettings};
use exlogare_shared::connections::ConnectError;
use exlogare_shared::gitflic::api::ApiError;
use exlogare_shared::gitflic::oauth::OauthError;
use exlogare_shared::http_edge::{body_bytes, error, request_path};
use exlogare_shared::notify::Delivery;
use exlogare_shared::report::Language;
use exlogare_shared::services::Services;
use lambda_http::http::{HeaderValue, Method, StatusCode, Uri, header};
use lambda_http::request::RequestContext;
use lambda_http::tower::ServiceExt;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
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
    /// Where the browser returns after connecting; `None`: the console served here.
    pub dashboard_url: Option<Url>,
    /// How the console signs in.
    pub console: ConsoleAuth,
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
            console: config.console,
            tenant_claim: config.tenant_claim,
        })
    }
}

/// The tenant named by the JWT authorizer's claim, if any.
fn tenant(parts: &Parts, claim: &str) -> Option<String> {
    match parts.extensions.get::<RequestContext>()? {
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
fn public_base(app: &App, parts: &Parts) -> Option<Url> {
    if let Some(url) = &app.public_base_url {
        return Some(url.clone());
    }
    let domain = match parts.extensions.get::<RequestContext>()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.domain_name.clone()?,
        _ => return None,
    };
    Url::parse(&format!("https://{domain}")).ok()
}

type Shared = Arc<App>;

/// The caller's tenant; a request without one is refused with 401.
struct Tenant(String);

impl FromRequestParts<Shared> for Tenant {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Self, Failure> {
        tenant(parts, &app.tenant_claim)
            .map(Tenant)
            .ok_or_else(|| Failure::new(StatusCode::UNAUTHORIZED, "unauthorized"))
    }
}

/// Where webhooks and the callback are reached from outside.
struct PublicBase(Url);

impl FromRequestParts<Shared> for PublicBase {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Self, Failure> {
        public_base(app, parts).map(PublicBase).ok_or_else(|| {
            tracing::error!("no PUBLIC_BASE_URL and no domain in the request context");
            Failure::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the service's public URL is not configured",
            )
        })
    }
}

/// `{"error": message}` with a status: the message must never quote a secret or the body.
struct Failure {
    status: StatusCode,
    message: String,
}

impl Failure {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> AxumResponse {
        (self.status, axum::Json(json!({ "error": self.message }))).into_response()
    }
}

impl From<ConnectError> for Failure {
    fn from(e: ConnectError) -> Self {
        failure(&e)
    }
}

impl From<ChannelError> for Failure {
    fn from(e: ChannelError) -> Self {
        channel_failure(&e)
    }
}

type Answer = Result<axum::Json<Value>, Failure>;

fn ok(body: Value) -> Answer {
    Ok(axum::Json(body))
}

fn failure(e: &ConnectError) -> Failure {
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
            return Failure::new(
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
    Failure::new(status, message)
}

fn channel_failure(e: &ChannelError) -> Failure {
    match e {
        ChannelError::Invalid(_) => Failure::new(StatusCode::BAD_REQUEST, e.to_string()),
        ChannelError::NotFound => Failure::new(StatusCode::NOT_FOUND, e.to_string()),
        ChannelError::Store(_) | ChannelError::Crypto(_) => {
            tracing::error!(error = %e, "storage or encryption failed");
            Failure::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable, retry later",
            )
        }
    }
}

/// The routes, under [`PREFIX`].
pub fn router(app: Arc<App>) -> Router {
    let routes = Router::new()
        .route("/oauth/start", get(start))
        .route("/oauth/callback", get(callback).post(callback))
        .route("/connections", get(list_connections))
        .route("/connections/{id}", delete(disconnect))
        .route("/connections/{id}/sync", post(sync))
        .route("/connections/{id}/manual-webhook", post(manual_webhook))
        .route(
            "/connections/{id}/projects/{owner}/{alias}/watch",
            put(watch).delete(unwatch),
        )
        .route("/projects/{project_id}/reports", get(reports))
        .route("/channels", get(list_channels))
        .route("/channels/{kind}", put(set_channel).delete(delete_channel))
        .route("/channels/{kind}/test", post(test_channel))
        .method_not_allowed_fallback(|| async {
            Failure::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
        });
    Router::new()
        .nest(PREFIX.trim_end_matches('/'), routes)
        .route("/", get(console::root))
        .route(console::PATH, get(console::page))
        .route(&format!("{}/{{file}}", console::PATH), get(console::file))
        .fallback(|| async { Failure::new(StatusCode::NOT_FOUND, "not found") })
        .with_state(app)
}

/// One request through [`router`]: the path as the client sent it (without API Gateway's
/// stage, without a trailing `/`), the body size checked first.
pub async fn handle(app: Arc<App>, request: Request) -> Result<Response<Body>, lambda_http::Error> {
    if body_bytes(request.body()).len() > MAX_BODY {
        return Ok(error(StatusCode::PAYLOAD_TOO_LARGE, "body too large"));
    }
    let path = request_path(&request).trim_end_matches('/').to_owned();
    let (mut parts, body) = request.into_parts();
    let mut uri = match parts.uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    if uri.is_empty() {
        uri.push('/');
    }
    parts.uri = uri.parse::<Uri>().unwrap_or_else(|_| Uri::from_static("/"));
    let body = axum::body::Body::from(body_bytes(&body).to_vec());
    let answer = router(app)
        .oneshot(lambda_http::http::Request::from_parts(parts, body))
        .await?;
    let (parts, body) = answer.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await?;
    let body = match String::from_utf8(bytes.to_vec()) {
        Ok(text) if text.is_empty() => Body::Empty,
        Ok(text) => Body::Text(text),
        Err(binary) => Body::Binary(binary.into_bytes()),
    };
    Ok(Response::from_parts(parts, body))
}

fn redirect(location: &Url) -> AxumResponse {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location.as_str()) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A browser navigation cannot carry the bearer token, so a page asks with `fetch` and
/// `Accept: application/json`, gets the consent page's address, and goes there itself.
async fn start(
    Tenant(tenant): Tenant,
    PublicBase(public): PublicBase,
    State(app): State<Shared>,
    headers: axum::http::HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> AxumResponse {
    let base_url = query.get("base_url").map(String::as_str);
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    match app.connect.start(&tenant, base_url, &public).await {
        Ok(url) if wants_json => {
            axum::Json(json!({ "authorize_url": url.as_str() })).into_response()
        }
        Ok(url) => redirect(&url),
        Err(e) => failure(&e).into_response(),
    }
}

#[derive(Deserialize, Default)]
struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
}

/// `code` and `state` from the query, a JSON body or a form body.
fn callback_params(query: &HashMap<String, String>, body: &[u8]) -> CallbackParams {
    let mut params = CallbackParams {
        code: query.get("code").cloned(),
        state: query.get("state").cloned(),
    };
    if params.code.is_none() && !body.is_empty() {
        params = serde_json::from_slice::<CallbackParams>(body).unwrap_or_else(|_| {
            let pairs: Vec<(String, String)> =
                url::form_urlencoded::parse(body).into_owned().collect();
            let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            CallbackParams {
                code: get("code"),
                state: get("state"),
            }
        });
    }
    params
}

async fn callback(
    State(app): State<Shared>,
    PublicBase(public): PublicBase,
    method: Method,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> AxumResponse {
    let params = callback_params(&query, &body);
    let result = match (params.code.as_deref(), params.state.as_deref()) {
        (Some(code), Some(state)) => app.connect.complete(code, state).await,
        _ => Err(ConnectError::BadRequest(
            "code and state are required".into(),
        )),
    };
    if method == Method::POST {
        return match result {
            Ok(view) => {
                axum::Json(json!({ "status": "connected", "connection": view })).into_response()
            }
            Err(e) => failure(&e).into_response(),
        };
    }
    // The browser goes back to the console with the outcome in the query.
    let mut location = match &app.dashboard_url {
        Some(url) => url.clone(),
        None => console::address(&public),
    };
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

async fn list_connections(Tenant(tenant): Tenant, State(app): State<Shared>) -> Answer {
    ok(json!({ "connections": app.connect.list(&tenant).await? }))
}

async fn disconnect(
    Tenant(tenant): Tenant,
    State(app): State<Shared>,
    Path(id): Path<String>,
) -> Answer {
    app.connect.disconnect(&tenant, &id).await?;
    ok(json!({ "status": "disconnected" }))
}

async fn sync(
    Tenant(tenant): Tenant,
    PublicBase(public): PublicBase,
    State(app): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    let shared = query
        .get("include_shared")
        .is_some_and(|v| v == "true" || v == "1");
    let projects = app.connect.sync(&tenant, &id, shared, &public).await?;
    ok(json!({ "projects": projects }))
}

async fn manual_webhook(
    Tenant(tenant): Tenant,
    PublicBase(public): PublicBase,
    State(app): State<Shared>,
    Path(id): Path<String>,
) -> Answer {
    ok(json!(
        app.connect.manual_webhook(&tenant, &id, &public).await?
    ))
}

#[derive(Deserialize, Default)]
struct WatchBody {
    branch_pattern: Option<String>,
    merge_request_discussions: Option<bool>,
}

async fn watch(
    Tenant(tenant): Tenant,
    PublicBase(public): PublicBase,
    State(app): State<Shared>,
    Path((id, owner, alias)): Path<(String, String, String)>,
    body: Bytes,
) -> Answer {
    let watch = if body.is_empty() {
        WatchBody::default()
    } else {
        serde_json::from_slice::<WatchBody>(&body).map_err(|_| {
            Failure::new(
                StatusCode::BAD_REQUEST,
                "body must be JSON: {\"branch_pattern\": \"…\", \"merge_request_discussions\": true}",
            )
        })?
    };
    let pattern = watch
        .branch_pattern
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if pattern.is_some_and(|p| p.len() > 512) {
        return Err(Failure::new(
            StatusCode::BAD_REQUEST,
            "branch_pattern is too long",
        ));
    }
    let view = app
        .connect
        .watch(
            &tenant,
            &id,
            (&owner, &alias),
            WatchSettings {
                branch_pattern: pattern,
                discussions: watch.merge_request_discussions,
            },
            &public,
        )
        .await?;
    ok(json!({ "status": "watching", "watch": view }))
}

async fn unwatch(
    Tenant(tenant): Tenant,
    State(app): State<Shared>,
    Path((id, owner, alias)): Path<(String, String, String)>,
) -> Answer {
    app.connect.unwatch(&tenant, &id, &owner, &alias).await?;
    ok(json!({ "status": "unwatched" }))
}

/// `?limit=` (default 20, at most 100): the project's newest reports.
async fn reports(
    Tenant(tenant): Tenant,
    State(app): State<Shared>,
    Path(project_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    let limit = match query.get("limit") {
        None => 20,
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                Failure::new(
                    StatusCode::BAD_REQUEST,
                    "limit must be a number from 1 to 100",
                )
            })?,
    };
    ok(json!({ "reports": app.connect.reports(&tenant, &project_id, limit).await? }))
}

async fn list_channels(Tenant(tenant): Tenant, State(app): State<Shared>) -> Answer {
    ok(json!({ "channels": app.channels.list(&tenant).await? }))
}

/// `?project_id=`: a project's own room instead of the tenant's.
fn project(query: &HashMap<String, String>) -> Option<&str> {
    query.get("project_id").map(String::as_str)
}

async fn set_channel(
    Tenant(tenant): Tenant,
    State(app): State<Shared>,
    Path(kind): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Answer {
    let view = app
        .channels
        .set(&tenant, &kind, project(&query), &body)
        .await?;
    ok(json!({ "channel": view }))
}

async fn delete_channel(
    Tenant(tenant): Tenant,
    State(app): State<Shared>,
    Path(kind): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    app.channels.delete(&tenant, &kind, project(&query)).await?;
    ok(json!({ "status": "deleted" }))
}

async fn test_channel(
    Tenant(tenant): Tenant,
    State(app): State<Shared>,
    Path(kind): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Answer {
    match app
        .channels
        .test(&tenant, &kind, project(&query), app.language)
        .await?
    {
        Delivery::Delivered { .. } => ok(json!({ "status": "delivered" })),
        Delivery::Rejected { status, reason } => Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the room refused the message (HTTP {status}): {reason}"),
        )),
        Delivery::Retry { reason, .. } => Err(Failure::new(
            StatusCode::BAD_GATEWAY,
            format!("the chat service is unavailable: {reason}"),
        )),
    }
}
