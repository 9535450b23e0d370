//! Queuing a pipeline's end at most once, whoever notices it first: GitFlic's webhook delivery or
//! the reconciliation that lists a project's pipelines. Both claim the same de-duplication record
//! ([`Work::Delivery`] under the message's [`delivery_key`](crate::queue::delivery_key)), so a late
//! webhook after a reconciled failure (or the other way round) is a duplicate.

use crate::queue::{PipelineMessage, PipelineStatus, Queue, QueueError};
use crate::store::{Claim, Store, StoreError, Work};
use std::time::Duration;

/// How long a pipeline is claimed before its message is on the queue. Short, so that a claim left
/// behind by a failed send whose release also failed blocks the next attempt for a minute, not
/// for days; once queued, the record is kept for the full de-duplication TTL.
const CLAIM_TTL: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intake {
    /// Now on the queue.
    Queued,
    /// Queued before (or being queued right now by someone else).
    Duplicate,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Queue(#[from] QueueError),
}

#[derive(Debug, Clone)]
pub struct Intakes {
    store: Store,
    queue: Queue,
    dedupe_ttl: Duration,
}

impl Intakes {
    /// `dedupe_ttl`: how long a queued pipeline is remembered.
    pub fn new(store: Store, queue: Queue, dedupe_ttl: Duration) -> Self {
        Self {
            store,
            queue,
            dedupe_ttl,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Queues `message` unless its pipeline was queued before.
    pub async fn queue_once(&self, message: &PipelineMessage) -> Result<Intake, IntakeError> {
        let work = match message.status {
            PipelineStatus::Failed => Work::Delivery,
            PipelineStatus::Succeeded => Work::SuccessDelivery,
        };
        let key = &message.delivery_key;
        let (project_id, pipeline_id) = (&message.project.id, &message.pipeline.id);
        let claim = self.store.claim(work, key, CLAIM_TTL, CLAIM_TTL).await?;
        if !matches!(claim, Claim::Claimed { .. }) {
            tracing::info!(%project_id, %pipeline_id, "duplicate pipeline");
            return Ok(Intake::Duplicate);
        }
        if let Err(send_error) = self.queue.send(message).await {
            // Never "seen" but not queued: forget it so that the next attempt gets through.
            if let Err(release_error) = self.store.release(work, key).await {
                tracing::error!(
                    %project_id, %pipeline_id, error = %release_error,
                    "could not release the delivery record after a failed send; retries are taken for duplicates until the claim expires"
                );
            }
            tracing::error!(%project_id, %pipeline_id, error = %send_error, "could not queue the pipeline");
            return Err(send_error.into());
        }
        if let Err(e) = self.store.complete(work, key, self.dedupe_ttl, None).await {
            // The message is queued; a redelivery after the short claim is caught by the
            // analyzer's own per-pipeline claim, so this costs at most a repeated analysis.
            tracing::warn!(%project_id, %pipeline_id, error = %e, "could not extend the delivery record");
        }
        tracing::info!(%project_id, %pipeline_id, local_id = %message.pipeline.local_id, status = ?message.status, "queued pipeline");
        Ok(Intake::Queued)
    }
}
