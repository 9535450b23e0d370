//! The webhook function: `POST /webhook/gitflic`. Parses the HTTP request, hands the delivery to
//! [`exlogare_shared::ingest`] and maps the outcome to a status code.

use exlogare_shared::ingest::{Delivery, Ingest, IngestError, Outcome};
use lambda_http::http::{Method, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};
use serde_json::json;

pub const ROUTE: &str = "/webhook/gitflic";
pub const SECRET_HEADER: &str = "gitflic-webhook-secret";

fn respond(status: StatusCode, body: serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Body::Text(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

fn error(status: StatusCode, message: &str) -> Response<Body> {
    respond(status, json!({ "error": message }))
}

/// The path without API Gateway's stage, falling back to the URI for requests built by hand.
fn path(request: &Request) -> &str {
    match request.raw_http_path() {
        "" => request.uri().path(),
        raw => raw,
    }
}

pub async fn handle(
    ingest: &Ingest,
    request: Request,
) -> Result<Response<Body>, lambda_http::Error> {
    if path(&request).trim_end_matches('/') != ROUTE {
        return Ok(error(StatusCode::NOT_FOUND, "not found"));
    }
    if request.method() != Method::POST {
        let mut response = error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed; use POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return Ok(response);
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
    let body: &[u8] = match request.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };

    let outcome = ingest
        .accept(Delivery {
            secrets: &secrets,
            body,
        })
        .await;
    Ok(match outcome {
        Ok(Outcome::Tested) => respond(StatusCode::OK, json!({ "status": "ok" })),
        Ok(Outcome::Queued { .. }) => respond(StatusCode::ACCEPTED, json!({ "status": "queued" })),
        Ok(Outcome::Duplicate { .. }) => respond(StatusCode::OK, json!({ "status": "duplicate" })),
        Ok(Outcome::Ignored { .. }) => respond(StatusCode::OK, json!({ "status": "ignored" })),
        Err(IngestError::TooLarge) => error(StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
        Err(IngestError::Unauthorized) => error(StatusCode::UNAUTHORIZED, "unauthorized"),
        Err(IngestError::BadRequest(reason)) => error(StatusCode::BAD_REQUEST, &reason),
        Err(e @ (IngestError::Store(_) | IngestError::Queue(_))) => {
            tracing::error!(error = %e, "delivery not accepted; GitFlic should retry");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable, retry later",
            )
        }
    })
}
