//! Starting and stopping the server.
//!
//! The accept loop is our own rather than `axum::serve` so that slow clients are cut off: axum
//! gives hyper no timer, so its header read timeout never fires, and it has no connection cap.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::task::JoinHandle;
use tower::ServiceExt;

use crate::config::{Config, Database};
use crate::intake::form_page::FormPages;
use crate::intake::idempotency::InFlight;
use crate::intake::rate_limit::RateLimiter;
use crate::notify::{Notifier, Timing};
use crate::routes::router;
use crate::staff::accounts;
use crate::staff::key_scheme::OlderKeys;
use crate::staff::known_device::KnownDevices;
use crate::staff::proof_gate::{ProofGate, PROOF_WORK_AT_ONCE, PROOF_WORK_WAIT};
use crate::staff::sign_in_limit::SignInLimiter;
use crate::state::AppState;
use crate::store::Store;
use crate::{retention, ConfigError};

const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long in-flight requests get to finish on shutdown.
const DRAIN: Duration = Duration::from_secs(10);

pub struct Running {
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    accept: JoinHandle<()>,
    retention: JoinHandle<()>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, and returns when they have.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.accept.await;
        self.retention.abort();
    }
}

/// Opens the database, binds the address and starts serving in the background.
pub async fn start(config: Config) -> Result<Running, ConfigError> {
    start_with_timing(config, Timing::default()).await
}

/// As [`start`], with notices timed by `timing`: for tests, which cannot wait minutes.
pub async fn start_with_timing(config: Config, timing: Timing) -> Result<Running, ConfigError> {
    let config = Arc::new(config);
    let client_secret = config.client_secret()?;
    for warning in config.warnings() {
        tracing::warn!("{warning}");
    }
    if let Database::Sqlite(path) = &config.database {
        if let Some(parent) = path.parent() {
            create_private_dir(parent).map_err(|e| {
                ConfigError(format!(
                    "cannot create the database folder {}: {e}",
                    parent.display()
                ))
            })?;
        }
    }
    let store = Store::open(&config.database).await.map_err(|e| {
        ConfigError(format!(
            "cannot open the database ({}): {e}",
            config.database.describe()
        ))
    })?;
    if config.staff.is_some() {
        // Counted, never sealed here: a secret the server sealed on its own would sign in
        // whoever wrote it, and anyone who can write to the database can write one.
        let plain = store
            .with_db(accounts::count_plain_totp_secrets)
            .await
            .map_err(|_| {
                ConfigError(
                    "cannot read the members' authenticator secrets: the database refused".into(),
                )
            })?;
        if plain.members > 0 || plain.invites > 0 {
            tracing::warn!(
                "{} members and {} invites have an authenticator secret from an older version, stored in plain text: they cannot sign in or enrol with it. If this database has only ever been written by this deployment, run `safe-contact-staff --config FILE seal-totp-secrets` once, with the pepper in the environment; if it was restored from a copy you do not trust, do not: remove those members and invite them again (endpoint/README.md, Staff tool)",
                plain.members,
                plain.invites
            );
        }
    }
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|e| ConfigError(format!("cannot listen on {}: {e}", config.bind)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ConfigError(e.to_string()))?;

    let notifier = Notifier::spawn(Arc::clone(&config), store.clone(), timing)?;
    let app = Arc::new(AppState {
        all_origins: config
            .landlords
            .iter()
            .flat_map(|l| l.origins.iter().cloned())
            .collect::<HashSet<_>>(),
        form_pages: FormPages::new(&config),
        limiter: RateLimiter::new(config.rate_limit, client_secret),
        in_flight: Arc::new(InFlight::default()),
        notifier,
        sign_in: SignInLimiter::new(config.staff.as_ref().map(|s| s.sign_in).unwrap_or_default()),
        proof_gate: ProofGate::new(PROOF_WORK_AT_ONCE, PROOF_WORK_WAIT),
        older_keys: OlderKeys::default(),
        known_devices: KnownDevices::default(),
        store: store.clone(),
        config: Arc::clone(&config),
    });
    let retention = retention::spawn(store, Arc::clone(&config));
    let (stop, stopped) = watch::channel(false);
    let accept = tokio::spawn(accept_loop(
        listener,
        router(app),
        config.max_connections,
        stopped,
    ));
    Ok(Running {
        addr,
        stop,
        accept,
        retention,
    })
}

/// A folder the server creates for its database is readable by its own user only.
fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

async fn accept_loop(
    listener: TcpListener,
    app: axum::Router,
    max_connections: usize,
    mut stopped: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(max_connections));
    // Each connection task holds a sender; when all are dropped, every connection has ended.
    let (open_tx, mut open_rx) = mpsc::channel::<()>(1);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: back off rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped.changed() => break,
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let open = open_tx.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let _open = open;
            let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(req.map(Body::new))
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopped.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    drop(listener);
    drop(open_tx);
    let _ = tokio::time::timeout(DRAIN, open_rx.recv()).await;
}
