//! What GitFlic speaks. See `docs/gitflic-api.md` for the confidence of each fact.

pub mod lenient;
pub mod webhook;

#[cfg(feature = "service")]
pub mod api;
#[cfg(feature = "service")]
pub mod base_url;
#[cfg(feature = "service")]
pub mod oauth;
