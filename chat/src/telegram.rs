//! Telegram Bot API `sendMessage` text (`parse_mode: HTML`) within the 4096-character limit.
//!
//! Text from outside is HTML-escaped inside `<code>` or `<pre>`: Telegram finds no URL,
//! `@username`, `#hashtag` or `/command` in code, so none from the log becomes live. The inline
//! button to the pipeline is the only link (added by the sender).

use super::{LogText, Message, escape_html};

/// Characters of a message after its entities are parsed (Telegram counts the text as shown).
const LIMIT: usize = 4096;

fn code(text: &LogText) -> String {
    format!("<code>{}</code>", escape_html(text.as_str()))
}

pub fn text(message: &Message) -> String {
    let words = &message.words;
    let (title, _) = message.title_parts();
    let mut shown = title.chars().count() + message.project.chars() + message.summary.chars();
    let head = format!(
        "<b>{}</b> · {}\n<b>{}:</b> {}\n{}",
        escape_html(&title),
        code(&message.project),
        words.category,
        escape_html(message.category),
        code(&message.summary)
    );
    let mut tail = String::new();
    for (label, text) in message.labelled() {
        shown += text.chars();
        tail.push_str(&format!("\n<b>{label}:</b> {}", code(text)));
    }
    if !message.others.is_empty() {
        shown += message.others.iter().map(LogText::chars).sum::<usize>();
        let others: Vec<String> = message.others.iter().map(code).collect();
        tail.push_str(&format!(
            "\n<b>{}:</b> {}",
            words.other_jobs,
            others.join(", ")
        ));
    }
    // Labels and separators, generously.
    shown += 120;
    // The excerpt gives way first when the message would be too long; it is cut between lines,
    // counted as shown, so no entity is split.
    let room = LIMIT.saturating_sub(shown);
    let excerpt = message.excerpt.as_ref().and_then(|e| {
        let mut kept = String::new();
        let mut count = 0;
        for line in e.as_str().split('\n') {
            let len = line.chars().count() + 1;
            if count + len + 1 > room {
                kept.push('…');
                break;
            }
            kept.push_str(line);
            kept.push('\n');
            count += len;
        }
        let kept = kept.trim_end();
        (!kept.is_empty() && kept != "…").then(|| format!("\n<pre>{}</pre>", escape_html(kept)))
    });
    let mut out = head;
    if let Some(e) = excerpt {
        out.push_str(&e);
    }
    out.push_str(&tail);
    out
}
