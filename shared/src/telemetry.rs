//! Structured JSON logs, one object per line, as CloudWatch Logs Insights reads them.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// The subscriber every binary uses, writing to `writer`. `RUST_LOG` overrides the default `info`.
pub fn subscriber<W>(writer: W) -> impl tracing::Subscriber + Send + Sync + 'static
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(false)
        .with_span_list(false)
        .with_target(false)
        .with_ansi(false)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(writer)
        .finish()
}

/// Installs [`subscriber`] on stdout for the whole process; a second call is a no-op.
pub fn init() {
    let _ = tracing::subscriber::set_global_default(subscriber(std::io::stdout));
}
