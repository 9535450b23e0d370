//! The webhook function: `POST /webhook/gitflic`. Parses the HTTP request, hands the delivery to
//! [`ingest`] and maps the outcome to a status code.

pub mod config;
pub mod ingest;

use exlogare_shared::http_edge::{body_bytes, error, json, method_not_allowed, request_path};
use ingest::{Ingest, IngestError, Outcome, WebhookDelivery};
use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use serde_json::json;

pub const ROUTE: &str = "/webhook/gitflic";
pub const SECRET_HEADER: &str = "gitflic-webhook-secret";

pub async fn handle(
    ingest: &Ingest,
    request: Request,
) -> Result<Response<Body>, lambda_http::Error> {
    if request_path(&request).trim_end_matches('/') != ROUTE {
        return Ok(error(StatusCode::NOT_FOUND, "not found"));
    }
    if request.method() != Method::POST {
        return Ok(method_not_allowed("POST"));
    }

    let query = request.query_string_parameters();
    // A value that is not UTF-8 cannot be our secret; "\u{0}" keeps it present, so it fails the check.
    let secrets: Vec<&str> = request
        .headers()
        .get_all(SECRET_HEADER)
        .iter()
        .map(|v| v.to_str().unwrap_or("\u{0}"))
        .chain(query.all("secret").unwrap_or_default())
        .collect();
    let body = body_bytes(request.body());

    let outcome = ingest
        .accept(WebhookDelivery {
            secrets: &secrets,
            body,
        })
        .await;
    Ok(match outcome {
        Ok(Outcome::Tested) => json(StatusCode::OK, &json!({ "status": "ok" })),
        Ok(Outcome::Queued { .. }) => json(StatusCode::ACCEPTED, &json!({ "status": "queued" })),
        Ok(Outcome::Duplicate { .. }) => json(StatusCode::OK, &json!({ "status": "duplicate" })),
        Ok(Outcome::Ignored { .. }) => json(StatusCode::OK, &json!({ "status": "ignored" })),
        Err(IngestError::TooLarge) => error(StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
        Err(IngestError::Unauthorized) => error(StatusCode::UNAUTHORIZED, "unauthorized"),
        Err(IngestError::BadRequest(reason)) => error(StatusCode::BAD_REQUEST, &reason),
        Err(e @ (IngestError::Store(_) | IngestError::Intake(_))) => {
            tracing::error!(error = %e, "delivery not accepted; GitFlic should retry");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable, retry later",
            )
        }
    })
}
