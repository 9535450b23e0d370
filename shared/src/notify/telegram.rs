//! Telegram Bot API `sendMessage` with HTML, within the 4096-character limit, and an inline
//! button to the pipeline.

use super::{Delivery, Message, escape_html, transport};
use serde_json::{Value, json};
use std::time::Duration;

const LIMIT: usize = 4096;

pub fn text(message: &Message) -> String {
    let head = format!(
        "<b>{}</b>\n<b>{}:</b> {}\n{}\n",
        escape_html(&message.title),
        message.words.category,
        escape_html(&message.category),
        escape_html(&message.summary)
    );
    let mut tail = String::new();
    if let Some(location) = &message.location {
        tail.push_str(&format!(
            "\n<b>{}:</b> <code>{}</code>",
            message.words.where_,
            escape_html(location)
        ));
    }
    if let Some(hint) = &message.hint {
        tail.push_str(&format!(
            "\n<b>{}:</b> {}",
            message.words.hint,
            escape_html(hint)
        ));
    }
    if !message.others.is_empty() {
        tail.push_str(&format!(
            "\n<b>{}:</b> {}",
            message.words.other_jobs,
            escape_html(&message.others.join(", "))
        ));
    }
    // The excerpt gives way first when the message would be too long.
    let room = LIMIT.saturating_sub(head.chars().count() + tail.chars().count() + 20);
    let excerpt = message.excerpt.as_deref().map(|e| {
        let mut escaped = escape_html(e);
        if escaped.chars().count() > room {
            // Cut on a line boundary so that no entity is split.
            let mut cut = String::new();
            for line in escaped.lines() {
                if cut.chars().count() + line.chars().count() + 2 > room {
                    break;
                }
                cut.push_str(line);
                cut.push('\n');
            }
            escaped = format!("{}…", cut.trim_end());
        }
        format!("\n<pre>{escaped}</pre>")
    });
    let mut out = head.trim_end().to_owned();
    if let Some(e) = excerpt {
        out.push_str(&e);
    }
    out.push_str(&tail);
    out.chars().take(LIMIT).collect()
}

pub async fn send(
    http: &reqwest::Client,
    api: &str,
    bot_token: &str,
    chat_id: &str,
    message: &Message,
) -> Delivery {
    let body = json!({
        "chat_id": chat_id,
        "text": text(message),
        "parse_mode": "HTML",
        "disable_web_page_preview": true,
        "reply_markup": { "inline_keyboard": [[ { "text": message.open_label, "url": message.link } ]] },
    });
    let url = format!("{}/bot{}/sendMessage", api.trim_end_matches('/'), bot_token);
    let response = match http.post(url).json(&body).send().await {
        Ok(r) => r,
        Err(e) => return transport(e),
    };
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() && answer["ok"] == true {
        return Delivery::Delivered;
    }
    let description: String = answer["description"]
        .as_str()
        .unwrap_or("no description")
        .chars()
        .take(200)
        .collect();
    let code = answer["error_code"]
        .as_u64()
        .map(|c| c as u16)
        .unwrap_or(status.as_u16());
    if code == 429 || code >= 500 {
        let after = answer["parameters"]["retry_after"]
            .as_u64()
            .map(Duration::from_secs);
        Delivery::Retry {
            after,
            reason: format!("Telegram {code}: {description}"),
        }
    } else {
        Delivery::Rejected {
            status: code,
            reason: description,
        }
    }
}
