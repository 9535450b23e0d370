//! Helpers for the integration tests: the local stack's clients, API Gateway events, log capture.
//!
//! The tests run inside `scripts/local_stack.py run -- …` (what `make test` does), which starts
//! moto_server and exports the functions' environment.

pub mod console;
pub mod fake_chat;
pub mod fake_gitflic;
pub mod harness;
pub mod webdriver;

use aws_config::SdkConfig;
use base64::Engine;
use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Serves `app` on a free 127.0.0.1 port for the rest of the test; returns its base URL.
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// The local stack's environment; panics with the command to run when it is absent.
pub struct LocalStack {
    pub sdk: SdkConfig,
    pub table: String,
    pub queue_url: String,
}

pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: these tests need the local AWS stack. Run `make test`, or \
             `python3 scripts/local_stack.py run -- cargo test --workspace`."
        )
    })
}

impl LocalStack {
    pub async fn from_env() -> Self {
        env("AWS_ENDPOINT_URL");
        Self {
            sdk: exlogare_shared::config::aws().await,
            table: env("TABLE_NAME"),
            queue_url: env("QUEUE_URL"),
        }
    }

    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.sdk)
    }

    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.sdk)
    }

    /// A new queue with the attributes of the stack's queue, so that concurrent tests do not read
    /// each other's messages.
    pub async fn fresh_queue(&self) -> String {
        let sqs = self.sqs();
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&self.queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
            .send()
            .await
            .expect("stack queue attributes")
            .attributes
            .unwrap_or_default();
        let mut create = sqs
            .create_queue()
            .queue_name(format!("test-{}", uuid::Uuid::new_v4()));
        for (name, value) in attributes {
            use aws_sdk_sqs::types::QueueAttributeName as A;
            if matches!(
                name,
                A::VisibilityTimeout | A::MessageRetentionPeriod | A::RedrivePolicy
            ) {
                create = create.attributes(name, value);
            }
        }
        create
            .send()
            .await
            .expect("create test queue")
            .queue_url
            .expect("queue url")
    }

    /// A new table with the keys, index and TTL of the stack's table: reconciliation reads
    /// every watch in its table, so a test that runs it must not see other tests' watches.
    pub async fn fresh_table(&self) -> String {
        let dynamodb = self.dynamodb();
        let table = dynamodb
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
            .expect("describe the stack's table")
            .table
            .expect("a table");
        let name = format!("test-{}", uuid::Uuid::new_v4());
        let indexes = table
            .global_secondary_indexes
            .unwrap_or_default()
            .into_iter()
            .map(|index| {
                aws_sdk_dynamodb::types::GlobalSecondaryIndex::builder()
                    .set_index_name(index.index_name)
                    .set_key_schema(index.key_schema)
                    .set_projection(index.projection)
                    .build()
                    .expect("an index")
            })
            .collect();
        dynamodb
            .create_table()
            .table_name(&name)
            .set_attribute_definitions(table.attribute_definitions)
            .set_key_schema(table.key_schema)
            .set_global_secondary_indexes(Some(indexes))
            .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
            .send()
            .await
            .expect("create a test table");
        name
    }

    /// Every message now on `queue_url` (bodies), received and deleted.
    pub async fn drain(&self, queue_url: &str) -> Vec<String> {
        let sqs = self.sqs();
        let mut bodies = Vec::new();
        loop {
            let out = sqs
                .receive_message()
                .queue_url(queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(0)
                .send()
                .await
                .expect("receive");
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                return bodies;
            }
            for m in messages {
                sqs.delete_message()
                    .queue_url(queue_url)
                    .receipt_handle(m.receipt_handle.unwrap_or_default())
                    .send()
                    .await
                    .expect("delete");
                bodies.push(m.body.unwrap_or_default());
            }
        }
    }
}

/// An API Gateway HTTP API (payload 2.0) event, as `sam local invoke -e` and Lambda deliver it.
#[derive(Clone)]
pub struct HttpEvent {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub base64: bool,
    /// The JWT authorizer's claims, as API Gateway passes them.
    pub claims: Vec<(String, String)>,
}

impl HttpEvent {
    pub fn post(path: &str) -> Self {
        Self {
            method: "POST".into(),
            path: path.into(),
            query: vec![],
            headers: vec![("content-type".into(), "application/json".into())],
            body: None,
            base64: false,
            claims: vec![],
        }
    }

    pub fn get(path: &str) -> Self {
        Self::post(path).method("GET")
    }

    pub fn claim(mut self, name: &str, value: &str) -> Self {
        self.claims.push((name.into(), value.into()));
        self
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = method.into();
        self
    }

    pub fn query(mut self, key: &str, value: &str) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    pub fn header(mut self, key: &str, value: &str) -> Self {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(key));
        self.headers.push((key.to_ascii_lowercase(), value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    pub fn json(self, body: &Value) -> Self {
        self.body(body.to_string())
    }

    pub fn base64(mut self) -> Self {
        self.base64 = true;
        self
    }

    pub fn to_json(&self) -> Value {
        let raw_query = self
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut query_map = serde_json::Map::new();
        for (k, v) in &self.query {
            // API Gateway joins repeated keys with commas in queryStringParameters.
            let joined = match query_map.get(k) {
                Some(Value::String(prev)) => format!("{prev},{v}"),
                _ => v.clone(),
            };
            query_map.insert(k.clone(), Value::String(joined));
        }
        let headers: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        let body = self.body.as_ref().map(|b| {
            if self.base64 {
                base64::engine::general_purpose::STANDARD.encode(b)
            } else {
                String::from_utf8_lossy(b).into_owned()
            }
        });
        let mut event = json!({
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": self.path,
            "rawQueryString": raw_query,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": "api-id",
                "domainName": "example.execute-api.eu-central-1.amazonaws.com",
                "domainPrefix": "example",
                "http": {
                    "method": self.method,
                    "path": self.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": "192.0.2.10",
                    "userAgent": "GitFlic-Webhook"
                },
                "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                "routeKey": "$default",
                "stage": "$default",
                "time": "22/Nov/2026:10:00:00 +0000",
                "timeEpoch": 1795341600000u64
            },
            "isBase64Encoded": self.base64
        });
        if !self.claims.is_empty() {
            let claims: serde_json::Map<String, Value> = self
                .claims
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            event["requestContext"]["authorizer"] =
                json!({ "jwt": { "claims": claims, "scopes": null } });
        }
        if !query_map.is_empty() {
            event["queryStringParameters"] = Value::Object(query_map);
        }
        if let Some(body) = body {
            event["body"] = Value::String(body);
        }
        event
    }

    pub fn request(&self) -> lambda_http::Request {
        request_from_event(&self.to_json().to_string())
    }
}

/// Parses an event exactly as the Lambda runtime does.
pub fn request_from_event(event: &str) -> lambda_http::Request {
    lambda_http::request::from_str(event).expect("a valid API Gateway event")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Captures what the production JSON subscriber writes, for the duration of the returned guard.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// Installs the capture as this thread's subscriber (use a current-thread runtime).
    pub fn install() -> (Self, tracing::subscriber::DefaultGuard) {
        // tracing caches each callsite's interest when it is first reached. Without a global
        // subscriber, a line first logged by a test on another thread is cached as "never" and
        // this thread's capture would not see it either. A global one with the same filter,
        // writing nowhere, keeps every info line enabled whichever thread reaches it first.
        static GLOBAL: std::sync::Once = std::sync::Once::new();
        GLOBAL.call_once(|| {
            let _ = tracing::subscriber::set_global_default(
                exlogare_shared::telemetry::subscriber(std::io::sink),
            );
        });
        let capture = Self::default();
        let guard = tracing::subscriber::set_default(exlogare_shared::telemetry::subscriber(
            capture.clone(),
        ));
        (capture, guard)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::LogCapture;

    fn announce() {
        tracing::info!("announced");
    }

    /// The callsite is first reached on a thread without the capture, as when another test
    /// running beside this one logs the same line first.
    #[test]
    fn a_line_first_logged_on_another_thread_is_still_captured() {
        let (logs, _guard) = LogCapture::install();
        std::thread::spawn(announce).join().expect("thread");
        announce();
        assert!(logs.text().contains("announced"), "{}", logs.text());
    }
}
