//! A failed pipeline, from its jobs' logs to a report in the team's rooms, exactly once.
//!
//! 1. Resolve the failed jobs (all pages), download each one's log artifact with a size cap (head
//!    and tail kept when larger), compare it with the last green run's ([`crate::last_green`])
//!    and run the engine on it.
//! 2. Count the failure's fingerprint; store one report per pipeline (primary job first) with a
//!    retention TTL.
//! 3. Deliver to every room of the tenant that does not have it yet ([`crate::rooms`]), discuss
//!    it on the branch's open merge requests ([`crate::discussions`]), and note the failure as
//!    its branch's open one, with the posts, for a "fixed" to answer.

use crate::context::{Context, ProjectPath, pipeline_link};
use crate::discussions::Discussion;
use crate::last_green::LastGreen;
use crate::logs::{analyse, looks_binary};
use crate::outcome::{Done, ProcessError, Processed, gitflic_error, split_outcomes};
use exlogare_shared::analysis::JobMeta;
use exlogare_shared::connections::ConnectError;
use exlogare_shared::gitflic::api::{ApiError, Download, Job};
use exlogare_shared::notify::{self, Link, RoomOutcome};
use exlogare_shared::queue::PipelineMessage;
use exlogare_shared::report::{JobOutcome, PipelineReport, Recurrence};
use exlogare_shared::session::Session;
use exlogare_shared::store::{OpenFailure, Work};
use std::collections::HashMap;
use std::time::Instant;

/// Failed jobs analysed per pipeline at most.
const MAX_JOBS: usize = 5;
/// A job's note when it has no log to read.
const NO_LOG: &str = "no log available";

impl Context {
    pub(crate) async fn analyse_and_deliver(
        &self,
        message: &PipelineMessage,
        earlier: &[String],
        deadline: Instant,
    ) -> Result<Done, ProcessError> {
        let mut session = self.session(message).await?;
        let path = self.project_path(message, &mut session).await?;
        let (report, link, branch) = self.build_report(message, &mut session, &path).await?;
        let report_json =
            serde_json::to_string(&report).map_err(|e| ProcessError::Poison(e.to_string()))?;
        let chat = notify::compose(&report, self.settings.language, link);
        let rooms = self.rooms_for(message).await?;
        let mut outcomes = self
            .post(Work::Analysis, message, &chat, rooms, earlier, deadline)
            .await?;
        let fingerprint = report
            .jobs
            .first()
            .and_then(|j| j.report.as_ref())
            .map(|r| r.fingerprint.clone());
        let discussion = Discussion {
            path: &path,
            branch: branch.as_deref(),
            chat: &chat,
            fingerprint: fingerprint.as_deref(),
        };
        outcomes.extend(
            self.discuss(message, &mut session, &discussion, earlier)
                .await?,
        );
        self.remember_open_failure(message, branch.as_deref(), &outcomes, fingerprint)
            .await;
        if let Err(e) = self
            .store
            .put_report_entry(
                &message.tenant_id,
                &message.project.id,
                message.pipeline.number(),
                &report_json,
                self.settings.report_retention,
            )
            .await
        {
            tracing::warn!(project_id = %message.project.id, pipeline_id = %message.pipeline.id, error = %e, "report not listed for the console");
        }
        let (delivered, rejected) = split_outcomes(outcomes);
        tracing::info!(project_id = %message.project.id, pipeline_id = %message.pipeline.id, ?delivered, gitflic_requests = report.gitflic_requests, comparison = ?report.comparison, seen_in_7_days = report.recurrence.as_ref().map(|r| r.seen_in_7_days), "pipeline report delivered");
        Ok(Done {
            processed: Processed::Reported {
                delivered,
                rejected,
            },
            payload: Some(report_json),
        })
    }

    /// Notes the failure as its branch's open one, with the rooms it reached, for a later green
    /// pipeline of the branch to answer with "fixed". Without a known branch there is nothing to
    /// match a success with; a store error costs the later notice only.
    async fn remember_open_failure(
        &self,
        message: &PipelineMessage,
        branch: Option<&str>,
        outcomes: &[RoomOutcome],
        fingerprint: Option<String>,
    ) {
        let rooms: HashMap<String, Option<String>> = outcomes
            .iter()
            .filter_map(|o| match o {
                RoomOutcome::Reached(slot, post) => Some((slot.to_string(), post.clone())),
                RoomOutcome::Refused(_) => None,
            })
            .collect();
        let Some(branch) = branch.filter(|_| !rooms.is_empty()) else {
            return;
        };
        let failure = OpenFailure {
            pipeline: message.pipeline.local_id.clone(),
            rooms,
            fingerprint,
        };
        if let Err(e) = self
            .store
            .record_open_failure(
                &message.tenant_id,
                &message.project.id,
                branch,
                &failure,
                self.settings.report_retention,
            )
            .await
        {
            tracing::warn!(project_id = %message.project.id, pipeline_id = %message.pipeline.id, error = %e, "open failure not recorded; no \"fixed\" notice will follow");
        }
    }

    /// The report, the link to the pipeline, and the pipeline's branch when known.
    async fn build_report(
        &self,
        message: &PipelineMessage,
        session: &mut Session<'_>,
        path: &ProjectPath,
    ) -> Result<(PipelineReport, Link, Option<String>), ProcessError> {
        let (owner, alias) = (path.owner.clone(), path.alias.clone());
        let local = message.pipeline.local_id.clone();
        let jobs = session
            .pipeline_jobs(&owner, &alias, &local)
            .await
            .map_err(gitflic_error)?;
        let failed: Vec<&Job> = jobs.iter().filter(|j| j.failed()).take(MAX_JOBS).collect();
        let mut last_green = LastGreen::new(
            &self.store,
            &self.settings.baseline,
            message,
            (&owner, &alias),
            path.default_branch.clone(),
        );
        let mut outcomes = Vec::new();
        for job in failed {
            let Some(job_id) = job.local_id.clone() else {
                continue;
            };
            let download = self.download_log(session, &owner, &alias, &job_id).await?;
            let meta = JobMeta {
                name: job.name.clone(),
                stage: job.stage_name.clone(),
            };
            let (report, note, skipped_bytes) = match download {
                Err(note) => (None, Some(note.to_owned()), 0),
                Ok(d) if looks_binary(&d.head) => {
                    (None, Some("the log artifact is not text".to_owned()), 0)
                }
                Ok(d) => {
                    let baseline = match &job.name {
                        Some(name) => last_green.baseline(session, name).await,
                        None => None,
                    };
                    (Some(analyse(&d, meta, baseline)), None, d.skipped)
                }
            };
            outcomes.push(JobOutcome {
                name: job.name.clone().unwrap_or_else(|| format!("job {job_id}")),
                stage: job.stage_name.clone(),
                local_id: job_id,
                report,
                note,
                skipped_bytes,
            });
        }
        let branch = last_green.branch().map(str::to_owned);
        let comparison = last_green.finish(session).await;
        let link = pipeline_link(&session.record().web_url, &owner, &alias, &local)?;
        let mut report = PipelineReport {
            project: message.project.clone(),
            pipeline: message.pipeline.clone(),
            link: link.as_str().to_owned(),
            jobs: outcomes,
            explanation: None,
            comparison,
            recurrence: None,
            gitflic_requests: session.requests(),
        };
        report.project.owner_alias = Some(owner);
        report.project.alias = Some(alias);
        report.order_jobs();
        report.recurrence = self.count_recurrence(message, &report).await;
        if let (Some(llm), Some(primary)) = (&self.settings.llm, report.jobs.first())
            && let Some(analysis) = &primary.report
        {
            report.explanation = exlogare_shared::llm::explain(
                &self.http,
                llm,
                self.settings.language,
                &primary.name,
                analysis,
            )
            .await;
        }

        Ok((report, link, branch))
    }

    /// Counts the primary failure's fingerprint in the project; `None` (and a warning) when the
    /// store cannot, since a report without it is still the report.
    async fn count_recurrence(
        &self,
        message: &PipelineMessage,
        report: &PipelineReport,
    ) -> Option<Recurrence> {
        let fingerprint = &report.jobs.first()?.report.as_ref()?.fingerprint;
        // Shown in chat: only a commit id that looks like one.
        let commit =
            message.pipeline.commit_id.as_deref().filter(|c| {
                (7..=64).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_hexdigit())
            });
        let counted = self
            .store
            .count_sighting(
                &message.tenant_id,
                &message.project.id,
                fingerprint,
                &message.pipeline.local_id,
                commit,
            )
            .await;
        match counted {
            Ok(seen) => Some(Recurrence {
                fingerprint: fingerprint.clone(),
                seen_in_7_days: seen.in_7_days,
                first_pipeline: seen.first_pipeline,
                first_commit: seen.first_commit,
                first_seen_at: seen.first_seen_at,
            }),
            Err(e) => {
                tracing::warn!(project_id = %message.project.id, pipeline_id = %message.pipeline.id, error = %e, "failure not counted");
                None
            }
        }
    }

    async fn download_log(
        &self,
        session: &mut Session<'_>,
        owner: &str,
        alias: &str,
        job: &str,
    ) -> Result<Result<Download, &'static str>, ProcessError> {
        let artifact_id = match session.log_artifact_id(owner, alias, job).await {
            Ok(Some(id)) => id,
            Ok(None) | Err(ConnectError::Gitflic(ApiError::NotFound)) => return Ok(Err(NO_LOG)),
            Err(e) => return Err(gitflic_error(e)),
        };
        match session
            .download_artifact(owner, alias, job, &artifact_id, self.settings.log_cap)
            .await
        {
            Ok(d) => Ok(Ok(d)),
            Err(ConnectError::Gitflic(ApiError::NotFound)) => Ok(Err(NO_LOG)),
            Err(ConnectError::Gitflic(ApiError::RedirectRefused)) => Ok(Err(
                "the log's download was redirected to an address that is refused",
            )),
            Err(e) => Err(gitflic_error(e)),
        }
    }
}
