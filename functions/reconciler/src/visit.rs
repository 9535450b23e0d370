//! One project's visit: its failures the webhook did not bring, and its hook.

use crate::{Reconciler, VisitError, window};
use exlogare_shared::connections::ConnectError;
use exlogare_shared::gitflic::api::Pipeline;
use exlogare_shared::hooks::{self, HookState};
use exlogare_shared::intake::Intake;
use exlogare_shared::queue::{
    MESSAGE_VERSION, PipelineMessage, PipelineRef, PipelineStatus, ProjectRef, delivery_key,
    is_key_id,
};
use exlogare_shared::session::Session;
use exlogare_shared::store::WatchRecord;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use url::Url;

/// Requests a hook's registration costs at most: the project, the hook list, one delete, the
/// create.
pub(crate) const REGISTER_COST: u32 = 4;

pub(crate) struct Visit<'a> {
    pub reconciler: &'a Reconciler,
    pub watch: &'a WatchRecord,
    pub now: i64,
    pub hook_due: bool,
}

/// What a visit did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Visited {
    /// Failures queued that no webhook had brought.
    pub queued: u32,
    /// The hook as found, when it was due for a check.
    pub hook: Option<HookState>,
    /// Registered again.
    pub hook_repaired: bool,
}

impl Visited {
    /// The hook is as registered (now).
    pub fn hook_checked(&self) -> bool {
        self.hook == Some(HookState::Intact) || self.hook_repaired
    }

    pub fn hook_to_repair(&self) -> bool {
        self.hook.is_some_and(|h| h != HookState::Intact) && !self.hook_repaired
    }
}

impl Visit<'_> {
    pub async fn run(&self, session: &mut Session<'_>) -> Result<Visited, VisitError> {
        let watch = self.watch;
        let (pipelines, _) = session
            .pipelines_page(&watch.owner_alias, &watch.alias, 0)
            .await?;
        let mut visited = Visited::default();
        for pipeline in pipelines.iter().filter(|p| self.unreported(p)) {
            let Some(message) = self.message(pipeline) else {
                continue;
            };
            if self.reconciler.intakes.queue_once(&message).await? == Intake::Queued {
                tracing::warn!(
                    tenant_id = %watch.tenant_id, project_id = %watch.project_id,
                    pipeline_id = %message.pipeline.id, local_id = %message.pipeline.local_id,
                    "a failure no webhook brought; queued"
                );
                visited.queued += 1;
            }
        }
        if self.hook_due {
            let listed = session.webhooks(&watch.owner_alias, &watch.alias).await?;
            visited.hook = Some(hooks::hook_state(watch, &listed));
        }
        Ok(visited)
    }

    /// A failure that ended after the watch began, longer ago than the grace period, and
    /// recently enough to be remembered if it was reported; on a watched branch.
    fn unreported(&self, pipeline: &Pipeline) -> bool {
        let (grace, memory) = window(&self.reconciler.settings);
        let Some(ended) = pipeline.ended_at() else {
            return false;
        };
        // A watch from before reconciliation began at its first visit: nothing older is news.
        let since = self.watch.watched_at.unwrap_or(self.now);
        pipeline.failed()
            && ended >= since
            && ended <= self.now - grace.as_secs() as i64
            && ended >= self.now - memory.as_secs() as i64
            && self.on_watched_branch(pipeline)
    }

    /// The hook's branch pattern, read as a glob (`*` any run of characters, INFERRED).
    fn on_watched_branch(&self, pipeline: &Pipeline) -> bool {
        let Some(pattern) = self
            .watch
            .branch_pattern
            .as_deref()
            .filter(|p| !p.is_empty())
        else {
            return true;
        };
        let Some(branch) = pipeline.branch() else {
            return true;
        };
        let glob = format!(
            "^{}$",
            pattern
                .split('*')
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(".*")
        );
        regex::Regex::new(&glob).map_or(true, |re| re.is_match(branch))
    }

    /// The queue message the webhook would have sent for `pipeline`, keyed alike: by the
    /// pipeline's UUID.
    fn message(&self, pipeline: &Pipeline) -> Option<PipelineMessage> {
        let watch = self.watch;
        let local_id = pipeline.number()?.to_string();
        // As the webhook reads the delivery's id: trimmed, and a valid key part.
        let id = pipeline
            .id
            .as_deref()
            .map(str::trim)
            .filter(|id| is_key_id(id))
            .map_or_else(|| local_id.clone(), str::to_owned);
        Some(PipelineMessage {
            version: MESSAGE_VERSION,
            status: PipelineStatus::Failed,
            tenant_id: watch.tenant_id.clone(),
            connection_id: watch.connection_id.clone(),
            project: ProjectRef {
                id: watch.project_id.clone(),
                owner_alias: Some(watch.owner_alias.clone()),
                alias: Some(watch.alias.clone()),
                title: None,
            },
            delivery_key: delivery_key(&watch.tenant_id, &watch.project_id, &id),
            pipeline: PipelineRef {
                id,
                local_id,
                url: None,
                commit_id: pipeline.commit_id.clone(),
                git_ref: pipeline.git_ref.clone(),
            },
            received_at: OffsetDateTime::from_unix_timestamp(self.now)
                .ok()
                .and_then(|t| t.format(&Rfc3339).ok())
                .unwrap_or_default(),
        })
    }

    /// Registers the hook again (it was deleted or edited at GitFlic), with a fresh secret.
    pub async fn repair_hook(
        &self,
        session: &mut Session<'_>,
        visited: &mut Visited,
    ) -> Result<(), ConnectError> {
        let watch = self.watch;
        // Unwatched since this run read it: registering would watch the project again.
        let still_watched = self
            .reconciler
            .connections
            .store()
            .watches(&watch.tenant_id, &watch.connection_id)
            .await?
            .iter()
            .any(|w| w.project_id == watch.project_id);
        if !still_watched {
            return Ok(());
        }
        let registered = hooks::register(
            &self.reconciler.connections,
            session,
            &watch.owner_alias,
            &watch.alias,
            watch.branch_pattern.as_deref(),
            None,
            &self.public_base(),
        )
        .await?;
        tracing::warn!(
            tenant_id = %watch.tenant_id, connection_id = %watch.connection_id,
            project_id = %watch.project_id, found = ?visited.hook, webhook_id = ?registered.webhook_id,
            "webhook registered again with a fresh secret"
        );
        visited.hook_repaired = true;
        Ok(())
    }

    /// Where the hook was registered (our record of its address), else the configured URL.
    fn public_base(&self) -> Url {
        self.watch
            .hook_url
            .as_deref()
            .and_then(|address| address.strip_suffix("/webhook/gitflic"))
            .and_then(|base| Url::parse(base).ok())
            .unwrap_or_else(|| self.reconciler.public_base_url.clone())
    }
}
