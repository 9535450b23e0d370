//! Slack incoming webhook: the message as Block Kit (built by `exlogare_chat`), posted.

use super::{Delivery, Message, classify, transport};
use crate::http_outcome::retry_after;

pub async fn send(http: &reqwest::Client, webhook_url: &str, message: &Message) -> Delivery {
    let response = match http
        .post(webhook_url)
        .json(&exlogare_chat::slack_payload(message))
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => return transport(e),
    };
    let status = response.status();
    let after = retry_after(response.headers());
    // Slack answers "ok", or a short error word such as "invalid_payload" or "no_service".
    let detail: String = response
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    classify(status.as_u16(), after, detail)
}
