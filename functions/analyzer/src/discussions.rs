//! Where developers already look: a failure's report as a discussion on each open merge request
//! of its branch (or of its commit), when the project's switch is on.
//!
//! Once per pipeline and merge request: each discussion is noted on the analysis' record like a
//! room, so a retried message does not post it again. A later failure of the branch with the
//! same fingerprint is not discussed again (its discussion stays the one a success resolves);
//! a different failure is, and resolves the discussion it supersedes. One list page (100 merge
//! requests) per failure, nothing when none is open. GitFlic's 403 (no write rights) is
//! recorded on the watch and not tried again; 5xx and 429 are retried like the other calls, and
//! then the message is.

use crate::context::{Context, ProjectPath};
use crate::outcome::{ProcessError, gitflic_error};
use exlogare_shared::connections::ConnectError;
use exlogare_shared::gitflic::api::ApiError;
use exlogare_shared::notify::{Message, RoomOutcome, Slot, gitflic_discussion};
use exlogare_shared::queue::PipelineMessage;
use exlogare_shared::session::Session;
use exlogare_shared::store::{OpenFailure, WatchRecord, Work, epoch_now};

/// Merge requests discussed per failure at most (one branch rarely has more open).
const MAX_MERGE_REQUESTS: usize = 3;
/// The slot prefix a merge request's discussion is noted under: `mr:<number>`.
pub(crate) const SLOT_PREFIX: &str = "mr:";

/// What a failure's discussion is made of.
pub(crate) struct Discussion<'a> {
    pub path: &'a ProjectPath,
    pub branch: Option<&'a str>,
    pub chat: &'a Message,
    pub fingerprint: Option<&'a str>,
}

impl Context {
    /// Discusses the failure on its open merge requests; the discussions posted now (those of
    /// `earlier` attempts are among `earlier`).
    pub(crate) async fn discuss(
        &self,
        message: &PipelineMessage,
        session: &mut Session<'_>,
        discussion: &Discussion<'_>,
        earlier: &[String],
    ) -> Result<Vec<RoomOutcome>, ProcessError> {
        let path = discussion.path;
        let Some(watch) = path.watch.as_ref().filter(|w| w.discusses_merge_requests()) else {
            return Ok(Vec::new());
        };
        let (owner, alias) = (&path.owner, &path.alias);
        let listed = match session.merge_requests_page(owner, alias).await {
            Ok(listed) => listed,
            Err(ConnectError::Gitflic(ApiError::Forbidden)) => {
                self.refused(watch, message).await;
                return Ok(Vec::new());
            }
            Err(e) => return Err(gitflic_error(e)),
        };
        let commit = message.pipeline.commit_id.as_deref();
        let open = listed
            .iter()
            .filter(|mr| mr.is_open() && mr.is_for(discussion.branch, commit))
            .filter_map(|mr| {
                mr.local_id.as_deref().filter(|n| {
                    !n.is_empty() && n.len() <= 20 && n.bytes().all(|b| b.is_ascii_digit())
                })
            })
            .take(MAX_MERGE_REQUESTS);
        let previous = match discussion.branch {
            Some(branch) => self.previous_failure(message, branch).await,
            None => None,
        };
        let markdown = gitflic_discussion(discussion.chat);
        let mut posted = Vec::new();
        for number in open {
            let slot = Slot::parse(&format!("{SLOT_PREFIX}{number}"));
            if earlier
                .iter()
                .any(|step| RoomOutcome::parse(step).slot() == &slot)
            {
                continue;
            }
            let outcome = match previous
                .as_ref()
                .filter(|p| {
                    p.fingerprint.is_some() && p.fingerprint.as_deref() == discussion.fingerprint
                })
                .and_then(|p| p.rooms.get(&slot.to_string()))
            {
                // The same failure, discussed there already: that discussion stays the one.
                Some(uuid) => RoomOutcome::Reached(slot, uuid.clone()),
                None => match session
                    .create_discussion(owner, alias, number, &markdown)
                    .await
                {
                    Ok(created) => {
                        // Noted in the progress after a space: an id with none of its own.
                        let uuid = created.uuid.filter(|u| {
                            !u.is_empty() && u.len() <= 64 && !u.contains(char::is_whitespace)
                        });
                        tracing::info!(project_id = %message.project.id, pipeline_id = %message.pipeline.id, merge_request = number, "discussed on the merge request");
                        // An earlier failure's discussion there is superseded by this one.
                        if let Some(old) = previous
                            .as_ref()
                            .and_then(|p| p.rooms.get(&slot.to_string())?.as_deref())
                        {
                            resolve(message, session, (owner, alias), number, old).await;
                        }
                        RoomOutcome::Reached(slot, uuid)
                    }
                    Err(ConnectError::Gitflic(ApiError::Forbidden)) => {
                        self.refused(watch, message).await;
                        break;
                    }
                    Err(e) => return Err(gitflic_error(e)),
                },
            };
            self.note(Work::Analysis, &message.delivery_key, &outcome)
                .await?;
            posted.push(outcome);
        }
        Ok(posted)
    }

    /// The branch's open failure before this one, if the store can tell.
    async fn previous_failure(
        &self,
        message: &PipelineMessage,
        branch: &str,
    ) -> Option<OpenFailure> {
        self.store
            .open_failure(&message.tenant_id, &message.project.id, branch)
            .await
            .inspect_err(|e| tracing::warn!(project_id = %message.project.id, error = %e, "previous failure not read; the merge request may be discussed again"))
            .ok()
            .flatten()
    }

    /// GitFlic refused: recorded on the watch, so no later failure tries again.
    async fn refused(&self, watch: &WatchRecord, message: &PipelineMessage) {
        tracing::warn!(project_id = %message.project.id, pipeline_id = %message.pipeline.id, "GitFlic refused a merge-request discussion (no write rights); not tried again until the project is watched again");
        if let Err(e) = self
            .store
            .refuse_discussions(watch, epoch_now() as i64)
            .await
        {
            tracing::warn!(project_id = %message.project.id, error = %e, "the refusal was not recorded");
        }
    }

    /// A success resolves the discussions its branch's open failure started.
    pub(crate) async fn resolve_discussions(
        &self,
        message: &PipelineMessage,
        session: &mut Session<'_>,
        (owner, alias): (&str, &str),
        open: &OpenFailure,
    ) {
        for (number, uuid) in open
            .rooms
            .iter()
            .filter_map(|(slot, uuid)| Some((slot.strip_prefix(SLOT_PREFIX)?, uuid.as_deref()?)))
        {
            resolve(message, session, (owner, alias), number, uuid).await;
        }
    }
}

/// Resolves one discussion; one GitFlic does not accept is left as it is.
async fn resolve(
    message: &PipelineMessage,
    session: &mut Session<'_>,
    (owner, alias): (&str, &str),
    number: &str,
    uuid: &str,
) {
    match session.resolve_discussion(owner, alias, number, uuid).await {
        Ok(()) => {
            tracing::info!(project_id = %message.project.id, merge_request = number, "merge-request discussion resolved")
        }
        Err(e) => {
            tracing::warn!(project_id = %message.project.id, merge_request = number, error = %e, "merge-request discussion left unresolved")
        }
    }
}
