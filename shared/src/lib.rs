//! Everything the Exlogare functions have in common: GitFlic's payload types, webhook secrets,
//! storage, encryption, the queue message and telemetry.
//!
//! The service modules (AWS, HTTP) sit behind the default `service` feature so that the analysis
//! engine and the payload types build without them (the CLI and the fuzz targets use them so).

/// The analysis engine, its own crate; re-exported under its old path.
pub use exlogare_analysis as analysis;
pub mod gitflic;

pub mod secret;
pub mod telemetry;

#[cfg(feature = "service")]
pub mod config;
#[cfg(feature = "service")]
pub mod connections;
#[cfg(feature = "service")]
pub mod crypto;
#[cfg(feature = "service")]
pub mod hooks;
#[cfg(feature = "service")]
pub mod http_edge;
#[cfg(feature = "service")]
pub mod http_outcome;
#[cfg(feature = "service")]
pub mod intake;
#[cfg(feature = "service")]
pub mod invocation;
#[cfg(feature = "service")]
pub mod llm;
#[cfg(feature = "service")]
pub mod net_guard;
#[cfg(feature = "service")]
pub mod notify;
#[cfg(feature = "service")]
pub mod queue;
#[cfg(feature = "service")]
pub mod report;
#[cfg(feature = "service")]
pub mod services;
#[cfg(feature = "service")]
pub mod session;
#[cfg(feature = "service")]
pub mod store;
