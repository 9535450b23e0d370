//! The project's last green run, for the engine to compare each failed job with: lines a passing
//! run printed too are almost never the cause (LogJuicer's observation).
//!
//! The run is the newest passing pipeline of the failing branch, else of the default branch,
//! older than the failure and found newest-first in at most two pages of the pipeline list (the
//! server ignores the list's filters); the baseline of a job is that run's job of the same name,
//! its log downloaded with the failing log's cap. The list is always read, so the run is the
//! latest; a green run's jobs never change, so they are remembered and the next failure compared
//! with the same run does not list them again.
//!
//! All of it is optional: a spent budget, a 429 or any error means no baseline, never no report,
//! and the report says why.

use exlogare_shared::analysis::{Baseline, BaselineBuilder};
use exlogare_shared::connections::ConnectError;
use exlogare_shared::gitflic::api::{ApiError, Pipeline, branch_name};
use exlogare_shared::queue::PipelineMessage;
use exlogare_shared::report::Comparison;
use exlogare_shared::session::Session;
use exlogare_shared::store::{GreenRun, Store};
use std::collections::HashMap;
use std::time::Duration;

/// Pages of the pipeline list read at most (100 pipelines each).
const MAX_PAGES: u32 = 2;
/// Failed jobs of one pipeline compared at most: each costs two requests.
const MAX_JOBS_COMPARED: usize = 3;
/// Requests a baseline takes on the long path: two pages, the project, the jobs, one job's
/// artifacts and log. Looked for only when the hour's budget has room for them.
const LOOKUP_COST: u64 = 6;

#[derive(Debug, Clone)]
pub struct BaselineSettings {
    /// GitFlic requests a connection may spend in an hour before baselines are skipped (the
    /// report is always made). 0 turns baselines off.
    pub requests_per_hour: u64,
    /// How long a green pipeline's jobs are remembered.
    pub remember_for: Duration,
    /// Largest baseline log read (as for a failing log).
    pub log_cap: usize,
}

enum State {
    NotLooked,
    Found(GreenRun),
    None(Comparison),
}

/// The baseline of one failed pipeline's jobs, looked up once, when the first job asks.
pub struct LastGreen<'a> {
    store: &'a Store,
    settings: &'a BaselineSettings,
    failure: &'a PipelineMessage,
    owner: &'a str,
    alias: &'a str,
    default_branch: Option<String>,
    /// The failure's branch: the delivery's word, else GitFlic's list's, once read.
    branch: Option<String>,
    state: State,
    compared: usize,
    /// Requests already added to the connection's hourly count.
    counted: u32,
}

impl<'a> LastGreen<'a> {
    pub fn new(
        store: &'a Store,
        settings: &'a BaselineSettings,
        failure: &'a PipelineMessage,
        (owner, alias): (&'a str, &'a str),
        default_branch: Option<String>,
    ) -> Self {
        Self {
            store,
            settings,
            failure,
            owner,
            alias,
            default_branch,
            branch: failure
                .pipeline
                .git_ref
                .as_deref()
                .map(|r| branch_name(r).to_owned()),
            state: State::NotLooked,
            compared: 0,
            counted: 0,
        }
    }

    /// The passing run's log of the job named `job`, summarised; `None` when there is none to
    /// compare with (the report's [`Comparison`] says why).
    pub async fn baseline(&mut self, session: &mut Session<'_>, job: &str) -> Option<Baseline> {
        if matches!(self.state, State::NotLooked) {
            self.state = self.look(session).await;
        }
        let State::Found(run) = &self.state else {
            return None;
        };
        if self.compared == MAX_JOBS_COMPARED {
            return None;
        }
        let job_id = run.jobs.get(job)?.clone();
        let identity = format!("pipeline #{} ({}), job {job}", run.pipeline, run.branch);
        match self.download(session, &job_id).await {
            Ok(Some(baseline)) => {
                self.compared += 1;
                Some(baseline.with_identity(identity))
            }
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(project_id = %self.failure.project.id, pipeline_id = %self.failure.pipeline.id, error = %e, "the green run's log could not be read; no baseline for this job");
                None
            }
        }
    }

    /// The failure's branch, when the delivery or GitFlic's list has said it.
    pub fn branch(&self) -> Option<&str> {
        self.branch.as_deref()
    }

    /// What the report says of the comparison, once every job has asked; adds the analysis'
    /// requests to the connection's count for the hour.
    pub async fn finish(self, session: &Session<'_>) -> Option<Comparison> {
        if let Err(e) = self
            .store
            .spend_requests(
                &self.failure.tenant_id,
                &self.failure.connection_id,
                session.requests().saturating_sub(self.counted),
            )
            .await
        {
            tracing::warn!(connection_id = %self.failure.connection_id, error = %e, "GitFlic requests not counted");
        }
        match self.state {
            State::NotLooked => None,
            State::Found(run) => Some(Comparison::Compared {
                pipeline: run.pipeline,
                branch: run.branch,
            }),
            State::None(comparison) => Some(comparison),
        }
    }

    async fn look(&mut self, session: &mut Session<'_>) -> State {
        let skipped = |reason: &str| {
            State::None(Comparison::Skipped {
                reason: reason.to_owned(),
            })
        };
        if self.settings.requests_per_hour == 0 {
            return skipped("comparison with green runs is turned off");
        }
        if session.throttled() {
            return skipped("GitFlic asked us to slow down");
        }
        let spent = self.store.spend_requests(
            &self.failure.tenant_id,
            &self.failure.connection_id,
            session.requests(),
        );
        match spent.await {
            Ok(spent) => {
                self.counted = session.requests();
                if spent + LOOKUP_COST > self.settings.requests_per_hour {
                    return skipped("this hour's share of the GitFlic request budget is spent");
                }
            }
            Err(e) => {
                tracing::warn!(connection_id = %self.failure.connection_id, error = %e, "the GitFlic budget could not be read; no baseline");
                return skipped("the GitFlic request budget could not be read");
            }
        }
        // What follows can be done without: no waiting out a 429.
        session.spare_when_throttled();
        match self.find(session).await {
            Ok(Some(run)) => State::Found(run),
            Ok(None) => State::None(Comparison::NoGreenRun),
            Err(ConnectError::Gitflic(ApiError::Throttled)) => {
                skipped("GitFlic asked us to slow down")
            }
            Err(e) => {
                tracing::warn!(project_id = %self.failure.project.id, pipeline_id = %self.failure.pipeline.id, error = %e, "no green run looked up");
                skipped("GitFlic did not answer the lookup of the last green run")
            }
        }
    }

    async fn find(&mut self, session: &mut Session<'_>) -> Result<Option<GreenRun>, ConnectError> {
        let failing = self.failure.pipeline.number();
        let mut older_green: Vec<Pipeline> = Vec::new();
        let mut found = None;
        for page in 0..MAX_PAGES {
            let (pipelines, more) = session.pipelines_page(self.owner, self.alias, page).await?;
            for pipeline in pipelines {
                match pipeline.number() {
                    // GitFlic's word on the failing pipeline's branch, when the delivery had none.
                    Some(n) if n == failing && self.branch.is_none() => {
                        self.branch = pipeline.branch().map(str::to_owned);
                    }
                    Some(n) if n < failing && pipeline.succeeded() => older_green.push(pipeline),
                    _ => {}
                }
            }
            found = self
                .branch
                .as_deref()
                .and_then(|b| older_green.iter().find(|p| p.branch() == Some(b)));
            if found.is_some() || !more {
                break;
            }
        }
        let found = match found {
            Some(run) => run.clone(),
            None => {
                let default = match &self.default_branch {
                    Some(d) => d.clone(),
                    None => match session
                        .project(self.owner, self.alias)
                        .await?
                        .default_branch
                    {
                        Some(d) => d,
                        None => return Ok(None),
                    },
                };
                let default = branch_name(&default);
                match older_green.iter().find(|p| p.branch() == Some(default)) {
                    Some(run) => run.clone(),
                    None => return Ok(None),
                }
            }
        };
        let Some(local) = found.local_id.clone() else {
            return Ok(None);
        };
        let (tenant, project) = (&self.failure.tenant_id, &self.failure.project.id);
        match self.store.green_run(tenant, project, &local).await {
            Ok(Some(run)) => return Ok(Some(run)),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(project_id = %project, error = %e, "remembered green runs not read")
            }
        }
        let jobs = session
            .pipeline_jobs(self.owner, self.alias, &local)
            .await?
            .into_iter()
            .filter(|j| j.succeeded())
            .filter_map(|j| Some((j.name?, j.local_id?)))
            .collect::<HashMap<_, _>>();
        let run = GreenRun {
            pipeline: local,
            branch: found.branch().unwrap_or_default().to_owned(),
            jobs,
        };
        if let Err(e) = self
            .store
            .remember_green_run(tenant, project, &run, self.settings.remember_for)
            .await
        {
            tracing::warn!(project_id = %project, error = %e, "green run not remembered");
        }
        Ok(Some(run))
    }

    /// The job's log summarised, or `None` when it has none.
    async fn download(
        &self,
        session: &mut Session<'_>,
        job: &str,
    ) -> Result<Option<Baseline>, ConnectError> {
        let Some(artifact) = session.log_artifact_id(self.owner, self.alias, job).await? else {
            return Ok(None);
        };
        let log = session
            .download_artifact(
                self.owner,
                self.alias,
                job,
                &artifact,
                self.settings.log_cap,
            )
            .await?;
        let mut builder = BaselineBuilder::default();
        crate::logs::for_each_line(&log, |line| builder.line(line));
        Ok(Some(builder.finish()))
    }
}
