//! One GitFlic session: a connection's REST client with its tokens, one method per operation.
//! Every call carries a valid token (refreshed ahead of expiry); a token GitFlic refuses is
//! refreshed once, inside, and the call made again; a second refusal means the connection
//! needs reconnecting.

use crate::connections::{ConnectError, Connections};
use crate::gitflic::api::{
    ApiError, Artifact, Discussion, Download, GitflicApi, Job, MergeRequest, Pipeline, Project,
    Webhook, log_artifact,
};
use crate::store::ConnectionRecord;

/// Runs one API call with a valid token, and once more with a refreshed token if GitFlic refuses
/// it. A macro rather than a function taking a closure: the calls' futures borrow the session,
/// and a closure returning such a future is not provably `Send` on today's compiler.
macro_rules! authorized {
    ($session:ident, |$api:ident, $token:ident| $call:expr) => {{
        let $token = $session
            .connections
            .access_token(&mut $session.record, false)
            .await?;
        let $api = &$session.api;
        let $token = &$token;
        match $call.await {
            Err(ApiError::Unauthorized) => {
                let $token = $session
                    .connections
                    .access_token(&mut $session.record, true)
                    .await?;
                let $api = &$session.api;
                let $token = &$token;
                $call.await.map_err(|e| match e {
                    ApiError::Unauthorized => ConnectError::NeedsReconnect,
                    other => other.into(),
                })
            }
            other => other.map_err(ConnectError::from),
        }
    }};
}

pub struct Session<'c> {
    connections: &'c Connections,
    api: GitflicApi,
    record: ConnectionRecord,
}

impl<'c> Session<'c> {
    /// A session on the connection's GitFlic instance, with its tokens.
    pub fn open(
        connections: &'c Connections,
        record: ConnectionRecord,
    ) -> Result<Self, ConnectError> {
        let api = GitflicApi::new(
            connections.http().clone(),
            Connections::host_of(&record)?.api,
        );
        Ok(Self {
            connections,
            api,
            record,
        })
    }

    /// The connection, with its tokens as refreshed so far.
    pub fn record(&self) -> &ConnectionRecord {
        &self.record
    }

    /// GitFlic API requests this session has sent, retries included.
    pub fn requests(&self) -> u32 {
        self.api.requests()
    }

    /// Whether GitFlic has answered this session with a 429.
    pub fn throttled(&self) -> bool {
        self.api.throttled()
    }

    /// From now on the session's calls give up at the first 429 ([`ApiError::Throttled`]):
    /// for what the caller can do without.
    pub fn spare_when_throttled(&mut self) {
        self.api.spare_when_throttled();
    }

    pub async fn project(&mut self, owner: &str, alias: &str) -> Result<Project, ConnectError> {
        authorized!(self, |api, t| api.project(t, owner, alias))
    }

    pub async fn own_projects(&mut self) -> Result<Vec<Project>, ConnectError> {
        authorized!(self, |api, t| api.own_projects(t))
    }

    pub async fn shared_projects(&mut self) -> Result<Vec<Project>, ConnectError> {
        authorized!(self, |api, t| api.shared_projects(t))
    }

    /// One page of the project's pipelines, newest first, and whether more follow.
    pub async fn pipelines_page(
        &mut self,
        owner: &str,
        alias: &str,
        page: u32,
    ) -> Result<(Vec<Pipeline>, bool), ConnectError> {
        authorized!(self, |api, t| api.pipelines_page(t, owner, alias, page))
    }

    pub async fn pipeline_jobs(
        &mut self,
        owner: &str,
        alias: &str,
        pipeline_local_id: &str,
    ) -> Result<Vec<Job>, ConnectError> {
        authorized!(self, |api, t| api.pipeline_jobs(
            t,
            owner,
            alias,
            pipeline_local_id
        ))
    }

    pub async fn job_artifacts(
        &mut self,
        owner: &str,
        alias: &str,
        job_local_id: &str,
    ) -> Result<Vec<Artifact>, ConnectError> {
        authorized!(self, |api, t| api.job_artifacts(
            t,
            owner,
            alias,
            job_local_id
        ))
    }

    /// The id of the job's log among its artifacts (see [`log_artifact`]), if it has one.
    pub async fn log_artifact_id(
        &mut self,
        owner: &str,
        alias: &str,
        job_local_id: &str,
    ) -> Result<Option<String>, ConnectError> {
        let artifacts = self.job_artifacts(owner, alias, job_local_id).await?;
        Ok(log_artifact(&artifacts).and_then(|a| a.id.clone()))
    }

    pub async fn download_artifact(
        &mut self,
        owner: &str,
        alias: &str,
        job_local_id: &str,
        artifact_id: &str,
        cap: usize,
    ) -> Result<Download, ConnectError> {
        authorized!(self, |api, t| api.download_artifact(
            t,
            owner,
            alias,
            job_local_id,
            artifact_id,
            cap
        ))
    }

    pub async fn merge_requests_page(
        &mut self,
        owner: &str,
        alias: &str,
    ) -> Result<Vec<MergeRequest>, ConnectError> {
        authorized!(self, |api, t| api.merge_requests_page(t, owner, alias))
    }

    pub async fn create_discussion(
        &mut self,
        owner: &str,
        alias: &str,
        merge_request: &str,
        markdown: &str,
    ) -> Result<Discussion, ConnectError> {
        authorized!(self, |api, t| api.create_discussion(
            t,
            owner,
            alias,
            merge_request,
            markdown
        ))
    }

    pub async fn resolve_discussion(
        &mut self,
        owner: &str,
        alias: &str,
        merge_request: &str,
        uuid: &str,
    ) -> Result<(), ConnectError> {
        authorized!(self, |api, t| api.resolve_discussion(
            t,
            owner,
            alias,
            merge_request,
            uuid
        ))
    }

    pub async fn webhooks(
        &mut self,
        owner: &str,
        alias: &str,
    ) -> Result<Vec<Webhook>, ConnectError> {
        authorized!(self, |api, t| api.webhooks(t, owner, alias))
    }

    pub async fn create_webhook(
        &mut self,
        owner: &str,
        alias: &str,
        url: &str,
        secret: &str,
        branch_pattern: Option<&str>,
    ) -> Result<Webhook, ConnectError> {
        authorized!(self, |api, t| api.create_webhook(
            t,
            owner,
            alias,
            url,
            secret,
            branch_pattern
        ))
    }

    pub async fn delete_webhook(
        &mut self,
        owner: &str,
        alias: &str,
        id: &str,
    ) -> Result<(), ConnectError> {
        authorized!(self, |api, t| api.delete_webhook(t, owner, alias, id))
    }
}
