//! Deleting requests on schedule: each landlord's after its retention period, closed ones
//! sooner. Deletion is real: `secure_delete` zeroes the rows in the database file, and the WAL,
//! which still holds copies of recently written pages, is checkpointed and truncated.

use std::collections::HashSet;
use std::time::Duration;

use rusqlite::{params, Connection, TransactionBehavior};

use crate::clock::{unix_now, DAY};
use crate::config::Config;
use crate::store::Store;

/// For rows of a landlord that has since left the config: the default period still applies, so
/// removing a landlord never means keeping its requests for ever.
const DEFAULT_DAYS: i64 = 90;

/// Deletes everything due at `now` and returns how many requests went.
pub fn sweep(conn: &mut Connection, config: &Config, now: i64) -> rusqlite::Result<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut deleted = 0;
    for l in &config.landlords {
        deleted += tx.execute(
            "DELETE FROM requests WHERE landlord = ?1 AND (received_at <= ?2 OR (status = 'closed' AND status_at <= ?3))",
            params![
                l.id,
                now - i64::from(l.retention_days) * DAY,
                now - i64::from(l.closed_retention_days) * DAY
            ],
        )?;
    }
    let configured: HashSet<&str> = config.landlords.iter().map(|l| l.id.as_str()).collect();
    let present: Vec<String> = tx
        .prepare("SELECT DISTINCT landlord FROM requests")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for gone in present.iter().filter(|l| !configured.contains(l.as_str())) {
        deleted += tx.execute(
            "DELETE FROM requests WHERE landlord = ?1 AND received_at <= ?2",
            params![gone, now - DEFAULT_DAYS * DAY],
        )?;
    }
    tx.execute(
        "DELETE FROM audit WHERE at <= ?1",
        [now - i64::from(config.retention.audit_days) * DAY],
    )?;
    tx.commit()?;
    if deleted > 0 {
        checkpoint(conn)?;
    }
    Ok(deleted)
}

/// Copies the WAL into the database and truncates it, so the old page images that still held
/// deleted requests are gone from the WAL file too.
pub fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

/// Sweeps at start and then on the configured interval, for as long as the server runs.
pub fn spawn(store: Store, config: std::sync::Arc<Config>) -> tokio::task::JoinHandle<()> {
    let every = Duration::from_secs(config.retention.sweep_every_minutes * 60);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let config = std::sync::Arc::clone(&config);
            if let Ok(deleted) = store
                .with_conn(move |c| sweep(c, &config, unix_now()))
                .await
            {
                if deleted > 0 {
                    tracing::info!(deleted, "retention sweep");
                }
            }
        }
    })
}
