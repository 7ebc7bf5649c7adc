//! What staff can do with requests, shared by the JSON API and the command-line tool, and how
//! staff prove which landlord they work for.
//!
//! Every operation is scoped to one landlord, and every read, change or purge leaves an audit
//! row saying who (a member's email, api or cli), what and when, never what the request said.

pub mod accounts;
pub(crate) mod inbox_api;
pub(crate) mod key_scheme;
pub(crate) mod known_device;
pub(crate) mod passkeys;
pub(crate) mod proof_gate;
pub(crate) mod session;
pub(crate) mod sign_in_limit;
pub(crate) mod token_api;

use crate::args;
use crate::store::sql::{self, Db, Row};
use safe_contact_callback::CallbackRequest;
use safe_contact_seal::Envelope;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::clock::{rfc3339, DAY};
use crate::config::{Config, Landlord};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Contacted,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Contacted => "contacted",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "new" => Some(Status::New),
            "contacted" => Some(Status::Contacted),
            "closed" => Some(Status::Closed),
            _ => None,
        }
    }
}

/// How a request was closed, from the inbox's fixed list: a free-text note could hold what the
/// person said, and the server must never hold that in the clear.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    SpokeSafely,
    CouldNotReach,
    Withdrew,
    ReferredOn,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::SpokeSafely => "spoke_safely",
            Outcome::CouldNotReach => "could_not_reach",
            Outcome::Withdrew => "withdrew",
            Outcome::ReferredOn => "referred_on",
        }
    }

    fn parse(s: &str) -> Option<Outcome> {
        [
            Outcome::SpokeSafely,
            Outcome::CouldNotReach,
            Outcome::Withdrew,
            Outcome::ReferredOn,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// Who did something, as the audit trail names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    Api,
    Cli,
    /// A member signed in to the inbox, by email.
    Member(String),
}

impl Actor {
    pub fn as_str(&self) -> &str {
        match self {
            Actor::Api => "api",
            Actor::Cli => "cli",
            Actor::Member(email) => email,
        }
    }
}

/// A line in a list: enough to pick the request and route it to a team, nothing more.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub request_id: String,
    pub status: Status,
    pub received_at: String,
    /// Unknown to the server for a sealed request: it is inside the ciphertext.
    pub area: Option<String>,
    pub sealed: bool,
}

#[derive(Debug, Serialize)]
pub struct Full {
    pub request_id: String,
    pub status: Status,
    pub received_at: String,
    pub status_changed_at: String,
    /// `"request": {...}` for a plaintext request, `"envelope": {...}` for a sealed one.
    #[serde(flatten)]
    pub content: Stored,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stored {
    Request(CallbackRequest),
    /// Staff open it on their own machine with the private key (`safe-contact-staff open`).
    Envelope(Envelope),
}

const CONTENT_COLUMNS: &str = "request, key_id, enc, ciphertext";

/// Reads the four content columns, starting at `first`, of a row of `landlord`.
fn stored(row: &Row, first: usize, landlord: &str, request_id: &str) -> sql::Result<Stored> {
    if let Some(json) = row.get::<Option<String>>(first)? {
        let request = serde_json::from_str(&json)
            .map_err(|_| sql::Error::Invalid("a stored request is not the JSON it should be"))?;
        return Ok(Stored::Request(request));
    }
    let key_id: String = row.get(first + 1)?;
    let enc: Vec<u8> = row.get(first + 2)?;
    let ciphertext: Vec<u8> = row.get(first + 3)?;
    Ok(Stored::Envelope(Envelope::from_parts(
        landlord,
        request_id,
        &key_id,
        &enc,
        &ciphertext,
    )))
}

/// Lists a landlord's requests, oldest first so the longest-waiting person is called first.
/// `None` lists all of them.
pub fn list(db: &mut Db, landlord: &str, status: Option<Status>) -> sql::Result<Vec<Summary>> {
    let rows = db.query(
        "SELECT request_id, status, received_at, request FROM requests
         WHERE landlord = ?1 AND (CAST(?2 AS TEXT) IS NULL OR status = ?2) ORDER BY received_at, rowid",
        args![landlord, status.map(Status::as_str)],
    )?;
    rows.iter()
        .map(|row| {
            let request: Option<String> = row.get(3)?;
            Ok(Summary {
                request_id: row.get(0)?,
                status: read_status(&row.get::<String>(1)?),
                received_at: rfc3339(row.get(2)?),
                area: request
                    .as_deref()
                    .and_then(|r| serde_json::from_str::<CallbackRequest>(r).ok())
                    .and_then(|r| r.area),
                sealed: request.is_none(),
            })
        })
        .collect()
}

/// Reads one request, recording that it was read.
pub fn read(
    db: &mut Db,
    landlord: &str,
    request_id: &str,
    actor: Actor,
    now: i64,
) -> sql::Result<Option<Full>> {
    db.transaction(|tx| {
        let Some(row) = tx.query_one(
            &format!(
                "SELECT status, received_at, status_at, {CONTENT_COLUMNS} FROM requests
                 WHERE landlord = ?1 AND request_id = ?2"
            ),
            args![landlord, request_id],
        )?
        else {
            return Ok(None);
        };
        let full = Full {
            request_id: request_id.to_owned(),
            status: read_status(&row.get::<String>(0)?),
            received_at: rfc3339(row.get(1)?),
            status_changed_at: rfc3339(row.get(2)?),
            content: stored(&row, 3, landlord, request_id)?,
        };
        audit(tx, landlord, &actor, "opened", Some(request_id), None, now)?;
        Ok(Some(full))
    })
}

/// The envelope of a sealed request, without an audit row: the server learns nothing from
/// handing it out, and only a holder of the private key can read it. `None` if there is no such
/// request or it is not sealed.
pub fn envelope(db: &mut Db, landlord: &str, request_id: &str) -> sql::Result<Option<Envelope>> {
    let found = db
        .query_one(
            &format!(
                "SELECT {CONTENT_COLUMNS} FROM requests
                 WHERE landlord = ?1 AND request_id = ?2 AND request IS NULL"
            ),
            args![landlord, request_id],
        )?
        .map(|row| stored(&row, 0, landlord, request_id))
        .transpose()?;
    Ok(match found {
        Some(Stored::Envelope(e)) => Some(e),
        _ => None,
    })
}

/// Marks a request contacted or closed, with an outcome only when closed. Returns false if the
/// landlord has no such request.
pub fn mark(
    db: &mut Db,
    landlord: &str,
    request_id: &str,
    status: Status,
    outcome: Option<Outcome>,
    actor: Actor,
    now: i64,
) -> sql::Result<bool> {
    let outcome = outcome.filter(|_| status == Status::Closed);
    db.transaction(|tx| {
        let changed = tx.execute(
            "UPDATE requests SET status = ?3, status_at = ?4, outcome = ?5 WHERE landlord = ?1 AND request_id = ?2",
            args![landlord, request_id, status.as_str(), now, outcome.map(Outcome::as_str)],
        )?;
        if changed == 1 {
            let action = match outcome {
                Some(o) => format!("{} ({})", status.as_str(), o.as_str()),
                None => status.as_str().to_owned(),
            };
            audit(tx, landlord, &actor, &action, Some(request_id), None, now)?;
        }
        Ok(changed == 1)
    })
}

/// Deletes a request now. On SQLite, `secure_delete` overwrites its bytes and the WAL is
/// emptied; on PostgreSQL the next retention sweep's VACUUM frees its space (see the README).
pub fn purge(
    db: &mut Db,
    landlord: &str,
    request_id: &str,
    actor: Actor,
    now: i64,
) -> sql::Result<bool> {
    let deleted = db.transaction(|tx| {
        let deleted = tx.execute(
            "DELETE FROM requests WHERE landlord = ?1 AND request_id = ?2",
            args![landlord, request_id],
        )?;
        if deleted == 1 {
            audit(tx, landlord, &actor, "purged", Some(request_id), None, now)?;
        }
        Ok(deleted == 1)
    })?;
    if deleted {
        if let Db::Sqlite(conn) = db {
            crate::retention::checkpoint(conn)?;
        }
    }
    Ok(deleted)
}

/// Records that the staff tool opened a sealed request to list it: opening reads all of it,
/// even though the list shows only the area.
pub fn record_opened_in_list(
    db: &mut Db,
    landlord: &str,
    request_id: &str,
    now: i64,
) -> sql::Result<()> {
    audit(
        db,
        landlord,
        &Actor::Cli,
        "opened in list",
        Some(request_id),
        None,
        now,
    )
}

/// One audit row. `subject` is the member a staff change was made to, never a request's content.
pub(crate) fn audit(
    db: &mut Db,
    landlord: &str,
    actor: &Actor,
    action: &str,
    request_id: Option<&str>,
    subject: Option<&str>,
    now: i64,
) -> sql::Result<()> {
    db.execute(
        "INSERT INTO audit (at, landlord, actor, action, request_id, subject) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![now, landlord, actor.as_str(), action, request_id, subject],
    )?;
    Ok(())
}

/// A request as the inbox lists it: its state and timing, never its content.
#[derive(Debug, Serialize)]
pub struct Item {
    pub request_id: String,
    pub status: Status,
    pub received_at: String,
    /// When retention deletes it: closed requests go sooner.
    pub expires_at: String,
    pub status_changed_at: String,
    pub outcome: Option<Outcome>,
    /// Null for a plaintext (demo) request.
    pub key_id: Option<String>,
    pub sealed: bool,
}

/// New first (oldest first, so the longest wait is called first), then contacted, then closed.
pub fn items(db: &mut Db, landlord: &Landlord) -> sql::Result<Vec<Item>> {
    item_rows(db, landlord, None)
}

pub fn item(db: &mut Db, landlord: &Landlord, request_id: &str) -> sql::Result<Option<Item>> {
    Ok(item_rows(db, landlord, Some(request_id))?.pop())
}

fn item_rows(db: &mut Db, landlord: &Landlord, request_id: Option<&str>) -> sql::Result<Vec<Item>> {
    let rows = db.query(
        "SELECT request_id, status, received_at, status_at, outcome, key_id FROM requests
         WHERE landlord = ?1 AND (CAST(?2 AS TEXT) IS NULL OR request_id = ?2)
         ORDER BY CASE status WHEN 'new' THEN 0 WHEN 'contacted' THEN 1 ELSE 2 END, received_at, rowid",
        args![&landlord.id, request_id],
    )?;
    let kept = i64::from(landlord.retention_days) * DAY;
    let kept_closed = i64::from(landlord.closed_retention_days) * DAY;
    rows.iter()
        .map(|row| {
            let status = read_status(&row.get::<String>(1)?);
            let received_at: i64 = row.get(2)?;
            let status_at: i64 = row.get(3)?;
            let mut expires_at = received_at + kept;
            if status == Status::Closed {
                expires_at = expires_at.min(status_at + kept_closed);
            }
            let key_id: Option<String> = row.get(5)?;
            Ok(Item {
                request_id: row.get(0)?,
                status,
                received_at: rfc3339(received_at),
                expires_at: rfc3339(expires_at),
                status_changed_at: rfc3339(status_at),
                outcome: row
                    .get::<Option<String>>(4)?
                    .as_deref()
                    .and_then(Outcome::parse),
                sealed: key_id.is_some(),
                key_id,
            })
        })
        .collect()
}

fn read_status(s: &str) -> Status {
    // The table's CHECK constraint allows nothing else.
    Status::parse(s).unwrap_or(Status::New)
}

pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The landlord whose staff token this is. Every configured hash is compared, in constant time,
/// so neither timing nor order says how close a guess came or which landlord it nearly matched.
pub fn authenticate<'c>(config: &'c Config, token: &str) -> Option<&'c Landlord> {
    let hash = token_hash(token);
    let mut found = None;
    for l in &config.landlords {
        if bool::from(l.staff_token_sha256.ct_eq(&hash)) {
            found = Some(l);
        }
    }
    found
}

/// A new staff token (256 random bits, hex) and the hash to put in the config.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system has no random source");
    let token = hex(&bytes);
    let hash = hex(&token_hash(&token));
    (token, hash)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
