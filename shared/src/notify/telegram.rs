//! Telegram Bot API `sendMessage`: the message as HTML (built by `exlogare_chat`) with an
//! inline button to the pipeline.

use super::{Delivery, Message, classify, transport};
use crate::http_outcome::{self, Outcome};
use serde_json::{Value, json};
use std::time::Duration;

pub async fn send(
    http: &reqwest::Client,
    api: &str,
    bot_token: &str,
    chat_id: &str,
    message: &Message,
    reply_to: Option<&str>,
) -> Delivery {
    let mut body = json!({
        "chat_id": chat_id,
        "text": exlogare_chat::telegram_text(message),
        "parse_mode": "HTML",
        "disable_web_page_preview": true,
        "reply_markup": { "inline_keyboard": [[ { "text": message.words.open, "url": message.link.as_str() } ]] },
    });
    if let Some(id) = reply_to.and_then(|id| id.parse::<i64>().ok()) {
        body["reply_parameters"] = json!({ "message_id": id, "allow_sending_without_reply": true });
    }
    // The token is checked when the channel is set; as a path segment it can still not add a
    // path, a query or a fragment to the URL.
    let Ok(mut url) = url::Url::parse(api) else {
        return Delivery::Rejected {
            status: 400,
            reason: "the Telegram API base URL is invalid".into(),
        };
    };
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty()
            .extend([format!("bot{bot_token}").as_str(), "sendMessage"]);
    }
    let response = match http.post(url).json(&body).send().await {
        Ok(r) => r,
        Err(e) => return transport(e),
    };
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() && answer["ok"] == true {
        return Delivery::Delivered {
            message: answer["result"]["message_id"]
                .as_i64()
                .map(|id| id.to_string()),
        };
    }
    let description: String = answer["description"]
        .as_str()
        .unwrap_or("no description")
        .chars()
        .take(200)
        .collect();
    // Telegram's own code, else the status; a 2xx without `"ok": true` was not delivered.
    let code = answer["error_code"]
        .as_u64()
        .and_then(|c| u16::try_from(c).ok())
        .unwrap_or(status.as_u16());
    if http_outcome::classify(code) == Outcome::Done {
        return Delivery::Rejected {
            status: code,
            reason: description,
        };
    }
    let after = answer["parameters"]["retry_after"]
        .as_u64()
        .map(Duration::from_secs);
    classify(code, after, description)
}
