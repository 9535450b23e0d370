//! The console in a real browser (headless Chromium through ChromeDriver), against the console
//! front of `make console`: moto's Cognito behind the sign-in stand-in, the oauth function
//! behind a JWT check like API Gateway's, the GitFlic and chat stand-ins. A team lead signs in,
//! connects GitFlic (consenting at the stand-in), syncs, watches a project, sets a Slack room and
//! tests it, reads the report of a failure replayed through the webhook and the analyzer,
//! switches to Russian, and signs out; bad input shows the API's message, and an expired session
//! returns to the sign-in. Screenshots at desktop and phone widths go to target/screenshots/.

use exlogare_tests::console::{ConsoleStack, PASSWORD, USER};
use exlogare_tests::webdriver::Browser;
use std::path::PathBuf;

fn screenshot(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/screenshots")
        .join(name)
}

async fn sign_in(b: &Browser) -> anyhow::Result<()> {
    b.wait_for_text("Why did the pipeline fail?").await?;
    b.click("#sign-in").await?;
    b.type_into("#username", USER).await?;
    b.type_into("#password", PASSWORD).await?;
    b.click("#submit").await?;
    b.wait_for_text("GitFlic connections").await?;
    Ok(())
}

#[tokio::test]
async fn a_team_lead_sets_exlogare_up_in_the_browser() -> anyhow::Result<()> {
    let c = ConsoleStack::start().await?;
    c.add_failed_pipeline("118");
    let b = Browser::start(1280, 900).await?;
    let console = format!("{}/console", c.url);

    // A wrong password stays on the sign-in page, with the pool's answer.
    b.go(&console).await?;
    b.wait_for_text("Why did the pipeline fail?").await?;
    b.click("#sign-in").await?;
    b.type_into("#username", USER).await?;
    b.type_into("#password", "wrong-password").await?;
    b.click("#submit").await?;
    b.wait_for_text("Incorrect username or password.").await?;
    b.go(&console).await?;
    sign_in(&b).await?;
    b.wait_for_text("No GitFlic connection yet.").await?;

    // Connect a self-hosted GitFlic: its consent page, then back with the outcome.
    b.type_into("#base-url", &c.gitflic.base_url).await?;
    b.click("#connect").await?;
    b.click("#allow").await?;
    b.wait_for_text("GitFlic is connected.").await?;
    let text = b.wait_for_text("ivan").await?;
    assert!(text.contains("active"), "{text}");

    // Sync, find and watch a project.
    b.click("a[href^='#/connections/']").await?;
    b.click("#sync").await?;
    b.wait_for_text("acme/service-1").await?;
    b.type_into("#search", "service-1").await?;
    let text = b.text().await?;
    assert!(
        !text.contains("acme/service-2"),
        "the search filters: {text}"
    );
    b.type_into("li[data-project='acme/service-1'] input.pattern", "main")
        .await?;
    b.click("li[data-project='acme/service-1'] button.watch")
        .await?;
    b.wait_for_text("watched").await?;
    let text = b.text().await?;
    assert!(
        !text.contains("acme/service-2"),
        "the search is kept: {text}"
    );
    assert_eq!(
        c.gitflic.hooks("acme", "service-1").len(),
        1,
        "the hook is registered"
    );
    assert_eq!(
        c.gitflic.hooks("acme", "service-1")[0]
            .branch_pattern
            .as_deref(),
        Some("main")
    );
    b.screenshot(&screenshot("console-projects-desktop.png"))
        .await?;
    // Unwatched and watched again: the hook goes and comes back, one at a time.
    b.click("li[data-project='acme/service-1'] button.unwatch")
        .await?;
    b.wait_for_text("Watch").await?;
    let started = std::time::Instant::now();
    while !c.gitflic.hooks("acme", "service-1").is_empty() {
        anyhow::ensure!(started.elapsed().as_secs() < 10, "the hook was not deleted");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    b.click("li[data-project='acme/service-1'] button.watch")
        .await?;
    b.wait_for_text("watched").await?;

    // Rooms: the API's message for a bad address, then a real one, masked, and a test message.
    b.click("a[href='#/rooms']").await?;
    b.type_into("#slack-webhook_url", "not a url").await?;
    b.click("#slack-save").await?;
    b.wait_for_text("webhook_url is not a URL").await?;
    b.type_into("#slack-webhook_url", &c.chat.slack_url())
        .await?;
    b.click("#slack-save").await?;
    b.wait_for_text("Saved.").await?;
    let text = b.text().await?;
    assert!(
        text.contains("webhook_url: ") && text.contains("****"),
        "masked: {text}"
    );
    assert!(
        !text.contains(&c.chat.slack_url()),
        "never shown whole: {text}"
    );
    b.click("#slack-test").await?;
    b.wait_for_text("Delivered.").await?;
    assert_eq!(
        c.chat.received("slack").len(),
        1,
        "the stand-in got the test message"
    );

    // A failure replayed through the webhook and the analyzer: its report in the console.
    c.replay_failure("acme", "service-1", "118").await?;
    assert_eq!(c.chat.received("slack").len(), 2, "and the report");
    b.go(&format!("{console}#/projects/proj-1")).await?;
    let text = b.wait_for_text("Pipeline #118").await?;
    assert!(
        text.contains("E0425") && text.contains("src/cart.rs:14"),
        "{text}"
    );
    assert!(text.contains("new failure"), "{text}");
    b.screenshot(&screenshot("console-reports-desktop.png"))
        .await?;
    b.resize(390, 844).await?;
    b.screenshot(&screenshot("console-reports-phone.png"))
        .await?;
    b.resize(1280, 900).await?;

    // Russian, kept across pages.
    b.click("#language").await?;
    b.wait_for_text("Отчёты").await?;
    b.click("a[href='#/rooms']").await?;
    b.wait_for_text("Комнаты").await?;
    b.click("#language").await?;
    b.wait_for_text("Rooms").await?;

    // A session that has ended returns to the sign-in at the next request.
    b.script("const s = JSON.parse(sessionStorage.getItem('exlogare.session')); s.expires_at = 1; sessionStorage.setItem('exlogare.session', JSON.stringify(s));")
        .await?;
    b.click("a[href='#/']").await?;
    b.wait_for_text("Your session has ended: sign in again.")
        .await?;
    b.wait_for_text("Why did the pipeline fail?").await?;

    // Signed in again; signing out ends the session.
    sign_in(&b).await?;
    b.click("#sign-out").await?;
    b.wait_for_text("Why did the pipeline fail?").await?;
    let stored = b
        .script("return sessionStorage.getItem('exlogare.session');")
        .await?;
    assert!(stored.is_null(), "no token left behind: {stored}");
    b.quit().await;
    Ok(())
}
