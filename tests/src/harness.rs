//! The whole product on one machine: moto_server (via the local stack), a GitFlic stand-in with a
//! failed pipeline, Slack/Telegram/Matrix stand-ins, and the three functions' handlers wired as
//! AWS wires them (webhook → SQS → analyzer). Used by the end-to-end tests and by `make demo`.

use crate::fake_chat::{FakeChat, MATRIX_TOKEN, TELEGRAM_TOKEN};
use crate::fake_gitflic::{FakeGitflic, FakeJob, oauth_app};
use crate::{HttpEvent, LocalStack, env};
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use exlogare_analyzer::config::AnalyzerConfig;
use exlogare_analyzer::pipeline::PipelineAnalyzer;
use exlogare_oauth::config::OauthConfig;
use exlogare_oauth::connect::{Connect, WatchSettings};
use exlogare_reconciler::Reconciler;
use exlogare_reconciler::config::{ReconcileSettings, ReconcilerConfig};
use exlogare_shared::config::GitflicAppConfig;
use exlogare_shared::crypto::Kms;
use exlogare_shared::notify::Channel;
use exlogare_shared::notify::Slot;
use exlogare_shared::report::{Language, PipelineReport};
use exlogare_shared::store::{Store, Work};
use exlogare_webhook::config::WebhookConfig;
use exlogare_webhook::ingest::Ingest;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

pub const PUBLIC: &str = "https://exlogare.example.test";

/// What the oauth and analyzer functions would read from their environment in a deployment
/// whose GitFlic, Telegram and AWS are the stand-ins and the local stack.
pub fn app_config(
    stack: &LocalStack,
    telegram_api: String,
    language: Language,
    allow_private: bool,
) -> GitflicAppConfig {
    let app = oauth_app();
    GitflicAppConfig {
        table_name: stack.table.clone(),
        kms_key_id: env("STACK_OUTPUT_ENCRYPTION_KEY_ALIAS"),
        client_id: app.client_id,
        client_secret: app.client_secret,
        allow_private,
        language,
        telegram_api,
        http_timeout: Duration::from_secs(20),
    }
}

/// The oauth function's configuration around `app`.
pub fn oauth_config(app: GitflicAppConfig) -> OauthConfig {
    OauthConfig {
        app,
        public_base_url: Some(Url::parse(PUBLIC).expect("a URL")),
        dashboard_url: Some(
            Url::parse("https://dashboard.example.test/integrations").expect("a URL"),
        ),
        console: exlogare_oauth::config::ConsoleAuth::default(),
        scopes: oauth_app().scopes,
        tenant_claim: "sub".into(),
    }
}
pub const PROJECT_ID: &str = "proj-1";

pub struct Harness {
    /// What the GitFlic-facing functions were configured with.
    pub app: GitflicAppConfig,
    pub stack: LocalStack,
    pub gitflic: FakeGitflic,
    pub chat: FakeChat,
    pub store: Store,
    pub kms: Kms,
    pub connect: Connect,
    pub ingest: Ingest,
    pub queue_url: String,
    pub analyzer: Arc<PipelineAnalyzer>,
    pub tenant: String,
    pub connection_id: String,
    pub hook_secret: String,
}

pub fn job(local_id: &str, name: &str, stage: &str, status: &str, log: Option<&[u8]>) -> FakeJob {
    FakeJob {
        local_id: local_id.into(),
        name: name.into(),
        stage: stage.into(),
        status: status.into(),
        log: log.map(<[u8]>::to_vec),
    }
}

/// What a [`Harness`] may be started with besides its defaults.
#[derive(Clone, Copy)]
pub struct Options {
    pub language: Language,
    /// Makes the language model's settings from the chat stand-in's OpenAI-compatible base URL.
    pub llm: Option<fn(String) -> exlogare_shared::llm::LlmSettings>,
    pub http_timeout: Duration,
    pub log_cap: usize,
    /// GitFlic requests a connection may spend an hour before baselines are skipped.
    pub baseline_requests_per_hour: u64,
    /// The watched project's merge-request discussions.
    pub discussions: bool,
}

impl Options {
    pub fn new(language: Language) -> Self {
        Self {
            language,
            llm: None,
            http_timeout: Duration::from_secs(20),
            log_cap: 20_000_000,
            baseline_requests_per_hour: 200,
            discussions: false,
        }
    }
}

impl Harness {
    /// Connected (OAuth), watching `acme/service-1`, with a Slack, a Telegram and a Matrix channel.
    pub async fn start(language: Language) -> anyhow::Result<Self> {
        Self::start_with(Options::new(language)).await
    }

    /// As [`Harness::start`], with other [`Options`].
    pub async fn start_with(options: Options) -> anyhow::Result<Self> {
        let Options {
            language,
            llm,
            http_timeout,
            log_cap,
            baseline_requests_per_hour,
            discussions,
        } = options;
        let mut stack = LocalStack::from_env().await;
        // Its own table: reconciliation reads every watch of the table it is given.
        stack.table = stack.fresh_table().await;
        let gitflic = FakeGitflic::start().await;
        let chat = FakeChat::start().await;
        let store = Store::new(&stack.sdk, &stack.table);
        let kms = Kms::new(&stack.sdk, env("STACK_OUTPUT_ENCRYPTION_KEY_ALIAS"));
        let app = GitflicAppConfig {
            http_timeout,
            ..app_config(&stack, chat.telegram_api(), language, true)
        };
        // The oauth function's flows: the harness connects and watches through them.
        let connect =
            exlogare_oauth::App::from_config(oauth_config(app.clone()), &stack.sdk)?.connect;
        let app_config = app.clone();
        let tenant = format!("tenant-{}", uuid::Uuid::new_v4());
        let public = Url::parse(PUBLIC)?;
        let consent = connect
            .start(&tenant, Some(&gitflic.base_url), &public)
            .await?;
        let state = consent
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
            .ok_or_else(|| anyhow::anyhow!("no state in the consent URL"))?;
        let connection = connect.complete(&gitflic.approve(), &state).await?;
        connect
            .watch(
                &tenant,
                &connection.id,
                ("acme", "service-1"),
                WatchSettings {
                    branch_pattern: None,
                    discussions: Some(discussions),
                },
                &public,
            )
            .await?;
        let hook = gitflic
            .hooks("acme", "service-1")
            .pop()
            .ok_or_else(|| anyhow::anyhow!("no webhook registered"))?;

        for channel in [
            Channel::Slack {
                webhook_url: chat.slack_url(),
            },
            Channel::Telegram {
                bot_token: TELEGRAM_TOKEN.into(),
                chat_id: "-1001234567890".into(),
            },
            Channel::Matrix {
                homeserver: chat.matrix_homeserver(),
                access_token: MATRIX_TOKEN.into(),
                room_id: "!ci:matrix.example.test".into(),
            },
        ] {
            let sealed = kms
                .encrypt(
                    &serde_json::to_vec(&channel)?,
                    &Slot::parse(channel.kind()).encryption_context(&tenant),
                )
                .await?;
            store.put_channel(&tenant, channel.kind(), &sealed).await?;
        }

        let queue_url = stack.fresh_queue().await;
        let ingest = webhook(&stack, &queue_url);
        let analyzer = Arc::new(PipelineAnalyzer::from_config(
            &AnalyzerConfig {
                app,
                log_cap,
                report_retention: Duration::from_secs(90 * 86_400),
                concurrency: 4,
                llm: llm.map(|settings| settings(chat.llm_base())),
                baseline_requests_per_hour,
                green_run_memory: Duration::from_secs(24 * 3600),
            },
            &stack.sdk,
        )?);
        Ok(Self {
            app: app_config,
            stack,
            gitflic,
            chat,
            store,
            kms,
            connect,
            ingest,
            queue_url,
            analyzer,
            tenant,
            connection_id: connection.id,
            hook_secret: hook.secret,
        })
    }

    /// The reconciler as deployed here, with `settings`, feeding the harness' queue.
    pub fn reconciler(&self, settings: ReconcileSettings) -> anyhow::Result<Arc<Reconciler>> {
        Ok(Arc::new(Reconciler::from_config(
            &ReconcilerConfig {
                app: self.app.clone(),
                queue_url: self.queue_url.clone(),
                public_base_url: Url::parse(PUBLIC)?,
                settings,
            },
            &self.stack.sdk,
        )?))
    }

    /// The report the analyzer stored for a delivery.
    pub async fn stored_report(&self, delivery_key: &str) -> anyhow::Result<PipelineReport> {
        let stored = self
            .store
            .completed_payload(Work::Analysis, delivery_key)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no stored report for {delivery_key}"))?;
        Ok(serde_json::from_str(&stored)?)
    }

    /// GitFlic's PIPELINE_FAIL delivery for pipeline `local_id`, through the webhook function,
    /// under a fresh UUID (as a re-run's); [`Harness::deliver`] with `uuid-pipeline-<local_id>`
    /// names it as the stand-in's pipeline list does.
    pub async fn deliver_failure(&self, local_id: &str) -> (lambda_http::http::StatusCode, String) {
        let pipeline_id = format!("uuid-pipeline-{local_id}-{}", uuid::Uuid::new_v4().simple());
        self.deliver(local_id, &pipeline_id).await
    }

    /// As [`Harness::deliver_failure`], for a given pipeline UUID; returns the delivery key.
    pub async fn deliver(
        &self,
        local_id: &str,
        pipeline_id: &str,
    ) -> (lambda_http::http::StatusCode, String) {
        self.deliver_event("PIPELINE_FAIL", local_id, pipeline_id)
            .await
    }

    /// GitFlic's PIPELINE_SUCCESS delivery for pipeline `local_id`.
    pub async fn deliver_success(&self, local_id: &str) -> (lambda_http::http::StatusCode, String) {
        let pipeline_id = format!("uuid-pipeline-{local_id}-{}", uuid::Uuid::new_v4().simple());
        self.deliver_event("PIPELINE_SUCCESS", local_id, &pipeline_id)
            .await
    }

    /// A pipeline event `action` for `local_id` (its UUID `pipeline_id`) through the webhook
    /// function; its status and the delivery key.
    pub async fn deliver_event(
        &self,
        action: &str,
        local_id: &str,
        pipeline_id: &str,
    ) -> (lambda_http::http::StatusCode, String) {
        let body = json!({
            "action": action,
            "project_id": PROJECT_ID,
            "project": { "project_id": PROJECT_ID, "title": "Service 1", "alias": "service-1", "owner_alias": "acme", "owner_type": "COMPANY" },
            "pipeline": { "id": pipeline_id, "local_id": local_id, "commit_id": "3f786850e387550fdab836ed7e6dc881de23001b",
                          "url": format!("{}/project/acme/service-1/cicd/pipeline/{local_id}", self.gitflic.base_url) }
        });
        let event = HttpEvent::post("/webhook/gitflic")
            .header("gitflic-webhook-secret", &self.hook_secret)
            .query("secret", &self.hook_secret)
            .json(&body);
        let response = exlogare_webhook::handle(&self.ingest, event.request())
            .await
            .expect("webhook answers");
        let key = exlogare_shared::queue::delivery_key(&self.tenant, PROJECT_ID, pipeline_id);
        (response.status(), key)
    }

    /// One Lambda-style poll: receive what is visible on the queue, run the analyzer on it as an
    /// SQS event, delete the records it processed and make the failed ones visible again (as
    /// SQS does after the visibility timeout). Returns the records seen and the batch response.
    pub async fn poll(&self, time: Duration) -> (usize, SqsBatchResponse) {
        poll(&self.stack, &self.queue_url, &self.analyzer, time).await
    }

    /// Sends a message body straight to the queue (as a replayed or malformed delivery would).
    pub async fn enqueue_raw(&self, body: &str) {
        self.stack
            .sqs()
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(body)
            .send()
            .await
            .expect("send");
    }
}

/// The webhook function as deployed here, queueing to `queue_url` (deliveries remembered an hour).
pub fn webhook(stack: &LocalStack, queue_url: &str) -> Ingest {
    Ingest::from_config(
        &WebhookConfig {
            table_name: stack.table.clone(),
            queue_url: queue_url.to_owned(),
            dedupe_ttl: Duration::from_secs(3600),
        },
        &stack.sdk,
    )
}

/// One Lambda-style poll of `queue_url` by `analyzer` (see [`Harness::poll`]).
pub async fn poll(
    stack: &LocalStack,
    queue_url: &str,
    analyzer: &Arc<PipelineAnalyzer>,
    time: Duration,
) -> (usize, SqsBatchResponse) {
    let sqs = stack.sqs();
    let received = sqs
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .wait_time_seconds(0)
        .send()
        .await
        .expect("receive")
        .messages
        .unwrap_or_default();
    let mut event = SqsEvent::default();
    for m in &received {
        let mut message = SqsMessage::default();
        message.message_id = m.message_id.clone();
        message.receipt_handle = m.receipt_handle.clone();
        message.body = m.body.clone();
        event.records.push(message);
    }
    let response =
        exlogare_analyzer::handle(analyzer.clone(), event, Instant::now() + time, 4).await;
    for m in &received {
        let failed = response
            .batch_item_failures
            .iter()
            .any(|f| Some(&f.item_identifier) == m.message_id.as_ref());
        let handle = m.receipt_handle.clone().unwrap_or_default();
        if failed {
            let _ = sqs
                .change_message_visibility()
                .queue_url(queue_url)
                .receipt_handle(handle)
                .visibility_timeout(0)
                .send()
                .await;
        } else {
            let _ = sqs
                .delete_message()
                .queue_url(queue_url)
                .receipt_handle(handle)
                .send()
                .await;
        }
    }
    (received.len(), response)
}
