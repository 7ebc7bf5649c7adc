//! `safe-contact-endpoint --config FILE [--check]`: runs the endpoint until SIGINT or SIGTERM.

use std::path::PathBuf;
use std::process::ExitCode;

use safe_contact_endpoint::{logging, start, Config};

const USAGE: &str = "usage: safe-contact-endpoint [--config FILE] [--check]
  --config FILE  the TOML config (default: $SAFE_CONTACT_CONFIG, else safe-contact.toml)
  --check        check the config and stop";

fn main() -> ExitCode {
    let mut config_path: Option<PathBuf> =
        std::env::var_os("SAFE_CONTACT_CONFIG").map(PathBuf::from);
    let mut check_only = false;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--config") => match args.next() {
                Some(p) => config_path = Some(PathBuf::from(p)),
                None => return usage(),
            },
            Some("--check") => check_only = true,
            Some("--help" | "-h") => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => return usage(),
        }
    }
    let path = config_path.unwrap_or_else(|| PathBuf::from("safe-contact.toml"));
    let config = match Config::load(&path).and_then(|c| c.client_secret().map(|_| c)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("safe-contact-endpoint: not starting: {e}");
            return ExitCode::from(2);
        }
    };
    if check_only {
        println!(
            "{}: config is valid ({} landlords)",
            path.display(),
            config.landlords.len()
        );
        return ExitCode::SUCCESS;
    }
    logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("safe-contact-endpoint: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let running = match start(config).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("safe-contact-endpoint: not starting: {e}");
                return ExitCode::from(2);
            }
        };
        // Tests and scripts read this line to find the port when the config says port 0.
        println!(
            "safe-contact-endpoint listening on http://{}/",
            running.addr
        );
        wait_for_stop().await;
        running.shutdown().await;
        ExitCode::SUCCESS
    })
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
