//! Slack incoming webhook with Block Kit: header, category and summary, the excerpt as code, the
//! location, the hint, a button to the pipeline.

use super::{Delivery, Message, classify, retry_after_header, transport};
use serde_json::{Value, json};

/// Slack's mrkdwn needs `&`, `<`, `>` escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn payload(message: &Message) -> Value {
    let mut blocks = vec![
        json!({ "type": "header", "text": { "type": "plain_text", "text": message.title.chars().take(150).collect::<String>() } }),
        json!({ "type": "section", "text": { "type": "mrkdwn", "text": format!("*{}:* {}\n{}", message.words.category, escape(&message.category), escape(&message.summary)) } }),
    ];
    if let Some(excerpt) = &message.excerpt {
        // Triple backticks inside would end the code block early.
        let code = excerpt.replace("```", "ˋˋˋ");
        blocks.push(json!({ "type": "section", "text": { "type": "mrkdwn", "text": format!("```{}```", escape(&code)) } }));
    }
    let mut context = Vec::new();
    if let Some(location) = &message.location {
        context.push(format!(
            "*{}:* `{}`",
            message.words.where_,
            escape(location)
        ));
    }
    if let Some(hint) = &message.hint {
        context.push(format!("*{}:* {}", message.words.hint, escape(hint)));
    }
    if !message.others.is_empty() {
        context.push(format!(
            "*{}:* {}",
            message.words.other_jobs,
            escape(&message.others.join(", "))
        ));
    }
    if !context.is_empty() {
        blocks.push(
            json!({ "type": "section", "text": { "type": "mrkdwn", "text": context.join("\n") } }),
        );
    }
    blocks.push(json!({ "type": "actions", "elements": [
        { "type": "button", "text": { "type": "plain_text", "text": message.open_label }, "url": message.link, "style": "danger" }
    ] }));
    json!({ "text": format!("{} — {}", message.title, message.summary), "blocks": blocks })
}

pub async fn send(http: &reqwest::Client, webhook_url: &str, message: &Message) -> Delivery {
    let response = match http.post(webhook_url).json(&payload(message)).send().await {
        Ok(r) => r,
        Err(e) => return transport(e),
    };
    let status = response.status();
    let retry_after = retry_after_header(&response);
    // Slack answers "ok", or a short error word such as "invalid_payload" or "no_service".
    let detail: String = response
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    classify(status, retry_after, detail)
}
