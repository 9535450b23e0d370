//! Slack, Telegram and Matrix stand-ins on 127.0.0.1, speaking their wire formats: Slack's
//! incoming webhook (`ok`), Telegram's Bot API (`{"ok": true}` / `error_code` with
//! `parameters.retry_after`), Matrix's `PUT …/send/m.room.message/{txnId}` (the same transaction
//! id yields the same event, as a homeserver does). Faults can be queued per channel.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const TELEGRAM_TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";
pub const MATRIX_TOKEN: &str = "syt_ZXhsb2dhcmU_matrixtokenvalue_0abcd";

#[derive(Default)]
pub struct ChatState {
    /// Accepted messages: (channel, payload).
    pub received: Vec<(String, Value)>,
    /// Matrix transaction ids already seen.
    pub matrix_txns: HashMap<String, String>,
    /// Faults to answer with, per channel, first to last: 429 (retry after 1 s), 500 or 400.
    pub faults: HashMap<String, Vec<u16>>,
    /// Requests per channel, faults included.
    pub attempts: HashMap<String, u32>,
    /// The language model's answer delay.
    pub llm_delay: std::time::Duration,
}

#[derive(Clone)]
pub struct FakeChat {
    pub base_url: String,
    pub state: Arc<Mutex<ChatState>>,
}

type Shared = Arc<Mutex<ChatState>>;

impl FakeChat {
    pub async fn start() -> Self {
        let state: Shared = Arc::default();
        let app = Router::new()
            .route("/slack/services/{a}/{b}/{c}", post(slack))
            .route("/telegram/{bot}/sendMessage", post(telegram))
            .route(
                "/matrix/_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}",
                put(matrix),
            )
            .route("/llm/v1/chat/completions", post(llm))
            .with_state(state.clone());
        Self {
            base_url: crate::serve(app).await,
            state,
        }
    }

    pub fn slack_url(&self) -> String {
        format!(
            "{}/slack/services/T0001/B0001/XXXXXXXXXXXXXXXXXXXXXXXX",
            self.base_url
        )
    }

    pub fn telegram_api(&self) -> String {
        format!("{}/telegram", self.base_url)
    }

    pub fn matrix_homeserver(&self) -> String {
        format!("{}/matrix", self.base_url)
    }

    /// An OpenAI-compatible endpoint's base URL.
    pub fn llm_base(&self) -> String {
        format!("{}/llm", self.base_url)
    }

    pub fn fault(&self, channel: &str, statuses: &[u16]) {
        self.state
            .lock()
            .unwrap()
            .faults
            .insert(channel.into(), statuses.to_vec());
    }

    pub fn received(&self, channel: &str) -> Vec<Value> {
        self.state
            .lock()
            .unwrap()
            .received
            .iter()
            .filter(|(c, _)| c == channel)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn attempts(&self, channel: &str) -> u32 {
        self.state
            .lock()
            .unwrap()
            .attempts
            .get(channel)
            .copied()
            .unwrap_or(0)
    }
}

fn next_fault(state: &Shared, channel: &str) -> Option<u16> {
    let mut s = state.lock().unwrap();
    *s.attempts.entry(channel.into()).or_default() += 1;
    let faults = s.faults.get_mut(channel)?;
    (!faults.is_empty()).then(|| faults.remove(0))
}

async fn slack(
    State(state): State<Shared>,
    Path((_, _, hook)): Path<(String, String, String)>,
    Json(mut body): Json<Value>,
) -> Response {
    match next_fault(&state, "slack") {
        Some(429) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            "rate_limited",
        )
            .into_response(),
        Some(500) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error").into_response(),
        Some(_) => (StatusCode::NOT_FOUND, "no_service").into_response(),
        None if body.get("blocks").is_none() => {
            (StatusCode::BAD_REQUEST, "invalid_payload").into_response()
        }
        None => {
            // Which incoming webhook (room) got it.
            body["_hook"] = Value::String(hook);
            state.lock().unwrap().received.push(("slack".into(), body));
            (StatusCode::OK, "ok").into_response()
        }
    }
}

async fn telegram(
    State(state): State<Shared>,
    Path(bot): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    if bot != format!("bot{TELEGRAM_TOKEN}") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"ok": false, "error_code": 401, "description": "Unauthorized"})),
        )
            .into_response();
    }
    match next_fault(&state, "telegram") {
        Some(429) => (
            StatusCode::TOO_MANY_REQUESTS,
            Json(json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}})),
        )
            .into_response(),
        Some(500) => (StatusCode::BAD_GATEWAY, Json(json!({"ok": false, "error_code": 502, "description": "Bad Gateway"}))).into_response(),
        Some(_) => (StatusCode::BAD_REQUEST, Json(json!({"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}))).into_response(),
        None => {
            let text = body["text"].as_str().unwrap_or_default();
            if text.chars().count() > 4096 || body["parse_mode"] != "HTML" {
                return (StatusCode::BAD_REQUEST, Json(json!({"ok": false, "error_code": 400, "description": "Bad Request: message is too long"}))).into_response();
            }
            let mut s = state.lock().unwrap();
            s.received.push(("telegram".into(), body));
            // The n-th message this chat received is message 100 + n.
            let message_id = 100 + s.received.iter().filter(|(c, _)| c == "telegram").count();
            Json(json!({"ok": true, "result": {"message_id": message_id}})).into_response()
        }
    }
}

async fn matrix(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((room, txn)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(&*format!("Bearer {MATRIX_TOKEN}"));
    if !authorized {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token"})),
        )
            .into_response();
    }
    match next_fault(&state, "matrix") {
        Some(429) => (StatusCode::TOO_MANY_REQUESTS, Json(json!({"errcode": "M_LIMIT_EXCEEDED", "error": "Too many requests", "retry_after_ms": 1000}))).into_response(),
        Some(500) => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"errcode": "M_UNKNOWN", "error": "Internal"}))).into_response(),
        Some(_) => (StatusCode::FORBIDDEN, Json(json!({"errcode": "M_FORBIDDEN", "error": "not in room"}))).into_response(),
        None => {
            let mut s = state.lock().unwrap();
            if let Some(event) = s.matrix_txns.get(&txn) {
                return Json(json!({"event_id": event})).into_response();
            }
            let event = format!("$event{}", s.matrix_txns.len());
            s.matrix_txns.insert(txn, event.clone());
            s.received.push(("matrix".into(), json!({"room": room, "content": body})));
            Json(json!({"event_id": event})).into_response()
        }
    }
}

async fn llm(State(state): State<Shared>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let delay = state.lock().unwrap().llm_delay;
    tokio::time::sleep(delay).await;
    let authorized = headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some("Bearer sk-test-llm-key-0123456789abcdef");
    state.lock().unwrap().received.push(("llm".into(), body));
    if !authorized {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {"message": "bad key"}})),
        )
            .into_response();
    }
    let content = json!({ "root_cause": "parse_price does not strip the thousands separator", "fix": "remove commas before float()" });
    Json(json!({ "choices": [ { "message": { "role": "assistant", "content": content.to_string() } } ] })).into_response()
}
