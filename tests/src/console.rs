//! The console on this machine, wired as deployed: moto's Cognito (a user pool, its public app
//! client, a user of team `team-a`), a stand-in for the pool's hosted sign-in page that speaks
//! its authorization-code + PKCE flow (moto has no hosted page; the tokens are moto's own), and
//! a front that does what API Gateway does — the ID token verified against the pool's JWKS, its
//! claims handed to the oauth function as the JWT authorizer's, the webhook and the console
//! public — with the GitFlic and chat stand-ins and the webhook → SQS → analyzer path behind it.
//! Used by `make console` and the browser tests.

use crate::fake_chat::FakeChat;
use crate::fake_gitflic::FakeGitflic;
use crate::harness::{app_config, job, oauth_config, poll, webhook};
use crate::{HttpEvent, LocalStack, env};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use exlogare_analyzer::config::AnalyzerConfig;
use exlogare_analyzer::pipeline::PipelineAnalyzer;
use exlogare_oauth::config::ConsoleAuth;
use exlogare_shared::report::Language;
use exlogare_webhook::ingest::Ingest;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const USER: &str = "lead@team.example";
pub const PASSWORD: &str = "Correct-Horse-42";
pub const TENANT: &str = "team-a";

/// A code the sign-in stand-in handed out, waiting for its exchange.
struct PendingCode {
    tokens: Value,
    challenge: String,
    redirect_uri: String,
}

struct Front {
    oauth: Arc<exlogare_oauth::App>,
    ingest: Ingest,
    cognito: Cognito,
    keys: jsonwebtoken::jwk::JwkSet,
    codes: Mutex<HashMap<String, PendingCode>>,
}

/// moto's Cognito, spoken to in its JSON protocol (moto does not check signatures).
#[derive(Clone)]
struct Cognito {
    endpoint: String,
    http: reqwest::Client,
    pool_id: String,
    client_id: String,
}

impl Cognito {
    async fn call(
        http: &reqwest::Client,
        endpoint: &str,
        action: &str,
        body: Value,
    ) -> anyhow::Result<Value> {
        let response = http
            .post(endpoint)
            .header("Content-Type", "application/x-amz-json-1.1")
            .header("X-Amz-Target", format!("AWSCognitoIdentityProviderService.{action}"))
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20260101/eu-central-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
            )
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        anyhow::ensure!(
            status.is_success(),
            "Cognito {action}: HTTP {status}: {answer}"
        );
        Ok(answer)
    }

    /// A pool with a `tenant` attribute, a public client, and one user of [`TENANT`].
    async fn provision(endpoint: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::new();
        let pool = Self::call(
            &http,
            endpoint,
            "CreateUserPool",
            json!({
                "PoolName": format!("console-{}", uuid::Uuid::new_v4().simple()),
                "UsernameAttributes": ["email"],
                "Schema": [{ "Name": "tenant", "AttributeDataType": "String", "Mutable": true }],
            }),
        )
        .await?;
        let pool_id = pool["UserPool"]["Id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let client = Self::call(
            &http,
            endpoint,
            "CreateUserPoolClient",
            json!({
                "UserPoolId": pool_id, "ClientName": "console", "GenerateSecret": false,
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            }),
        )
        .await?;
        let client_id = client["UserPoolClient"]["ClientId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Self::call(
            &http,
            endpoint,
            "AdminCreateUser",
            json!({
                "UserPoolId": pool_id, "Username": USER, "MessageAction": "SUPPRESS",
                "UserAttributes": [
                    { "Name": "email", "Value": USER },
                    { "Name": "custom:tenant", "Value": TENANT },
                ],
            }),
        )
        .await?;
        Self::call(
            &http,
            endpoint,
            "AdminSetUserPassword",
            json!({
                "UserPoolId": pool_id, "Username": USER, "Password": PASSWORD, "Permanent": true,
            }),
        )
        .await?;
        Ok(Self {
            endpoint: endpoint.to_owned(),
            http,
            pool_id,
            client_id,
        })
    }

    /// The user's tokens, or `None` when the pool refuses the credentials.
    async fn sign_in(&self, user: &str, password: &str) -> Option<Value> {
        let answer = Self::call(
            &self.http,
            &self.endpoint,
            "InitiateAuth",
            json!({
                "ClientId": self.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": { "USERNAME": user, "PASSWORD": password },
            }),
        )
        .await
        .ok()?;
        let result = &answer["AuthenticationResult"];
        Some(json!({
            "id_token": result["IdToken"], "access_token": result["AccessToken"],
            "refresh_token": result["RefreshToken"], "expires_in": result["ExpiresIn"],
            "token_type": "Bearer",
        }))
    }

    async fn keys(&self) -> anyhow::Result<jsonwebtoken::jwk::JwkSet> {
        let url = format!("{}/{}/.well-known/jwks.json", self.endpoint, self.pool_id);
        Ok(self.http.get(url).send().await?.json().await?)
    }
}

/// Everything the console needs, running.
pub struct ConsoleStack {
    /// The front's address: the console is at `{url}/console`.
    pub url: String,
    pub gitflic: FakeGitflic,
    pub chat: FakeChat,
    pub stack: LocalStack,
    pub queue_url: String,
    pub analyzer: Arc<PipelineAnalyzer>,
}

impl ConsoleStack {
    pub async fn start() -> anyhow::Result<Self> {
        let mut stack = LocalStack::from_env().await;
        stack.table = stack.fresh_table().await;
        let gitflic = FakeGitflic::start().await;
        let chat = FakeChat::start().await;
        let cognito = Cognito::provision(&env("AWS_ENDPOINT_URL")).await?;
        let keys = cognito.keys().await?;
        let app = app_config(&stack, chat.telegram_api(), Language::En, true);
        let queue_url = stack.fresh_queue().await;
        let ingest = webhook(&stack, &queue_url);
        let analyzer = Arc::new(PipelineAnalyzer::from_config(
            &AnalyzerConfig {
                app: app.clone(),
                log_cap: 20_000_000,
                report_retention: Duration::from_secs(86_400),
                concurrency: 2,
                llm: None,
                baseline_requests_per_hour: 200,
                green_run_memory: Duration::from_secs(3600),
            },
            &stack.sdk,
        )?);
        // The front's address is known once it listens; the oauth function needs it first.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let mut config = oauth_config(app);
        config.public_base_url = Some(url::Url::parse(&url)?);
        config.dashboard_url = None;
        config.tenant_claim = "custom:tenant".into();
        config.console = ConsoleAuth {
            client_id: Some(cognito.client_id.clone()),
            authorize_url: Some(url::Url::parse(&format!("{url}/oauth2/authorize"))?),
            token_url: Some(url::Url::parse(&format!("{url}/oauth2/token"))?),
            logout_url: Some(url::Url::parse(&format!("{url}/logout"))?),
        };
        let front = Arc::new(Front {
            oauth: Arc::new(exlogare_oauth::App::from_config(config, &stack.sdk)?),
            ingest,
            cognito,
            keys,
            codes: Mutex::new(HashMap::new()),
        });
        let router = Router::new()
            .route(
                "/oauth2/authorize",
                axum::routing::get(sign_in_page).post(sign_in),
            )
            .route("/oauth2/token", axum::routing::post(token))
            .route("/logout", axum::routing::get(logout))
            .fallback(gateway)
            .with_state(front);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(Self {
            url,
            gitflic,
            chat,
            stack,
            queue_url,
            analyzer,
        })
    }

    /// Pipeline `local_id` of every project failed to compile (`src/cart.rs:14`).
    pub fn add_failed_pipeline(&self, local_id: &str) {
        self.gitflic.add_pipeline(
            local_id,
            vec![job(
                &format!("{local_id}1"),
                "unit-tests",
                "test",
                "FAILED",
                Some(b"   Compiling shop v0.1.0\nerror[E0425]: cannot find value `total` in this scope\n --> src/cart.rs:14:5\nerror: could not compile `shop`\n"),
            )],
        );
    }

    /// GitFlic's PIPELINE_FAIL delivery for `local_id` through the webhook (with the secret of
    /// the hook the console's watch registered), then the analyzer's poll.
    pub async fn replay_failure(
        &self,
        owner: &str,
        alias: &str,
        local_id: &str,
    ) -> anyhow::Result<()> {
        let hook = self
            .gitflic
            .hooks(owner, alias)
            .pop()
            .ok_or_else(|| anyhow::anyhow!("{owner}/{alias} has no hook: watch it first"))?;
        let project = self
            .gitflic
            .state
            .lock()
            .unwrap()
            .projects
            .iter()
            .find(|p| p.1 == owner && p.2 == alias)
            .map(|p| p.0.clone())
            .unwrap_or_default();
        let body = json!({
            "action": "PIPELINE_FAIL", "project_id": project,
            "project": { "project_id": project, "alias": alias, "owner_alias": owner },
            "pipeline": { "id": format!("uuid-pipeline-{local_id}"), "local_id": local_id },
        });
        let status = reqwest::Client::new()
            .post(&hook.url)
            .header("Gitflic-Webhook-Secret", &hook.secret)
            .json(&body)
            .send()
            .await?
            .status();
        anyhow::ensure!(status.is_success(), "the webhook answered {status}");
        let (seen, response) = poll(
            &self.stack,
            &self.queue_url,
            &self.analyzer,
            Duration::from_secs(30),
        )
        .await;
        anyhow::ensure!(
            seen == 1 && response.batch_item_failures.is_empty(),
            "the failure was not analysed"
        );
        Ok(())
    }
}

/// What API Gateway does in front of the functions.
async fn gateway(
    State(front): State<Arc<Front>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let mut event = HttpEvent::post(&path)
        .method(method.as_str())
        .body(body.to_vec());
    for (name, value) in &headers {
        if let Ok(value) = value.to_str() {
            event = event.header(name.as_str(), value);
        }
    }
    for (name, value) in url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()) {
        event = event.query(&name, &value);
    }
    if path.starts_with("/webhook/") {
        return into_axum(exlogare_webhook::handle(&front.ingest, event.request()).await);
    }
    let public = path == "/"
        || path == "/console"
        || path.starts_with("/console/")
        || path.trim_end_matches('/').ends_with("/oauth/callback");
    if !public {
        match verified_claims(&front, &headers) {
            Some(claims) => {
                for (name, value) in claims {
                    event = event.claim(&name, &value);
                }
            }
            None => {
                return (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(json!({ "message": "Unauthorized" })),
                )
                    .into_response();
            }
        }
    }
    into_axum(exlogare_oauth::handle(front.oauth.clone(), event.request()).await)
}

/// The claims of a valid ID token of the pool's client, as strings (as API Gateway passes them).
fn verified_claims(front: &Front, headers: &HeaderMap) -> Option<Vec<(String, String)>> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    let kid = jsonwebtoken::decode_header(token).ok()?.kid?;
    let key = jsonwebtoken::DecodingKey::from_jwk(front.keys.find(&kid)?).ok()?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&[&front.cognito.client_id]);
    validation.set_issuer(&[format!(
        "https://cognito-idp.eu-central-1.amazonaws.com/{}",
        front.cognito.pool_id
    )]);
    let data = jsonwebtoken::decode::<HashMap<String, Value>>(token, &key, &validation).ok()?;
    Some(
        data.claims
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, text)
            })
            .collect(),
    )
}

fn into_axum(
    answer: Result<lambda_http::Response<lambda_http::Body>, lambda_http::Error>,
) -> Response {
    let Ok(answer) = answer else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (parts, body) = answer.into_parts();
    let bytes = match body {
        lambda_http::Body::Text(t) => t.into_bytes(),
        lambda_http::Body::Binary(b) => b,
        _ => Vec::new(),
    };
    let mut response = (parts.status, bytes).into_response();
    for (name, value) in &parts.headers {
        response.headers_mut().insert(name, value.clone());
    }
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The hosted sign-in page's stand-in: the parameters carried through a form.
fn sign_in_form(params: &HashMap<String, String>, error: Option<&str>) -> Response {
    let hidden: String = [
        "client_id",
        "redirect_uri",
        "state",
        "code_challenge",
        "code_challenge_method",
    ]
    .iter()
    .map(|name| {
        format!(
            r#"<input type="hidden" name="{name}" value="{}">"#,
            escape(params.get(*name).map(String::as_str).unwrap_or_default())
        )
    })
    .collect();
    let error = error
        .map(|e| format!(r#"<p id="error">{}</p>"#, escape(e)))
        .unwrap_or_default();
    Html(format!(
        r#"<!doctype html><html><body><h1>Sign in</h1>{error}<form method="post">{hidden}<label>Email <input id="username" name="username" type="email"></label><label>Password <input id="password" name="password" type="password"></label><button id="submit" type="submit">Sign in</button></form></body></html>"#
    ))
    .into_response()
}

async fn sign_in_page(Query(params): Query<HashMap<String, String>>) -> Response {
    sign_in_form(&params, None)
}

async fn sign_in(
    State(front): State<Arc<Front>>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    if field("client_id") != front.cognito.client_id || field("code_challenge_method") != "S256" {
        return (StatusCode::BAD_REQUEST, "unknown client or no PKCE").into_response();
    }
    let Some(tokens) = front
        .cognito
        .sign_in(&field("username"), &field("password"))
        .await
    else {
        return sign_in_form(&form, Some("Incorrect username or password."));
    };
    let code = uuid::Uuid::new_v4().to_string();
    let Ok(mut back) = url::Url::parse(&field("redirect_uri")) else {
        return (StatusCode::BAD_REQUEST, "bad redirect_uri").into_response();
    };
    front.codes.lock().unwrap().insert(
        code.clone(),
        PendingCode {
            tokens,
            challenge: field("code_challenge"),
            redirect_uri: field("redirect_uri"),
        },
    );
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &field("state"));
    (StatusCode::FOUND, [(header::LOCATION, back.to_string())]).into_response()
}

/// The token endpoint: a code once, with the verifier of its challenge.
async fn token(
    State(front): State<Arc<Front>>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let pending = front.codes.lock().unwrap().remove(&field("code"));
    let verified = pending.as_ref().is_some_and(|p| {
        let digest = Sha256::digest(field("code_verifier").as_bytes());
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == p.challenge
            && p.redirect_uri == field("redirect_uri")
    });
    match pending {
        Some(p) if verified && field("grant_type") == "authorization_code" => {
            axum::Json(p.tokens).into_response()
        }
        _ => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({ "error": "invalid_grant" })),
        )
            .into_response(),
    }
}

async fn logout(Query(params): Query<HashMap<String, String>>) -> Response {
    let target = params
        .get("logout_uri")
        .cloned()
        .unwrap_or_else(|| "/console".into());
    (StatusCode::FOUND, [(header::LOCATION, target)]).into_response()
}
