//! A GitFlic merge-request discussion: Markdown (GitFlic renders GitLab-like Markdown).
//!
//! Text from outside is shown as code only: inline code spans and one fenced block, with
//! backticks replaced (so it cannot close them) and `@` replaced by the full-width `＠` (so no
//! mention is live even if GitFlic's renderer looked for mentions in code, which is not known).
//! Markdown, HTML and links are literal inside code. The one link is the pipeline's, which we
//! built, with parentheses percent-encoded so it cannot end the link early.

use super::{LogText, Message};

/// Text from outside, made safe for a code span or block.
fn literal(text: &str) -> String {
    text.replace('`', "\u{02CB}").replace('@', "\u{FF20}")
}

fn code(text: &LogText) -> String {
    match text.as_str().trim() {
        "" => String::new(),
        line => format!("`{}`", literal(line)),
    }
}

pub fn discussion(message: &Message) -> String {
    let words = &message.words;
    let (title, _) = message.title_parts();
    let mut out = format!(
        "### {title} · {}\n\n**{}:** {}\n\n{}\n",
        code(&message.project),
        words.category,
        message.category,
        code(&message.summary)
    );
    if let Some(excerpt) = message.excerpt.as_ref().filter(|e| !e.is_empty()) {
        out.push_str(&format!("\n```text\n{}\n```\n", literal(excerpt.as_str())));
    }
    let mut items: Vec<String> = message
        .labelled()
        .map(|(label, text)| format!("- **{label}:** {}", code(text)))
        .collect();
    if !message.others.is_empty() {
        let others: Vec<String> = message.others.iter().map(code).collect();
        items.push(format!("- **{}:** {}", words.other_jobs, others.join(", ")));
    }
    if !items.is_empty() {
        out.push('\n');
        out.push_str(&items.join("\n"));
        out.push('\n');
    }
    let link = message
        .link
        .as_str()
        .replace('(', "%28")
        .replace(')', "%29");
    out.push_str(&format!("\n[{}]({link})\n", words.open));
    out
}
