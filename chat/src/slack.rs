//! Slack incoming webhook with Block Kit: header, category and summary, the excerpt as a code
//! block, the location, the hint, a button to the pipeline.
//!
//! Text from outside is shown as code, with `&`, `<` and `>` escaped (so `<!channel>` or
//! `<https://x|y>` is text, not a mention or a link) and backticks replaced (so it cannot close
//! the code span); every mrkdwn object is `verbatim`, so Slack links no URL or name by itself.
//! The notification text (top-level `text`) is escaped the same way.

use super::{LogText, Message};
use serde_json::{Value, json};

/// `&`, `<`, `>` as Slack wants them escaped in every text.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A backtick would end the code span or block early; U+02CB looks alike and does not.
fn without_backticks(text: &str) -> String {
    text.replace('`', "\u{02CB}")
}

/// Text from outside as inline code, one span per line.
fn code(text: &LogText) -> String {
    text.as_str()
        .split('\n')
        .map(|line| match line.trim() {
            "" => String::new(),
            line => format!("`{}`", escape(&without_backticks(line))),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text from outside as a code block.
fn code_block(text: &LogText) -> String {
    let escaped = escape(&without_backticks(text.as_str()));
    format!("```{}```", whole_lines(&escaped, SECTION_CHARS - 6))
}

/// A section's text holds at most 3000 characters; escaping can make text from outside longer.
const SECTION_CHARS: usize = 3000;

/// The first lines of `text` that fit in `limit` characters. Lines are kept whole, so no code
/// span or entity is cut.
fn whole_lines(text: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for line in text.split('\n') {
        let len = line.chars().count() + usize::from(!out.is_empty());
        if count + len > limit {
            break;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
        count += len;
    }
    out
}

fn mrkdwn(text: String) -> Value {
    json!({ "type": "mrkdwn", "text": whole_lines(&text, SECTION_CHARS), "verbatim": true })
}

pub fn payload(message: &Message) -> Value {
    let words = &message.words;
    let (title, project) = message.title_parts();
    // Escaping may lengthen it; a header holds 150 characters.
    let header: String = escape(
        &format!("{title} · {project}")
            .chars()
            .take(120)
            .collect::<String>(),
    );
    let mut blocks = vec![
        json!({ "type": "header", "text": { "type": "plain_text", "text": header, "emoji": true } }),
        json!({ "type": "section", "text": mrkdwn(format!("*{}:* {}\n{}", words.category, escape(message.category), code(&message.summary))) }),
    ];
    if let Some(excerpt) = &message.excerpt {
        blocks.push(json!({ "type": "section", "text": mrkdwn(code_block(excerpt)) }));
    }
    let mut context = Vec::new();
    for (label, text) in message.labelled() {
        context.push(format!("*{label}:* {}", code(text)));
    }
    if !message.others.is_empty() {
        let others: Vec<String> = message.others.iter().map(code).collect();
        context.push(format!("*{}:* {}", words.other_jobs, others.join(", ")));
    }
    if !context.is_empty() {
        blocks.push(json!({ "type": "section", "text": mrkdwn(context.join("\n")) }));
    }
    blocks.push(json!({ "type": "actions", "elements": [
        { "type": "button", "text": { "type": "plain_text", "text": words.open }, "url": message.link.as_str(), "style": "danger" }
    ] }));
    json!({
        "text": escape(&format!("{title} · {project} — {}", message.summary.as_str())),
        "blocks": blocks,
        "unfurl_links": false,
        "unfurl_media": false,
    })
}
