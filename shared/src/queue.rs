//! The message that carries a pipeline's end (a failure to analyse, or a success that may fix
//! one) from the webhook function to the analyzer.

use aws_sdk_sqs::error::DisplayErrorContext;
use serde::{Deserialize, Serialize};

/// Version of [`PipelineMessage`]; the analyzer refuses any other. (`status` was added within
/// version 1: a message without it is a failure, as every earlier message was.)
pub const MESSAGE_VERSION: u32 = 1;

/// How the pipeline ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PipelineStatus {
    /// To analyse and report.
    #[default]
    Failed,
    /// May fix the last failure reported on its branch.
    Succeeded,
}

/// A pipeline that ended. Versioned JSON on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineMessage {
    pub version: u32,
    #[serde(default)]
    pub status: PipelineStatus,
    pub tenant_id: String,
    pub connection_id: String,
    pub project: ProjectRef,
    pub pipeline: PipelineRef,
    /// [`delivery_key`]: what the delivery is de-duplicated and analysed once by.
    pub delivery_key: String,
    /// RFC 3339, UTC.
    pub received_at: String,
}

/// `<tenant>#<project id>#<pipeline id>`. Scoped by tenant: two teams that watch the same project
/// each get their report, and one team with two webhooks on a project gets one. Neither id may
/// contain `#`, so the key reads unambiguously from the right.
pub fn delivery_key(tenant_id: &str, project_id: &str, pipeline_id: &str) -> String {
    format!("{tenant_id}#{project_id}#{pipeline_id}")
}

/// Longest id (project or pipeline) a [`delivery_key`] takes; GitFlic's are UUIDs and small
/// integers.
pub const MAX_ID_LEN: usize = 128;

/// Whether `id` may stand in a [`delivery_key`]: not empty, not too long, without the key's
/// separator `#` and without control characters.
pub fn is_key_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && !id.chars().any(|c| c.is_control() || c == '#')
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRef {
    pub id: String,
    pub owner_alias: Option<String>,
    pub alias: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineRef {
    pub id: String,
    pub local_id: String,
    pub url: Option<String>,
    pub commit_id: Option<String>,
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
}

impl PipelineRef {
    /// GitFlic's number of the pipeline in its project; the webhook queues digits only.
    pub fn number(&self) -> u64 {
        self.local_id.parse().unwrap_or_default()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("SQS {operation} failed: {message}")]
    Sqs {
        operation: &'static str,
        message: String,
    },
    #[error("message could not be encoded: {0}")]
    Encode(#[from] serde_json::Error),
}

#[derive(Debug, Clone)]
pub struct Queue {
    client: aws_sdk_sqs::Client,
    url: String,
}

impl Queue {
    pub fn new(sdk: &aws_config::SdkConfig, url: impl Into<String>) -> Self {
        Self {
            client: aws_sdk_sqs::Client::new(sdk),
            url: url.into(),
        }
    }

    pub async fn send(&self, message: &PipelineMessage) -> Result<(), QueueError> {
        let body = serde_json::to_string(message)?;
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .send()
            .await
            .map_err(|e| QueueError::Sqs {
                operation: "SendMessage",
                message: DisplayErrorContext(e).to_string(),
            })?;
        Ok(())
    }
}
