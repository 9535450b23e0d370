//! Matrix client-server API: `PUT …/rooms/{room}/send/m.room.message/{txnId}` with an HTML body.
//! The transaction id is derived from the report, so a retried delivery is the same event.

use super::{Delivery, Message, escape_html, transport};
use serde_json::{Value, json};
use std::time::Duration;

pub fn content(message: &Message) -> Value {
    let mut plain = format!(
        "{}\n{}: {}\n{}",
        message.title, message.words.category, message.category, message.summary
    );
    let mut html = format!(
        "<h4>{}</h4><p><b>{}:</b> {}<br>{}</p>",
        escape_html(&message.title),
        message.words.category,
        escape_html(&message.category),
        escape_html(&message.summary)
    );
    if let Some(excerpt) = &message.excerpt {
        plain.push_str(&format!("\n\n{excerpt}\n"));
        html.push_str(&format!("<pre><code>{}</code></pre>", escape_html(excerpt)));
    }
    if let Some(location) = &message.location {
        plain.push_str(&format!("\n{}: {location}", message.words.where_));
        html.push_str(&format!(
            "<p><b>{}:</b> <code>{}</code></p>",
            message.words.where_,
            escape_html(location)
        ));
    }
    if let Some(hint) = &message.hint {
        plain.push_str(&format!("\n{}: {hint}", message.words.hint));
        html.push_str(&format!(
            "<p><b>{}:</b> {}</p>",
            message.words.hint,
            escape_html(hint)
        ));
    }
    plain.push_str(&format!("\n{}: {}", message.open_label, message.link));
    html.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>",
        escape_html(&message.link),
        escape_html(&message.open_label)
    ));
    json!({ "msgtype": "m.text", "body": plain, "format": "org.matrix.custom.html", "formatted_body": html })
}

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
        .json(&content(message))
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
    if status.as_u16() == 429 || status.is_server_error() {
        let after = answer["retry_after_ms"].as_u64().map(Duration::from_millis);
        Delivery::Retry { after, reason }
    } else {
        Delivery::Rejected {
            status: status.as_u16(),
            reason,
        }
    }
}
