//! What the web console reads through the oauth function: a watched project's reports (and no
//! other tenant's), and the consent page's address for a `fetch` that carries the bearer token.

use exlogare_oauth::{App, handle};
use exlogare_shared::report::Language;
use exlogare_tests::HttpEvent;
use exlogare_tests::harness::{Harness, job, oauth_config};
use lambda_http::Body;
use lambda_http::http::StatusCode;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

const API: &str = "/api/integrations/gitflic";

async fn call(app: &Arc<App>, event: HttpEvent) -> (StatusCode, Value) {
    let response = handle(app.clone(), event.request())
        .await
        .expect("handler never errors");
    let body = match response.body() {
        Body::Text(t) => serde_json::from_str(t).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    (response.status(), body)
}

#[tokio::test]
async fn a_watched_project_s_reports_newest_first_and_only_to_its_tenant() {
    let h = Harness::start(Language::En).await.unwrap();
    for local in ["7", "8"] {
        h.gitflic.add_pipeline(
            local,
            vec![job(
                &format!("{local}0"),
                "unit-tests",
                "test",
                "FAILED",
                Some(b"error[E0425]: cannot find value `x` in this scope\n --> src/lib.rs:4:5\n"),
            )],
        );
        h.deliver(local, &format!("uuid-pipeline-{local}")).await;
        h.poll(Duration::from_secs(30)).await;
    }
    let app = Arc::new(App::from_config(oauth_config(h.app.clone()), &h.stack.sdk).unwrap());
    let path = format!("{API}/projects/proj-1/reports");

    let (status, body) = call(&app, HttpEvent::get(&path).claim("sub", &h.tenant)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let reports = body["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0]["pipeline"]["local_id"], "8", "newest first");
    assert_eq!(reports[1]["pipeline"]["local_id"], "7");
    let job = &reports[0]["jobs"][0];
    assert_eq!(job["report"]["category"], "compilation");
    assert!(
        job["report"]["excerpts"][0]["text"]
            .as_str()
            .unwrap()
            .contains("E0425")
    );
    assert!(
        reports[0]["link"]
            .as_str()
            .unwrap()
            .ends_with("/cicd/pipeline/8")
    );
    assert_eq!(reports[0]["recurrence"]["seen_in_7_days"], 2);

    let (status, body) = call(
        &app,
        HttpEvent::get(&path)
            .query("limit", "1")
            .claim("sub", &h.tenant),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["reports"].as_array().unwrap().len(), 1);

    // Another tenant, a project nobody watches, no tenant at all, a bad limit.
    let (status, _) = call(&app, HttpEvent::get(&path).claim("sub", "someone-else")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let unwatched = format!("{API}/projects/proj-2/reports");
    let (status, _) = call(&app, HttpEvent::get(&unwatched).claim("sub", &h.tenant)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&app, HttpEvent::get(&path)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = call(
        &app,
        HttpEvent::get(&path)
            .query("limit", "0")
            .claim("sub", &h.tenant),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[tokio::test]
async fn a_page_gets_the_consent_address_as_json_and_a_browser_a_redirect() {
    let h = Harness::start(Language::En).await.unwrap();
    let app = Arc::new(App::from_config(oauth_config(h.app.clone()), &h.stack.sdk).unwrap());
    let start = HttpEvent::get(&format!("{API}/oauth/start"))
        .query("base_url", &h.gitflic.base_url)
        .claim("sub", &h.tenant);
    let (status, body) = call(&app, start.clone().header("accept", "application/json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let url = url::Url::parse(body["authorize_url"].as_str().unwrap()).unwrap();
    assert!(url.as_str().starts_with(&h.gitflic.base_url), "{url}");
    assert!(url.query_pairs().any(|(k, v)| k == "state" && v.len() > 20));
    let response = handle(app.clone(), start.request()).await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn the_console_is_served_with_a_strict_policy_and_its_sign_in_settings() {
    let h = Harness::start(Language::En).await.unwrap();
    let mut config = oauth_config(h.app.clone());
    config.dashboard_url = None;
    config.console = exlogare_oauth::config::ConsoleAuth {
        client_id: Some("console-client".into()),
        authorize_url: Some(url::Url::parse("https://sso.example.test/oauth2/authorize").unwrap()),
        token_url: Some(url::Url::parse("https://sso.example.test/oauth2/token").unwrap()),
        logout_url: None,
    };
    let app = Arc::new(App::from_config(config, &h.stack.sdk).unwrap());
    let get = |path: &str| {
        let request = HttpEvent::get(path).request();
        let app = app.clone();
        async move { handle(app, request).await.unwrap() }
    };

    let page = get("/console").await;
    assert_eq!(page.status(), StatusCode::OK);
    let header = |name: &str| {
        page.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(header("content-type").starts_with("text/html"));
    let policy = header("content-security-policy");
    assert!(
        policy.contains("default-src 'none'") && policy.contains("script-src 'self'"),
        "{policy}"
    );
    assert!(
        policy.contains("connect-src 'self' https://sso.example.test"),
        "{policy}"
    );
    assert!(!policy.contains("unsafe"), "{policy}");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("x-frame-options"), "DENY");
    let html = match page.body() {
        Body::Text(t) => t.clone(),
        _ => String::new(),
    };
    assert!(html.contains(r#"<script src="/console/app.js" defer></script>"#));
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "no inline script or style"
    );

    for (path, kind) in [
        ("/console/app.js", "text/javascript"),
        ("/console/app.css", "text/css"),
    ] {
        let answer = get(path).await;
        assert_eq!(answer.status(), StatusCode::OK, "{path}");
        assert!(
            answer.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
    }
    let config = get("/console/config.json").await;
    let config: Value = match config.body() {
        Body::Text(t) => serde_json::from_str(t).unwrap(),
        _ => Value::Null,
    };
    assert_eq!(config["client_id"], "console-client");
    assert_eq!(config["token_url"], "https://sso.example.test/oauth2/token");
    assert_eq!(config["api"], "/api/integrations/gitflic");
    assert_eq!(
        get("/console/secrets.txt").await.status(),
        StatusCode::NOT_FOUND
    );
    let root = get("/").await;
    assert_eq!(root.status(), StatusCode::FOUND);
    assert_eq!(root.headers()["location"], "/console");

    // Without DASHBOARD_URL, the OAuth callback returns to the console it serves.
    let back = handle(
        app.clone(),
        HttpEvent::get(&format!("{API}/oauth/callback"))
            .query("code", "x")
            .query("state", "forged")
            .request(),
    )
    .await
    .unwrap();
    assert_eq!(back.status(), StatusCode::FOUND);
    let location = back.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("https://exlogare.example.test/console?gitflic=error"),
        "{location}"
    );
}
