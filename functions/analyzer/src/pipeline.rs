//! From a queued pipeline failure to a report in the team's chat rooms, exactly once (a success
//! goes to [`crate::fixed`]).
//!
//! 1. Claim the pipeline (a lease in DynamoDB that ends with the invocation); a completed one is
//!    skipped, one claimed elsewhere is retried later.
//! 2. Resolve the failed jobs (all pages), download each one's log artifact with a size cap (head
//!    and tail kept when larger), run the engine on each.
//! 3. Store one report per pipeline (primary job first) with a retention TTL.
//! 4. Deliver to every room of the tenant that does not have it yet ([`crate::rooms`]), and note
//!    the failure as its branch's open one, with the posts, for a "fixed" to answer.

use crate::config::AnalyzerConfig;
use crate::last_green::{BaselineSettings, LastGreen};
use crate::rooms::Room;
use exlogare_shared::analysis::{Analyzer, Baseline, JobMeta, lines};
use exlogare_shared::connections::{ConnectError, Connections};
use exlogare_shared::crypto::Kms;
use exlogare_shared::gitflic::api::{ApiError, Download, Job, log_artifact};
use exlogare_shared::notify::{self, Link, RoomOutcome};
use exlogare_shared::queue::{MESSAGE_VERSION, PipelineMessage, PipelineStatus};
use exlogare_shared::report::{JobOutcome, Language, PipelineReport, Recurrence};
use exlogare_shared::services::Services;
use exlogare_shared::session::Session;
use exlogare_shared::store::{Claim, OpenFailure, Store, StoreError, Work};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Failed jobs analysed per pipeline at most.
const MAX_JOBS: usize = 5;
/// A job's note when it has no log to read.
const NO_LOG: &str = "no log available";

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// The message can never succeed (malformed, unknown version, connection gone): it goes to
    /// the dead-letter queue after its retries, with this reason logged.
    #[error("unprocessable message: {0}")]
    Poison(String),
    /// Worth another try later.
    #[error("retry later: {0}")]
    Retry(String),
}

impl From<StoreError> for ProcessError {
    fn from(e: StoreError) -> Self {
        ProcessError::Retry(e.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Processed {
    Reported {
        delivered: Vec<String>,
        rejected: Vec<String>,
    },
    /// A success that closed its branch's open failure, noticed in these rooms.
    Fixed {
        delivered: Vec<String>,
        rejected: Vec<String>,
    },
    /// A success with no failure of its branch to answer.
    NothingToFix,
    AlreadyDone,
}

#[derive(Debug, Clone)]
pub struct AnalyzerSettings {
    /// Largest log read per job; a larger one keeps its first and last halves.
    pub log_cap: usize,
    pub language: Language,
    /// Telegram Bot API base (`https://api.telegram.org`).
    pub telegram_api: String,
    pub report_retention: Duration,
    /// An OpenAI-compatible model that adds an explanation, if configured.
    pub llm: Option<exlogare_shared::llm::LlmSettings>,
    /// Comparison with the project's last green run.
    pub baseline: BaselineSettings,
}

pub struct PipelineAnalyzer {
    pub(crate) store: Store,
    pub(crate) kms: Kms,
    pub(crate) connections: Connections,
    pub(crate) http: reqwest::Client,
    pub(crate) settings: AnalyzerSettings,
}

impl PipelineAnalyzer {
    /// The analyzer as the function runs it, from its configuration.
    pub fn from_config(
        config: &AnalyzerConfig,
        aws: &aws_config::SdkConfig,
    ) -> Result<Self, reqwest::Error> {
        let services = Services::from_config(&config.app, Vec::new(), aws)?;
        Ok(Self {
            store: services.store,
            kms: services.kms,
            connections: services.connections,
            http: services.http,
            settings: AnalyzerSettings {
                log_cap: config.log_cap,
                language: config.app.language,
                telegram_api: config.app.telegram_api.clone(),
                report_retention: config.report_retention,
                llm: config.llm.clone(),
                baseline: BaselineSettings {
                    requests_per_hour: config.baseline_requests_per_hour,
                    remember_for: config.green_run_memory,
                    log_cap: config.log_cap,
                },
            },
        })
    }

    pub async fn process(&self, body: &str, deadline: Instant) -> Result<Processed, ProcessError> {
        let message: PipelineMessage = serde_json::from_str(body).map_err(|e| {
            ProcessError::Poison(format!(
                "not a pipeline message (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        if message.version != MESSAGE_VERSION {
            return Err(ProcessError::Poison(format!(
                "unknown message version {}",
                message.version
            )));
        }
        let work = match message.status {
            PipelineStatus::Failed => Work::Analysis,
            PipelineStatus::Succeeded => Work::FixedNotice,
        };
        let key = &message.delivery_key;
        let lease = deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(5);
        let progress = match self
            .store
            .claim(work, key, lease, self.settings.report_retention)
            .await?
        {
            Claim::Complete => return Ok(Processed::AlreadyDone),
            Claim::Busy => {
                return Err(ProcessError::Retry(
                    "another invocation is processing this pipeline".into(),
                ));
            }
            Claim::Claimed { progress } => progress,
        };
        let result = match message.status {
            PipelineStatus::Failed => {
                self.analyse_and_deliver(&message, &progress, deadline)
                    .await
            }
            PipelineStatus::Succeeded => self.announce_fixed(&message, &progress, deadline).await,
        };
        if result.is_err() {
            // Let the next delivery of the message claim the work at once.
            self.store.release(work, key).await?;
        }
        result
    }

    async fn analyse_and_deliver(
        &self,
        message: &PipelineMessage,
        earlier: &[String],
        deadline: Instant,
    ) -> Result<Processed, ProcessError> {
        let (report, link, branch) = self.build_report(message).await?;
        let report_json =
            serde_json::to_string(&report).map_err(|e| ProcessError::Poison(e.to_string()))?;
        let chat = notify::compose(&report, self.settings.language, link);
        let rooms = self
            .rooms_for(message)
            .await?
            .into_iter()
            .map(|(slot, ciphertext)| Room {
                slot,
                ciphertext,
                reply_to: None,
            })
            .collect();
        let outcomes = self
            .post(Work::Analysis, message, &chat, rooms, earlier, deadline)
            .await?;
        self.remember_open_failure(message, branch.as_deref(), &outcomes)
            .await;
        self.store
            .complete(
                Work::Analysis,
                &message.delivery_key,
                self.settings.report_retention,
                Some(&report_json),
            )
            .await?;
        let (delivered, rejected) = split_outcomes(outcomes);
        tracing::info!(project_id = %message.project.id, pipeline_id = %message.pipeline.id, ?delivered, gitflic_requests = report.gitflic_requests, comparison = ?report.comparison, seen_in_7_days = report.recurrence.as_ref().map(|r| r.seen_in_7_days), "pipeline report complete");
        Ok(Processed::Reported {
            delivered,
            rejected,
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
    ) -> Result<(PipelineReport, Link, Option<String>), ProcessError> {
        let mut session = self.session(message).await?;
        let (owner, alias, default_branch) = self.project_path(message, &mut session).await?;
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
            default_branch,
        );
        let mut outcomes = Vec::new();
        for job in failed {
            let Some(job_id) = job.local_id.clone() else {
                continue;
            };
            let download = self
                .download_log(&mut session, &owner, &alias, &job_id)
                .await?;
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
                        Some(name) => last_green.baseline(&mut session, name).await,
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
        let comparison = last_green.finish(&session).await;
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

    /// A GitFlic session on the message's connection.
    pub(crate) async fn session(
        &self,
        message: &PipelineMessage,
    ) -> Result<Session<'_>, ProcessError> {
        let record = match self
            .connections
            .record(&message.tenant_id, &message.connection_id)
            .await
        {
            Ok(r) => r,
            Err(ConnectError::NotFound) => {
                return Err(ProcessError::Poison(
                    "the GitFlic connection no longer exists".into(),
                ));
            }
            Err(e) => return Err(ProcessError::Retry(e.to_string())),
        };
        Session::open(&self.connections, record).map_err(|e| ProcessError::Poison(e.to_string()))
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

    /// Owner and alias of the project the delivery's secret vouches for, never the payload's
    /// word alone: a watched project's path is the one recorded when it was watched; for a
    /// connection-wide secret, the path the payload names must be the project of that id, as
    /// GitFlic answers it with the connection's token. With them, the project's default branch
    /// when known.
    pub(crate) async fn project_path(
        &self,
        message: &PipelineMessage,
        session: &mut Session<'_>,
    ) -> Result<(String, String, Option<String>), ProcessError> {
        if let Some(watch) = self
            .store
            .watches(&message.tenant_id, &message.connection_id)
            .await?
            .into_iter()
            .find(|w| w.project_id == message.project.id)
        {
            return Ok((watch.owner_alias, watch.alias, watch.default_branch));
        }
        let (Some(owner), Some(alias)) = (&message.project.owner_alias, &message.project.alias)
        else {
            return Err(ProcessError::Poison(
                "the delivery names no project path and the project is not watched".into(),
            ));
        };
        let project = session.project(owner, alias).await.map_err(gitflic_error)?;
        match (project.id.as_deref(), project.owner_alias(), &project.alias) {
            (Some(id), Some(o), Some(a)) if id == message.project.id => {
                Ok((o.to_owned(), a.clone(), project.default_branch.clone()))
            }
            _ => {
                tracing::warn!(project_id = %message.project.id, pipeline_id = %message.pipeline.id, "the delivery's project path names another project; refused");
                Err(ProcessError::Poison(
                    "the delivery's project path is not the project of its id".into(),
                ))
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
        let artifacts = match session.job_artifacts(owner, alias, job).await {
            Ok(list) => list,
            Err(ConnectError::Gitflic(ApiError::NotFound)) => return Ok(Err(NO_LOG)),
            Err(e) => return Err(gitflic_error(e)),
        };
        let Some(artifact_id) = log_artifact(&artifacts).and_then(|a| a.id.as_deref()) else {
            return Ok(Err(NO_LOG));
        };
        match session
            .download_artifact(owner, alias, job, artifact_id, self.settings.log_cap)
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

/// The rooms reached and the rooms that refused, by slot.
pub(crate) fn split_outcomes(outcomes: Vec<RoomOutcome>) -> (Vec<String>, Vec<String>) {
    let (mut reached, mut refused) = (Vec::new(), Vec::new());
    for outcome in outcomes {
        match outcome {
            RoomOutcome::Reached(slot, _) => reached.push(slot.to_string()),
            RoomOutcome::Refused(slot) => refused.push(slot.to_string()),
        }
    }
    (reached, refused)
}

pub(crate) fn gitflic_error(e: ConnectError) -> ProcessError {
    match e {
        ConnectError::NeedsReconnect => {
            ProcessError::Poison("the GitFlic connection needs reconnecting".into())
        }
        ConnectError::Gitflic(ApiError::NotFound) => {
            ProcessError::Poison("the pipeline is not on GitFlic".into())
        }
        ConnectError::Gitflic(ApiError::Forbidden) => {
            ProcessError::Poison("GitFlic denied access to the pipeline".into())
        }
        other => ProcessError::Retry(other.to_string()),
    }
}

/// The pipeline's page: built from the connection's GitFlic web address and the project's
/// path, never taken from a delivery (whose `url` could be anything, `javascript:` included).
pub(crate) fn pipeline_link(
    web: &str,
    owner: &str,
    alias: &str,
    local: &str,
) -> Result<Link, ProcessError> {
    let mut url = url::Url::parse(web).map_err(|e| ProcessError::Poison(e.to_string()))?;
    url.path_segments_mut()
        .map_err(|()| ProcessError::Poison("the GitFlic address cannot hold a path".into()))?
        .pop_if_empty()
        .extend(["project", owner, alias, "cicd", "pipeline", local]);
    Link::new(url)
        .ok_or_else(|| ProcessError::Poison("the GitFlic address is not a web address".into()))
}

/// Whether a log is binary rather than text: NUL or other control bytes (but tab, line ends,
/// form feed and the escape of colours) in more than 1 in 20 of its first 4 KiB. Such bytes
/// would reach the rooms as garbage; a compressed trace has been inflated before this.
fn looks_binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(4096)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b))
        .count();
    control * 20 > sample.len()
}

/// Every line of a (possibly head-and-tail) log, numbered as in the whole log.
pub(crate) fn for_each_line(download: &Download, mut each: impl FnMut(lines::RawLine<'_>)) {
    lines::for_each_line_in(&download.head, &mut each);
    lines::for_each_line_in(&download.tail, |mut line| {
        line.number += download.lines_before_tail;
        each(line);
    });
}

/// Runs the engine over a log, compared with a passing run's when there is one.
fn analyse(
    download: &Download,
    meta: JobMeta,
    baseline: Option<Baseline>,
) -> exlogare_shared::analysis::Report {
    let mut analyzer = match baseline {
        Some(baseline) => Analyzer::with_baseline(meta, baseline),
        None => Analyzer::new(meta),
    };
    for_each_line(download, |line| analyzer.line(line));
    analyzer.finish()
}
