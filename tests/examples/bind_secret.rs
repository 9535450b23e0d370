//! Binds a webhook secret to a project in the local table, for the dev loop:
//!   cargo run -p exlogare-tests --example bind_secret -- SECRET PROJECT_ID
//! (with the local stack's environment: `source .local/stack.env`).

use exlogare_shared::secret::SecretDigest;
use exlogare_shared::store::{SecretBinding, Store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [secret, project_id] = args.as_slice() else {
        anyhow::bail!("usage: bind_secret SECRET PROJECT_ID");
    };
    let sdk = exlogare_shared::config::aws().await;
    let store = Store::new(&sdk, exlogare_tests::env("TABLE_NAME"));
    let binding = SecretBinding {
        tenant_id: "local-tenant".into(),
        connection_id: "local-connection".into(),
        project_id: Some(project_id.clone()),
    };
    store
        .put_secret_binding(&SecretDigest::of(secret), &binding)
        .await?;
    println!("bound the secret to project {project_id}");
    Ok(())
}
