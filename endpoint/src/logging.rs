//! Log set-up for the binaries: this crate's own lines at info, everything else at warn.
//!
//! Libraries are held back because their debug output can quote what they were parsing (serde
//! errors quote values, for one), and panics are reported by place only, since a panic message
//! can carry whatever value was being handled.

use tracing::Level;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

pub fn init() {
    let filter = Targets::new()
        .with_target("safe_contact_endpoint", Level::INFO)
        .with_default(LevelFilter::WARN);
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(false),
        )
        .with(filter)
        .init();
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map_or_else(
            || "unknown place".to_owned(),
            |l| format!("{}:{}", l.file(), l.line()),
        );
        eprintln!("panic at {place} (message withheld: it may contain submitted data)");
    }));
}
