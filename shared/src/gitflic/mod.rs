//! What GitFlic speaks. See `docs/gitflic-api.md` in the shared folder for the confidence of each fact.

pub mod webhook;
