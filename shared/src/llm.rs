//! An optional explanation by a language model behind an OpenAI-compatible endpoint
//! (`/v1/chat/completions`; self-hosted models included). It only adds prose under the
//! deterministic result: the model sees the redacted excerpt and metadata, never the log, and a
//! slow or failing model costs at most `timeout` and changes nothing else.

use crate::analysis::Report;
use crate::report::{Explanation, Language};
use serde_json::{Value, json};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct LlmSettings {
    /// e.g. `https://api.openai.com` or `http://llm.internal:8000`.
    pub base_url: String,
    /// Sent as a bearer token when set.
    pub api_key: Option<String>,
    pub model: String,
    pub timeout: Duration,
}

const SYSTEM: &str = "You explain why a CI job failed. You get the decisive log lines (already \
    selected and redacted) and what a rule-based analyser concluded. Answer with a JSON object \
    {\"root_cause\": one or two sentences, \"fix\": one or two sentences}. Be concrete; do not \
    repeat the log; say so if the lines do not show the cause.";

/// The request body: metadata and the redacted excerpts only; the answer is asked for in the
/// chat's language.
pub fn request_body(
    settings: &LlmSettings,
    language: Language,
    job_name: &str,
    report: &Report,
) -> Value {
    let system = match language {
        Language::En => format!("{SYSTEM} Write in English."),
        Language::Ru => format!("{SYSTEM} Write in Russian."),
    };
    let excerpts: Vec<&str> = report.excerpts.iter().map(|e| e.text.as_str()).collect();
    let facts = json!({
        "job": job_name,
        "category": report.category.as_str(),
        "summary": report.summary,
        "locations": report.locations,
        "failing_tests": report.failing_tests,
        "decisive_lines": excerpts,
    });
    json!({
        "model": settings.model,
        "temperature": 0,
        "max_tokens": 300,
        "response_format": { "type": "json_object" },
        "messages": [
            { "role": "system", "content": system },
            { "role": "user", "content": facts.to_string() },
        ],
    })
}

/// The model's explanation, or `None` (logged) when it is slow, failing or unreadable.
pub async fn explain(
    http: &reqwest::Client,
    settings: &LlmSettings,
    language: Language,
    job_name: &str,
    report: &Report,
) -> Option<Explanation> {
    let url = format!(
        "{}/v1/chat/completions",
        settings.base_url.trim_end_matches('/')
    );
    let mut request = http
        .post(url)
        .timeout(settings.timeout)
        .json(&request_body(settings, language, job_name, report));
    if let Some(key) = &settings.api_key {
        request = request.bearer_auth(key);
    }
    let answer = async {
        let response = request
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status().as_u16()));
        }
        let body: Value = response
            .json()
            .await
            .map_err(|e| e.without_url().to_string())?;
        let content = body["choices"][0]["message"]["content"]
            .as_str()
            .ok_or("no message content")?;
        let explanation: Explanation = serde_json::from_str(content)
            .map_err(|_| "the content is not the asked JSON".to_owned())?;
        Ok::<_, String>(explanation)
    };
    match tokio::time::timeout(settings.timeout, answer).await {
        Ok(Ok(e)) => Some(Explanation {
            root_cause: crate::analysis::redact::redact(&e.root_cause)
                .chars()
                .take(600)
                .collect(),
            fix: crate::analysis::redact::redact(&e.fix)
                .chars()
                .take(600)
                .collect(),
        }),
        Ok(Err(reason)) => {
            tracing::warn!(%reason, "the language model gave no explanation");
            None
        }
        Err(_) => {
            tracing::warn!("the language model timed out");
            None
        }
    }
}
