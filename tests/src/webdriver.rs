//! A headless Chromium driven through ChromeDriver's W3C WebDriver protocol (JSON over HTTP on
//! 127.0.0.1): the handful of commands the browser tests use. Debian's `chromium` and
//! `chromium-driver` packages provide both (`make test` installs them).

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long a wait for an element or a text lasts.
const PATIENCE: Duration = Duration::from_secs(15);
/// The W3C element reference key.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    driver: Child,
    http: reqwest::Client,
    session: String,
}

impl Browser {
    /// A headless Chromium with a fresh profile, `width`×`height` pixels.
    pub async fn start(width: u32, height: u32) -> anyhow::Result<Self> {
        anyhow::ensure!(
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
            "the browser tests need Debian's chromium and chromium-driver: run `make test`, which installs them"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let started = Instant::now();
        while http.get(format!("{base}/status")).send().await.is_err() {
            anyhow::ensure!(started.elapsed() < PATIENCE, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile =
            std::env::temp_dir().join(format!("exlogare-chromium-{}", uuid::Uuid::new_v4()));
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                // Without the networking switches Chromium keeps calling home, which a closed
                // network refuses (see the machine notes); as root it needs --no-sandbox.
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--lang=en-US",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        }}});
        let answer: Value = http
            .post(format!("{base}/session"))
            .json(&capabilities)
            .send()
            .await?
            .json()
            .await?;
        let session = answer["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("no WebDriver session: {answer}"))?;
        Ok(Self {
            driver,
            http,
            session: format!("{base}/session/{session}"),
        })
    }

    async fn command(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<Value> {
        let url = format!("{}{path}", self.session);
        let request = self.http.request(method.clone(), url);
        let request = if method == reqwest::Method::GET {
            request
        } else {
            request.json(&body)
        };
        let answer: Value = request.send().await?.json().await?;
        if let Some(error) = answer["value"]["error"].as_str() {
            anyhow::bail!("WebDriver {path}: {error}: {}", answer["value"]["message"]);
        }
        Ok(answer["value"].clone())
    }

    pub async fn go(&self, url: &str) -> anyhow::Result<()> {
        self.command(reqwest::Method::POST, "/url", json!({ "url": url }))
            .await?;
        Ok(())
    }

    pub async fn url(&self) -> anyhow::Result<String> {
        Ok(self
            .command(reqwest::Method::GET, "/url", Value::Null)
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// The first element `css` selects, waiting for it to appear.
    pub async fn find(&self, css: &str) -> anyhow::Result<String> {
        let started = Instant::now();
        loop {
            let found = self
                .command(
                    reqwest::Method::POST,
                    "/element",
                    json!({ "using": "css selector", "value": css }),
                )
                .await;
            if let Ok(element) = found
                && let Some(id) = element[ELEMENT].as_str()
            {
                return Ok(id.to_owned());
            }
            anyhow::ensure!(
                started.elapsed() < PATIENCE,
                "no element {css} on {}",
                self.url().await?
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the first element `css` selects; again if the page redrew it meanwhile.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let started = Instant::now();
        loop {
            let id = self.find(css).await?;
            match self
                .command(
                    reqwest::Method::POST,
                    &format!("/element/{id}/click"),
                    json!({}),
                )
                .await
            {
                Ok(_) => return Ok(()),
                Err(e)
                    if started.elapsed() < PATIENCE && e.to_string().contains("stale element") =>
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let id = self.find(css).await?;
        self.command(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            json!({}),
        )
        .await?;
        self.command(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        )
        .await?;
        Ok(())
    }

    /// The page's visible text.
    pub async fn text(&self) -> anyhow::Result<String> {
        let body = self.find("body").await?;
        Ok(self
            .command(
                reqwest::Method::GET,
                &format!("/element/{body}/text"),
                Value::Null,
            )
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// Waits until the page shows `needle`; the page's text when it does.
    pub async fn wait_for_text(&self, needle: &str) -> anyhow::Result<String> {
        let started = Instant::now();
        loop {
            let text = self.text().await.unwrap_or_default();
            if text.contains(needle) {
                return Ok(text);
            }
            anyhow::ensure!(
                started.elapsed() < PATIENCE,
                "the page never showed {needle:?}; it shows:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Resizes the window (the viewport follows).
    pub async fn resize(&self, width: u32, height: u32) -> anyhow::Result<()> {
        self.command(
            reqwest::Method::POST,
            "/window/rect",
            json!({ "width": width, "height": height }),
        )
        .await?;
        Ok(())
    }

    /// Runs `script` in the page and answers its value.
    pub async fn script(&self, script: &str) -> anyhow::Result<Value> {
        self.command(
            reqwest::Method::POST,
            "/execute/sync",
            json!({ "script": script, "args": [] }),
        )
        .await
    }

    /// Accepts the `confirm()` the page shows.
    pub async fn accept_dialog(&self) -> anyhow::Result<()> {
        let started = Instant::now();
        while self
            .command(reqwest::Method::POST, "/alert/accept", json!({}))
            .await
            .is_err()
        {
            anyhow::ensure!(started.elapsed() < PATIENCE, "no dialog to accept");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// A PNG of the viewport, written to `path`.
    pub async fn screenshot(&self, path: &std::path::Path) -> anyhow::Result<()> {
        use base64::Engine as _;
        let png = self
            .command(reqwest::Method::GET, "/screenshot", Value::Null)
            .await?;
        let bytes =
            base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap_or_default())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes)?;
        Ok(())
    }

    pub async fn quit(mut self) {
        let _ = self.http.delete(&self.session).send().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
