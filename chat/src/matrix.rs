//! Matrix `m.room.message` content: `org.matrix.custom.html` with a plain `body`.
//!
//! Text from outside is HTML-escaped inside `<code>` or `<pre><code>` in the formatted body,
//! where clients link nothing. The event carries an empty `m.mentions`: it mentions nobody, so
//! clients and servers do not apply the legacy push rules that would ring the room for an
//! `@room` or a user's name in the plain body. The link to the pipeline is the only anchor.

use super::{LogText, Message, escape_html};
use serde_json::{Value, json};

fn code(text: &LogText) -> String {
    format!("<code>{}</code>", escape_html(text.as_str()))
}

pub fn content(message: &Message) -> Value {
    let words = &message.words;
    let (title, project) = message.title_parts();
    let mut plain = format!(
        "{title} · {project}\n{}: {}\n{}",
        words.category,
        message.category,
        message.summary.as_str()
    );
    let mut html = format!(
        "<h4>{} · {}</h4><p><b>{}:</b> {}<br>{}</p>",
        escape_html(&title),
        code(&message.project),
        words.category,
        escape_html(message.category),
        code(&message.summary)
    );
    if let Some(excerpt) = &message.excerpt {
        plain.push_str(&format!("\n\n{}\n", excerpt.as_str()));
        html.push_str(&format!(
            "<pre><code>{}</code></pre>",
            escape_html(excerpt.as_str())
        ));
    }
    for (label, text) in message.labelled() {
        plain.push_str(&format!("\n{label}: {}", text.as_str()));
        html.push_str(&format!("<p><b>{label}:</b> {}</p>", code(text)));
    }
    if !message.others.is_empty() {
        let plain_others: Vec<&str> = message.others.iter().map(LogText::as_str).collect();
        let html_others: Vec<String> = message.others.iter().map(code).collect();
        plain.push_str(&format!(
            "\n{}: {}",
            words.other_jobs,
            plain_others.join(", ")
        ));
        html.push_str(&format!(
            "<p><b>{}:</b> {}</p>",
            words.other_jobs,
            html_others.join(", ")
        ));
    }
    plain.push_str(&format!("\n{}: {}", words.open, message.link.as_str()));
    html.push_str(&format!(
        "<p><a href=\"{}\">{}</a></p>",
        escape_html(message.link.as_str()),
        escape_html(words.open)
    ));
    json!({
        "msgtype": "m.text",
        "body": plain,
        "format": "org.matrix.custom.html",
        "formatted_body": html,
        "m.mentions": {},
    })
}
