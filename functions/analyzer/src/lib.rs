//! The analyzer function: an SQS batch of pipeline failures in, a partial batch response out.
//! Each record is processed by [`pipeline`]; a record that fails (for now or
//! for good) is reported as a batch item failure, so SQS retries it and finally moves it to the
//! dead-letter queue, without failing the other records of the batch.

pub mod config;
mod context;
mod discussions;
mod fixed;
mod last_green;
mod logs;
pub mod outcome;
pub mod pipeline;
mod report;
mod rooms;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use outcome::ProcessError;
use pipeline::PipelineAnalyzer;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

/// Processes a batch, at most `concurrency` records at once, within `deadline`.
pub async fn handle(
    analyzer: Arc<PipelineAnalyzer>,
    event: SqsEvent,
    deadline: Instant,
    concurrency: usize,
) -> SqsBatchResponse {
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    let mut response = SqsBatchResponse::default();
    // Copies of one message (SQS delivers at least once) go one after another: the second then
    // finds the work done instead of finding it busy and coming back after the visibility timeout.
    let mut copies: Vec<(String, Vec<String>)> = Vec::new();
    for record in event.records {
        let Some(id) = record.message_id else {
            tracing::error!("SQS record without a message id");
            continue;
        };
        let body = record.body.unwrap_or_default();
        match copies.iter_mut().find(|(b, _)| *b == body) {
            Some((_, ids)) => ids.push(id),
            None => copies.push((body, vec![id])),
        }
    }
    // Whose records each task holds, so a task that dies still gets its records retried.
    let mut holders = std::collections::HashMap::new();
    for (body, ids) in copies {
        let (analyzer, permits) = (analyzer.clone(), permits.clone());
        let held = ids.clone();
        let task = tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let mut results = Vec::with_capacity(ids.len());
            for id in ids {
                // Stop short of the function's own timeout, so the result is still recorded.
                let outcome =
                    tokio::time::timeout_at(deadline.into(), analyzer.process(&body, deadline))
                        .await;
                let result = match outcome {
                    Ok(result) => result,
                    Err(_) => Err(ProcessError::Retry("out of time".into())),
                };
                results.push((id, result));
            }
            results
        });
        holders.insert(task.id(), held);
    }
    while let Some(joined) = tasks.join_next_with_id().await {
        match joined {
            Ok((_, results)) => {
                for (id, result) in results {
                    match result {
                        Ok(processed) => {
                            tracing::info!(message_id = %id, ?processed, "record done")
                        }
                        Err(e) => {
                            tracing::error!(message_id = %id, error = %e, "record failed");
                            response.add_failure(id);
                        }
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "a record's task failed");
                for id in holders.remove(&e.id()).unwrap_or_default() {
                    response.add_failure(id);
                }
            }
        }
    }
    response
}
