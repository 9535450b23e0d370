//! What the analyzer's work has at hand — the store, KMS, the GitFlic connections, an HTTP
//! client and the settings — and what a failure's report and a "fixed" notice both ask: a
//! session on the message's connection, whose project it is, where its pipeline is on GitFlic.

use crate::last_green::BaselineSettings;
use crate::outcome::{ProcessError, gitflic_error};
use exlogare_shared::connections::{ConnectError, Connections};
use exlogare_shared::crypto::Kms;
use exlogare_shared::notify::Link;
use exlogare_shared::queue::PipelineMessage;
use exlogare_shared::report::Language;
use exlogare_shared::session::Session;
use exlogare_shared::store::{Store, WatchRecord};
use std::time::Duration;

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

/// The project a message is about, as its secret vouches for it.
pub(crate) struct ProjectPath {
    pub owner: String,
    pub alias: String,
    pub default_branch: Option<String>,
    /// Its watch; none when a connection-wide secret brought the project.
    pub watch: Option<WatchRecord>,
}

pub struct Context {
    pub(crate) store: Store,
    pub(crate) kms: Kms,
    pub(crate) connections: Connections,
    pub(crate) http: reqwest::Client,
    pub(crate) settings: AnalyzerSettings,
}

impl Context {
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

    /// Owner and alias of the project the delivery's secret vouches for, never the payload's
    /// word alone: a watched project's path is the one recorded when it was watched; for a
    /// connection-wide secret, the path the payload names must be the project of that id, as
    /// GitFlic answers it with the connection's token. With them, the project's default branch
    /// when known, and its watch.
    pub(crate) async fn project_path(
        &self,
        message: &PipelineMessage,
        session: &mut Session<'_>,
    ) -> Result<ProjectPath, ProcessError> {
        if let Some(watch) = self
            .store
            .watches(&message.tenant_id, &message.connection_id)
            .await?
            .into_iter()
            .find(|w| w.project_id == message.project.id)
        {
            return Ok(ProjectPath {
                owner: watch.owner_alias.clone(),
                alias: watch.alias.clone(),
                default_branch: watch.default_branch.clone(),
                watch: Some(watch),
            });
        }
        let (Some(owner), Some(alias)) = (&message.project.owner_alias, &message.project.alias)
        else {
            return Err(ProcessError::Poison(
                "the delivery names no project path and the project is not watched".into(),
            ));
        };
        let project = session.project(owner, alias).await.map_err(gitflic_error)?;
        match (project.id.as_deref(), project.owner_alias(), &project.alias) {
            (Some(id), Some(o), Some(a)) if id == message.project.id => Ok(ProjectPath {
                owner: o.to_owned(),
                alias: a.clone(),
                default_branch: project.default_branch.clone(),
                watch: None,
            }),
            _ => {
                tracing::warn!(project_id = %message.project.id, pipeline_id = %message.pipeline.id, "the delivery's project path names another project; refused");
                Err(ProcessError::Poison(
                    "the delivery's project path is not the project of its id".into(),
                ))
            }
        }
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
