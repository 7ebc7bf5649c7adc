//! Inbox members, their invites, key grants and sessions in the database. Every query that a
//! signed-in member can reach names the member's landlord, so another landlord's rows are
//! simply not found.
//!
//! Invite and session tokens are stored only as SHA-256: a copy of the database lets no one in.
//! Each invite and session row also holds a binding, an HMAC under a key from the pepper over
//! what makes the row what it is, and one that does not check out is not found: someone who can
//! write to the database, without the pepper, can make up neither.
//! Proofs are stored only as an Argon2id hash, made by the caller off the async threads, with a
//! secret from the pepper; TOTP secrets only sealed under a key from the pepper. The pepper is
//! in the environment, never in the database, so a copy of the database tests no passphrase
//! guess and makes no authenticator code.

use crate::args;
use crate::store::sql::{self, Db};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use getrandom::SysRng;
use safe_contact_rules::email::is_staff_address;
use safe_contact_seal::rand_core::UnwrapErr;
use safe_contact_staff_keys::fingerprint::{self, Fingerprint};
use safe_contact_staff_keys::passphrase::normalise_email;
use safe_contact_staff_keys::pepper::{
    InviteBindingKey, InviteRow, Pepper, SessionBindingKey, SessionRow,
};
use safe_contact_staff_keys::totp;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{audit, token_hash, Actor};
use crate::clock::rfc3339;
use crate::config::Config;

/// The server's hash of the sign-in proof: Argon2id at OWASP's minimum (19 MiB, 2 passes, 1
/// lane). The proof is already the output of 64 MiB Argon2id in the browser, so this hash is
/// not what resists guessing a passphrase; it makes a stolen database useless for signing in
/// while costing the server little memory per sign-in.
const PROOF_M_KIB: u32 = 19_456;
const PROOF_T: u32 = 2;
const PROOF_P: u32 = 1;

/// Argon2id for proof hashes, with the pepper's proof secret as Argon2's secret input (key
/// scheme 2), or without one for the hashes of members who enrolled before (scheme 1).
fn hasher(secret: Option<&[u8]>) -> Argon2<'_> {
    let params = Params::new(PROOF_M_KIB, PROOF_T, PROOF_P, Some(32))
        .expect("fixed Argon2 parameters are valid");
    match secret {
        Some(secret) => {
            Argon2::new_with_secret(secret, Algorithm::Argon2id, Version::V0x13, params)
                .expect("a 32-byte secret is within Argon2's limit")
        }
        None => Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
    }
}

/// The PHC string for a proof, peppered. Slow on purpose: call it off the async threads.
pub fn hash_proof(proof: &str, pepper: &Pepper) -> String {
    let secret = pepper.proof_secret();
    hasher(Some(&secret[..]))
        .hash_password(proof.as_bytes())
        .expect("Argon2id with a fresh salt does not fail")
        .to_string()
}

/// Whether `proof` matches the PHC string: peppered, or for an older account (`None`) not.
/// Slow on purpose: call it off the async threads.
pub fn verify_proof(proof: &str, phc: &str, pepper: Option<&Pepper>) -> bool {
    let secret = pepper.map(Pepper::proof_secret);
    hasher(secret.as_deref().map(|s| &s[..]))
        .verify_password(proof.as_bytes(), phc)
        .is_ok()
}

/// 32 random bytes as base64url: invite, session and CSRF tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system has no random source");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A random lower-case UUID v4.
pub fn new_member_id() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the operating system has no random source");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = super::hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Officer,
    Lead,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Lead => "lead",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "officer" => Some(Role::Officer),
            "lead" => Some(Role::Lead),
            _ => None,
        }
    }
}

fn role_column(s: &str) -> Role {
    // The table's CHECK constraint allows nothing else.
    Role::parse(s).unwrap_or(Role::Officer)
}

pub struct Invite {
    pub landlord: String,
    pub email: String,
    pub role: Role,
    /// Sealed under the pepper's TOTP key; see [`Invite::totp_secret`].
    pub totp_sealed: Vec<u8>,
    pub expires_at: i64,
}

impl Invite {
    pub fn totp_secret(&self, pepper: &Pepper) -> Result<Zeroizing<Vec<u8>>, TotpUnusable> {
        open_totp(pepper, &self.totp_sealed, &self.email)
    }
}

/// Why a stored TOTP secret cannot check a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TotpUnusable {
    /// In plain text, as a version before the pepper stored it. Anyone who can write to the
    /// database can put one there, so it counts as no secret at all until the operator, who
    /// alone knows whether the database is the deployment's own, seals it with the staff tool.
    Plain,
    /// Sealed, but not under this pepper: the server runs with another pepper than the one the
    /// database was made with.
    OtherPepper,
}

fn open_totp(
    pepper: &Pepper,
    stored: &[u8],
    email: &str,
) -> Result<Zeroizing<Vec<u8>>, TotpUnusable> {
    if stored.len() == totp::SECRET_LEN {
        return Err(TotpUnusable::Plain);
    }
    pepper
        .totp_key()
        .open(stored, email)
        .map_err(|_| TotpUnusable::OtherPepper)
}

fn is_member_of(db: &mut Db, landlord: &str, email: &str) -> sql::Result<bool> {
    Ok(db
        .query_one(
            "SELECT 1 FROM members WHERE email = ?1 AND landlord = ?2",
            args![email, landlord],
        )?
        .is_some())
}

pub enum Invited {
    Link {
        url: String,
        expires_at: i64,
    },
    BadEmail,
    /// The landlord's leads may invite only these domains (`staff_email_domains`).
    OutsideDomains(Vec<String>),
    /// A member of this landlord already. One of another landlord is invited as anyone else,
    /// so that a lead learns nothing of other landlords' teams; their enrolment is refused.
    AlreadyMember,
    /// The config has no `[staff]` table.
    NotSetUp,
}

/// Makes a one-use enrolment link for `email` at `landlord`, valid for `invite_hours`.
pub fn invite_member(
    db: &mut Db,
    config: &Config,
    landlord: &str,
    email: &str,
    role: Role,
    by: &Actor,
    now: i64,
) -> sql::Result<Invited> {
    let Some(staff) = config.staff.as_ref() else {
        return Ok(Invited::NotSetUp);
    };
    let email = normalise_email(email);
    if !is_staff_address(&email) {
        return Ok(Invited::BadEmail);
    }
    let domains = config
        .landlord(landlord)
        .map(|l| l.staff_email_domains.clone())
        .unwrap_or_default();
    let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
    if !domains.is_empty() && !domains.iter().any(|d| d == domain) {
        return Ok(Invited::OutsideDomains(domains));
    }
    if is_member_of(db, landlord, &email)? {
        return Ok(Invited::AlreadyMember);
    }
    let token = random_token();
    let mut rng = UnwrapErr(SysRng);
    let secret = Zeroizing::new(totp::new_secret(&mut rng));
    let invite = Invite {
        landlord: landlord.to_owned(),
        totp_sealed: staff.pepper.totp_key().seal(&*secret, &email, &mut rng),
        email,
        role,
        expires_at: now + i64::from(staff.invite_hours) * 3600,
    };
    let key = staff.pepper.invite_binding_key();
    create_invite(db, &key, &token_hash(&token), &invite, by, now)?;
    Ok(Invited::Link {
        url: format!("{}#invite={token}", staff.inbox_url()),
        expires_at: invite.expires_at,
    })
}

/// Stores a new invite and an "invited" audit row. An earlier unused invite for the same email
/// at the same landlord is replaced, so only the newest link works.
fn create_invite(
    db: &mut Db,
    key: &InviteBindingKey,
    token_sha256: &[u8; 32],
    invite: &Invite,
    by: &Actor,
    now: i64,
) -> sql::Result<()> {
    let binding = key.bind(&invite.row(token_sha256, by.as_str()));
    db.transaction(|tx| {
        tx.execute(
            "DELETE FROM invites WHERE email = ?1 AND landlord = ?2",
            args![&invite.email, &invite.landlord],
        )?;
        tx.execute(
            "INSERT INTO invites (token_sha256, landlord, email, role, totp_secret, expires_at, created_by, binding)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            args![
                token_sha256,
                &invite.landlord,
                &invite.email,
                invite.role.as_str(),
                &invite.totp_sealed,
                invite.expires_at,
                by.as_str(),
                &binding[..]
            ],
        )?;
        audit(
            tx,
            &invite.landlord,
            by,
            &format!("invited ({})", invite.role.as_str()),
            None,
            Some(&invite.email),
            now,
        )
    })
}

/// The invite a token names, if this server made it as it is stored and its email is no one's
/// account yet. Anything else is not found, with no word why: a row without a good binding may
/// have been written by someone without the pepper (with a member's sealed secret copied into
/// it, that would hand out the member's pepper and secret), and an invite to someone who is a
/// member anywhere has nothing left to enrol.
pub fn invite(
    db: &mut Db,
    key: &InviteBindingKey,
    token_sha256: &[u8; 32],
) -> sql::Result<Option<Invite>> {
    let Some(row) = db.query_one(
        "SELECT landlord, email, role, totp_secret, expires_at, created_by, binding FROM invites i
         WHERE token_sha256 = ?1 AND NOT EXISTS (SELECT 1 FROM members m WHERE m.email = i.email)",
        args![token_sha256],
    )?
    else {
        return Ok(None);
    };
    let (role, created_by, binding): (String, String, Vec<u8>) =
        (row.get(2)?, row.get(5)?, row.get(6)?);
    let Some(role_parsed) = Role::parse(&role) else {
        return Ok(None);
    };
    let invite = Invite {
        landlord: row.get(0)?,
        email: row.get(1)?,
        role: role_parsed,
        totp_sealed: row.get(3)?,
        expires_at: row.get(4)?,
    };
    let stored = InviteRow {
        role: &role,
        ..invite.row(token_sha256, &created_by)
    };
    Ok(key.verify(&stored, &binding).then_some(invite))
}

impl Invite {
    /// The row as it is stored, for its binding.
    fn row<'a>(&'a self, token_sha256: &'a [u8; 32], created_by: &'a str) -> InviteRow<'a> {
        InviteRow {
            token_sha256,
            landlord: &self.landlord,
            email: &self.email,
            role: self.role.as_str(),
            expires_at: self.expires_at,
            totp_sealed: &self.totp_sealed,
            created_by,
        }
    }
}

/// What the enrolling browser sends, with the proof already hashed.
pub struct NewMember {
    pub member_id: String,
    pub proof_hash: String,
    pub public_key: String,
    pub wrapped_key: String,
    pub totp_last_step: u64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Enrolled {
    Done {
        email: String,
    },
    /// No such invite, or it was used a moment ago.
    NoInvite,
    Expired,
}

/// Turns an invite into a member, once: the invite is deleted in the same transaction, before
/// the member is added, so of two enrolments racing with one link (even on two instances) the
/// second finds it gone.
pub fn enrol(
    db: &mut Db,
    key: &InviteBindingKey,
    token_sha256: &[u8; 32],
    member: &NewMember,
    now: i64,
) -> sql::Result<Enrolled> {
    db.transaction(|tx| {
        // Also not found once the email is a member anywhere, even if that happened a moment ago.
        let Some(invite) = invite(tx, key, token_sha256)? else {
            return Ok(Enrolled::NoInvite);
        };
        if invite.expires_at <= now {
            return Ok(Enrolled::Expired);
        }
        if tx.execute(
            "DELETE FROM invites WHERE token_sha256 = ?1",
            args![token_sha256],
        )? == 0
        {
            return Ok(Enrolled::NoInvite);
        }
        tx.execute(
            "INSERT INTO members (member_id, landlord, email, role, proof_hash, public_key, wrapped_key, totp_secret, totp_last_step, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            args![
                &member.member_id,
                &invite.landlord,
                &invite.email,
                invite.role.as_str(),
                &member.proof_hash,
                &member.public_key,
                &member.wrapped_key,
                &invite.totp_sealed,
                member.totp_last_step as i64,
                now
            ],
        )?;
        // Only this landlord's: another landlord's invite to the same email is theirs to
        // withdraw, and enrolment already refuses it while this account exists.
        tx.execute(
            "DELETE FROM invites WHERE email = ?1 AND landlord = ?2",
            args![&invite.email, &invite.landlord],
        )?;
        let actor = Actor::Member(invite.email.clone());
        audit(
            tx,
            &invite.landlord,
            &actor,
            "enrolled",
            None,
            Some(&invite.email),
            now,
        )?;
        Ok(Enrolled::Done {
            email: invite.email,
        })
    })
}

/// A member as sign-in needs them.
pub struct Account {
    pub member_id: String,
    pub landlord: String,
    pub email: String,
    pub role: Role,
    pub proof_hash: String,
    pub public_key: String,
    pub wrapped_key: String,
    /// Sealed under the pepper's TOTP key; see [`Account::totp_secret`].
    pub totp_sealed: Vec<u8>,
    pub totp_last_step: Option<u64>,
    /// Enrolled under key scheme 1: proof hash without the pepper's secret, key wrapped
    /// without the member's pepper, until the member's browser re-wraps it.
    pub older_key: bool,
}

impl Account {
    pub fn totp_secret(&self, pepper: &Pepper) -> Result<Zeroizing<Vec<u8>>, TotpUnusable> {
        open_totp(pepper, &self.totp_sealed, &self.email)
    }
}

pub fn account(db: &mut Db, email: &str) -> sql::Result<Option<Account>> {
    db.query_one(
        "SELECT m.member_id, landlord, email, role, proof_hash, public_key, wrapped_key, totp_secret, totp_last_step,
                o.member_id IS NOT NULL
         FROM members m LEFT JOIN older_member_keys o ON o.member_id = m.member_id
         WHERE email = ?1",
        args![email],
    )?
    .map(|row| {
        Ok(Account {
            member_id: row.get(0)?,
            landlord: row.get(1)?,
            email: row.get(2)?,
            role: role_column(&row.get::<String>(3)?),
            proof_hash: row.get(4)?,
            public_key: row.get(5)?,
            wrapped_key: row.get(6)?,
            totp_sealed: row.get(7)?,
            totp_last_step: row.get::<Option<i64>>(8)?.map(|s| s as u64),
            older_key: row.get::<i64>(9)? != 0,
        })
    })
    .transpose()
}

/// Whether any member still has a key made under scheme 1. Until none does, the inbox derives
/// both schemes' proofs at sign-in: the answer says only this of the whole deployment, never
/// which accounts, so it tells no one whether an email has an account.
pub fn has_older_keys(db: &mut Db) -> sql::Result<bool> {
    Ok(db
        .query_one(
            "SELECT 1 FROM older_member_keys o JOIN members m ON m.member_id = o.member_id LIMIT 1",
            args![],
        )?
        .is_some())
}

/// Puts a member's key onto scheme 2: the new proof's hash and the key wrapped with their
/// pepper, in place of the scheme-1 ones, in one transaction. Only if the member is still on
/// scheme 1 and their proof hash is still `older_hash`, the one the caller checked the older
/// proof against, so two re-wraps racing cannot both land.
pub fn replace_older_key(
    db: &mut Db,
    member_id: &str,
    older_hash: &str,
    proof_hash: &str,
    wrapped_key: &str,
    now: i64,
) -> sql::Result<bool> {
    db.transaction(|tx| {
        if tx.execute(
            "UPDATE members SET proof_hash = ?2, wrapped_key = ?3
             WHERE member_id = ?1 AND proof_hash = ?4
               AND member_id IN (SELECT member_id FROM older_member_keys)",
            args![member_id, proof_hash, wrapped_key, older_hash],
        )? == 0
        {
            return Ok(false);
        }
        tx.execute(
            "DELETE FROM older_member_keys WHERE member_id = ?1",
            args![member_id],
        )?;
        let row = tx
            .query_one(
                "SELECT landlord, email FROM members WHERE member_id = ?1",
                args![member_id],
            )?
            .ok_or(sql::Error::Invalid("a member changed while it was read"))?;
        audit(
            tx,
            &row.get::<String>(0)?,
            &Actor::Member(row.get(1)?),
            "re-wrapped key with the pepper",
            None,
            None,
            now,
        )?;
        Ok(true)
    })
}

/// How many TOTP secrets are in plain text, members' and invites'.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlainTotp {
    pub members: usize,
    pub invites: usize,
}

const PLAIN_TOTP_TABLES: [(&str, &str); 2] =
    [("members", "member_id"), ("invites", "token_sha256")];

/// The TOTP secrets an older version stored in plain text, which sign-in and enrolment refuse
/// until they are sealed, so the operator can be told at start.
pub fn count_plain_totp_secrets(db: &mut Db) -> sql::Result<PlainTotp> {
    let mut counts = [0; 2];
    for (n, (table, _)) in counts.iter_mut().zip(PLAIN_TOTP_TABLES) {
        let row = db.query_one(
            &format!("SELECT COUNT(*) FROM {table} WHERE length(totp_secret) = ?1"),
            args![totp::SECRET_LEN as i64],
        )?;
        *n = row.map_or(Ok(0), |r| r.get::<i64>(0))? as usize;
    }
    Ok(PlainTotp {
        members: counts[0],
        invites: counts[1],
    })
}

/// Seals, under the pepper's TOTP key, every TOTP secret an older version stored in plain text
/// (members' and invites'), and says how many. Only the staff tool calls it, when the operator
/// asks: sealing makes whatever plain secret is in the database one that signs in, and only
/// the operator knows whether everything in it was written by this deployment. The server
/// never does it on its own, or anyone who could write to the database could plant a secret
/// and have it sealed at the next start. A secret already sealed is longer than a plain one,
/// so running it again changes nothing.
pub fn seal_plain_totp_secrets(db: &mut Db, pepper: &Pepper) -> sql::Result<PlainTotp> {
    let key = pepper.totp_key();
    let plain = totp::SECRET_LEN as i64;
    let mut rng = UnwrapErr(SysRng);
    db.transaction(|tx| {
        let mut counts = [0; 2];
        for (sealed, (table, id)) in counts.iter_mut().zip(PLAIN_TOTP_TABLES) {
            let rows = tx.query(
                &format!("SELECT {id}, email, totp_secret FROM {table} WHERE length(totp_secret) = ?1"),
                args![plain],
            )?;
            for row in rows {
                let (id_value, email) = (row.get::<sql::Value>(0)?, row.get::<String>(1)?);
                let secret = Zeroizing::new(row.get::<Vec<u8>>(2)?);
                let stored = key.seal(&secret, &email, &mut rng);
                *sealed += tx.execute(
                    &format!("UPDATE {table} SET totp_secret = ?1 WHERE {id} = ?2 AND length(totp_secret) = ?3"),
                    &[(&stored).into(), id_value, plain.into()],
                )? as usize;
            }
        }
        Ok(PlainTotp {
            members: counts[0],
            invites: counts[1],
        })
    })
}

/// Records the TOTP step just used, unless that step or a later one was used already: the
/// compare and the write are one statement, so two sign-ins racing with one code cannot both win.
pub fn use_totp_step(db: &mut Db, member_id: &str, step: u64) -> sql::Result<bool> {
    let changed = db.execute(
        "UPDATE members SET totp_last_step = ?2
         WHERE member_id = ?1 AND (totp_last_step IS NULL OR totp_last_step < ?2)",
        args![member_id, step as i64],
    )?;
    Ok(changed == 1)
}

/// The second factor a session was started with, besides the passphrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Totp,
    Passkey,
}

impl Factor {
    pub fn as_str(self) -> &'static str {
        match self {
            Factor::Totp => "totp",
            Factor::Passkey => "passkey",
        }
    }
}

pub fn create_session(
    db: &mut Db,
    key: &SessionBindingKey,
    token_sha256: &[u8; 32],
    member_id: &str,
    csrf: &str,
    factor: Factor,
    now: i64,
) -> sql::Result<()> {
    let binding = key.bind(&SessionRow {
        token_sha256,
        member_id,
        csrf,
        factor: factor.as_str(),
        created_at: now,
    });
    db.execute(
        "INSERT INTO sessions (token_sha256, member_id, csrf, factor, created_at, last_seen, binding) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
        args![token_sha256, member_id, csrf, factor.as_str(), now, &binding[..]],
    )?;
    Ok(())
}

/// The member a session belongs to.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub member_id: String,
    pub landlord: String,
    pub email: String,
    pub role: Role,
    pub csrf: String,
    /// Signed in with an authenticator app code while the landlord requires passkeys: the
    /// session may only add a passkey and sign out.
    pub setup_only: bool,
}

/// The session's member if it was used within `idle_secs`, marking it used now. An idle session
/// is deleted, so it cannot come back. A session whose binding does not check out is not found:
/// someone without the pepper may have written it, to act as any member.
pub fn touch_session(
    db: &mut Db,
    key: &SessionBindingKey,
    token_sha256: &[u8; 32],
    idle_secs: i64,
    now: i64,
) -> sql::Result<Option<SignedIn>> {
    db.execute(
        "DELETE FROM sessions WHERE last_seen <= ?1",
        args![now - idle_secs],
    )?;
    let found = db
        .query_one(
            "SELECT m.member_id, m.landlord, m.email, m.role, s.csrf,
                    s.factor = 'totp' AND COALESCE(ls.require_passkeys, 0) = 1,
                    s.factor, s.created_at, s.binding
             FROM sessions s JOIN members m ON m.member_id = s.member_id
             LEFT JOIN landlord_settings ls ON ls.landlord = m.landlord
             WHERE s.token_sha256 = ?1",
            args![token_sha256],
        )?
        .map(|row| {
            let member = SignedIn {
                member_id: row.get(0)?,
                landlord: row.get(1)?,
                email: row.get(2)?,
                role: role_column(&row.get::<String>(3)?),
                csrf: row.get(4)?,
                setup_only: row.get::<i64>(5)? != 0,
            };
            let (factor, created_at, binding): (String, i64, Vec<u8>) =
                (row.get(6)?, row.get(7)?, row.get(8)?);
            let stored = SessionRow {
                token_sha256,
                member_id: &member.member_id,
                csrf: &member.csrf,
                factor: &factor,
                created_at,
            };
            Ok::<_, sql::Error>(key.verify(&stored, &binding).then_some(member))
        })
        .transpose()?
        .flatten();
    if found.is_some() {
        db.execute(
            "UPDATE sessions SET last_seen = ?2 WHERE token_sha256 = ?1",
            args![token_sha256, now],
        )?;
    }
    Ok(found)
}

pub fn end_session(db: &mut Db, token_sha256: &[u8; 32]) -> sql::Result<()> {
    db.execute(
        "DELETE FROM sessions WHERE token_sha256 = ?1",
        args![token_sha256],
    )?;
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct Grant {
    pub key_id: String,
    pub grant: String,
}

pub fn grants(db: &mut Db, member_id: &str) -> sql::Result<Vec<Grant>> {
    db.query(
        "SELECT key_id, \"grant\" FROM grants WHERE member_id = ?1 ORDER BY key_id",
        args![member_id],
    )?
    .iter()
    .map(|row| {
        Ok(Grant {
            key_id: row.get(0)?,
            grant: row.get(1)?,
        })
    })
    .collect()
}

#[derive(Debug, Serialize)]
pub struct TeamMember {
    pub member_id: String,
    pub email: String,
    pub role: Role,
    pub public_key: String,
    pub granted_key_ids: Vec<String>,
    /// How many passkeys they have added.
    pub passkeys: i64,
}

#[derive(Debug, Serialize)]
pub struct PendingInvite {
    pub email: String,
    pub role: Role,
    pub expires_at: String,
}

pub fn team(db: &mut Db, landlord: &str) -> sql::Result<Vec<TeamMember>> {
    let mut members = db
        .query(
            "SELECT member_id, email, role, public_key,
                    (SELECT count(*) FROM passkeys p WHERE p.member_id = members.member_id)
             FROM members WHERE landlord = ?1 ORDER BY email",
            args![landlord],
        )?
        .iter()
        .map(|row| {
            Ok(TeamMember {
                member_id: row.get(0)?,
                email: row.get(1)?,
                role: role_column(&row.get::<String>(2)?),
                public_key: row.get(3)?,
                granted_key_ids: Vec::new(),
                passkeys: row.get(4)?,
            })
        })
        .collect::<sql::Result<Vec<_>>>()?;
    for m in &mut members {
        m.granted_key_ids = grants(db, &m.member_id)?
            .into_iter()
            .map(|g| g.key_id)
            .collect();
    }
    Ok(members)
}

/// Invites not yet used and not yet expired.
pub fn pending_invites(db: &mut Db, landlord: &str, now: i64) -> sql::Result<Vec<PendingInvite>> {
    db.query(
        "SELECT email, role, expires_at FROM invites WHERE landlord = ?1 AND expires_at > ?2 ORDER BY expires_at",
        args![landlord, now],
    )?
    .iter()
    .map(|row| {
        Ok(PendingInvite {
            email: row.get(0)?,
            role: role_column(&row.get::<String>(1)?),
            expires_at: rfc3339(row.get(2)?),
        })
    })
    .collect()
}

/// A member as giving and removing access need them.
struct Found {
    member_id: String,
    email: String,
    public_key: String,
}

/// The landlord's member with this id or email, if there is one.
fn find_member(
    db: &mut Db,
    landlord: &str,
    member_id_or_email: &str,
) -> sql::Result<Option<Found>> {
    db.query_one(
        "SELECT member_id, email, public_key FROM members WHERE landlord = ?1 AND (member_id = ?2 OR email = ?2)",
        args![landlord, member_id_or_email],
    )?
    .map(|row| {
        Ok(Found {
            member_id: row.get(0)?,
            email: row.get(1)?,
            public_key: row.get(2)?,
        })
    })
    .transpose()
}

#[derive(Debug, PartialEq, Eq)]
pub enum Granted {
    Done,
    /// The landlord has no such member.
    NoMember,
    /// The security number the lead confirmed is not the stored key's: the key changed after
    /// the lead's check, or was never the member's. No grant was stored; the refusal was audited.
    NotTheirKey,
}

/// A landlord key sealed to a member's key, and the member's security number as they read it
/// out to whoever sealed it.
pub struct NewGrant<'a> {
    pub key_id: &'a str,
    pub grant: &'a str,
    pub confirmed: Fingerprint,
}

/// Stores (or replaces) a member's grant, only if the number confirmed for it is the number of
/// the key stored for them now. `member` is a member id (from the inbox) or an email (from the
/// command line).
pub fn store_grant(
    db: &mut Db,
    landlord: &str,
    member: &str,
    new: &NewGrant,
    by: &Actor,
    now: i64,
) -> sql::Result<Granted> {
    let NewGrant {
        key_id,
        grant,
        confirmed,
    } = *new;
    db.transaction(|tx| {
        let Some(found) = find_member(tx, landlord, member)? else {
            return Ok(Granted::NoMember);
        };
        // The grant was sealed to the key the lead checked; the row may hold another by now.
        if fingerprint::member(landlord, &found.email, &found.public_key) != Ok(confirmed) {
            audit(tx, landlord, by, GRANT_REFUSED, None, Some(&found.email), now)?;
            return Ok(Granted::NotTheirKey);
        }
        tx.execute(
            "INSERT INTO grants (member_id, key_id, \"grant\", granted_by, granted_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (member_id, key_id) DO UPDATE
             SET \"grant\" = excluded.\"grant\", granted_by = excluded.granted_by, granted_at = excluded.granted_at",
            args![&found.member_id, key_id, grant, by.as_str(), now],
        )?;
        audit(
            tx,
            landlord,
            by,
            &format!("granted ({key_id})"),
            None,
            Some(&found.email),
            now,
        )?;
        Ok(Granted::Done)
    })
}

/// The audit action for access not given because the member's number did not match.
pub const GRANT_REFUSED: &str = "grant refused";

/// Records that a lead's own check refused to give `member` access: the number they read out
/// was not the number of the key the lead was handed. False if the landlord has no such member.
pub fn record_refused_grant(
    db: &mut Db,
    landlord: &str,
    member: &str,
    by: &Actor,
    now: i64,
) -> sql::Result<bool> {
    db.transaction(|tx| {
        let Some(found) = find_member(tx, landlord, member)? else {
            return Ok(false);
        };
        audit(
            tx,
            landlord,
            by,
            GRANT_REFUSED,
            None,
            Some(&found.email),
            now,
        )?;
        Ok(true)
    })
}

/// Deletes every passkey of the landlord's member `member_id`, for a member who has lost the
/// device one is on, and ends their sessions in case that device is signed in; audited as
/// `removed passkeys`. Run it inside a transaction. The member's email and how many passkeys
/// went, or `None` if the landlord has no such member.
pub fn remove_passkeys(
    tx: &mut Db,
    landlord: &str,
    member_id: &str,
    by: &Actor,
    now: i64,
) -> sql::Result<Option<(String, u64)>> {
    let Some(row) = tx.query_one(
        "SELECT member_id, email FROM members WHERE landlord = ?1 AND member_id = ?2",
        args![landlord, member_id],
    )?
    else {
        return Ok(None);
    };
    let (id, email) = (row.get::<String>(0)?, row.get::<String>(1)?);
    let removed = tx.execute("DELETE FROM passkeys WHERE member_id = ?1", args![&id])?;
    tx.execute("DELETE FROM sessions WHERE member_id = ?1", args![&id])?;
    audit(
        tx,
        landlord,
        by,
        "removed passkeys",
        None,
        Some(&email),
        now,
    )?;
    Ok(Some((email, removed)))
}

/// Deletes a member with their grants, passkeys, sessions and the invites they made. Returns how many of the landlord's stored
/// requests are sealed, all of which the member could open until the landlord key is rotated;
/// `None` if the landlord has no such member.
pub fn revoke(
    db: &mut Db,
    landlord: &str,
    member_id: &str,
    by: &Actor,
    now: i64,
) -> sql::Result<Option<i64>> {
    db.transaction(|tx| {
        let Some(Found {
            member_id, email, ..
        }) = find_member(tx, landlord, member_id)?
        else {
            return Ok(None);
        };
        tx.execute("DELETE FROM grants WHERE member_id = ?1", args![&member_id])?;
        tx.execute(
            "DELETE FROM passkeys WHERE member_id = ?1",
            args![&member_id],
        )?;
        tx.execute(
            "DELETE FROM sessions WHERE member_id = ?1",
            args![&member_id],
        )?;
        tx.execute(
            "DELETE FROM members WHERE member_id = ?1",
            args![&member_id],
        )?;
        // A removed member's pending invites would let them, or whoever they invited, back in.
        // `created_by` holds the inviting member's email (`Actor::as_str`).
        tx.execute(
            "DELETE FROM invites WHERE landlord = ?1 AND created_by = ?2",
            args![landlord, &email],
        )?;
        audit(tx, landlord, by, "revoked", None, Some(&email), now)?;
        let sealed: i64 = tx
            .query_one(
                "SELECT count(*) FROM requests WHERE landlord = ?1 AND key_id IS NOT NULL",
                args![landlord],
            )?
            .ok_or(sql::Error::Invalid("count(*) gave no row"))?
            .get(0)?;
        Ok(Some(sealed))
    })
}

#[derive(Debug, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub who: String,
    pub action: String,
    pub request_id: Option<String>,
    pub subject: Option<String>,
}

/// The landlord's audit trail, newest first, at most `limit` rows.
pub fn audit_trail(db: &mut Db, landlord: &str, limit: u32) -> sql::Result<Vec<AuditEntry>> {
    db.query(
        "SELECT at, actor, action, request_id, subject FROM audit WHERE landlord = ?1
         ORDER BY at DESC, rowid DESC LIMIT ?2",
        args![landlord, i64::from(limit)],
    )?
    .iter()
    .map(|row| {
        Ok(AuditEntry {
            at: rfc3339(row.get(0)?),
            who: row.get(1)?,
            action: row.get(2)?,
            request_id: row.get(3)?,
            subject: row.get(4)?,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain secret is told apart from one sealed under another pepper: sign-in answers the
    /// first with its one refusal and the second with 503, so the operator hears of a wrong
    /// pepper but no one learns that a member's secret is from an older version.
    #[test]
    fn a_plain_secret_is_no_secret_and_another_peppers_is_unreadable() {
        let pepper = Pepper::new([1; 32]);
        let mut rng = UnwrapErr(SysRng);
        let secret = totp::new_secret(&mut rng);
        let email = "sam@livin.example";
        assert_eq!(
            open_totp(&pepper, &secret, email).unwrap_err(),
            TotpUnusable::Plain
        );
        let sealed = pepper.totp_key().seal(&secret, email, &mut rng);
        assert_eq!(&open_totp(&pepper, &sealed, email).unwrap()[..], &secret);
        assert_eq!(
            open_totp(&Pepper::new([2; 32]), &sealed, email).unwrap_err(),
            TotpUnusable::OtherPepper
        );
    }
}
