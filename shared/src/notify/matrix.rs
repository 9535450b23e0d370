//! Matrix client-server API: `PUT …/rooms/{room}/send/m.room.message/{txnId}` with the message
//! built by `exlogare_chat`. The transaction id is derived from the report, so a retried delivery
//! is the same event.

use super::{Delivery, Message, classify, transport};
use serde_json::Value;
use std::time::Duration;

pub async fn send(
    http: &reqwest::Client,
    homeserver: &str,
    access_token: &str,
    room_id: &str,
    transaction: &str,
    message: &Message,
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
            transaction,
        ]);
    }
    let response = match http
        .put(url)
        .bearer_auth(access_token)
        .json(&exlogare_chat::matrix_content(message))
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => return transport(e),
    };
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Delivery::Delivered;
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
