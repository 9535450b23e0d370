//! Posting one message to a tenant's rooms, each at most once across retries: a failure's report,
//! or the "fixed" notice that answers it.
//!
//! Each room's outcome is noted on the work's idempotency record as soon as it is known, so a
//! retried message posts only where it is missing. A room that refuses for good is noted and not
//! retried; one that asks to wait is waited for when that fits the time left, otherwise the whole
//! message is retried later; one whose credentials do not decrypt does not hold the others back.

use crate::context::Context;
use crate::outcome::ProcessError;
use exlogare_shared::notify::{self, Channel, Delivery, Message, Post, RoomOutcome, Slot};
use exlogare_shared::queue::PipelineMessage;
use exlogare_shared::store::Work;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

/// A room to post to, and the post of it to answer, if any.
pub struct Room {
    pub slot: Slot,
    pub ciphertext: Vec<u8>,
    pub reply_to: Option<String>,
}

impl Context {
    /// The tenant's rooms for this project: a per-project override (`kind@project`) replaces the
    /// tenant's room of the same kind; other projects' overrides are not ours. None of them
    /// answers an earlier post yet.
    pub(crate) async fn rooms_for(
        &self,
        message: &PipelineMessage,
    ) -> Result<Vec<Room>, ProcessError> {
        let all = self.store.channels(&message.tenant_id).await?;
        let slots = all
            .into_iter()
            .map(|(stored, ciphertext)| (Slot::parse(&stored), ciphertext))
            .collect();
        Ok(Slot::rooms_for(slots, &message.project.id)
            .into_iter()
            .map(|(slot, ciphertext)| Room {
                slot,
                ciphertext,
                reply_to: None,
            })
            .collect())
    }

    /// Posts `chat` to every room of `rooms` that `earlier` (the work's progress) does not name,
    /// noting each outcome on `work`'s record. Answers every room's outcome, earlier ones
    /// included, or asks for a retry while a room is still to be reached.
    pub(crate) async fn post(
        &self,
        work: Work,
        message: &PipelineMessage,
        chat: &Message,
        rooms: Vec<Room>,
        earlier: &[String],
        deadline: Instant,
    ) -> Result<Vec<RoomOutcome>, ProcessError> {
        let mut outcomes: Vec<RoomOutcome> = earlier
            .iter()
            .map(|step| RoomOutcome::parse(step))
            .collect();
        let mut pending = Vec::new();
        let (project_id, pipeline_id) = (&message.project.id, &message.pipeline.id);
        for room in rooms {
            if outcomes.iter().any(|o| *o.slot() == room.slot) {
                continue;
            }
            let kind = room.slot.to_string();
            let plain = match self
                .kms
                .decrypt(
                    &room.ciphertext,
                    &room.slot.encryption_context(&message.tenant_id),
                )
                .await
            {
                Ok(plain) => plain,
                Err(e) => {
                    // Retried (and in the DLQ at last if it never decrypts).
                    tracing::error!(%project_id, %pipeline_id, channel = %kind, error = %e, "cannot decrypt the channel's credentials");
                    pending.push(kind);
                    continue;
                }
            };
            let channel: Channel = serde_json::from_slice(&plain).map_err(|_| {
                ProcessError::Poison(format!("the {kind} channel's settings are unreadable"))
            })?;
            let transaction = transaction_id(work, &message.delivery_key, &kind);
            let post = Post {
                transaction: &transaction,
                reply_to: room.reply_to.as_deref(),
            };
            let send = || {
                notify::deliver(
                    &self.http,
                    &self.settings.telegram_api,
                    &channel,
                    chat,
                    post,
                )
            };
            let mut outcome = send().await;
            if let Delivery::Retry {
                after: Some(after), ..
            } = &outcome
            {
                // Wait as asked when that fits the time left, with room to record the result.
                let left = deadline.saturating_duration_since(Instant::now());
                if *after <= Duration::from_secs(10) && *after + Duration::from_secs(5) < left {
                    tokio::time::sleep(*after).await;
                    outcome = send().await;
                }
            }
            let noted = match outcome {
                Delivery::Delivered { message: post } => RoomOutcome::Reached(room.slot, post),
                Delivery::Rejected { status, reason } => {
                    tracing::warn!(%project_id, %pipeline_id, channel = %kind, status, %reason, "chat channel refused the message; not retried");
                    RoomOutcome::Refused(room.slot)
                }
                Delivery::Retry { reason, .. } => {
                    tracing::warn!(%project_id, %pipeline_id, channel = %kind, %reason, "chat channel unavailable; will retry");
                    pending.push(kind);
                    continue;
                }
            };
            self.note(work, &message.delivery_key, &noted).await?;
            outcomes.push(noted);
        }
        if !pending.is_empty() {
            return Err(ProcessError::Retry(format!(
                "channels to retry: {}",
                pending.join(", ")
            )));
        }
        Ok(outcomes)
    }

    /// Notes a room's outcome on the work's record. The post is out already: a note that is
    /// lost means a retry posts again where the platform cannot tell (Slack, Telegram), so a
    /// failed write is tried again, briefly, before the message is.
    pub(crate) async fn note(
        &self,
        work: Work,
        key: &str,
        outcome: &RoomOutcome,
    ) -> Result<(), ProcessError> {
        let mut attempt = 0;
        loop {
            match self.store.progress(work, key, &outcome.step()).await {
                Ok(()) => return Ok(()),
                Err(e) if attempt < 2 => {
                    attempt += 1;
                    tracing::warn!(error = %e, attempt, "room outcome not noted; trying again");
                    tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
                }
                Err(e) => {
                    tracing::error!(error = %e, "room outcome not noted; a retry may post to this room again");
                    return Err(e.into());
                }
            }
        }
    }
}

/// A stable id of one message's delivery to one room (Matrix de-duplicates on it); a report and
/// its "fixed" notice are different messages.
fn transaction_id(work: Work, delivery_key: &str, channel: &str) -> String {
    let seed = match work {
        Work::FixedNotice => format!("fixed\n{delivery_key}\n{channel}"),
        _ => format!("{delivery_key}\n{channel}"),
    };
    let digest = Sha256::digest(seed.as_bytes());
    format!("exlogare-{}", hex::encode(&digest[..16]))
}
