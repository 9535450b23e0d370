//! GitFlic's REST API: `Authorization: token …`, camelCase JSON, HAL pages.
//!
//! Transient failures — 5xx, 429, a 403 whose body is not JSON (the anti-DDoS proxy in front of
//! the cloud API, INFERRED), timeouts — are retried a bounded number of times with exponential
//! backoff and jitter, honouring `Retry-After`. A 401, or a 403 naming `AuthenticationException`
//! (CODE), means the token is no good: [`ApiError::Unauthorized`], for the caller to refresh.

use super::lenient;
use crate::analysis::lines::LineSplitter;
use crate::http_outcome::{self, Outcome};
use oauth2::AccessToken;
use rand::Rng;
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;
use url::Url;

/// The events our webhooks subscribe to: failures to report, successes that may fix them.
pub const HOOK_EVENTS: [&str; 2] = ["PIPELINE_FAIL", "PIPELINE_SUCCESS"];
/// What a hook registered today subscribes to, as recorded on the watch: 1 was `PIPELINE_FAIL`
/// alone; a watch with an older version is registered again on the next sync.
pub const HOOK_VERSION: u32 = 2;

/// Items per page (every known client uses at most 100).
const PAGE_SIZE: u32 = 100;
/// Pages read at most from one list: bounds the requests one sync spends of the hourly budget
/// of 500 (DOC).
const MAX_PAGES: u32 = 20;
const ATTEMPTS: u32 = 3;
/// Longest wait for a `Retry-After` we honour inside one request.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
/// Largest response body read.
const MAX_BODY: usize = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("GitFlic refused the token")]
    Unauthorized,
    #[error("GitFlic denied access to this resource (HTTP 403)")]
    Forbidden,
    #[error("not found on GitFlic")]
    NotFound,
    #[error("GitFlic is unavailable (after {attempts} attempts: {last})")]
    Unavailable { attempts: u32, last: String },
    #[error("GitFlic answered HTTP {0}")]
    Status(u16),
    #[error("GitFlic's answer could not be read: {0}")]
    Decode(String),
    #[error(
        "GitFlic redirected to an address that is refused (not https, internal, or too many hops)"
    )]
    RedirectRefused,
    /// HTTP 429 to a client that was asked to spare the budget rather than wait.
    #[error("GitFlic asked us to slow down (HTTP 429)")]
    Throttled,
}

impl ApiError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, ApiError::Unavailable { .. } | ApiError::Throttled)
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub username: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub full_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Owner {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alias: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_string")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub alias: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub owner: Option<Owner>,
    /// Older answers name the owner here instead.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub owner_alias: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub language: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub private: Option<bool>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub default_branch: Option<String>,
}

impl Project {
    pub fn owner_alias(&self) -> Option<&str> {
        self.owner
            .as_ref()
            .and_then(|o| o.alias.as_deref())
            .or(self.owner_alias.as_deref())
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub url: Option<String>,
    /// As registered (`{"PIPELINE_FAIL": true, …}`), if the list shows it (INFERRED).
    #[serde(default)]
    pub events: Option<Value>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub branch_pattern: Option<String>,
}

impl Webhook {
    /// Whether the hook subscribes to every one of [`HOOK_EVENTS`]; `None` when GitFlic did
    /// not say. Both a map of flags and a list of names are read.
    pub fn has_our_events(&self) -> Option<bool> {
        let on = |event: &str| match self.events.as_ref()? {
            Value::Object(flags) => Some(flags.get(event).is_some_and(|v| v == &Value::Bool(true))),
            Value::Array(names) => Some(names.iter().any(|n| n.as_str() == Some(event))),
            _ => None,
        };
        HOOK_EVENTS
            .iter()
            .map(|event| on(event))
            .collect::<Option<Vec<bool>>>()
            .map(|all| all.into_iter().all(|on| on))
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Pipeline {
    /// The UUID: webhook deliveries name the pipeline by it (INFERRED: the same value).
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub local_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
    #[serde(default, rename = "ref", deserialize_with = "lenient::opt_string")]
    pub git_ref: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub commit_id: Option<String>,
    /// Unix seconds.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub finished_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<i64>,
}

impl Pipeline {
    pub fn succeeded(&self) -> bool {
        status_is(&self.status, "SUCCESS")
    }

    pub fn failed(&self) -> bool {
        status_is(&self.status, "FAILED")
    }

    /// When it ended, or else when it was created: the latest moment GitFlic told.
    pub fn ended_at(&self) -> Option<i64> {
        self.finished_at.or(self.created_at)
    }

    /// Its number in the project, if GitFlic gave a readable one.
    pub fn number(&self) -> Option<u64> {
        self.local_id.as_deref()?.trim().parse().ok()
    }

    /// Its branch, without a `refs/heads/` prefix (both forms are seen, INFERRED).
    pub fn branch(&self) -> Option<&str> {
        self.git_ref.as_deref().map(branch_name)
    }
}

/// A branch as a merge request names it: `id` is the branch's name (CODE).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct BranchRef {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub hash: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct StatusRef {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MergeRequest {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub local_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub source_branch: Option<BranchRef>,
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub status: Option<StatusRef>,
}

impl MergeRequest {
    pub fn is_open(&self) -> bool {
        status_is(&self.status.as_ref().and_then(|s| s.id.clone()), "OPENED")
    }

    /// Whether a pipeline of `branch` or of commit `commit` is this merge request's: its
    /// source branch by name, or its head by hash (INFERRED).
    pub fn is_for(&self, branch: Option<&str>, commit: Option<&str>) -> bool {
        let Some(source) = &self.source_branch else {
            return false;
        };
        let same = |ours: Option<&str>, theirs: &Option<String>| {
            ours.zip(theirs.as_deref())
                .is_some_and(|(a, b)| !a.is_empty() && branch_name(a) == branch_name(b))
        };
        same(branch, &source.id)
            || commit
                .zip(source.hash.as_deref())
                .is_some_and(|(a, b)| a.len() >= 7 && a.eq_ignore_ascii_case(b))
    }
}

/// A discussion opened on a merge request.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Discussion {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub uuid: Option<String>,
}

/// A ref as a branch name: `refs/heads/main` and `main` are the same branch.
pub fn branch_name(git_ref: &str) -> &str {
    let git_ref = git_ref.trim();
    git_ref.strip_prefix("refs/heads/").unwrap_or(git_ref)
}

fn status_is(status: &Option<String>, expected: &str) -> bool {
    status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case(expected))
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub local_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub stage_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub status: Option<String>,
}

impl Job {
    /// FAILED, in any case; other values (and unknown ones) are not failures.
    pub fn failed(&self) -> bool {
        status_is(&self.status, "FAILED")
    }

    pub fn succeeded(&self) -> bool {
        status_is(&self.status, "SUCCESS")
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub file_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub file_type: Option<String>,
}

/// The job's log among its artifacts: `fileType` `trace`, else a name ending in `.log` (INFERRED).
pub fn log_artifact(artifacts: &[Artifact]) -> Option<&Artifact> {
    artifacts
        .iter()
        .find(|a| {
            a.file_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("trace"))
        })
        .or_else(|| {
            artifacts.iter().find(|a| {
                a.file_name
                    .as_deref()
                    .is_some_and(|n| n.to_ascii_lowercase().ends_with(".log"))
            })
        })
}

/// A downloaded log: all of it, or its head and tail when it was larger than the cap.
#[derive(Debug, Clone, Default)]
pub struct Download {
    pub head: Vec<u8>,
    pub tail: Vec<u8>,
    /// Bytes skipped between head and tail.
    pub skipped: u64,
    /// The tail starts at a line start; this many lines of the log come before it, so that its
    /// lines keep their numbers.
    pub lines_before_tail: u64,
}

/// A HAL page: the first array under `_embedded` (absent when empty), and the page counters.
fn page_items<T: DeserializeOwned>(page: &Value) -> (Vec<T>, bool) {
    let items = page
        .get("_embedded")
        .and_then(Value::as_object)
        .and_then(|e| e.values().find_map(Value::as_array))
        .map(|list| {
            list.iter()
                .filter_map(|item| serde_json::from_value(item.clone()).ok())
                .collect()
        })
        .unwrap_or_default();
    let counter = |name: &str| -> Option<u64> {
        match page.get("page")?.get(name)? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    };
    let more = match (counter("number"), counter("totalPages")) {
        (Some(number), Some(total)) => number + 1 < total,
        _ => false,
    };
    (items, more)
}

/// What one client has spent of GitFlic's hourly budget (500 requests per user, DOC).
#[derive(Debug, Default)]
struct Usage {
    /// HTTP requests sent, retries included.
    requests: AtomicU32,
    /// Whether GitFlic has answered 429.
    throttled: AtomicBool,
}

#[derive(Debug, Clone)]
pub struct GitflicApi {
    http: reqwest::Client,
    base: Url,
    usage: Arc<Usage>,
    /// Give up at the first 429 instead of waiting and trying again: for requests the caller
    /// can do without.
    spare_when_throttled: bool,
}

impl GitflicApi {
    /// `base` is the API base (`https://api.gitflic.ru` or `{base_url}/rest-api`).
    pub fn new(http: reqwest::Client, base: Url) -> Self {
        Self {
            http,
            base,
            usage: Arc::default(),
            spare_when_throttled: false,
        }
    }

    /// From now on, a 429 is [`ApiError::Throttled`] at once rather than waited out.
    pub fn spare_when_throttled(&mut self) {
        self.spare_when_throttled = true;
    }

    /// Requests sent so far by this client (and its clones), retries included.
    pub fn requests(&self) -> u32 {
        self.usage.requests.load(Ordering::Relaxed)
    }

    /// Whether GitFlic has asked this client to slow down.
    pub fn throttled(&self) -> bool {
        self.usage.throttled.load(Ordering::Relaxed)
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Sends what `request` builds until GitFlic answers for good. Transport errors, 429, 5xx and
    /// the anti-DDoS proxy's HTML 403 are retried (honouring `Retry-After`); other failures map
    /// to [`ApiError`]. Returns the successful response with its body unread.
    async fn send(
        &self,
        token: &AccessToken,
        request: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ApiError> {
        let mut last = String::new();
        for attempt in 1..=ATTEMPTS {
            self.usage.requests.fetch_add(1, Ordering::Relaxed);
            let sent = request()
                .header("Authorization", format!("token {}", token.secret()))
                .send()
                .await;
            let wait = match sent {
                // A redirect our guard refused will be refused again.
                Err(e) if e.is_redirect() => return Err(ApiError::RedirectRefused),
                Err(e) => {
                    // The URL carries no secret, but keep error texts short and uniform.
                    last = e.without_url().to_string();
                    None
                }
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let status = response.status();
                    let retry_after = http_outcome::retry_after(response.headers());
                    // Read only to tell the kinds of 403 apart.
                    let body = read_capped(response).await.unwrap_or_default();
                    match status {
                        StatusCode::UNAUTHORIZED => return Err(ApiError::Unauthorized),
                        StatusCode::FORBIDDEN => {
                            if memchr::memmem::find(&body, b"AuthenticationException").is_some() {
                                return Err(ApiError::Unauthorized);
                            }
                            if serde_json::from_slice::<Value>(&body).is_ok() {
                                return Err(ApiError::Forbidden);
                            }
                            // Not JSON: the anti-DDoS proxy, not GitFlic's verdict on the token.
                            last = "HTTP 403 without a JSON body".into();
                        }
                        StatusCode::NOT_FOUND => return Err(ApiError::NotFound),
                        StatusCode::TOO_MANY_REQUESTS => {
                            self.usage.throttled.store(true, Ordering::Relaxed);
                            if self.spare_when_throttled {
                                return Err(ApiError::Throttled);
                            }
                            last = "HTTP 429".into();
                        }
                        s => match http_outcome::classify(s.as_u16()) {
                            Outcome::Transient => last = format!("HTTP {}", s.as_u16()),
                            _ => return Err(ApiError::Status(s.as_u16())),
                        },
                    }
                    retry_after
                }
            };
            if attempt < ATTEMPTS {
                tokio::time::sleep(
                    wait.map_or_else(|| backoff(attempt), |w| w.min(MAX_RETRY_AFTER)),
                )
                .await;
            }
        }
        Err(ApiError::Unavailable {
            attempts: ATTEMPTS,
            last,
        })
    }

    /// One JSON call. Returns the parsed body (`Null` when empty).
    async fn call(
        &self,
        method: Method,
        token: &AccessToken,
        url: Url,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let response = self
            .send(token, || {
                let request = self
                    .http
                    .request(method.clone(), url.clone())
                    .header("Accept", "application/json");
                match body {
                    Some(body) => request.json(body),
                    None => request,
                }
            })
            .await?;
        let bytes = read_capped(response).await?;
        // An empty answer is fine (some calls answer nothing); a body that is not JSON is an
        // error, never an empty list: a truncated page must not read as "no failed jobs".
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::Decode(format!(
                "the answer is not JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })
    }

    /// One JSON call whose answer reads as `T`.
    async fn call_as<T: DeserializeOwned>(
        &self,
        method: Method,
        token: &AccessToken,
        url: Url,
        body: Option<&Value>,
    ) -> Result<T, ApiError> {
        let value = self.call(method, token, url, body).await?;
        serde_json::from_value(value).map_err(|e| ApiError::Decode(e.to_string()))
    }

    async fn get<T: DeserializeOwned>(&self, token: &AccessToken, url: Url) -> Result<T, ApiError> {
        self.call_as(Method::GET, token, url, None).await
    }

    /// A POST whose answer does not matter: whatever the body says (GitFlic answers some
    /// calls in plain text), a 2xx is done.
    async fn post_for_status(&self, token: &AccessToken, target: Url) -> Result<(), ApiError> {
        self.send(token, || {
            self.http
                .post(target.clone())
                .header("Accept", "application/json")
        })
        .await
        .map(|_| ())
    }

    /// One page of a paged list, and whether more follow.
    async fn page<T: DeserializeOwned>(
        &self,
        token: &AccessToken,
        segments: &[&str],
        page: u32,
    ) -> Result<(Vec<T>, bool), ApiError> {
        let mut url = self.url(segments);
        url.query_pairs_mut()
            .append_pair("page", &page.to_string())
            .append_pair("size", &PAGE_SIZE.to_string());
        let value = self.call(Method::GET, token, url, None).await?;
        Ok(page_items(&value))
    }

    /// Every item of a paged list, up to [`MAX_PAGES`] pages.
    async fn list<T: DeserializeOwned>(
        &self,
        token: &AccessToken,
        segments: &[&str],
    ) -> Result<Vec<T>, ApiError> {
        let mut all = Vec::new();
        for page in 0..MAX_PAGES {
            let (items, more) = self.page(token, segments, page).await?;
            all.extend(items);
            if !more {
                break;
            }
        }
        Ok(all)
    }

    pub async fn current_user(&self, token: &AccessToken) -> Result<User, ApiError> {
        self.get(token, self.url(&["user", "me"])).await
    }

    pub async fn project(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
    ) -> Result<Project, ApiError> {
        self.get(token, self.url(&["project", owner, alias])).await
    }

    /// One page of the project's pipelines, newest first (INFERRED), and whether more follow.
    /// The server ignores the list's filters (CODE).
    pub async fn pipelines_page(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
        page: u32,
    ) -> Result<(Vec<Pipeline>, bool), ApiError> {
        self.page(token, &["project", owner, alias, "cicd", "pipeline"], page)
            .await
    }

    /// The project's first page of merge requests (100, CODE): the open ones are filtered by
    /// the caller, since the server filters only other states (CODE).
    pub async fn merge_requests_page(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
    ) -> Result<Vec<MergeRequest>, ApiError> {
        let segments = ["project", owner, alias, "merge-request", "list"];
        Ok(self.page(token, &segments, 0).await?.0)
    }

    /// Opens a discussion on a merge request with `markdown` (CODE: `{"message"}` → a note
    /// with a `uuid`).
    pub async fn create_discussion(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
        merge_request: &str,
        markdown: &str,
    ) -> Result<Discussion, ApiError> {
        let target = self.url(&[
            "project",
            owner,
            alias,
            "merge-request",
            merge_request,
            "discussions",
            "create",
        ]);
        let body = serde_json::json!({ "message": markdown });
        self.call_as(Method::POST, token, target, Some(&body)).await
    }

    /// Marks a discussion resolved (CODE: `POST …/discussions/resolve/{uuid}`).
    pub async fn resolve_discussion(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
        merge_request: &str,
        uuid: &str,
    ) -> Result<(), ApiError> {
        let target = self.url(&[
            "project",
            owner,
            alias,
            "merge-request",
            merge_request,
            "discussions",
            "resolve",
            uuid,
        ]);
        self.post_for_status(token, target).await
    }

    /// Every job of a pipeline (all pages).
    pub async fn pipeline_jobs(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
        pipeline_local_id: &str,
    ) -> Result<Vec<Job>, ApiError> {
        self.list(
            token,
            &[
                "project",
                owner,
                alias,
                "cicd",
                "pipeline",
                pipeline_local_id,
                "jobs",
            ],
        )
        .await
    }

    pub async fn job_artifacts(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
        job_local_id: &str,
    ) -> Result<Vec<Artifact>, ApiError> {
        let url = self.url(&[
            "project",
            owner,
            alias,
            "cicd",
            "job",
            job_local_id,
            "artifacts",
        ]);
        let value = self.call(Method::GET, token, url, None).await?;
        // A page, or (tolerated) a bare array.
        Ok(match value {
            Value::Array(items) => items
                .into_iter()
                .filter_map(|i| serde_json::from_value(i).ok())
                .collect(),
            page => page_items(&page).0,
        })
    }

    /// Streams an artifact, keeping at most `cap` bytes: the first half and the last half of a
    /// larger one (a failure's cause is usually near the end, its context near the start).
    pub async fn download_artifact(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
        job_local_id: &str,
        artifact_id: &str,
        cap: usize,
    ) -> Result<Download, ApiError> {
        let url = self.url(&[
            "project",
            owner,
            alias,
            "cicd",
            "job",
            job_local_id,
            "artifact",
            artifact_id,
            "download",
        ]);
        let response = self.send(token, || self.http.get(url.clone())).await?;
        stream_capped(response, cap).await
    }

    pub async fn own_projects(&self, token: &AccessToken) -> Result<Vec<Project>, ApiError> {
        self.list(token, &["project", "my"]).await
    }

    pub async fn shared_projects(&self, token: &AccessToken) -> Result<Vec<Project>, ApiError> {
        self.list(token, &["project", "shared"]).await
    }

    pub async fn webhooks(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
    ) -> Result<Vec<Webhook>, ApiError> {
        self.list(token, &["project", owner, alias, "setting", "webhook"])
            .await
    }

    /// Registers a webhook for [`HOOK_EVENTS`] (CODE: `{url, secret, events}`).
    pub async fn create_webhook(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
        url: &str,
        secret: &str,
        branch_pattern: Option<&str>,
    ) -> Result<Webhook, ApiError> {
        let mut body = serde_json::json!({
            "url": url,
            "secret": secret,
            "events": HOOK_EVENTS.iter().map(|e| (e.to_string(), Value::Bool(true))).collect::<serde_json::Map<_, _>>(),
        });
        if let Some(pattern) = branch_pattern {
            body["branchPattern"] = Value::String(pattern.to_owned());
        }
        let target = self.url(&["project", owner, alias, "setting", "webhook"]);
        self.call_as(Method::POST, token, target, Some(&body)).await
    }

    /// Deletes a webhook (a POST to `…/{id}/delete`, CODE). An already deleted hook is fine.
    pub async fn delete_webhook(
        &self,
        token: &AccessToken,
        owner: &str,
        alias: &str,
        id: &str,
    ) -> Result<(), ApiError> {
        let target = self.url(&["project", owner, alias, "setting", "webhook", id, "delete"]);
        match self.post_for_status(token, target).await {
            Ok(()) | Err(ApiError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

fn backoff(attempt: u32) -> Duration {
    let base = 200u64 << attempt.min(6);
    Duration::from_millis(base + rand::rng().random_range(0..base))
}

/// A gzip stream starts with these bytes; compressed traces are read through a decoder.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// Decompressed bytes read at most, as a multiple of the cap: past it a stream is a
/// decompression bomb, and reading stops (the analysis sees the head and the last window).
const INFLATE_LIMIT: u64 = 8;

/// The head and tail window of a log as it streams by, with the skipped middle's lines counted.
struct Window {
    cap: usize,
    download: Download,
    tail: std::collections::VecDeque<u8>,
    /// Counts the lines of everything before the tail, as the engine splits them.
    before_tail: LineSplitter,
    total: u64,
}

impl Window {
    fn new(cap: usize) -> Self {
        Self {
            cap,
            download: Download::default(),
            tail: Default::default(),
            before_tail: LineSplitter::default(),
            total: 0,
        }
    }

    fn push(&mut self, mut bytes: &[u8]) {
        self.total += bytes.len() as u64;
        let half = self.cap / 2;
        if self.download.head.len() < half {
            let take = bytes.len().min(half - self.download.head.len());
            self.download.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        self.tail.extend(bytes);
        if self.tail.len() > self.cap - half {
            let drop = self.tail.len() - (self.cap - half);
            if self.download.skipped == 0 {
                self.before_tail.feed(&self.download.head, &mut |_| {});
            }
            let (front, back) = self.tail.as_slices();
            let in_front = drop.min(front.len());
            self.before_tail.feed(&front[..in_front], &mut |_| {});
            self.before_tail.feed(&back[..drop - in_front], &mut |_| {});
            self.tail.drain(..drop);
            self.download.skipped += drop as u64;
        }
    }

    fn finish(mut self) -> Download {
        if self.download.skipped == 0 {
            self.download.head.extend(self.tail);
        } else {
            let mut tail = Vec::from(self.tail);
            tail.drain(..self.before_tail.skip_to_line_start(&tail));
            self.download.tail = tail;
            self.download.lines_before_tail = self.before_tail.ended();
        }
        self.download
    }
}

/// What a gzip decoder writes into: the window, up to the bomb limit.
struct Inflated {
    window: Window,
    limit: u64,
}

impl std::io::Write for Inflated {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.window.total >= self.limit {
            return Err(std::io::Error::other("decompressed log over the limit"));
        }
        self.window.push(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

enum Sink {
    /// Not known yet: the first bytes, until there are enough to tell gzip by.
    Sniffing(Vec<u8>, Window),
    Plain(Window),
    Gzip(Box<flate2::write::GzDecoder<Inflated>>),
    /// A decompression bomb stopped at its limit: the rest of the stream is not read.
    Stopped(Window),
}

impl Sink {
    fn push(self, bytes: &[u8]) -> Self {
        match self {
            Sink::Sniffing(mut first, window) => {
                first.extend_from_slice(bytes);
                if first.len() < GZIP_MAGIC.len() {
                    return Sink::Sniffing(first, window);
                }
                let sink = if first.starts_with(&GZIP_MAGIC) {
                    let limit = window.cap as u64 * INFLATE_LIMIT;
                    Sink::Gzip(Box::new(flate2::write::GzDecoder::new(Inflated {
                        window,
                        limit,
                    })))
                } else {
                    Sink::Plain(window)
                };
                sink.push(&first)
            }
            Sink::Plain(mut window) => {
                window.push(bytes);
                Sink::Plain(window)
            }
            Sink::Gzip(mut decoder) => {
                use std::io::Write;
                match decoder.write_all(bytes) {
                    Ok(()) => Sink::Gzip(decoder),
                    // Over the limit, or not gzip after all: keep what was inflated.
                    Err(_) => Sink::Stopped(decoder_window(*decoder)),
                }
            }
            stopped @ Sink::Stopped(_) => stopped,
        }
    }

    fn done(&self) -> bool {
        matches!(self, Sink::Stopped(_))
    }

    fn finish(self) -> Download {
        match self {
            Sink::Sniffing(first, mut window) => {
                window.push(&first);
                window.finish()
            }
            Sink::Plain(window) | Sink::Stopped(window) => window.finish(),
            Sink::Gzip(decoder) => decoder_window(*decoder).finish(),
        }
    }
}

fn decoder_window(mut decoder: flate2::write::GzDecoder<Inflated>) -> Window {
    // What was inflated is in the writer, whether the stream ended well or not.
    let _ = decoder.try_finish();
    std::mem::replace(&mut decoder.get_mut().window, Window::new(0))
}

/// Streams a log into its head-and-tail window; a gzip-compressed one (whatever the headers
/// say) is inflated on the way, within [`INFLATE_LIMIT`] times the cap.
async fn stream_capped(mut response: reqwest::Response, cap: usize) -> Result<Download, ApiError> {
    let mut sink = Sink::Sniffing(Vec::new(), Window::new(cap));
    while let Some(chunk) = response.chunk().await.map_err(|e| ApiError::Unavailable {
        attempts: 1,
        last: e.without_url().to_string(),
    })? {
        sink = sink.push(&chunk);
        if sink.done() {
            break;
        }
    }
    Ok(sink.finish())
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| ApiError::Decode(e.without_url().to_string()))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(ApiError::Decode("the answer is too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hal_pages_tolerantly() {
        let page = serde_json::json!({
            "_embedded": {"projectList": [{"id": 1, "alias": "a", "owner": {"alias": "o"}}, {"id": "x", "ownerAlias": "p"}, 5]},
            "page": {"size": 2, "totalElements": 5, "totalPages": "3", "number": 0}
        });
        let (items, more): (Vec<Project>, bool) = page_items(&page);
        assert_eq!(items.len(), 2, "the number is skipped, the rest decode");
        assert_eq!(items[0].owner_alias(), Some("o"));
        assert_eq!(items[1].owner_alias(), Some("p"));
        assert!(more);
        let (empty, more): (Vec<Project>, bool) =
            page_items(&serde_json::json!({"page": {"number": 0, "totalPages": 0}}));
        assert!(empty.is_empty() && !more);
    }

    #[test]
    fn pipelines_read_their_number_status_and_branch_in_either_form() {
        let page = serde_json::json!({"_embedded": {"restPipelineModelList": [
            {"localId": 118, "status": "success", "ref": "refs/heads/feature/x"},
            {"localId": " 117 ", "status": "FAILED", "ref": "main"},
            {"localId": "n/a", "status": null}
        ]}});
        let (pipelines, _): (Vec<Pipeline>, bool) = page_items(&page);
        assert_eq!(pipelines.len(), 3);
        assert_eq!(pipelines[0].number(), Some(118));
        assert!(pipelines[0].succeeded());
        assert_eq!(pipelines[0].branch(), Some("feature/x"));
        assert_eq!(pipelines[1].number(), Some(117));
        assert!(!pipelines[1].succeeded());
        assert_eq!(pipelines[1].branch(), Some("main"));
        assert_eq!(pipelines[2].number(), None);
        assert_eq!(pipelines[2].branch(), None);
    }

    #[test]
    fn path_segments_are_escaped() {
        let api = GitflicApi::new(
            reqwest::Client::new(),
            Url::parse("https://h/rest-api").unwrap(),
        );
        let url = api.url(&["project", "a/b", "c?d", "setting"]);
        assert_eq!(
            url.as_str(),
            "https://h/rest-api/project/a%2Fb/c%3Fd/setting"
        );
    }
}
