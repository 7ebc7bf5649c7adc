//! Deleting requests on schedule: each landlord's after its retention period, closed ones
//! sooner. Deletion is real: `secure_delete` zeroes the rows in the database file, and the WAL,
//! which still holds copies of recently written pages, is checkpointed and truncated.

use std::collections::HashSet;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode};

use crate::args;
use crate::clock::{unix_now, DAY};
use crate::config::Config;
use crate::store::sql::{self, Db};
use crate::store::{Store, BUSY_TIMEOUT};

/// For rows of a landlord that has since left the config: the default period still applies, so
/// removing a landlord never means keeping its requests for ever.
const DEFAULT_DAYS: i64 = 90;

/// Held for the length of a sweep on PostgreSQL, so that two instances never sweep at once: one
/// that finds it held skips that round.
pub const SWEEP_LOCK: i64 = 0x005a_fec0_0002;

/// Deletes everything due at `now` and returns how many requests went, or `None` when another
/// instance is sweeping the same PostgreSQL database.
pub fn sweep(db: &mut Db, config: &Config, now: i64) -> sql::Result<Option<u64>> {
    let deleted = db.transaction(|tx| {
        if tx.is_postgres() {
            let locked: i64 = tx
                .query_one(
                    "SELECT CASE WHEN pg_try_advisory_xact_lock(?1) THEN 1 ELSE 0 END",
                    args![SWEEP_LOCK],
                )?
                .ok_or(sql::Error::Invalid("the lock query gave no row"))?
                .get(0)?;
            if locked == 0 {
                return Ok(None);
            }
        }
        let mut deleted = 0;
        for l in &config.landlords {
            deleted += tx.execute(
                "DELETE FROM requests WHERE landlord = ?1 AND (received_at <= ?2 OR (status = 'closed' AND status_at <= ?3))",
                args![
                    &l.id,
                    now - i64::from(l.retention_days) * DAY,
                    now - i64::from(l.closed_retention_days) * DAY
                ],
            )?;
        }
        let configured: HashSet<&str> = config.landlords.iter().map(|l| l.id.as_str()).collect();
        let present = tx
            .query("SELECT DISTINCT landlord FROM requests", &[])?
            .iter()
            .map(|r| r.get::<String>(0))
            .collect::<sql::Result<Vec<_>>>()?;
        for gone in present.iter().filter(|l| !configured.contains(l.as_str())) {
            deleted += tx.execute(
                "DELETE FROM requests WHERE landlord = ?1 AND received_at <= ?2",
                args![gone, now - DEFAULT_DAYS * DAY],
            )?;
        }
        // An expired invite can never be used, but it still holds an email and a TOTP secret.
        tx.execute("DELETE FROM invites WHERE expires_at <= ?1", args![now])?;
        crate::staff::known_device::sweep(tx, now)?;
        if let Some(staff) = &config.staff {
            crate::staff::sign_in_limit::sweep(tx, &staff.sign_in, now)?;
        }
        tx.execute(
            "DELETE FROM audit WHERE at <= ?1",
            args![now - i64::from(config.retention.audit_days) * DAY],
        )?;
        Ok(Some(deleted))
    })?;
    if deleted.is_none() {
        return Ok(None);
    }
    match db {
        // Every sweep, not only one that deleted something: a purge whose checkpoint was held
        // up by a reader left deleted pages in the WAL, and this is where they go.
        Db::Sqlite(conn) => checkpoint(conn)?,
        // Outside the transaction, as VACUUM must be. It makes the space of deleted rows free
        // for reuse; what that does and does not erase is in the README.
        Db::Postgres { .. } => {
            let owner: i64 = db
                .query_one(
                    "SELECT CASE WHEN pg_get_userbyid(relowner) = current_user THEN 1 ELSE 0 END
                     FROM pg_class WHERE oid = 'requests'::regclass",
                    &[],
                )?
                .ok_or(sql::Error::Invalid("the requests table is missing"))?
                .get(0)?;
            if owner == 1 {
                db.batch("VACUUM requests, invites, sessions, audit")?;
            } else {
                // PostgreSQL would skip it with a notice that reaches no log.
                tracing::warn!("the endpoint's database role does not own its tables, so VACUUM after the sweep is left to their owner (see the README)");
            }
        }
    }
    Ok(deleted)
}

/// How often, and how far apart, a checkpoint held up by a reader is tried again: five seconds
/// in all, short enough for a staff request to wait for.
const CHECKPOINT_ATTEMPTS: u32 = 50;
const CHECKPOINT_PAUSE: Duration = Duration::from_millis(100);

/// Copies the WAL into the database and truncates it, so the old page images that still held
/// deleted requests are gone from the WAL file too. A reader part-way through a read holds
/// older pages in use, so a busy checkpoint is tried again after a pause. If the WAL is still
/// in use after the last try, this says so in the log and the next sweep empties it.
pub fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    // Without this, each try would wait out the connection's whole busy timeout.
    conn.busy_timeout(Duration::ZERO)?;
    let emptied = truncate_wal(conn);
    conn.busy_timeout(BUSY_TIMEOUT)?;
    if !emptied? {
        tracing::warn!("the WAL is still in use by a reader, so deleted requests may stay in it until the next retention sweep");
    }
    Ok(())
}

fn truncate_wal(conn: &Connection) -> rusqlite::Result<bool> {
    for attempt in 1..=CHECKPOINT_ATTEMPTS {
        // The first column is 1 when a reader or writer kept the checkpoint from finishing.
        match conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        }) {
            Ok(0) => return Ok(true),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                ) => {}
            Err(e) => return Err(e),
        }
        if attempt < CHECKPOINT_ATTEMPTS {
            std::thread::sleep(CHECKPOINT_PAUSE);
        }
    }
    Ok(false)
}

/// Sweeps at start and then on the configured interval, for as long as the server runs.
pub fn spawn(store: Store, config: std::sync::Arc<Config>) -> tokio::task::JoinHandle<()> {
    let every = Duration::from_secs(config.retention.sweep_every_minutes * 60);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            let config = std::sync::Arc::clone(&config);
            if let Ok(Some(deleted)) = store.with_db(move |c| sweep(c, &config, unix_now())).await {
                if deleted > 0 {
                    tracing::info!(deleted, "retention sweep");
                }
            }
        }
    })
}
