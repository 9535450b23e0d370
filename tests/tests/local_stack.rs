//! The local stack has the shape template.yaml declares (scripts/local_stack.py builds it from
//! the template): the same keys, index, TTL attribute, redrive policy and key alias.

use exlogare_tests::{LocalStack, env};

#[tokio::test]
async fn the_table_has_the_keys_index_and_ttl_the_code_relies_on() {
    let stack = LocalStack::from_env().await;
    let ddb = stack.dynamodb();
    let table = ddb
        .describe_table()
        .table_name(&stack.table)
        .send()
        .await
        .unwrap()
        .table
        .unwrap();
    let keys: Vec<(String, String)> = table
        .key_schema()
        .iter()
        .map(|k| {
            (
                k.attribute_name().to_owned(),
                k.key_type().as_str().to_owned(),
            )
        })
        .collect();
    use exlogare_shared::store::{EXPIRES_AT, PK, SK};
    assert_eq!(
        keys,
        vec![(PK.into(), "HASH".into()), (SK.into(), "RANGE".into())]
    );
    let indexes: Vec<&str> = table
        .global_secondary_indexes()
        .iter()
        .filter_map(|i| i.index_name())
        .collect();
    assert_eq!(indexes, vec!["gsi1"]);
    let ttl = ddb
        .describe_time_to_live()
        .table_name(&stack.table)
        .send()
        .await
        .unwrap()
        .time_to_live_description
        .unwrap();
    assert_eq!(ttl.attribute_name(), Some(EXPIRES_AT));
}

#[tokio::test]
async fn failures_that_keep_failing_end_in_the_dead_letter_queue() {
    let stack = LocalStack::from_env().await;
    let attributes = stack
        .sqs()
        .get_queue_attributes()
        .queue_url(&stack.queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    let redrive: serde_json::Value =
        serde_json::from_str(&attributes[&aws_sdk_sqs::types::QueueAttributeName::RedrivePolicy])
            .unwrap();
    assert!(redrive["maxReceiveCount"].as_u64().unwrap() >= 5);
    let dlq_url = env("STACK_OUTPUT_FAILURE_DEAD_LETTER_QUEUE_URL");
    let dlq_arn = stack
        .sqs()
        .get_queue_attributes()
        .queue_url(&dlq_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn]
        .clone();
    assert_eq!(redrive["deadLetterTargetArn"], dlq_arn.as_str());
}

#[tokio::test]
async fn the_encryption_key_alias_exists() {
    let stack = LocalStack::from_env().await;
    let kms = aws_sdk_kms::Client::new(&stack.sdk);
    let alias = env("STACK_OUTPUT_ENCRYPTION_KEY_ALIAS");
    let key = kms.describe_key().key_id(&alias).send().await.unwrap();
    assert!(key.key_metadata.is_some());
}
