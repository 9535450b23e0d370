//! Matrix client-server API: `PUT …/rooms/{room}/send/m.room.message/{txnId}` with the message
//! built by `exlogare_chat`. The transaction id is derived from the report, so a retried delivery
//! is the same event.

use super::{Delivery, Message, Post, classify, transport};
use serde_json::{Value, json};
use std::time::Duration;

pub async fn send(
    http: &reqwest::Client,
    homeserver: &str,
    access_token: &str,
    room_id: &str,
    message: &Message,
    post: Post<'_>,
) -> Delivery {
    let Ok(mut url) = url::Url::parse(homeserver) else {
        return Delivery::Rejected {
            status: 400,
            reason: "the homeserver URL is invalid".into(),
        };
    };
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend([
            "_matrix",
            "client",
            "v3",
            "rooms",
            room_id,
            "send",
            "m.room.message",
            post.transaction,
        ]);
    }
    let mut content = exlogare_chat::matrix_content(message);
    if let Some(event) = post.reply_to {
        content["m.relates_to"] = json!({ "m.in_reply_to": { "event_id": event } });
    }
    let response = match http
        .put(url)
        .bearer_auth(access_token)
        .json(&content)
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => return transport(e),
    };
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Delivery::Delivered {
            message: answer["event_id"]
                .as_str()
                .filter(|id| id.len() <= 255 && !id.contains(char::is_whitespace))
                .map(str::to_owned),
        };
    }
    let reason: String = format!(
        "{} {}",
        answer["errcode"].as_str().unwrap_or(""),
        answer["error"].as_str().unwrap_or("")
    )
    .chars()
    .take(200)
    .collect();
    let after = answer["retry_after_ms"].as_u64().map(Duration::from_millis);
    classify(status.as_u16(), after, reason)
}
