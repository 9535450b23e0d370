//! A GitFlic stand-in on 127.0.0.1 that speaks the documented dialect (docs/gitflic-api.md):
//! OAuth token access and refresh with Basic client authentication and camelCase answers,
//! `Authorization: token …`, 403 `AuthenticationException` for a bad token, HAL pages, and the
//! webhook endpoints. It records what it received, and faults can be injected.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use exlogare_shared::gitflic::oauth::OauthApp;
use oauth2::{ClientId, ClientSecret};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

pub const CLIENT_ID: &str = "exlogare-test-client";
pub const CLIENT_SECRET: &str = "exlogare-test-client-secret-0123456789";

/// Our OAuth application as registered at the stand-in.
pub fn oauth_app() -> OauthApp {
    OauthApp {
        client_id: ClientId::new(CLIENT_ID.into()),
        client_secret: ClientSecret::new(CLIENT_SECRET.into()),
        scopes: vec![
            "USER_READ".into(),
            "PROJECT_READ".into(),
            "PROJECT_WRITE".into(),
        ],
    }
}

#[derive(Debug, Clone)]
pub struct Hook {
    pub id: String,
    pub url: String,
    pub secret: String,
    pub events: Value,
    pub branch_pattern: Option<String>,
}

#[derive(Default)]
pub struct FakeState {
    /// Authorization codes GitFlic would hand out after consent.
    pub codes: HashSet<String>,
    pub access: HashSet<String>,
    pub refresh: HashSet<String>,
    /// Lifetime given to new access tokens.
    pub expires_in: i64,
    pub issued: u32,
    /// Projects: (id, owner, alias).
    pub projects: Vec<(String, String, String)>,
    pub hooks: HashMap<String, Vec<Hook>>,
    /// Every request: "METHOD /path?query".
    pub log: Vec<String>,
    /// Answer the next N API calls with this status.
    pub fail_next: Vec<u16>,
    /// Pipelines by local id.
    pub pipelines: HashMap<String, FakePipeline>,
    /// Pipelines a page of the pipeline list holds, whatever the client asks (100 by default).
    pub pipeline_page_size: usize,
    /// Hold the next N answers this long (a hanging GitFlic).
    pub delay_next: Vec<std::time::Duration>,
    /// Answer the next API calls with these statuses and raw bodies (a truncated page…).
    pub raw_next: Vec<(u16, String)>,
    /// Answer every API request whose "METHOD /path?query" contains this with 429.
    pub throttle: Option<String>,
    /// Answer artifact downloads with a 302 to this address (object storage).
    pub download_redirect: Option<String>,
    /// Merge requests, as GitFlic lists them (`mergeRequestModelList` items).
    pub merge_requests: Vec<Value>,
    /// Discussions opened on merge requests.
    pub discussions: Vec<FakeDiscussion>,
    /// Opening a discussion answers 403 (no write rights).
    pub forbid_discussions: bool,
    /// The next attempts to open a discussion answer these statuses.
    pub fail_discussions: Vec<u16>,
}

/// A discussion opened on merge request `merge_request`.
#[derive(Debug, Clone)]
pub struct FakeDiscussion {
    pub merge_request: String,
    pub uuid: String,
    pub message: String,
    pub resolved: bool,
}

/// A pipeline: its branch, its status (FAILED when a job failed, else SUCCESS) and its jobs.
#[derive(Debug, Clone)]
pub struct FakePipeline {
    pub git_ref: String,
    pub status: String,
    pub jobs: Vec<FakeJob>,
    /// Unix seconds; when it was added unless a test says otherwise.
    pub finished_at: i64,
}

/// A CI job and its log (the `trace` artifact), if it has one.
#[derive(Debug, Clone)]
pub struct FakeJob {
    pub local_id: String,
    pub name: String,
    pub stage: String,
    pub status: String,
    pub log: Option<Vec<u8>>,
}

#[derive(Clone)]
pub struct FakeGitflic {
    pub base_url: String,
    pub state: Arc<Mutex<FakeState>>,
}

type Shared = Arc<Mutex<FakeState>>;

impl FakeGitflic {
    pub async fn start() -> Self {
        let mut initial = FakeState {
            expires_in: 3600,
            pipeline_page_size: 100,
            ..FakeState::default()
        };
        for i in 1..=5 {
            initial
                .projects
                .push((format!("proj-{i}"), "acme".into(), format!("service-{i}")));
        }
        let state: Shared = Arc::new(Mutex::new(initial));
        let app = Router::new()
            .route("/oauth/authorize", get(consent_page).post(consent))
            .route("/api/token/access", get(token_access))
            .route("/api/token/refresh", post(token_refresh))
            .route("/rest-api/user/me", get(user_me))
            .route("/rest-api/project/my", get(projects_my))
            .route("/rest-api/project/shared", get(projects_shared))
            .route("/rest-api/project/{owner}/{alias}", get(project))
            .route(
                "/rest-api/project/{owner}/{alias}/setting/webhook",
                get(list_hooks).post(create_hook),
            )
            .route(
                "/rest-api/project/{owner}/{alias}/setting/webhook/{id}/delete",
                post(delete_hook),
            )
            .route(
                "/rest-api/project/{owner}/{alias}/cicd/pipeline",
                get(pipelines),
            )
            .route(
                "/rest-api/project/{owner}/{alias}/cicd/pipeline/{pipeline}/jobs",
                get(pipeline_jobs),
            )
            .route(
                "/rest-api/project/{owner}/{alias}/cicd/job/{job}/artifacts",
                get(job_artifacts),
            )
            .route(
                "/rest-api/project/{owner}/{alias}/cicd/job/{job}/artifact/{artifact}/download",
                get(download),
            )
            .route(
                "/rest-api/project/{owner}/{alias}/merge-request/list",
                get(merge_requests),
            )
            .route(
                "/rest-api/project/{owner}/{alias}/merge-request/{mr}/discussions/create",
                post(create_discussion),
            )
            .route(
                "/rest-api/project/{owner}/{alias}/merge-request/{mr}/discussions/resolve/{uuid}",
                post(resolve_discussion),
            )
            .layer(axum::middleware::from_fn_with_state(state.clone(), hang))
            .with_state(state.clone());
        Self {
            base_url: crate::serve(app).await,
            state,
        }
    }

    /// The user approved our application: GitFlic will accept this code once.
    pub fn approve(&self) -> String {
        let code = format!("code-{}", uuid::Uuid::new_v4());
        self.state.lock().unwrap().codes.insert(code.clone());
        code
    }

    /// Every access token issued so far stops working (as after a month).
    pub fn expire_access_tokens(&self) {
        self.state.lock().unwrap().access.clear();
    }

    pub fn revoke_refresh_tokens(&self) {
        self.state.lock().unwrap().refresh.clear();
    }

    /// A pipeline on the default branch, `main`.
    pub fn add_pipeline(&self, local_id: &str, jobs: Vec<FakeJob>) {
        self.add_pipeline_on(local_id, "main", jobs);
    }

    pub fn add_pipeline_on(&self, local_id: &str, git_ref: &str, jobs: Vec<FakeJob>) {
        let status = if jobs.iter().any(|j| j.status == "FAILED") {
            "FAILED"
        } else {
            "SUCCESS"
        };
        self.state.lock().unwrap().pipelines.insert(
            local_id.to_owned(),
            FakePipeline {
                git_ref: git_ref.to_owned(),
                status: status.to_owned(),
                jobs,
                finished_at: time::OffsetDateTime::now_utc().unix_timestamp(),
            },
        );
    }

    /// Pipeline `local_id` ended at `at` (Unix seconds).
    pub fn set_finished_at(&self, local_id: &str, at: i64) {
        if let Some(p) = self.state.lock().unwrap().pipelines.get_mut(local_id) {
            p.finished_at = at;
        }
    }

    /// A merge request `local_id` from `branch` (head `hash`), `status` OPENED, MERGED, ….
    pub fn add_merge_request(&self, local_id: u64, branch: &str, hash: &str, status: &str) {
        self.state.lock().unwrap().merge_requests.push(json!({
            "localId": local_id, "title": format!("MR {local_id}"),
            "sourceBranch": { "id": branch, "title": branch, "hash": hash },
            "targetBranch": { "id": "main", "title": "main" },
            "status": { "id": status, "title": status },
        }));
    }

    pub fn discussions(&self) -> Vec<FakeDiscussion> {
        self.state.lock().unwrap().discussions.clone()
    }

    /// The next attempts to open a discussion answer `statuses`.
    pub fn fail_next_discussions(&self, statuses: &[u16]) {
        self.state.lock().unwrap().fail_discussions = statuses.to_vec();
    }

    /// Opening a discussion is refused (403, as without write rights).
    pub fn forbid_discussions(&self) {
        self.state.lock().unwrap().forbid_discussions = true;
    }

    /// Someone deleted the project's hooks at GitFlic.
    pub fn delete_hooks(&self, owner: &str, alias: &str) {
        self.state
            .lock()
            .unwrap()
            .hooks
            .remove(&format!("{owner}/{alias}"));
    }

    /// Someone unticked an event of the project's hooks at GitFlic.
    pub fn untick_event(&self, owner: &str, alias: &str, event: &str) {
        let mut s = self.state.lock().unwrap();
        for hook in s.hooks.entry(format!("{owner}/{alias}")).or_default() {
            hook.events[event] = json!(false);
        }
    }

    /// Adds `count` projects `acme/bulk-<n>` (ids `bulk-<n>`).
    pub fn add_projects(&self, count: usize) {
        let mut s = self.state.lock().unwrap();
        for n in 0..count {
            s.projects
                .push((format!("bulk-{n}"), "acme".into(), format!("bulk-{n}")));
        }
    }

    pub fn answer_next_raw(&self, status: u16, body: &str) {
        self.state
            .lock()
            .unwrap()
            .raw_next
            .push((status, body.to_owned()));
    }

    /// Downloads answer with a 302 to `location` (`{job}` is replaced by the job's id).
    pub fn redirect_downloads(&self, location: &str) {
        self.state.lock().unwrap().download_redirect = Some(location.to_owned());
    }

    pub fn fail_next(&self, statuses: &[u16]) {
        self.state.lock().unwrap().fail_next = statuses.to_vec();
    }

    pub fn hooks(&self, owner: &str, alias: &str) -> Vec<Hook> {
        self.state
            .lock()
            .unwrap()
            .hooks
            .get(&format!("{owner}/{alias}"))
            .cloned()
            .unwrap_or_default()
    }

    /// The REST API requests received so far (not the OAuth server's).
    pub fn api_requests(&self) -> Vec<String> {
        self.log()
            .into_iter()
            .filter(|l| l.contains(" /rest-api/"))
            .collect()
    }

    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn issued_tokens(&self) -> Vec<String> {
        let s = self.state.lock().unwrap();
        s.access.iter().chain(s.refresh.iter()).cloned().collect()
    }
}

/// Holds an answer back when a delay is queued.
async fn hang(
    State(state): State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let delay = {
        let mut s = state.lock().unwrap();
        (!s.delay_next.is_empty()).then(|| s.delay_next.remove(0))
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    next.run(request).await
}

fn record(state: &Shared, line: String) {
    state.lock().unwrap().log.push(line);
}

fn client_authenticated(headers: &HeaderMap) -> bool {
    let expected =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Basic {expected}"))
}

fn issue(state: &mut FakeState) -> Value {
    state.issued += 1;
    let access = format!("acc-{}-{}", state.issued, uuid::Uuid::new_v4().simple());
    let refresh = format!("ref-{}-{}", state.issued, uuid::Uuid::new_v4().simple());
    state.access.insert(access.clone());
    state.refresh.insert(refresh.clone());
    json!({ "accessToken": access, "refreshToken": refresh, "expiresIn": state.expires_in })
}

async fn token_access(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    record(&state, "GET /api/token/access".into());
    if !client_authenticated(&headers) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "client"}))).into_response();
    }
    let mut s = state.lock().unwrap();
    match q.get("code") {
        Some(code) if s.codes.remove(code) => Json(issue(&mut s)).into_response(),
        _ => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid code"})),
        )
            .into_response(),
    }
}

async fn token_refresh(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    record(&state, "POST /api/token/refresh".into());
    if !client_authenticated(&headers) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "client"}))).into_response();
    }
    let mut s = state.lock().unwrap();
    match body.get("refreshToken").and_then(Value::as_str) {
        Some(r) if s.refresh.remove(r) => Json(issue(&mut s)).into_response(),
        _ => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid refresh token"})),
        )
            .into_response(),
    }
}

/// The API's checks: injected faults first, then `Authorization: token …`.
fn api_guard(state: &Shared, headers: &HeaderMap, line: String) -> Option<Response> {
    let mut s = state.lock().unwrap();
    let throttled = s
        .throttle
        .as_ref()
        .is_some_and(|t| line.contains(t.as_str()));
    s.log.push(line);
    if throttled {
        return Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(axum::http::header::RETRY_AFTER, "1")],
                Json(json!({"error": "rate limit"})),
            )
                .into_response(),
        );
    }
    if !s.raw_next.is_empty() {
        let (status, body) = s.raw_next.remove(0);
        return Some((StatusCode::from_u16(status).unwrap(), body).into_response());
    }
    if !s.fail_next.is_empty() {
        let status = s.fail_next.remove(0);
        if status == 403 {
            return Some(
                (
                    StatusCode::FORBIDDEN,
                    "<html><body>Checking your browser…</body></html>",
                )
                    .into_response(),
            );
        }
        return Some(
            (
                StatusCode::from_u16(status).unwrap(),
                Json(json!({"error": "injected"})),
            )
                .into_response(),
        );
    }
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("token "));
    match token {
        None => {
            Some((StatusCode::UNAUTHORIZED, Json(json!({"error": "no token"}))).into_response())
        }
        Some(t) if !s.access.contains(t) => Some(
            (
                StatusCode::FORBIDDEN,
                Json(json!({"exception": "AuthenticationException", "message": "token expired"})),
            )
                .into_response(),
        ),
        Some(_) => None,
    }
}

fn hal(name: &str, items: Vec<Value>, page: usize, size: usize, total: usize) -> Value {
    let pages = total.div_ceil(size.max(1));
    let mut body = json!({ "page": { "size": size, "totalElements": total, "totalPages": pages, "number": page } });
    if !items.is_empty() {
        body["_embedded"] = json!({ name: items });
    }
    body
}

fn page_number(query: &HashMap<String, String>) -> usize {
    query.get("page").and_then(|p| p.parse().ok()).unwrap_or(0)
}

/// Page `page` of `all`, `size` a page.
fn hal_page(name: &str, all: Vec<Value>, page: usize, size: usize) -> Value {
    let total = all.len();
    let items = all.into_iter().skip(page * size).take(size).collect();
    hal(name, items, page, size, total)
}

fn project_json(p: &(String, String, String)) -> Value {
    json!({ "id": p.0, "title": format!("Service {}", p.2), "alias": p.2, "owner": { "alias": p.1, "type": "COMPANY" }, "private": "true", "defaultBranch": "main" })
}

async fn user_me(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(r) = api_guard(&state, &headers, "GET /rest-api/user/me".into()) {
        return r;
    }
    Json(json!({ "id": 42, "username": "ivan", "fullName": "Ivan Petrov" })).into_response()
}

async fn projects_my(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page = page_number(&q);
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!("GET /rest-api/project/my?page={page}"),
    ) {
        return r;
    }
    let s = state.lock().unwrap();
    // Two a page whatever the client asks, so that paging is exercised.
    let all = s.projects.iter().map(project_json).collect();
    Json(hal_page("projectList", all, page, 2)).into_response()
}

async fn projects_shared(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(r) = api_guard(&state, &headers, "GET /rest-api/project/shared".into()) {
        return r;
    }
    let shared = (
        "proj-shared".to_owned(),
        "partner".to_owned(),
        "library".to_owned(),
    );
    Json(hal("projectList", vec![project_json(&shared)], 0, 100, 1)).into_response()
}

async fn project(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias)): Path<(String, String)>,
) -> Response {
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!("GET /rest-api/project/{owner}/{alias}"),
    ) {
        return r;
    }
    let s = state.lock().unwrap();
    match s.projects.iter().find(|p| p.1 == owner && p.2 == alias) {
        Some(p) => Json(project_json(p)).into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response(),
    }
}

async fn list_hooks(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias)): Path<(String, String)>,
) -> Response {
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!("GET /rest-api/project/{owner}/{alias}/setting/webhook"),
    ) {
        return r;
    }
    let s = state.lock().unwrap();
    let hooks = s
        .hooks
        .get(&format!("{owner}/{alias}"))
        .cloned()
        .unwrap_or_default();
    let items: Vec<Value> = hooks
        .iter()
        .map(|h| json!({ "id": h.id, "url": h.url, "events": h.events, "branchPattern": h.branch_pattern }))
        .collect();
    let total = items.len();
    Json(hal("webhookList", items, 0, 100, total)).into_response()
}

async fn create_hook(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!("POST /rest-api/project/{owner}/{alias}/setting/webhook"),
    ) {
        return r;
    }
    let hook = Hook {
        id: uuid::Uuid::new_v4().to_string(),
        url: body["url"].as_str().unwrap_or_default().to_owned(),
        secret: body["secret"].as_str().unwrap_or_default().to_owned(),
        events: body["events"].clone(),
        branch_pattern: body["branchPattern"].as_str().map(str::to_owned),
    };
    let answer = json!({ "id": hook.id, "url": hook.url });
    state
        .lock()
        .unwrap()
        .hooks
        .entry(format!("{owner}/{alias}"))
        .or_default()
        .push(hook);
    Json(answer).into_response()
}

async fn delete_hook(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias, id)): Path<(String, String, String)>,
) -> Response {
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!("POST /rest-api/project/{owner}/{alias}/setting/webhook/{id}/delete"),
    ) {
        return r;
    }
    let mut s = state.lock().unwrap();
    let hooks = s.hooks.entry(format!("{owner}/{alias}")).or_default();
    let before = hooks.len();
    hooks.retain(|h| h.id != id);
    if hooks.len() == before {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such hook"})),
        )
            .into_response();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn pipeline_jobs(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias, pipeline)): Path<(String, String, String)>,
) -> Response {
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!("GET /rest-api/project/{owner}/{alias}/cicd/pipeline/{pipeline}/jobs"),
    ) {
        return r;
    }
    let s = state.lock().unwrap();
    let Some(jobs) = s.pipelines.get(&pipeline).map(|p| &p.jobs) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such pipeline"})),
        )
            .into_response();
    };
    let items: Vec<Value> = jobs
        .iter()
        .map(|j| json!({ "id": format!("uuid-{}", j.local_id), "localId": j.local_id.parse::<u64>().unwrap_or(0), "name": j.name, "stageName": j.stage, "status": j.status, "pipelineLocalId": pipeline }))
        .collect();
    let total = items.len();
    Json(hal("restPipelineJobModelList", items, 0, 100, total)).into_response()
}

/// Newest first; filters are ignored, as GitFlic ignores them (CODE).
async fn pipelines(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page = page_number(&q);
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!("GET /rest-api/project/{owner}/{alias}/cicd/pipeline?page={page}"),
    ) {
        return r;
    }
    let s = state.lock().unwrap();
    let mut newest_first: Vec<(u64, &FakePipeline)> = s
        .pipelines
        .iter()
        .map(|(id, p)| (id.parse().unwrap_or(0), p))
        .collect();
    newest_first.sort_by_key(|p| std::cmp::Reverse(p.0));
    let all = newest_first
        .iter()
        .map(|(id, p)| {
            let finished = time::OffsetDateTime::from_unix_timestamp(p.finished_at)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            // GitFlic's dates may lack their zone (CODE): the creation time comes without one.
            let created = finished - time::Duration::minutes(5);
            json!({ "id": format!("uuid-pipeline-{id}"), "localId": id, "status": p.status, "ref": p.git_ref,
                    "commitId": "3f786850e387550fdab836ed7e6dc881de23001b", "source": "PUSH",
                    "finishedAt": finished.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                    "createdAt": format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", created.year(), u8::from(created.month()), created.day(), created.hour(), created.minute(), created.second()) })
        })
        .collect();
    Json(hal_page(
        "restPipelineModelList",
        all,
        page,
        s.pipeline_page_size,
    ))
    .into_response()
}

fn find_job(state: &FakeState, job: &str) -> Option<FakeJob> {
    state
        .pipelines
        .values()
        .flat_map(|p| &p.jobs)
        .find(|j| j.local_id == job)
        .cloned()
}

async fn job_artifacts(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias, job)): Path<(String, String, String)>,
) -> Response {
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!("GET /rest-api/project/{owner}/{alias}/cicd/job/{job}/artifacts"),
    ) {
        return r;
    }
    let s = state.lock().unwrap();
    let items: Vec<Value> = match find_job(&s, &job) {
        Some(j) if j.log.is_some() => vec![
            json!({ "id": format!("report-{job}"), "fileName": "junit.xml", "fileType": "junit" }),
            json!({ "id": format!("trace-{job}"), "fileName": "job.log", "fileType": "trace" }),
        ],
        _ => vec![],
    };
    let total = items.len();
    Json(hal(
        "restPipelineJobArtifactModelList",
        items,
        0,
        100,
        total,
    ))
    .into_response()
}

async fn download(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias, job, artifact)): Path<(String, String, String, String)>,
) -> Response {
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!(
            "GET /rest-api/project/{owner}/{alias}/cicd/job/{job}/artifact/{artifact}/download"
        ),
    ) {
        return r;
    }
    let s = state.lock().unwrap();
    if let Some(location) = &s.download_redirect {
        return (
            StatusCode::FOUND,
            [(
                axum::http::header::LOCATION,
                location.replace("{job}", &job),
            )],
        )
            .into_response();
    }
    match find_job(&s, &job)
        .and_then(|j| j.log)
        .filter(|_| artifact == format!("trace-{job}"))
    {
        Some(log) => (StatusCode::OK, log).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such artifact"})),
        )
            .into_response(),
    }
}

async fn merge_requests(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page = page_number(&q);
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!("GET /rest-api/project/{owner}/{alias}/merge-request/list?page={page}"),
    ) {
        return r;
    }
    let all = state.lock().unwrap().merge_requests.clone();
    Json(hal_page("mergeRequestModelList", all, page, 100)).into_response()
}

async fn create_discussion(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias, mr)): Path<(String, String, String)>,
    Json(body): Json<Value>,
) -> Response {
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!("POST /rest-api/project/{owner}/{alias}/merge-request/{mr}/discussions/create"),
    ) {
        return r;
    }
    let mut s = state.lock().unwrap();
    if !s.fail_discussions.is_empty() {
        let status = s.fail_discussions.remove(0);
        return (
            StatusCode::from_u16(status).unwrap(),
            Json(json!({"error": "injected"})),
        )
            .into_response();
    }
    if s.forbid_discussions {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"message": "Access denied"})),
        )
            .into_response();
    }
    let uuid = uuid::Uuid::new_v4().to_string();
    let message = body["message"].as_str().unwrap_or_default().to_owned();
    s.discussions.push(FakeDiscussion {
        merge_request: mr,
        uuid: uuid.clone(),
        message: message.clone(),
        resolved: false,
    });
    Json(json!({ "uuid": uuid, "message": message })).into_response()
}

async fn resolve_discussion(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((owner, alias, mr, uuid)): Path<(String, String, String, String)>,
) -> Response {
    if let Some(r) = api_guard(
        &state,
        &headers,
        format!(
            "POST /rest-api/project/{owner}/{alias}/merge-request/{mr}/discussions/resolve/{uuid}"
        ),
    ) {
        return r;
    }
    let mut s = state.lock().unwrap();
    match s
        .discussions
        .iter_mut()
        .find(|d| d.uuid == uuid && d.merge_request == mr)
    {
        Some(d) => {
            d.resolved = true;
            StatusCode::NO_CONTENT.into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such discussion"})),
        )
            .into_response(),
    }
}

/// GitFlic's consent page, as a user sees it: the application asks, the user allows.
async fn consent_page(Query(q): Query<HashMap<String, String>>) -> Response {
    let field = |name: &str| {
        let value = q.get(name).cloned().unwrap_or_default();
        let value = value
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;");
        format!(r#"<input type="hidden" name="{name}" value="{value}">"#)
    };
    let page = format!(
        r#"<!doctype html><html><body><h1>GitFlic</h1><p>Exlogare asks for access to your projects.</p><form method="post">{}{}{}<button id="allow" type="submit">Allow</button></form></body></html>"#,
        field("clientId"),
        field("redirectUrl"),
        field("state")
    );
    (
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// The user allowed: back to the application with a code GitFlic will accept once.
async fn consent(
    State(state): State<Shared>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let (Some(redirect), Some(st)) = (form.get("redirectUrl"), form.get("state")) else {
        return (
            StatusCode::BAD_REQUEST,
            "redirectUrl and state are required",
        )
            .into_response();
    };
    let code = format!("code-{}", uuid::Uuid::new_v4());
    state.lock().unwrap().codes.insert(code.clone());
    let Ok(mut back) = url::Url::parse(redirect) else {
        return (StatusCode::BAD_REQUEST, "bad redirectUrl").into_response();
    };
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", st);
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, back.to_string())],
    )
        .into_response()
}
