//! Arbitrary bytes as a GitFlic webhook body: decoding never panics.
#![no_main]

use exlogare_shared::gitflic::webhook::WebhookPayload;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(payload) = serde_json::from_slice::<WebhookPayload>(data) {
        let _ = payload.project_id();
        let _ = payload.action.as_str();
    }
});
