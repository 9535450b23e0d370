//! `make console`: the web console on this machine (see `exlogare_tests::console`): prints the
//! address to open and the user to sign in as; a failed pipeline of `acme/service-1` is
//! replayed through the webhook once that project is watched, so a report shows. Ctrl-C stops.
//! Run inside the local stack: `python3 scripts/local_stack.py run -- cargo run -p exlogare-tests --example console`.

use exlogare_tests::console::{ConsoleStack, PASSWORD, TENANT, USER};
use std::time::Duration;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let c = ConsoleStack::start().await?;
    c.add_failed_pipeline("118");
    println!("Exlogare console: {}/console", c.url);
    println!("  sign in as {USER} / {PASSWORD} (team {TENANT})");
    println!(
        "  connect GitFlic at {} (its consent page allows at a click)",
        c.gitflic.base_url
    );
    println!("  Slack room for the stand-in: {}", c.chat.slack_url());
    println!("  watch acme/service-1 and its failed pipeline #118 is replayed; Ctrl-C stops");
    let mut replayed = false;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
        if !replayed && !c.gitflic.hooks("acme", "service-1").is_empty() {
            c.replay_failure("acme", "service-1", "118").await?;
            println!("  #118 failed and was analysed: see its report in the console");
            replayed = true;
        }
    }
}
