//! The oauth function end to end: moto_server for DynamoDB and KMS, a GitFlic stand-in on
//! 127.0.0.1, and the webhook function checking the secrets the watch flow registers.

use exlogare_oauth::{App, handle};
use exlogare_shared::crypto::{EncryptionContext, Kms};
use exlogare_shared::queue::Queue;
use exlogare_shared::report::Language;
use exlogare_shared::store::Store;
use exlogare_tests::fake_chat::{FakeChat, MATRIX_TOKEN, TELEGRAM_TOKEN};
use exlogare_tests::fake_gitflic::{CLIENT_ID, CLIENT_SECRET, FakeGitflic};
use exlogare_tests::harness::{app_config, oauth_config};
use exlogare_tests::{HttpEvent, LocalStack, LogCapture, env};
use exlogare_webhook::ingest::Ingest;
use lambda_http::Body;
use lambda_http::http::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

const API: &str = "/api/integrations/gitflic";
const PUBLIC: &str = "https://exlogare.example.test";

struct World {
    stack: LocalStack,
    gitflic: FakeGitflic,
    chat: FakeChat,
    app: Arc<App>,
    webhook: Ingest,
    tenant: String,
}

/// The oauth function as it runs with the stand-ins' base URLs.
fn app(stack: &LocalStack, telegram_api: String, allow_private: bool) -> App {
    let config = app_config(stack, telegram_api, Language::En, allow_private);
    App::from_config(oauth_config(config), &stack.sdk).expect("the HTTP client builds")
}

impl World {
    async fn new() -> Self {
        let stack = LocalStack::from_env().await;
        let gitflic = FakeGitflic::start().await;
        let chat = FakeChat::start().await;
        let telegram_api = chat.telegram_api();
        let store = Store::new(&stack.sdk, &stack.table);
        let queue_url = stack.fresh_queue().await;
        let webhook = Ingest::new(
            store,
            Queue::new(&stack.sdk, &queue_url),
            Duration::from_secs(60),
        );
        Self {
            gitflic,
            chat,
            app: Arc::new(app(&stack, telegram_api, true)),
            webhook,
            tenant: format!("tenant-{}", uuid::Uuid::new_v4()),
            stack,
        }
    }

    fn as_tenant(&self, event: HttpEvent) -> HttpEvent {
        event.claim("sub", &self.tenant)
    }

    async fn call(&self, event: HttpEvent) -> (StatusCode, Value, Option<String>) {
        let response = handle(self.app.clone(), event.request())
            .await
            .expect("handler never errors");
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = match response.body() {
            Body::Text(t) => serde_json::from_str(t).unwrap_or(Value::Null),
            _ => Value::Null,
        };
        (response.status(), body, location)
    }

    /// start → GitFlic's consent → callback; returns the connection id.
    async fn connect(&self) -> String {
        let (status, _, location) = self
            .call(
                self.as_tenant(
                    HttpEvent::get(&format!("{API}/oauth/start"))
                        .query("base_url", &self.gitflic.base_url),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::FOUND);
        let authorize = Url::parse(&location.unwrap()).unwrap();
        let state = query(&authorize, "state").unwrap();
        let code = self.gitflic.approve();
        let (status, _, location) = self
            .call(
                HttpEvent::get(&format!("{API}/oauth/callback"))
                    .query("code", &code)
                    .query("state", &state),
            )
            .await;
        assert_eq!(status, StatusCode::FOUND);
        let back = Url::parse(&location.unwrap()).unwrap();
        assert_eq!(
            query(&back, "gitflic").as_deref(),
            Some("connected"),
            "{back}"
        );
        query(&back, "connection").unwrap()
    }

    async fn deliver(&self, secret: &str, project_id: &str) -> StatusCode {
        let body = json!({
            "action": "PIPELINE_FAIL", "project_id": project_id,
            "project": { "project_id": project_id, "owner_alias": "acme", "alias": "service-1" },
            "pipeline": { "id": uuid::Uuid::new_v4().to_string(), "local_id": 7 }
        });
        let event = HttpEvent::post("/webhook/gitflic")
            .header("gitflic-webhook-secret", secret)
            .json(&body);
        exlogare_webhook::handle(&self.webhook, event.request())
            .await
            .unwrap()
            .status()
    }
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn secret_of(hook_url: &str) -> String {
    query(&Url::parse(hook_url).unwrap(), "secret").unwrap()
}

#[tokio::test]
async fn connect_sync_watch_unwatch_disconnect() {
    let (logs, _guard) = LogCapture::install();
    let w = World::new().await;

    // The authorize URL speaks GitFlic's dialect.
    let (_, _, location) = w
        .call(w.as_tenant(
            HttpEvent::get(&format!("{API}/oauth/start")).query("base_url", &w.gitflic.base_url),
        ))
        .await;
    let authorize = Url::parse(&location.unwrap()).unwrap();
    assert_eq!(authorize.path(), "/oauth/authorize");
    assert_eq!(query(&authorize, "clientId").as_deref(), Some(CLIENT_ID));
    assert_eq!(
        query(&authorize, "scope").as_deref(),
        Some("USER_READ,PROJECT_READ,PROJECT_WRITE")
    );
    assert_eq!(
        query(&authorize, "redirectUrl").as_deref(),
        Some(&*format!("{PUBLIC}{API}/oauth/callback"))
    );
    assert!(query(&authorize, "state").unwrap().len() >= 16);
    assert_eq!(query(&authorize, "response_type"), None);

    let id = w.connect().await;
    let (status, body, _) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/connections"))))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["connections"][0]["id"], json!(id));
    assert_eq!(body["connections"][0]["username"], "ivan");
    assert_eq!(body["connections"][0]["status"], "active");

    // Tokens are sealed: not in the item, and not decryptable under another tenant's context.
    let store = Store::new(&w.stack.sdk, &w.stack.table);
    let record = store.connection(&w.tenant, &id).await.unwrap().unwrap();
    let issued = w.gitflic.issued_tokens();
    let item_text = format!("{record:?}");
    for token in &issued {
        assert!(!item_text.contains(token.as_str()));
    }
    let kms = Kms::new(&w.stack.sdk, env("STACK_OUTPUT_ENCRYPTION_KEY_ALIAS"));
    let mine = EncryptionContext {
        purpose: "gitflic-access-token",
        tenant: w.tenant.clone(),
        subject: id.clone(),
    };
    let plain = kms.decrypt(&record.access_ct, &mine).await.unwrap();
    assert!(issued.contains(&String::from_utf8(plain).unwrap()));
    let theirs = EncryptionContext {
        tenant: "another-tenant".into(),
        ..mine.clone()
    };
    assert!(kms.decrypt(&record.access_ct, &theirs).await.is_err());

    // Sync reads every page.
    let (status, body, _) = w
        .call(w.as_tenant(HttpEvent::post(&format!("{API}/connections/{id}/sync"))))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let projects = body["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 5);
    assert!(projects.iter().all(|p| p["watched"] == false));
    assert!(
        w.gitflic
            .log()
            .contains(&"GET /rest-api/project/my?page=2".to_owned())
    );
    let (_, body, _) = w
        .call(
            w.as_tenant(
                HttpEvent::post(&format!("{API}/connections/{id}/sync"))
                    .query("include_shared", "true"),
            ),
        )
        .await;
    assert_eq!(body["projects"].as_array().unwrap().len(), 6);

    // Watch: a PIPELINE_FAIL hook with our URL and the same secret, which the webhook accepts.
    let watch_path = format!("{API}/connections/{id}/projects/acme/service-1/watch");
    let (status, body, _) = w
        .call(
            w.as_tenant(
                HttpEvent::post(&watch_path)
                    .method("PUT")
                    .json(&json!({"branch_pattern": "main:release/*"})),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The application may write (PROJECT_WRITE): merge-request discussions are on by default.
    assert_eq!(
        body["watch"]["merge_request_discussions"],
        json!({"enabled": true, "refused": false})
    );
    let hooks = w.gitflic.hooks("acme", "service-1");
    assert_eq!(hooks.len(), 1);
    let first = hooks[0].clone();
    assert!(
        first
            .url
            .starts_with(&format!("{PUBLIC}/webhook/gitflic?secret="))
    );
    assert_eq!(secret_of(&first.url), first.secret);
    assert_eq!(first.secret.len(), 43);
    assert_eq!(
        first.events,
        json!({"PIPELINE_FAIL": true, "PIPELINE_SUCCESS": true})
    );
    assert_eq!(first.branch_pattern.as_deref(), Some("main:release/*"));
    assert_eq!(
        w.deliver(&first.secret, "proj-1").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        w.deliver(&first.secret, "proj-2").await,
        StatusCode::UNAUTHORIZED,
        "one project's secret only"
    );

    // Watching again replaces the hook and the secret, and sets the switch as asked.
    let (status, body, _) = w
        .call(
            w.as_tenant(
                HttpEvent::post(&watch_path)
                    .method("PUT")
                    .json(&json!({"merge_request_discussions": false})),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["watch"]["merge_request_discussions"]["enabled"], false);
    let hooks = w.gitflic.hooks("acme", "service-1");
    assert_eq!(hooks.len(), 1, "never two hooks");
    assert_ne!(hooks[0].secret, first.secret);
    assert_eq!(
        w.deliver(&first.secret, "proj-1").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.deliver(&hooks[0].secret, "proj-1").await,
        StatusCode::ACCEPTED
    );
    let (_, body, _) = w
        .call(w.as_tenant(HttpEvent::post(&format!("{API}/connections/{id}/sync"))))
        .await;
    let watched: Vec<&Value> = body["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["watched"] == true)
        .collect();
    assert_eq!(watched.len(), 1);
    assert_eq!(watched[0]["alias"], "service-1");
    assert_eq!(watched[0]["merge_request_discussions"]["enabled"], false);
    assert!(
        body["projects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["watched"] == false)
            .all(|p| p.get("merge_request_discussions").is_none())
    );

    // Unwatch: the hook goes, the secret stops validating at once.
    let (status, _, _) = w
        .call(w.as_tenant(HttpEvent::post(&watch_path).method("DELETE")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(w.gitflic.hooks("acme", "service-1").is_empty());
    assert_eq!(
        w.deliver(&hooks[0].secret, "proj-1").await,
        StatusCode::UNAUTHORIZED
    );

    // Manual webhook: a connection-level secret, valid for any project of the connection.
    let (status, manual, _) = w
        .call(w.as_tenant(HttpEvent::post(&format!(
            "{API}/connections/{id}/manual-webhook"
        ))))
        .await;
    assert_eq!(status, StatusCode::OK);
    let manual_secret = manual["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret_of(manual["url"].as_str().unwrap()), manual_secret);
    assert_eq!(
        w.deliver(&manual_secret, "proj-4").await,
        StatusCode::ACCEPTED
    );

    // Disconnect: webhooks deleted at GitFlic, then our records.
    w.call(
        w.as_tenant(
            HttpEvent::post(&format!(
                "{API}/connections/{id}/projects/acme/service-2/watch"
            ))
            .method("PUT"),
        ),
    )
    .await;
    let hook2 = w.gitflic.hooks("acme", "service-2")[0].clone();
    let (status, _, _) = w
        .call(w.as_tenant(HttpEvent::post(&format!("{API}/connections/{id}")).method("DELETE")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(w.gitflic.hooks("acme", "service-2").is_empty());
    assert_eq!(
        w.deliver(&hook2.secret, "proj-2").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.deliver(&manual_secret, "proj-4").await,
        StatusCode::UNAUTHORIZED
    );
    assert!(store.connection(&w.tenant, &id).await.unwrap().is_none());
    let (_, body, _) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/connections"))))
        .await;
    assert_eq!(body["connections"], json!([]));

    // Nothing secret reached the logs.
    let text = logs.text();
    assert!(!text.is_empty());
    for secret in w.gitflic.issued_tokens().iter().chain([
        &first.secret,
        &hooks[0].secret,
        &manual_secret,
        &hook2.secret,
    ]) {
        assert!(!text.contains(secret.as_str()), "log contains a secret");
    }
    assert!(!text.contains(CLIENT_SECRET));
}

#[tokio::test]
async fn states_are_single_use_and_unforgeable() {
    let w = World::new().await;
    let (_, _, location) = w
        .call(w.as_tenant(
            HttpEvent::get(&format!("{API}/oauth/start")).query("base_url", &w.gitflic.base_url),
        ))
        .await;
    let state = query(&Url::parse(&location.unwrap()).unwrap(), "state").unwrap();
    // A JSON POST, as GitFlic's docs describe the callback.
    let code = w.gitflic.approve();
    let (status, body, _) = w
        .call(
            HttpEvent::post(&format!("{API}/oauth/callback"))
                .json(&json!({"code": code, "state": state})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "connected");
    // Replayed.
    let code = w.gitflic.approve();
    let (status, body, _) = w
        .call(
            HttpEvent::post(&format!("{API}/oauth/callback"))
                .json(&json!({"code": code, "state": state})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("used already or expired")
    );
    // Forged, via a form body.
    let (status, _, _) = w
        .call(
            HttpEvent::post(&format!("{API}/oauth/callback"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "code={}&state=made-up-state-value",
                    w.gitflic.approve()
                )),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Expired.
    let store = Store::new(&w.stack.sdk, &w.stack.table);
    let stale = "stale-state-0123456789";
    store
        .put_oauth_state(
            &exlogare_shared::secret::SecretDigest::of(stale),
            &exlogare_shared::store::OauthState {
                tenant_id: w.tenant.clone(),
                base_url: w.gitflic.base_url.clone(),
            },
            Duration::ZERO,
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _, location) = w
        .call(
            HttpEvent::get(&format!("{API}/oauth/callback"))
                .query("code", &w.gitflic.approve())
                .query("state", stale),
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    let back = Url::parse(&location.unwrap()).unwrap();
    assert_eq!(query(&back, "gitflic").as_deref(), Some("error"));
    assert!(query(&back, "reason").unwrap().contains("expired"));
    // A code GitFlic does not know.
    let (_, _, location) = w
        .call(w.as_tenant(
            HttpEvent::get(&format!("{API}/oauth/start")).query("base_url", &w.gitflic.base_url),
        ))
        .await;
    let state = query(&Url::parse(&location.unwrap()).unwrap(), "state").unwrap();
    let (status, _, _) = w
        .call(
            HttpEvent::post(&format!("{API}/oauth/callback"))
                .json(&json!({"code": "forged", "state": state})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn tokens_are_refreshed_ahead_of_expiry_and_after_a_403() {
    let w = World::new().await;
    let id = w.connect().await;
    let sync = format!("{API}/connections/{id}/sync");

    // GitFlic refuses the token (403 AuthenticationException): refresh once, then succeed.
    w.gitflic.expire_access_tokens();
    let (status, body, _) = w.call(w.as_tenant(HttpEvent::post(&sync))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let refreshes = w
        .gitflic
        .log()
        .iter()
        .filter(|l| l.as_str() == "POST /api/token/refresh")
        .count();
    assert_eq!(refreshes, 1);

    // Tokens about to expire are refreshed before use.
    w.gitflic.state.lock().unwrap().expires_in = 60;
    w.gitflic.expire_access_tokens();
    w.call(w.as_tenant(HttpEvent::post(&sync))).await; // refreshes after the 403; new token lives 60 s
    let before = w
        .gitflic
        .log()
        .iter()
        .filter(|l| l.as_str() == "POST /api/token/refresh")
        .count();
    let (status, _, _) = w.call(w.as_tenant(HttpEvent::post(&sync))).await;
    assert_eq!(status, StatusCode::OK);
    let log = w.gitflic.log();
    let after = log
        .iter()
        .filter(|l| l.as_str() == "POST /api/token/refresh")
        .count();
    assert_eq!(after, before + 1, "refreshed ahead of expiry");
    let last_refresh = log
        .iter()
        .rposition(|l| l == "POST /api/token/refresh")
        .unwrap();
    assert!(
        !log[last_refresh..]
            .iter()
            .any(|l| l.contains("AuthenticationException"))
    );

    // The refresh token revoked too: the connection needs reconnecting, and says so.
    w.gitflic.expire_access_tokens();
    w.gitflic.revoke_refresh_tokens();
    let (status, body, _) = w.call(w.as_tenant(HttpEvent::post(&sync))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (_, body, _) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/connections"))))
        .await;
    assert_eq!(body["connections"][0]["status"], "needs_reconnect");
    let calls = w.gitflic.log().len();
    let (status, _, _) = w.call(w.as_tenant(HttpEvent::post(&sync))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        w.gitflic.log().len(),
        calls,
        "no retry against GitFlic once marked"
    );

    // Connecting the same account again renews that connection: same id, active, syncing.
    let again = w.connect().await;
    assert_eq!(again, id, "renewed, not a second connection");
    let (_, body, _) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/connections"))))
        .await;
    assert_eq!(body["connections"].as_array().unwrap().len(), 1);
    assert_eq!(body["connections"][0]["status"], "active");
    let (status, _, _) = w.call(w.as_tenant(HttpEvent::post(&sync))).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn concurrent_refreshes_agree_on_one_token() {
    let w = World::new().await;
    let id = w.connect().await;
    w.gitflic.expire_access_tokens();
    let sync = format!("{API}/connections/{id}/sync");
    let (a, b, c) = tokio::join!(
        w.call(w.as_tenant(HttpEvent::post(&sync))),
        w.call(w.as_tenant(HttpEvent::post(&sync))),
        w.call(w.as_tenant(HttpEvent::post(&sync))),
    );
    for (status, body, _) in [a, b, c] {
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, body, _) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/connections"))))
        .await;
    assert_eq!(body["connections"][0]["status"], "active");
}

#[tokio::test]
async fn transient_gitflic_failures_are_retried() {
    let w = World::new().await;
    let id = w.connect().await;
    w.gitflic.state.lock().unwrap().fail_next = vec![503, 403];
    let (status, body, _) = w
        .call(w.as_tenant(HttpEvent::post(&format!("{API}/connections/{id}/sync"))))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a 503 and an HTML 403 are transient: {body}"
    );
    w.gitflic.state.lock().unwrap().fail_next = vec![500, 500, 500];
    let (status, _, _) = w
        .call(w.as_tenant(HttpEvent::post(&format!("{API}/connections/{id}/sync"))))
        .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "bounded: three attempts");
    let (_, body, _) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/connections"))))
        .await;
    assert_eq!(
        body["connections"][0]["status"], "active",
        "an outage is not a revocation"
    );
}

#[tokio::test]
async fn tenants_are_isolated_and_required() {
    let w = World::new().await;
    let id = w.connect().await;
    let other = |e: HttpEvent| e.claim("sub", "someone-else");
    for event in [
        other(HttpEvent::post(&format!("{API}/connections/{id}/sync"))),
        other(HttpEvent::post(&format!("{API}/connections/{id}")).method("DELETE")),
        other(HttpEvent::post(&format!(
            "{API}/connections/{id}/manual-webhook"
        ))),
        other(
            HttpEvent::post(&format!(
                "{API}/connections/{id}/projects/acme/service-1/watch"
            ))
            .method("PUT"),
        ),
    ] {
        assert_eq!(w.call(event).await.0, StatusCode::NOT_FOUND);
    }
    let (_, body, _) = w
        .call(other(HttpEvent::get(&format!("{API}/connections"))))
        .await;
    assert_eq!(body["connections"], json!([]));
    assert!(w.gitflic.hooks("acme", "service-1").is_empty());
    for event in [
        HttpEvent::get(&format!("{API}/connections")),
        HttpEvent::get(&format!("{API}/oauth/start")),
        HttpEvent::post(&format!("{API}/connections/{id}/sync")),
    ] {
        assert_eq!(w.call(event).await.0, StatusCode::UNAUTHORIZED);
    }
    assert!(
        Store::new(&w.stack.sdk, &w.stack.table)
            .connection(&w.tenant, &id)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn hostile_base_urls_and_bad_requests_get_clear_errors() {
    let mut w = World::new().await;
    // The operator has not allowed private networks here.
    w.app = Arc::new(app(&w.stack, w.chat.telegram_api(), false));
    for (base, message) in [
        ("http://gitflic.example.com", "https"),
        ("https://169.254.169.254", "private, loopback or link-local"),
        ("https://127.0.0.1:8443", "private, loopback or link-local"),
        ("https://10.20.30.40", "private, loopback or link-local"),
        ("https://[::127.0.0.1]", "private, loopback or link-local"),
        ("https://[fec0::1]", "private, loopback or link-local"),
        (
            "https://[64:ff9b::a9fe:a9fe]",
            "private, loopback or link-local",
        ),
        (
            "https://[2002:a9fe:a9fe::1]",
            "private, loopback or link-local",
        ),
        (&w.gitflic.base_url.clone(), "https"),
        (
            "https://admin:pw@gitflic.example.com",
            "user name or password",
        ),
        ("gitflic", "not a valid URL"),
    ] {
        let (status, body, _) = w
            .call(
                w.as_tenant(HttpEvent::get(&format!("{API}/oauth/start")).query("base_url", base)),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{base}");
        assert!(
            body["error"].as_str().unwrap().contains(message),
            "{base}: {body}"
        );
    }
    // A Matrix homeserver is user input too: the access token must not be sent inside.
    for homeserver in [
        "https://169.254.169.254",
        "https://[::1]:8448",
        "https://localhost",
        "https://[::127.0.0.1]",
        "https://[fec0::1]",
    ] {
        let (status, body, _) = w
            .call(
                w.as_tenant(
                    HttpEvent::post(&format!("{API}/channels/matrix"))
                        .method("PUT")
                        .json(&json!({ "homeserver": homeserver, "access_token": "t", "room_id": "!r:m.example" })),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{homeserver}");
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("private, loopback or link-local"),
            "{homeserver}: {body}"
        );
    }
    // The cloud needs no base URL.
    let (status, _, location) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/oauth/start"))))
        .await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(
        location
            .unwrap()
            .starts_with("https://oauth.gitflic.ru/oauth/authorize?")
    );

    let cases = [
        (
            HttpEvent::get(&format!("{API}/nope")).claim("sub", "t"),
            StatusCode::NOT_FOUND,
        ),
        (
            HttpEvent::get("/elsewhere").claim("sub", "t"),
            StatusCode::NOT_FOUND,
        ),
        (
            HttpEvent::get(&format!("{API}/connections/")).claim("sub", "t"),
            StatusCode::OK,
        ),
        (
            HttpEvent::get(&format!("{API}/connections")),
            StatusCode::UNAUTHORIZED,
        ),
        (
            HttpEvent::post(&format!("{API}/connections")).claim("sub", "t"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            HttpEvent::get(&format!("{API}/connections/x/sync")).claim("sub", "t"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            HttpEvent::post(&format!("{API}/oauth/callback")).json(&json!({})),
            StatusCode::BAD_REQUEST,
        ),
        (
            HttpEvent::post(&format!("{API}/oauth/callback")).method("PUT"),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            HttpEvent::post(&format!("{API}/connections/x/projects/a/b/watch"))
                .method("PUT")
                .claim("sub", "t")
                .body("{not json"),
            StatusCode::BAD_REQUEST,
        ),
        (
            HttpEvent::post(&format!("{API}/oauth/callback")).body(vec![b'x'; 20_000]),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (event, expected) in cases {
        assert_eq!(w.call(event).await.0, expected);
    }
    // A 405 names the methods the route takes, and every error is JSON.
    let answer = handle(
        w.app.clone(),
        HttpEvent::post(&format!("{API}/channels/slack"))
            .claim("sub", "t")
            .request(),
    )
    .await
    .unwrap();
    assert_eq!(answer.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = answer.headers()["allow"].to_str().unwrap();
    assert!(allow.contains("PUT") && allow.contains("DELETE"), "{allow}");
    assert_eq!(answer.headers()["content-type"], "application/json");
    let lambda_http::Body::Text(text) = answer.body() else {
        panic!("a JSON text body: {:?}", answer.body());
    };
    assert_eq!(
        serde_json::from_str::<Value>(text).unwrap()["error"],
        "method not allowed"
    );
}

/// The files in events/ for the oauth routes, as `sam local invoke -e` sends them.
#[tokio::test]
async fn the_sample_oauth_events_are_understood() {
    let mut w = World::new().await;
    // Without PUBLIC_BASE_URL the callback lives on the domain the request came in on.
    Arc::get_mut(&mut w.app)
        .expect("the world's app has one owner")
        .public_base_url = None;
    let events = concat!(env!("CARGO_MANIFEST_DIR"), "/../events");
    let read = |name: &str| std::fs::read_to_string(format!("{events}/{name}")).expect(name);
    let response = handle(
        w.app.clone(),
        exlogare_tests::request_from_event(&read("oauth-start.json")),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("https://oauth.gitflic.ru/oauth/authorize?")
    );
    let authorize = Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(
        query(&authorize, "redirectUrl").as_deref(),
        Some(
            "https://abcdef1234.execute-api.eu-central-1.amazonaws.com/api/integrations/gitflic/oauth/callback"
        )
    );
    let response = handle(
        w.app.clone(),
        exlogare_tests::request_from_event(&read("oauth-callback.json")),
    )
    .await
    .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::FOUND,
        "an unknown state sends the browser back with a reason"
    );
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .contains("gitflic=error")
    );
}

#[tokio::test]
async fn chat_channels_are_set_masked_tested_and_deleted() {
    let w = World::new().await;
    let path = |kind: &str| format!("{API}/channels/{kind}");
    let settings = [
        ("slack", json!({ "webhook_url": w.chat.slack_url() })),
        (
            "telegram",
            json!({ "bot_token": TELEGRAM_TOKEN, "chat_id": "-1001234567890" }),
        ),
        (
            "matrix",
            json!({ "homeserver": w.chat.matrix_homeserver(), "access_token": MATRIX_TOKEN, "room_id": "!ci:matrix.example.test" }),
        ),
    ];
    for (kind, body) in &settings {
        let (status, answer, _) = w
            .call(w.as_tenant(HttpEvent::post(&path(kind)).method("PUT").json(body)))
            .await;
        assert_eq!(status, StatusCode::OK, "{kind}: {answer}");
    }
    let (status, listed, _) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/channels"))))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["channels"].as_array().unwrap().len(), 3);
    let text = listed.to_string();
    for secret in [TELEGRAM_TOKEN, MATRIX_TOKEN, "XXXXXXXXXXXXXXXXXXXXXXXX"] {
        assert!(!text.contains(secret), "credentials are masked");
    }
    assert!(text.contains("-1001234567890") && text.contains("!ci:matrix.example.test"));
    // Stored encrypted: the raw item holds no credential.
    let stored = Store::new(&w.stack.sdk, &w.stack.table)
        .channels(&w.tenant)
        .await
        .unwrap();
    assert!(
        stored
            .iter()
            .all(|(_, ct)| !String::from_utf8_lossy(ct).contains("AAHdq"))
    );

    for (kind, _) in &settings {
        let (status, answer, _) = w
            .call(w.as_tenant(HttpEvent::post(&format!("{}/test", path(kind)))))
            .await;
        assert_eq!(status, StatusCode::OK, "{kind}: {answer}");
        assert_eq!(w.chat.received(kind).len(), 1, "{kind}");
    }
    w.chat.fault("telegram", &[400]);
    let (status, answer, _) = w
        .call(w.as_tenant(HttpEvent::post(&format!("{}/test", path("telegram")))))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("chat not found"));

    // Another tenant sees none of it.
    let (_, theirs, _) = w
        .call(HttpEvent::get(&format!("{API}/channels")).claim("sub", "someone-else"))
        .await;
    assert_eq!(theirs["channels"], json!([]));
    assert_eq!(
        w.call(HttpEvent::post(&format!("{}/test", path("slack"))).claim("sub", "someone-else"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    let (status, _, _) = w
        .call(w.as_tenant(HttpEvent::post(&path("slack")).method("DELETE")))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed, _) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/channels"))))
        .await;
    assert_eq!(listed["channels"].as_array().unwrap().len(), 2);
    assert_eq!(
        w.call(w.as_tenant(HttpEvent::post(&path("slack")).method("DELETE")))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    for (kind, body) in [
        (
            "discord",
            json!({ "webhook_url": "https://discord.example" }),
        ),
        (
            "telegram",
            json!({ "bot_token": "no-colon", "chat_id": "1" }),
        ),
        (
            "matrix",
            json!({ "homeserver": "ftp://m.example", "access_token": "t", "room_id": "!r:m" }),
        ),
        (
            "matrix",
            json!({ "homeserver": "https://m.example", "access_token": "t", "room_id": "general" }),
        ),
        ("slack", json!({ "webhook": "missing field" })),
    ] {
        let (status, answer, _) = w
            .call(w.as_tenant(HttpEvent::post(&path(kind)).method("PUT").json(&body)))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{kind}: {answer}");
    }
}

/// Credentials and ids go into URLs and headers: each is checked for its documented shape, and
/// the error names the field.
#[tokio::test]
async fn credentials_and_ids_of_a_bad_shape_are_refused_by_name() {
    let mut w = World::new().await;
    w.app = Arc::new(app(&w.stack, w.chat.telegram_api(), false));
    let path = |kind: &str| format!("{API}/channels/{kind}");
    let telegram = |token: &str, chat: &str| json!({ "bot_token": token, "chat_id": chat });
    let good_token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";
    let cases = [
        (
            "telegram",
            telegram("123456:ABC\n/../getUpdates", "-100"),
            "bot_token",
        ),
        (
            "telegram",
            telegram("123456:ABC\r\nX-Injected: 1", "-100"),
            "bot_token",
        ),
        ("telegram", telegram("123456:ABC?x=1", "-100"), "bot_token"),
        ("telegram", telegram("123456:ABC#frag", "-100"), "bot_token"),
        ("telegram", telegram("123456:AB\\C", "-100"), "bot_token"),
        ("telegram", telegram("123456:AB C", "-100"), "bot_token"),
        ("telegram", telegram("abc:ABC", "-100"), "bot_token"),
        ("telegram", telegram(good_token, "-100/../x"), "chat_id"),
        ("telegram", telegram(good_token, "@x y"), "chat_id"),
        (
            "matrix",
            json!({ "homeserver": "https://93.184.216.34", "access_token": "t", "room_id": "!r/../../x:m" }),
            "room_id",
        ),
        (
            "matrix",
            json!({ "homeserver": "https://93.184.216.34", "access_token": "t", "room_id": "#alias:m.example" }),
            "room_id",
        ),
        (
            "matrix",
            json!({ "homeserver": "https://93.184.216.34", "access_token": "t\r\nX: y", "room_id": "!r:m.example" }),
            "access_token",
        ),
        (
            "slack",
            json!({ "webhook_url": "https://hooks.slack.com:8443/services/T0/B0/X" }),
            "webhook_url",
        ),
        (
            "slack",
            json!({ "webhook_url": "https://hooks.slack.com/api/chat.postMessage" }),
            "webhook_url",
        ),
        (
            "slack",
            json!({ "webhook_url": "https://hooks.slack.com.evil.example/services/T0/B0/X" }),
            "webhook_url",
        ),
    ];
    for (kind, body, field) in cases {
        let (status, answer, _) = w
            .call(w.as_tenant(HttpEvent::post(&path(kind)).method("PUT").json(&body)))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{kind} {body}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().contains(field),
            "{kind} {body}: {answer}"
        );
    }
    // The documented shapes pass.
    let (status, answer, _) = w
        .call(
            w.as_tenant(
                HttpEvent::post(&path("telegram"))
                    .method("PUT")
                    .json(&telegram(good_token, "-1001234567890")),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test]
async fn a_project_can_override_the_tenant_channel() {
    let w = World::new().await;
    let project_room = format!("{}/slack/services/T0001/B0002/PROJECTROOM", w.chat.base_url);
    let (status, _, _) = w
        .call(
            w.as_tenant(
                HttpEvent::post(&format!("{API}/channels/slack"))
                    .method("PUT")
                    .json(&json!({ "webhook_url": w.chat.slack_url() })),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body, _) = w
        .call(
            w.as_tenant(
                HttpEvent::post(&format!("{API}/channels/slack"))
                    .method("PUT")
                    .query("project_id", "proj-2")
                    .json(&json!({ "webhook_url": project_room })),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["channel"]["project_id"], "proj-2");
    let (_, listed, _) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/channels"))))
        .await;
    assert_eq!(listed["channels"].as_array().unwrap().len(), 2);
    let (status, _, _) = w
        .call(w.as_tenant(
            HttpEvent::post(&format!("{API}/channels/slack/test")).query("project_id", "proj-2"),
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(w.chat.received("slack")[0]["_hook"], "PROJECTROOM");
    let (status, _, _) = w
        .call(
            w.as_tenant(
                HttpEvent::post(&format!("{API}/channels/slack"))
                    .method("DELETE")
                    .query("project_id", "proj-2"),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed, _) = w
        .call(w.as_tenant(HttpEvent::get(&format!("{API}/channels"))))
        .await;
    assert_eq!(listed["channels"].as_array().unwrap().len(), 1);
}
