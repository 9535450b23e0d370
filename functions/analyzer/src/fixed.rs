//! "Fixed": a green pipeline on a branch whose last report was a failure posts a short notice to
//! the rooms that got the failure, as a reply to it where the platform threads (Telegram,
//! Matrix), once, like the report. A success on a branch with no open failure, or older than
//! the failure, posts nothing.

use crate::context::{Context, pipeline_link};
use crate::outcome::{Done, ProcessError, Processed, gitflic_error, split_outcomes};
use exlogare_shared::gitflic::api::branch_name;
use exlogare_shared::notify::{self, RoomOutcome};
use exlogare_shared::queue::PipelineMessage;
use exlogare_shared::session::Session;
use exlogare_shared::store::{OpenFailure, Work};
use std::time::Instant;

impl Context {
    pub(crate) async fn announce_fixed(
        &self,
        message: &PipelineMessage,
        earlier: &[String],
        deadline: Instant,
    ) -> Result<Done, ProcessError> {
        let mut session = self.session(message).await?;
        let path = self.project_path(message, &mut session).await?;
        let (owner, alias) = (path.owner, path.alias);
        let (tenant, project) = (&message.tenant_id, &message.project.id);
        let open = match branch(message, &mut session, &owner, &alias).await? {
            Some(branch) => self
                .store
                .open_failure(tenant, project, &branch)
                .await?
                .filter(|open| {
                    // A failure after this success is not fixed by it.
                    open.pipeline.parse::<u64>().unwrap_or(u64::MAX) < message.pipeline.number()
                })
                .map(|open| (branch, open)),
            None => None,
        };
        let processed = match open {
            Some((branch, open)) => {
                let outcomes = self
                    .post_fixed(
                        message,
                        &session,
                        (&owner, &alias),
                        &open,
                        earlier,
                        deadline,
                    )
                    .await?;
                self.store
                    .close_failure(tenant, project, &branch, &open.pipeline)
                    .await?;
                self.resolve_discussions(message, &mut session, (&owner, &alias), &open)
                    .await;
                let (delivered, rejected) = split_outcomes(outcomes);
                tracing::info!(project_id = %project, pipeline_id = %message.pipeline.id, failed = %open.pipeline, ?delivered, gitflic_requests = session.requests(), "fixed notice delivered");
                Processed::Fixed {
                    delivered,
                    rejected,
                }
            }
            None => Processed::NothingToFix,
        };
        Ok(Done {
            processed,
            payload: None,
        })
    }

    /// Posts the notice to the rooms that got the failure and are still the project's, as a
    /// reply to the failure's post.
    async fn post_fixed(
        &self,
        message: &PipelineMessage,
        session: &Session<'_>,
        (owner, alias): (&str, &str),
        open: &OpenFailure,
        earlier: &[String],
        deadline: Instant,
    ) -> Result<Vec<RoomOutcome>, ProcessError> {
        let link = pipeline_link(
            &session.record().web_url,
            owner,
            alias,
            &message.pipeline.local_id,
        )?;
        let chat = notify::compose_fixed(
            &format!("{owner}/{alias}"),
            &message.pipeline,
            &open.pipeline,
            self.settings.language,
            link,
        );
        let rooms = self
            .rooms_for(message)
            .await?
            .into_iter()
            .filter_map(|mut room| {
                room.reply_to = open.rooms.get(&room.slot.to_string())?.clone();
                Some(room)
            })
            .collect();
        self.post(Work::FixedNotice, message, &chat, rooms, earlier, deadline)
            .await
    }
}

/// The green pipeline's branch: the delivery's word, else the one GitFlic's newest pipelines
/// give it (one request).
async fn branch(
    message: &PipelineMessage,
    session: &mut Session<'_>,
    owner: &str,
    alias: &str,
) -> Result<Option<String>, ProcessError> {
    if let Some(git_ref) = &message.pipeline.git_ref {
        return Ok(Some(branch_name(git_ref).to_owned()));
    }
    let (pipelines, _) = session
        .pipelines_page(owner, alias, 0)
        .await
        .map_err(gitflic_error)?;
    Ok(pipelines
        .iter()
        .find(|p| p.number() == Some(message.pipeline.number()))
        .and_then(|p| p.branch())
        .map(str::to_owned))
}
