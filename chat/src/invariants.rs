//! What every message built from hostile text must keep, on each platform (used by the tests
//! and the fuzz target): no mention, no link but our pipeline link, no markup of the log's,
//! no invisible character, nothing credential-looking, within the platform's limits.

use super::{Message, is_hidden};
use exlogare_analysis::redact::redact;
use serde_json::Value;

/// Checks the three messages built from `message`.
pub fn check(message: &Message) -> Result<(), String> {
    for text in texts(message) {
        if redact(text) != text {
            return Err(format!("a credential-looking string survived: {text:?}"));
        }
    }
    check_slack(message, &super::slack_payload(message))?;
    check_telegram(message, &super::telegram_text(message))?;
    check_matrix(message, &super::matrix_content(message))?;
    check_discussion(message, &super::gitflic_discussion(message))
}

fn check_discussion(message: &Message, markdown: &str) -> Result<(), String> {
    if markdown.contains('@') {
        return Err("GitFlic: an @ that could mention someone".into());
    }
    if let Some(c) = markdown.chars().find(|c| is_hidden(*c)) {
        return Err(format!("GitFlic: hidden character U+{:04X}", u32::from(c)));
    }
    let link = format!(
        "[{}]({})",
        message.words.open,
        message
            .link
            .as_str()
            .replace('(', "%28")
            .replace(')', "%29")
    );
    let rest = outside(markdown, "\n```text\n", "\n```\n")
        .and_then(|t| outside(&t, "`", "`"))
        .ok_or("GitFlic: an unclosed code span or block")?;
    if rest.matches(&link).count() != 1 {
        return Err("GitFlic: not exactly our one link outside code".into());
    }
    let rest = rest.replace(&link, " ");
    // List markers are ours too.
    only_ours(&rest.replace("\n- ", "\n"), message)
}

fn texts(message: &Message) -> Vec<&str> {
    let mut all = vec![message.project.as_str(), message.summary.as_str()];
    all.extend(message.excerpt.iter().map(|t| t.as_str()));
    all.extend(message.labelled().map(|(_, t)| t.as_str()));
    all.extend(message.others.iter().map(|t| t.as_str()));
    all
}

/// Our own words: what may stand outside code.
fn ours(message: &Message) -> Vec<&'static str> {
    let w = &message.words;
    vec![
        w.failed,
        w.passed,
        w.fixed,
        w.pipeline,
        w.category,
        w.where_,
        w.history,
        w.hint,
        w.open,
        w.other_jobs,
        message.heading,
        message.category,
    ]
}

/// `text` with the spans between `open` and `close` removed; `None` if a span is not closed.
fn outside(text: &str, open: &str, close: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        let after = &rest[start + open.len()..];
        let end = after.find(close)?;
        rest = &after[end + close.len()..];
    }
    out.push_str(rest);
    Some(out)
}

/// Whether what is left of a text, once our words are taken out, is punctuation only.
fn only_ours(rest: &str, message: &Message) -> Result<(), String> {
    let mut rest = rest.to_owned();
    let mut words = ours(message);
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    for word in words {
        rest = rest.replace(word, " ");
    }
    if let Some(number) = message.pipeline_number {
        rest = rest.replace(&number.to_string(), " ");
    }
    match rest
        .chars()
        .find(|c| !(c.is_whitespace() || "*:,·—#".contains(*c)))
    {
        None => Ok(()),
        Some(_) => Err(format!("text from outside stands outside code: {rest:?}")),
    }
}

fn check_slack(message: &Message, payload: &Value) -> Result<(), String> {
    let mut strings = Vec::new();
    collect(payload, None, &mut strings);
    let link = message.link.as_str();
    let mut links = 0;
    for (key, text) in &strings {
        if key.as_deref() == Some("url") {
            if *text != link {
                return Err(format!("Slack: a link that is not ours: {text}"));
            }
            links += 1;
            continue;
        }
        if text.contains('<') || text.contains('>') {
            return Err(format!(
                "Slack: a control sequence (mention or link): {text}"
            ));
        }
        if let Some(c) = text.chars().find(|c| is_hidden(*c)) {
            return Err(format!("Slack: hidden character U+{:04X}", u32::from(c)));
        }
    }
    if links != 1 {
        return Err(format!("Slack: {links} links"));
    }
    for block in payload["blocks"].as_array().into_iter().flatten() {
        let text = &block["text"];
        if text["type"] == "mrkdwn" {
            if text["verbatim"] != true {
                return Err("Slack: a mrkdwn text that is not verbatim".into());
            }
            let text = text["text"].as_str().unwrap_or_default();
            if text.chars().count() > 3000 {
                return Err("Slack: a section over 3000 characters".into());
            }
            let rest = outside(text, "```", "```")
                .and_then(|t| outside(&t, "`", "`"))
                .ok_or("Slack: an unclosed code span")?;
            only_ours(&rest, message)?;
        }
    }
    Ok(())
}

/// Tags in `html`, each with its attributes.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

fn check_html(
    platform: &str,
    html: &str,
    allowed: &[&str],
    message: &Message,
) -> Result<String, String> {
    let link = format!("<a href=\"{}\">", super::escape_html(message.link.as_str()));
    let mut anchors = 0;
    for tag in tags(html) {
        if tag == link {
            anchors += 1;
        } else if !allowed.contains(&tag) {
            return Err(format!("{platform}: a tag that is not ours: {tag}"));
        }
    }
    if anchors > 1 {
        return Err(format!("{platform}: {anchors} links"));
    }
    if let Some(c) = html.chars().find(|c| is_hidden(*c)) {
        return Err(format!(
            "{platform}: hidden character U+{:04X}",
            u32::from(c)
        ));
    }
    let rest = outside(html, "<pre>", "</pre>")
        .and_then(|t| outside(&t, "<code>", "</code>"))
        .ok_or(format!("{platform}: an unclosed code element"))?;
    // The anchor's text is ours (the "open" word); take the tags away.
    let mut plain = rest.clone();
    for tag in tags(&rest) {
        plain = plain.replace(tag, " ");
    }
    only_ours(&plain, message)?;
    Ok(rest)
}

fn check_telegram(message: &Message, text: &str) -> Result<(), String> {
    let allowed = ["<b>", "</b>", "<code>", "</code>", "<pre>", "</pre>"];
    check_html("Telegram", text, &allowed, message)?;
    let mut shown = text.to_owned();
    for tag in tags(text) {
        shown = shown.replace(tag, "");
    }
    let shown = shown
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    if shown.chars().count() > 4096 {
        return Err("Telegram: over 4096 characters".into());
    }
    Ok(())
}

fn check_matrix(message: &Message, content: &Value) -> Result<(), String> {
    if content["m.mentions"] != serde_json::json!({}) {
        return Err("Matrix: the event may mention someone".into());
    }
    let allowed = [
        "<h4>", "</h4>", "<p>", "</p>", "<b>", "</b>", "<br>", "<code>", "</code>", "<pre>",
        "</pre>", "</a>",
    ];
    check_html(
        "Matrix",
        content["formatted_body"].as_str().unwrap_or_default(),
        &allowed,
        message,
    )?;
    let body = content["body"].as_str().unwrap_or_default();
    if let Some(c) = body.chars().find(|c| is_hidden(*c)) {
        return Err(format!("Matrix: hidden character U+{:04X}", u32::from(c)));
    }
    Ok(())
}

fn collect<'a>(value: &'a Value, key: Option<&'a str>, out: &mut Vec<(Option<String>, &'a str)>) {
    match value {
        Value::String(s) => out.push((key.map(str::to_owned), s)),
        Value::Array(items) => items.iter().for_each(|v| collect(v, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| collect(v, Some(k), out)),
        _ => {}
    }
}

/// Lines an attacker who can push a commit may put in a log, a job name or a test name.
#[cfg(test)]
pub(crate) const HOSTILE: &[&str] = &[
    "<!channel> <!here> <!everyone> <@U123ABC> <#C123|general> <!subteam^S1>",
    "<https://evil.example|click here> <mailto:a@evil.example|mail>",
    "@room @channel @here @everyone @admin:matrix.org ping",
    "https://evil.example/login www.evil.example evil.example/x t.me/evil",
    "<a href=\"https://evil.example\">x</a><img src=x onerror=alert(1)><script>alert(1)</script>",
    "[click](https://evil.example) ![i](https://evil.example/i.png) **bold** __u__ `code` ```block```",
    "*bold* _italic_ ~strike~ > quote ||spoiler|| \\_ \\* #hashtag /start@bot",
    "&lt;!channel&gt; &amp;lt; &#60;!here&#62;",
    "a\u{202E}gnp.exe\u{200B}\u{200D}\u{2066}x\u{2069}\u{FEFF}\u{E0041}\u{0}\u{7}\u{1b}[31m\r\u{85}",
    "git clone https://user:s3cr3tpass@host/ghp_0123456789abcdefghijklmnopqrstuvwxyz/x.c:3:5: error:",
    "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NSJ9.c2lnbmF0dXJlLXZhbHVl",
    "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY AKIAIOSFODNN7EXAMPLE",
    "hooks https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX bot 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0",
    "xoxb-123456789012-abcdefghij glpat-abcdefghijklmnopqrst sk-proj-abcdefghijklmnopqrstuvwx npm_abcdefghijklmnopqrstuvwxyz0123456789",
    "E       -----BEGIN RSA PRIVATE KEY-----\nE       MIIEowIBAAKCAQEA7bq9R5XkNwIDAQABAoIBAQCzJr8oRrk3Gf0Yy1Xh2pQ9tZ\nE       -----END RSA PRIVATE KEY-----",
];

/// Credentials the table above holds, none of which may reach a room.
#[cfg(test)]
pub(crate) const SECRETS: &[&str] = &[
    "s3cr3tpass",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    "eyJhbGciOiJIUzI1NiJ9",
    "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
    "AKIAIOSFODNN7EXAMPLE",
    "XXXXXXXXXXXXXXXX",
    "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0",
    "xoxb-123456789012",
    "glpat-abcdefghijklmnopqrst",
    "sk-proj-abcdefghijklmnopqrstuvwx",
    "npm_abcdefghijklmnopqrstuvwxyz0123456789",
    "MIIEowIBAAKCAQEA7bq9R5XkNwIDAQABAoIBAQCzJr8oRrk3Gf0Yy1Xh2pQ9tZ",
    "END RSA PRIVATE KEY",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LogText, Message, Words};

    fn message(hostile: &str) -> Message {
        let line = |t: &str| LogText::line(t, crate::LINE_CHARS);
        Message {
            words: Words::EN,
            heading: "❌",
            verb: Words::EN.failed,
            pipeline_number: Some(118),
            project: line(hostile),
            category: "failing tests",
            summary: line(&format!("{hostile}: Tests failed: {hostile}")),
            excerpt: Some(LogText::block(
                &format!("{hostile}\n{hostile}\n    at {hostile}"),
                crate::EXCERPT_LINES,
                crate::EXCERPT_CHARS,
            )),
            location: Some(line(&format!("{hostile}:3:5"))),
            history: Some(line(&format!("compared with #117 ({hostile})"))),
            hint: Some(LogText::block(hostile, 20, crate::HINT_CHARS)),
            others: vec![line(hostile), line(&format!("{hostile} — lint"))],
            link: crate::Link::new(
                url::Url::parse("https://gitflic.ru/project/acme/shop/cicd/pipeline/118").unwrap(),
            )
            .unwrap(),
        }
    }

    #[test]
    fn hostile_text_is_never_live_in_any_room() {
        for hostile in HOSTILE {
            let m = message(hostile);
            if let Err(e) = check(&m) {
                panic!("{hostile:?}: {e}");
            }
            let sent = [
                crate::slack_payload(&m).to_string(),
                crate::telegram_text(&m),
                crate::matrix_content(&m).to_string(),
            ];
            for (platform, json) in ["slack", "telegram", "matrix"].iter().zip(&sent) {
                for secret in SECRETS {
                    assert!(
                        !json.contains(secret),
                        "{platform} got {secret} from {hostile:?}: {json}"
                    );
                }
            }
        }
    }

    #[test]
    fn very_long_text_stays_within_each_platform_s_limits() {
        let long = "<!channel> ".repeat(2000);
        let mut m = message(&long);
        m.excerpt = Some(LogText::block(
            &format!("{long}\n").repeat(100),
            crate::EXCERPT_LINES,
            crate::EXCERPT_CHARS,
        ));
        check(&m).unwrap();
        m.others = (0..5)
            .map(|_| LogText::line(&long, crate::LINE_CHARS))
            .collect();
        check(&m).unwrap();
    }

    #[test]
    fn the_checks_catch_what_they_look_for() {
        let m = message("plain");
        let mut payload = crate::slack_payload(&m);
        payload["text"] = "<!channel>".into();
        assert!(check_slack(&m, &payload).is_err());
        let text = crate::telegram_text(&m)
            .replace("<code>plain</code>", "plain <a href=\"https://evil\">x</a>");
        assert!(check_telegram(&m, &text).is_err());
        let mut content = crate::matrix_content(&m);
        content.as_object_mut().unwrap().remove("m.mentions");
        assert!(check_matrix(&m, &content).is_err());
        let mut content = crate::matrix_content(&m);
        content["formatted_body"] = "<p>free text</p>".into();
        assert!(check_matrix(&m, &content).is_err());
    }
}
