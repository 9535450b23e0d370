//! Everything the Exlogare functions have in common: GitFlic's payload types, webhook secrets,
//! storage, encryption, the queue message and telemetry.
//!
//! The AWS-facing modules sit behind the default `aws` feature so that the analysis engine and
//! the payload types build without the SDK (the CLI and the fuzz targets use them that way).

pub mod analysis;
pub mod gitflic;
pub mod lenient;
pub mod secret;
pub mod telemetry;

#[cfg(feature = "aws")]
pub mod config;
#[cfg(feature = "aws")]
pub mod ingest;
#[cfg(feature = "aws")]
pub mod queue;
#[cfg(feature = "aws")]
pub mod store;
