//! The tracing subscriber: text for people, JSON for log shippers, both on stderr.
//!
//! Called once by `main` before anything logs. Safe to call again (tests start many servers in
//! one process): a second call leaves the first subscriber in place.
//!
//! ```
//! use tamiz::settings::{LogFormat, LogSettings};
//! tamiz::telemetry::init(&LogSettings { format: LogFormat::Text, level: "info".into() });
//! ```

use crate::settings::{LogFormat, LogSettings};
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber. `RUST_LOG`, when set, overrides `log.level` so an operator can
/// turn on debug output for one run without editing config.
pub fn init(settings: &LogSettings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.level))
        .unwrap_or_else(|e| {
            eprintln!(
                "tamiz: log.level {:?} is not a valid filter ({e}); using \"info\"",
                settings.level
            );
            EnvFilter::new("info")
        });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour only for a person at a terminal, never into a log file or a shipper.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    // `try_init` fails only when a subscriber is already installed, which is fine.
    let _ = match settings.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init(),
    };
}
