//! The HTTP functions' edge with API Gateway: events checked before they are decoded (`run`),
//! request bodies and paths read, JSON answers written.

use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};
use serde_json::{Value, json};

/// An address under the API's public base URL (the webhook's, the console's): the base's query
/// dropped, `segments` appended to its path.
pub fn public_address(public: &url::Url, segments: &[&str]) -> url::Url {
    let mut url = public.clone();
    url.set_query(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

pub fn json(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(Body::Text(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `{"error": message}`: the message must never quote a secret or the request body.
pub fn error(status: StatusCode, message: &str) -> Response<Body> {
    json(status, &json!({ "error": message }))
}

/// 405 with the methods the route takes.
pub fn method_not_allowed(allow: &'static str) -> Response<Body> {
    let mut response = error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// The raw request body, whichever way API Gateway delivered it.
pub fn body_bytes(body: &Body) -> &[u8] {
    match body {
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    }
}

/// The path without API Gateway's stage, falling back to the URI for requests built by hand.
pub fn request_path(request: &Request) -> &str {
    match request.raw_http_path() {
        "" => request.uri().path(),
        raw => raw,
    }
}

/// Marks a request whose body API Gateway said was base64 but was not (see [`run`]). A caller
/// who sends it themselves only gets their own request refused.
pub const INVALID_BODY_HEADER: &str = "x-exlogare-invalid-body";

/// An HTTP function's event, checked before `lambda_http` reads it: `aws_lambda_events`
/// decodes a base64 body with `expect`, so an event with `isBase64Encoded: true` and a body that
/// is not base64 would panic, and with `panic = "abort"` end the process. Such a body is removed
/// and the request marked with [`INVALID_BODY_HEADER`], which [`run`] answers with a 400. (API
/// Gateway itself never sends such an event; this guards the function against any caller.)
pub struct CheckedRequest(lambda_http::request::LambdaRequest);

impl<'de> serde::Deserialize<'de> for CheckedRequest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut event = Value::deserialize(deserializer)?;
        mark_undecodable_body(&mut event);
        serde_json::from_value(event)
            .map(CheckedRequest)
            .map_err(serde::de::Error::custom)
    }
}

fn mark_undecodable_body(event: &mut Value) {
    use base64::Engine;
    let undecodable = event["isBase64Encoded"] == true
        && event["body"].as_str().is_some_and(|body| {
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .is_err()
        });
    if !undecodable {
        return;
    }
    event["isBase64Encoded"] = Value::Bool(false);
    event["body"] = Value::Null;
    if !event["headers"].is_object() {
        event["headers"] = json!({});
    }
    event["headers"][INVALID_BODY_HEADER] = json!("1");
    if event["multiValueHeaders"].is_object() {
        event["multiValueHeaders"][INVALID_BODY_HEADER] = json!(["1"]);
    }
}

/// Whether [`CheckedRequest`] marked the request (it is answered with a 400).
fn marked_undecodable(request: &Request) -> bool {
    request.headers().contains_key(INVALID_BODY_HEADER)
}

/// `lambda_http::run` for `handler`, with events read as [`CheckedRequest`]s.
pub async fn run<F, Fut>(handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(Request) -> Fut,
    Fut: std::future::Future<Output = Result<Response<Body>, lambda_http::Error>> + Send,
{
    use lambda_http::tower::ServiceExt;
    let guarded = lambda_http::service_fn(move |request: Request| {
        let answer = (!marked_undecodable(&request)).then(|| handler(request));
        async move {
            match answer {
                Some(answer) => answer.await,
                None => Ok(error(
                    StatusCode::BAD_REQUEST,
                    "the body is marked as base64 but is not valid base64",
                )),
            }
        }
    });
    let adapter = lambda_http::Adapter::from(guarded).map_request(
        |event: lambda_http::LambdaEvent<CheckedRequest>| {
            lambda_http::LambdaEvent::new(event.payload.0, event.context)
        },
    );
    lambda_http::lambda_runtime::run(adapter).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(event: Value) -> Request {
        let checked: CheckedRequest = serde_json::from_value(event).expect("an API Gateway event");
        checked.0.into()
    }

    #[test]
    fn a_body_that_is_not_base64_is_refused_not_a_panic() {
        let sample: Value =
            serde_json::from_str(include_str!("../../events/webhook-pipeline-fail.json")).unwrap();
        let mut bad = sample.clone();
        bad["isBase64Encoded"] = json!(true);
        bad["body"] = json!("{not base64!}");
        let bad = request(bad);
        assert!(marked_undecodable(&bad));
        assert!(body_bytes(bad.body()).is_empty());

        let mut good = sample;
        let body = good["body"].as_str().unwrap().to_owned();
        good["isBase64Encoded"] = json!(true);
        good["body"] = json!(base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            &body
        ));
        let decoded = request(good);
        assert!(!marked_undecodable(&decoded));
        assert_eq!(body_bytes(decoded.body()), body.as_bytes());
    }
}
