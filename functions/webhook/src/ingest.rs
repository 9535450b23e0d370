//! Accepting a webhook delivery: verify its secret, decode it, de-duplicate it and queue it.
//!
//! Checks run in this order, so an unauthenticated caller learns nothing about our parsing:
//! size (413), secret (401), JSON shape (400), then the action.

use crate::config::WebhookConfig;
use exlogare_shared::gitflic::webhook::{Action, WebhookPayload};
use exlogare_shared::intake::{Intake, IntakeError, Intakes};
use exlogare_shared::queue::{
    PipelineMessage, PipelineRef, PipelineStatus, ProjectRef, Queue, is_key_id,
};
use exlogare_shared::secret;
use exlogare_shared::store::{SecretBinding, Store, StoreError};
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Largest body accepted. GitFlic's deliveries are a few KiB.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// One delivery as it reached us.
#[derive(Debug, Clone, Copy)]
pub struct WebhookDelivery<'a> {
    /// Every secret value presented: the `Gitflic-Webhook-Secret` header(s) and `secret` query value(s).
    pub secrets: &'a [&'a str],
    pub body: &'a [u8],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `TEST_WEBHOOK` with a valid secret: GitFlic's "Check" button.
    Tested,
    /// A pipeline failure, now on the queue.
    Queued { delivery_key: String },
    /// The same pipeline failure was queued before.
    Duplicate { delivery_key: String },
    /// An event we do not act on.
    Ignored { action: Action },
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    /// Deliberately uninformative: missing, wrong and mismatched secrets look alike.
    #[error("unauthorized")]
    Unauthorized,
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Intake(#[from] IntakeError),
}

#[derive(Debug, Clone)]
pub struct Ingest {
    intakes: Intakes,
}

impl Ingest {
    /// The webhook's logic as the function runs it, from its configuration.
    pub fn from_config(config: &WebhookConfig, aws: &aws_config::SdkConfig) -> Self {
        Self::new(
            Store::new(aws, &config.table_name),
            Queue::new(aws, &config.queue_url),
            config.dedupe_ttl,
        )
    }

    pub fn new(store: Store, queue: Queue, dedupe_ttl: Duration) -> Self {
        Self {
            intakes: Intakes::new(store, queue, dedupe_ttl),
        }
    }

    pub async fn accept(&self, delivery: WebhookDelivery<'_>) -> Result<Outcome, IngestError> {
        if delivery.body.len() > MAX_BODY_BYTES {
            return Err(IngestError::TooLarge);
        }
        let digest = secret::agreed_digest(delivery.secrets.iter().copied())
            .ok_or(IngestError::Unauthorized)?;
        let binding = self
            .intakes
            .store()
            .secret_binding(&digest)
            .await?
            .ok_or(IngestError::Unauthorized)?;
        let payload = decode(delivery.body)?;
        let project_id = payload.project_id();
        // A project's secret is good for that project only; a connection's for any of its projects.
        if let Some(bound) = &binding.project_id
            && project_id != Some(bound.as_str())
        {
            tracing::warn!(
                connection_id = %binding.connection_id,
                "delivery for another project than its secret's"
            );
            return Err(IngestError::Unauthorized);
        }
        match payload.action {
            Action::TestWebhook => {
                tracing::info!(project_id, connection_id = %binding.connection_id, "test delivery");
                Ok(Outcome::Tested)
            }
            Action::PipelineFail => {
                self.enqueue(&binding, &payload, PipelineStatus::Failed)
                    .await
            }
            Action::PipelineSuccess => {
                // Most successes answer nothing: queue one only while a failure of the project
                // awaits its "fixed".
                let project = checked_id(project_id, "project_id")?;
                if !self
                    .intakes
                    .store()
                    .has_open_failures(&binding.tenant_id, project)
                    .await?
                {
                    tracing::info!(project_id, "success without an open failure; ignored");
                    return Ok(Outcome::Ignored {
                        action: payload.action,
                    });
                }
                self.enqueue(&binding, &payload, PipelineStatus::Succeeded)
                    .await
            }
            ref action => {
                tracing::info!(project_id, %action, "ignored event");
                Ok(Outcome::Ignored {
                    action: action.clone(),
                })
            }
        }
    }

    async fn enqueue(
        &self,
        binding: &SecretBinding,
        payload: &WebhookPayload,
        status: PipelineStatus,
    ) -> Result<Outcome, IngestError> {
        let message = pipeline_message(binding, payload, status)?;
        let delivery_key = message.delivery_key.clone();
        Ok(match self.intakes.queue_once(&message).await? {
            Intake::Queued => Outcome::Queued { delivery_key },
            Intake::Duplicate => Outcome::Duplicate { delivery_key },
        })
    }
}

/// Decodes a body that must be a JSON object with a string `action`. Error texts name the problem
/// but never quote the body (it may carry anything).
fn decode(body: &[u8]) -> Result<WebhookPayload, IngestError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        IngestError::BadRequest(format!(
            "body is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    if !value.is_object() {
        return Err(IngestError::BadRequest("body must be a JSON object".into()));
    }
    if !value
        .get("action")
        .is_some_and(serde_json::Value::is_string)
    {
        return Err(IngestError::BadRequest(
            "field \"action\" is missing or not a string".into(),
        ));
    }
    serde_json::from_value(value)
        .map_err(|_| IngestError::BadRequest("body does not match GitFlic's webhook format".into()))
}

fn checked_id<'a>(value: Option<&'a str>, what: &str) -> Result<&'a str, IngestError> {
    let id = value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| IngestError::BadRequest(format!("a pipeline event without {what}")))?;
    if !is_key_id(id) {
        return Err(IngestError::BadRequest(format!(
            "{what} is not a valid identifier"
        )));
    }
    Ok(id)
}

fn pipeline_message(
    binding: &SecretBinding,
    payload: &WebhookPayload,
    status: PipelineStatus,
) -> Result<PipelineMessage, IngestError> {
    let project_id = checked_id(payload.project_id(), "project_id")?;
    let pipeline = payload.pipeline.clone().unwrap_or_default();
    let local_id = checked_id(pipeline.local_id.as_deref(), "pipeline.local_id")?;
    // A pipeline's number within its project: it goes into the link and the message's title.
    if local_id.len() > 20 || !local_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IngestError::BadRequest(
            "pipeline.local_id must be a number".into(),
        ));
    }
    // The UUID identifies the pipeline; GitFlic documents both, but fall back to the local id.
    let pipeline_id = checked_id(pipeline.id.as_deref().or(Some(local_id)), "pipeline.id")?;
    let project = payload.project.clone().unwrap_or_default();
    Ok(PipelineMessage {
        version: exlogare_shared::queue::MESSAGE_VERSION,
        status,
        tenant_id: binding.tenant_id.clone(),
        connection_id: binding.connection_id.clone(),
        project: ProjectRef {
            id: project_id.to_owned(),
            owner_alias: project.owner_alias,
            alias: project.alias,
            title: project.title,
        },
        pipeline: PipelineRef {
            id: pipeline_id.to_owned(),
            local_id: local_id.to_owned(),
            url: pipeline.url,
            commit_id: pipeline.commit_id,
            git_ref: pipeline.git_ref,
        },
        delivery_key: exlogare_shared::queue::delivery_key(
            &binding.tenant_id,
            project_id,
            pipeline_id,
        ),
        received_at: OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default(),
    })
}
