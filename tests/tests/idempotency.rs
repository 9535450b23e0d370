//! The one idempotency state machine (store::idempotency) against moto's DynamoDB: what each
//! claim answers after each step, for both kinds of work.

use exlogare_shared::store::{Claim, Store, Work};
use exlogare_tests::LocalStack;
use std::time::Duration;

const LONG: Duration = Duration::from_secs(600);

fn fresh_key() -> String {
    format!("tenant#project#{}", uuid::Uuid::new_v4().simple())
}

fn claimed(progress: &[&str]) -> Claim {
    Claim::Claimed {
        progress: progress.iter().map(|s| s.to_string()).collect(),
    }
}

async fn store() -> Store {
    let stack = LocalStack::from_env().await;
    Store::new(&stack.sdk, &stack.table)
}

#[tokio::test]
async fn a_claim_is_held_until_released_and_its_progress_survives() {
    let store = store().await;
    for work in [Work::Delivery, Work::Analysis] {
        let key = fresh_key();
        assert!(!store.held_or_complete(work, &key).await.unwrap());
        assert_eq!(
            store.claim(work, &key, LONG, LONG).await.unwrap(),
            claimed(&[])
        );
        assert!(store.held_or_complete(work, &key).await.unwrap());
        assert_eq!(
            store.claim(work, &key, LONG, LONG).await.unwrap(),
            Claim::Busy
        );

        store.progress(work, &key, "slack").await.unwrap();
        store
            .progress(work, &key, "rejected:telegram")
            .await
            .unwrap();
        store.release(work, &key).await.unwrap();
        assert!(!store.held_or_complete(work, &key).await.unwrap());
        let Claim::Claimed { mut progress } = store.claim(work, &key, LONG, LONG).await.unwrap()
        else {
            panic!("a released claim is claimable");
        };
        progress.sort();
        assert_eq!(progress, ["rejected:telegram", "slack"]);
    }
}

#[tokio::test]
async fn complete_work_stays_complete_with_its_payload() {
    let store = store().await;
    let key = fresh_key();
    assert_eq!(
        store.claim(Work::Analysis, &key, LONG, LONG).await.unwrap(),
        claimed(&[])
    );
    store
        .complete(Work::Analysis, &key, LONG, Some("{\"report\":1}"))
        .await
        .unwrap();
    assert_eq!(
        store.claim(Work::Analysis, &key, LONG, LONG).await.unwrap(),
        Claim::Complete
    );
    store.release(Work::Analysis, &key).await.unwrap();
    assert_eq!(
        store.claim(Work::Analysis, &key, LONG, LONG).await.unwrap(),
        Claim::Complete,
        "a release does not undo completion"
    );
    assert!(store.held_or_complete(Work::Analysis, &key).await.unwrap());
    assert_eq!(
        store
            .completed_payload(Work::Analysis, &key)
            .await
            .unwrap()
            .as_deref(),
        Some("{\"report\":1}")
    );
    // The same key as a delivery is another record.
    assert_eq!(
        store.claim(Work::Delivery, &key, LONG, LONG).await.unwrap(),
        claimed(&[])
    );
    assert_eq!(
        store.completed_payload(Work::Delivery, &key).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn a_lease_that_ran_out_and_a_record_that_expired_can_be_claimed_again() {
    let store = store().await;
    let (leased, expired) = (fresh_key(), fresh_key());
    assert_eq!(
        store
            .claim(Work::Analysis, &leased, Duration::ZERO, LONG)
            .await
            .unwrap(),
        claimed(&[])
    );
    store
        .progress(Work::Analysis, &leased, "matrix")
        .await
        .unwrap();
    store
        .claim(Work::Delivery, &expired, LONG, LONG)
        .await
        .unwrap();
    store
        .complete(Work::Delivery, &expired, Duration::ZERO, None)
        .await
        .unwrap();
    // Epoch seconds: wait until "now" has passed both.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        store
            .claim(Work::Analysis, &leased, LONG, LONG)
            .await
            .unwrap(),
        claimed(&["matrix"])
    );
    assert!(
        !store
            .held_or_complete(Work::Delivery, &expired)
            .await
            .unwrap()
    );
    assert!(matches!(
        store
            .claim(Work::Delivery, &expired, LONG, LONG)
            .await
            .unwrap(),
        Claim::Claimed { .. }
    ));
}

#[tokio::test]
async fn of_concurrent_claims_exactly_one_wins() {
    let store = store().await;
    let key = fresh_key();
    let claims = futures_claims(&store, &key, 8).await;
    let won = claims
        .iter()
        .filter(|c| matches!(c, Claim::Claimed { .. }))
        .count();
    assert_eq!(won, 1, "{claims:?}");
    assert!(
        claims
            .iter()
            .all(|c| matches!(c, Claim::Claimed { .. } | Claim::Busy))
    );
}

async fn futures_claims(store: &Store, key: &str, n: usize) -> Vec<Claim> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (store, key) = (store.clone(), key.to_owned());
        tasks.spawn(async move { store.claim(Work::Delivery, &key, LONG, LONG).await.unwrap() });
    }
    let mut claims = Vec::new();
    while let Some(claim) = tasks.join_next().await {
        claims.push(claim.unwrap());
    }
    claims
}
