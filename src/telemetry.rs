//! Logging through `tracing`. The filter comes from `RUST_LOG` (default `info`), and the output
//! goes to stderr so that commands which print tables or files keep stdout clean.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A second init (tests build several apps in one process) is harmless: keep the first.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        // Colours for a person at a terminal only: the journal would keep the escape codes.
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
