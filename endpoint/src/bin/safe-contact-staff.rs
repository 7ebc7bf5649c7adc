//! `safe-contact-staff`: the staff tool. Most commands work on the database directly, so they
//! need the same config file as the server, and record what they do in the same audit trail as
//! the API. Sealed requests are opened here, with private key files the server never sees.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use safe_contact_callback::{is_id, normalise_request_id, parse, FieldError, ParseError};
use safe_contact_endpoint::clock::{rfc3339, unix_now};
use safe_contact_endpoint::config::Database;
use safe_contact_endpoint::config::Landlord;
use safe_contact_endpoint::keys::{
    key_for, open_answer, open_request, readable_by_others, KeyFile,
};
use safe_contact_endpoint::staff::accounts::{self, Granted, Invited, Role};
use safe_contact_endpoint::staff::{self, Actor, Status};
use safe_contact_endpoint::store::sql::{self, Db};
use safe_contact_endpoint::store::{copy, Store};
use safe_contact_endpoint::{retention, Config};
use safe_contact_profile::Profile;
use safe_contact_staff_keys::fingerprint::{self, Fingerprint};
use safe_contact_staff_keys::passphrase::normalise_email;
use serde_json::Value;

const USAGE: &str = "usage:
  safe-contact-staff [--config FILE] list LANDLORD [new|contacted|closed|all] [--key FILE]...
  safe-contact-staff [--config FILE] show LANDLORD REQUEST_ID [--key FILE]...
  safe-contact-staff [--config FILE] mark LANDLORD REQUEST_ID contacted|closed
  safe-contact-staff [--config FILE] purge LANDLORD REQUEST_ID
  safe-contact-staff [--config FILE] sweep      delete everything past its retention period now
  safe-contact-staff [--config FILE] open LANDLORD --key FILE...
                     open a sealed request read from standard input: a staff API answer from
                     GET /v1/staff/requests/{id}, or a bare envelope; with --config, the area
                     is checked against the landlord's too
  safe-contact-staff [--config FILE] invite LANDLORD EMAIL --role officer|lead
                     make a one-use link to enrol in the staff inbox; prints it and its expiry
  safe-contact-staff [--config FILE] grant LANDLORD EMAIL --key FILE --fingerprint NUMBER
                     give an inbox member the landlord key in FILE, sealed to their own key;
                     NUMBER is the 24-digit security number they read out to you (their inbox
                     showed it when they set up): a key that does not match gets nothing
  safe-contact-staff [--config FILE] remove-passkeys LANDLORD EMAIL
                     remove every passkey of an inbox member who has lost the device one is
                     on, and end their sessions; they sign in with their authenticator app code
                     and, if the team requires passkeys, add a new one (for a sole lead, whom
                     no other lead can help)
  safe-contact-staff [--config FILE] seal-totp-secrets
                     once, after upgrading from a version that kept authenticator secrets in
                     plain text: seal them under the pepper, so those members can sign in
                     again; never on a database restored from a copy you do not trust
  safe-contact-staff keygen --out FILE [--key-id ID]
                     make a key pair for sealed requests; prints the public key for the profile
                     and its security number
  safe-contact-staff fingerprint PROFILE_FILE
                     print the security number of the key a profile seals to, to check it
                     against the one keygen printed and the inbox shows
  safe-contact-staff new-token                  make a staff token and the hash for the config
  safe-contact-staff [--config FILE] copy-to postgres://USER@HOST/NAME
                     copy every request, the audit trail and the inbox's members, invites and
                     grants from the config's SQLite database into an empty PostgreSQL one, to
                     move onto it; stop the endpoint first, as the copy is refused while it runs
--key names a private key file made by keygen; give several while keys are being rotated.
Sealed requests are opened on this machine: the server never holds a private key.
Every request opened is checked as the form checks it; one that fails is flagged plainly.
The config defaults to $SAFE_CONTACT_CONFIG, else safe-contact.toml.";

struct Args {
    config: Option<PathBuf>,
    keys: Vec<PathBuf>,
    out: Option<PathBuf>,
    key_id: Option<String>,
    role: Option<String>,
    fingerprint: Option<String>,
    words: Vec<String>,
}

fn parse_args() -> Option<Args> {
    let mut parsed = Args {
        config: None,
        keys: Vec::new(),
        out: None,
        key_id: None,
        role: None,
        fingerprint: None,
        words: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => parsed.config = Some(args.next()?.into()),
            "--key" => parsed.keys.push(args.next()?.into()),
            "--out" => parsed.out = Some(args.next()?.into()),
            "--key-id" => parsed.key_id = Some(args.next()?),
            "--role" => parsed.role = Some(args.next()?),
            "--fingerprint" => parsed.fingerprint = Some(args.next()?),
            _ => parsed.words.push(arg),
        }
    }
    Some(parsed)
}

fn main() -> ExitCode {
    let Some(args) = parse_args() else {
        return fail(USAGE);
    };
    let words: Vec<&str> = args.words.iter().map(String::as_str).collect();
    let takes_keys = matches!(words.first(), Some(&("list" | "show" | "open" | "grant")));
    let is_keygen = words == ["keygen"];
    let is_invite = words.first() == Some(&"invite");
    let is_grant = words.first() == Some(&"grant");
    if (!args.keys.is_empty() && !takes_keys)
        || ((args.out.is_some() || args.key_id.is_some()) && !is_keygen)
        || (args.role.is_some() != is_invite)
        || (args.fingerprint.is_some() && !is_grant)
    {
        return fail(USAGE);
    }
    match words.as_slice() {
        ["new-token"] => {
            let (token, hash) = staff::new_token();
            println!("token (give to the landlord's staff, store nowhere else): {token}");
            println!("config line: staff_token_sha256 = \"{hash}\"");
            return ExitCode::SUCCESS;
        }
        ["keygen"] => return done(keygen(args.out.as_deref(), args.key_id)),
        ["fingerprint", profile] => return done(profile_fingerprint(Path::new(profile))),
        [] => {
            println!("{USAGE}");
            return ExitCode::from(2);
        }
        ["--help" | "-h"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let keys = match load_keys(&args.keys) {
        Ok(k) => k,
        Err(e) => return fail(&e),
    };
    if let ["open", l] = words.as_slice() {
        // Without a config the area cannot be checked against the landlord's areas.
        let areas = match args.config.as_deref().map(load_config) {
            None => Ok(None),
            Some(Err(e)) => Err(e),
            Some(Ok(config)) => config
                .landlord(l)
                .map(|x| Some(x.areas.clone()))
                .ok_or_else(|| format!("no landlord {l:?} in the config")),
        };
        return done(areas.and_then(|areas| open_stdin(l, areas.as_deref(), &keys)));
    }

    let config_path = args.config.unwrap_or_else(|| {
        std::env::var_os("SAFE_CONTACT_CONFIG")
            .map_or_else(|| PathBuf::from("safe-contact.toml"), PathBuf::from)
    });
    let config = match load_config(&config_path) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    let role = args.role.clone();
    let fingerprint = args.fingerprint.clone();
    // The store is the server's own, so PostgreSQL is reached the same way, through its pool.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    done(runtime.block_on(async move {
        // Before the store is opened: its own connections would hold the database too.
        if let [verb, url] = words.as_slice() {
            if verb == "copy-to" {
                return copy_to(&config.database, url).await;
            }
        }
        let store = Store::open(&config.database).await.map_err(|e| {
            format!(
                "cannot open the database ({}): {e}",
                config.database.describe()
            )
        })?;
        store
            .with_db(move |db| {
                let given = Given {
                    role: role.as_deref(),
                    fingerprint: fingerprint.as_deref(),
                    keys: &keys,
                };
                Ok(command(db, &config, &words, &given))
            })
            .await
            .map_err(|_| "the database cannot be reached".to_owned())?
    }))
}

/// Copies everything but sessions from the config's SQLite database into the PostgreSQL
/// database at `url`, which must hold no requests, audit rows or members yet. The SQLite
/// database is held alone throughout, so it is refused while an endpoint runs on it.
async fn copy_to(from: &Database, url: &str) -> Result<(), String> {
    if !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
        return Err("copy-to takes a postgres:// address".into());
    }
    let Database::Sqlite(path) = from else {
        return Err(
            "copy-to moves a SQLite database, and the database in the config is not SQLite".into(),
        );
    };
    let mut source = copy::Source::open_alone(path).map_err(|e| e.to_string())?;
    let rows = source
        .read()
        .map_err(|e| format!("cannot read the database in the config ({e})"))?;
    let counts = rows.counts();
    let target = Database::Postgres(url.to_owned());
    let to = Store::open(&target)
        .await
        .map_err(|e| format!("cannot open the new database ({}): {e}", target.describe()))?;
    let written = to
        .with_db(move |db| Ok(copy::write(db, &rows).map_err(db_error)))
        .await
        .map_err(|_| format!("cannot write to {}", target.describe()))?;
    written?;
    // Counted again on both sides before anyone is told to delete the old database.
    let copied = to
        .with_db(|db| Ok(copy::count(db)))
        .await
        .map_err(|_| format!("cannot count the rows in {}", target.describe()))?
        .map_err(db_error)?;
    let still = source.count().map_err(db_error)?;
    if copied != counts || still != counts {
        let tell = |c: &[(&str, usize)]| {
            c.iter()
                .map(|(table, n)| format!("{table} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(format!(
            "the new database does not hold what was read from the old one (read: {}; now in \
             the new one: {}; now in the old one: {}). Do not delete the old database. Empty \
             the new one and copy again.",
            tell(&counts),
            tell(&copied),
            tell(&still)
        ));
    }
    for (table, n) in counts {
        println!("{table}: {n} rows copied, and counted again in both databases");
    }
    println!(
        "Now set database = \"postgres://…\" and client_secret_env in the config, start the\n\
         endpoint on it, and check it. Then delete the old database: it still holds every request.\n\
         Staff sign in to the inbox again."
    );
    Ok(())
}

/// What the options gave the commands that work on the database.
struct Given<'a> {
    role: Option<&'a str>,
    fingerprint: Option<&'a str>,
    keys: &'a [KeyFile],
}

/// The commands that work on the database.
fn command(db: &mut Db, config: &Config, words: &[String], given: &Given) -> Result<(), String> {
    let Given { role, keys, .. } = *given;
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let landlord = |id: &str| -> Result<&Landlord, String> {
        config
            .landlord(id)
            .ok_or_else(|| format!("no landlord {id:?} in the config"))
    };
    let request_id =
        |s: &str| normalise_request_id(s).ok_or_else(|| format!("{s:?} is not a request id"));
    match words.as_slice() {
        ["list", l] => landlord(l).and_then(|l| list(db, l, Some(Status::New), keys)),
        ["list", l, "all"] => landlord(l).and_then(|l| list(db, l, None, keys)),
        ["list", l, s] => match Status::parse(s) {
            Some(status) => landlord(l).and_then(|l| list(db, l, Some(status), keys)),
            None => Err(USAGE.to_owned()),
        },
        ["show", l, id] => landlord(l).and_then(|l| show(db, l, &request_id(id)?, keys)),
        ["mark", l, id, s @ ("contacted" | "closed")] => landlord(l).and_then(|l| {
            let status = Status::parse(s).unwrap_or(Status::Closed);
            let rid = request_id(id)?;
            found(
                staff::mark(db, &l.id, &rid, status, None, Actor::Cli, unix_now()),
                &format!("marked {s}"),
            )
        }),
        ["purge", l, id] => landlord(l).and_then(|l| {
            let rid = request_id(id)?;
            found(
                staff::purge(db, &l.id, &rid, Actor::Cli, unix_now()),
                "purged",
            )
        }),
        ["invite", l, email] => landlord(l).and_then(|l| {
            let role = role
                .and_then(Role::parse)
                .ok_or("--role must be officer or lead")?;
            invite(db, config, l, email, role)
        }),
        ["grant", l, email] => {
            landlord(l).and_then(|l| grant(db, l, email, keys, given.fingerprint))
        }
        ["remove-passkeys", l, email] => landlord(l).and_then(|l| remove_passkeys(db, l, email)),
        ["seal-totp-secrets"] => seal_totp_secrets(db, config),
        ["sweep"] => match retention::sweep(db, config, unix_now()).map_err(db_error)? {
            Some(n) => {
                println!("deleted {n} requests past their retention period");
                Ok(())
            }
            None => Err("another instance is sweeping now; try again in a minute".into()),
        },
        _ => Err(USAGE.to_owned()),
    }
}

fn load_keys(paths: &[PathBuf]) -> Result<Vec<KeyFile>, String> {
    let mut keys: Vec<KeyFile> = Vec::new();
    for path in paths {
        let key = KeyFile::load(path)?;
        if keys.iter().any(|k| k.key_id == key.key_id) {
            return Err(format!("two --key files are for key {:?}", key.key_id));
        }
        warn_if_others_can_read("key file", path);
        keys.push(key);
    }
    Ok(keys)
}

/// The config names the database and holds the staff token hashes: a warning, not a refusal,
/// because the owner may have good reason and the server itself reads it the same way.
fn load_config(path: &Path) -> Result<Config, String> {
    let config = Config::load(path).map_err(|e| e.to_string())?;
    warn_if_others_can_read("config file", path);
    Ok(config)
}

fn warn_if_others_can_read(what: &str, path: &Path) {
    if readable_by_others(path) {
        eprintln!(
            "safe-contact-staff: warning: other users of this machine can read the {what} {0}; run chmod 600 {0}",
            path.display()
        );
    }
}

fn keygen(out: Option<&Path>, key_id: Option<String>) -> Result<(), String> {
    let out = out.ok_or("keygen needs --out FILE: where to write the private key")?;
    if let Some(id) = &key_id {
        if !is_id(id) {
            return Err(format!(
                "--key-id {id:?} must be {}",
                safe_contact_rules::id::IN_WORDS
            ));
        }
    }
    let today = &rfc3339(unix_now())[..10];
    let key = KeyFile::create(out, key_id, today).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} already exists; it may be the only copy of a key, so it is not replaced",
                out.display()
            )
        } else {
            format!("cannot write {}: {e}", out.display())
        }
    })?;
    let number = fingerprint::landlord_key(&key.key_id, &key.public_key)
        .map_err(|e| format!("the new key has no security number: {e}"))?;
    println!(
        "wrote the private key to {} (readable by you only).\n\
         Keep it on the staff machines that read requests, never on the server, and back it up:\n\
         requests sealed to it can never be read without it.\n\n\
         key id: {id}\n\
         public key: {pk}\n\
         security number: {number}\n\
         (the inbox shows this number for the key to a lead who holds it; `fingerprint` prints it\n\
         for a profile, so you can check the profile seals to this key)\n\n\
         In the landlord's profile, under \"callback\":\n  \
         \"seal\": {{ \"key_id\": \"{id}\", \"public_key\": \"{pk}\" }}\n\
         In the endpoint config, in the landlord's [[landlord]] section (keep the old ids listed\n\
         until no page still uses them):\n  \
         seal_key_ids = [\"{id}\"]",
        out.display(),
        id = key.key_id,
        pk = key.public_key,
    );
    Ok(())
}

/// The security number of the key a profile seals to.
fn profile_fingerprint(path: &Path) -> Result<(), String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the profile {shown}: {e}"))?;
    let profile = Profile::from_json(&text)
        .map_err(|e| format!("{shown} is not a profile the widget can read: {e}"))?;
    let seal = profile
        .callback
        .and_then(|c| c.seal)
        .ok_or_else(|| format!("{shown} has no callback.seal, so it seals to no key"))?;
    let number = fingerprint::landlord_key(&seal.key_id, &seal.public_key)
        .map_err(|e| format!("the seal key in {shown} cannot be used: {e}"))?;
    println!("key id: {}\nsecurity number: {number}", seal.key_id);
    Ok(())
}

fn open_stdin(landlord: &str, areas: Option<&[String]>, keys: &[KeyFile]) -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let answer = serde_json::from_str(&input).map_err(|_| "standard input is not JSON")?;
    print_json(&flagged(open_answer(answer, landlord, keys)?, areas))
}

/// The form's own checks, run again on a request as staff open it. For a sealed request this is
/// the first check of what it says: the server cannot read it, and anyone with the public key
/// in the profile can seal anything at all. Without the landlord's areas, whatever area was
/// chosen is taken to be one of them.
fn failed_checks(request: &Value, areas: Option<&[String]>) -> Vec<FieldError> {
    let bytes = serde_json::to_vec(request).unwrap_or_default();
    match parse(&bytes) {
        Ok(r) => {
            let chosen: Vec<String> = r.area.iter().cloned().collect();
            r.validate(areas.unwrap_or(&chosen))
                .err()
                .unwrap_or_default()
        }
        Err(ParseError::Fields(errors)) => errors,
        Err(ParseError::Malformed(message)) => vec![FieldError {
            field: "request".into(),
            message: message.into(),
            key: "",
        }],
    }
}

/// The answer with `"fails_checks"` added, and a warning on standard error, if its request
/// fails the form's checks. The messages are the form's own and never quote a value.
fn flagged(mut answer: Value, areas: Option<&[String]>) -> Value {
    let failed = failed_checks(&answer["request"], areas);
    if failed.is_empty() {
        return answer;
    }
    eprintln!(
        "safe-contact-staff: WARNING: request {} fails the form's checks, so it did not come from the form as it is. Treat it with care: do not follow any link or instruction in it.",
        answer["request_id"].as_str().unwrap_or("(no id)")
    );
    for e in &failed {
        eprintln!("  {}: {}", e.field, e.message);
    }
    answer["fails_checks"] = serde_json::to_value(&failed).unwrap_or_default();
    answer
}

fn list(
    db: &mut Db,
    landlord: &Landlord,
    status: Option<Status>,
    keys: &[KeyFile],
) -> Result<(), String> {
    let rows = staff::list(db, &landlord.id, status).map_err(db_error)?;
    if rows.is_empty() {
        println!("no requests");
    }
    for r in rows {
        let area = match r.sealed {
            false => r.area.unwrap_or_else(|| "-".into()),
            true => sealed_area(db, landlord, &r.request_id, keys)?,
        };
        println!(
            "{}  {:<9}  {}  {}",
            r.request_id,
            r.status.as_str(),
            r.received_at,
            area
        );
    }
    Ok(())
}

/// The area of a sealed request if one of `keys` opens it, else a note of why not. Opening it
/// is audited, and a request that fails the form's checks is marked.
fn sealed_area(
    db: &mut Db,
    landlord: &Landlord,
    request_id: &str,
    keys: &[KeyFile],
) -> Result<String, String> {
    let envelope = staff::envelope(db, &landlord.id, request_id)
        .map_err(db_error)?
        .ok_or("a sealed request vanished while being listed")?;
    if key_for(&envelope, keys).is_err() {
        return Ok(format!("(sealed to key {})", envelope.key_id));
    }
    let Ok(request) = open_request(&envelope, &landlord.id, keys) else {
        return Ok("(sealed, cannot be opened: see show)".into());
    };
    staff::record_opened_in_list(db, &landlord.id, request_id, unix_now()).map_err(db_error)?;
    let area = request["area"].as_str().unwrap_or("-");
    Ok(
        if failed_checks(&request, Some(&landlord.areas)).is_empty() {
            area.to_owned()
        } else {
            format!("{area}  FAILS THE FORM'S CHECKS: see show")
        },
    )
}

fn show(
    db: &mut Db,
    landlord: &Landlord,
    request_id: &str,
    keys: &[KeyFile],
) -> Result<(), String> {
    let id = landlord.id.as_str();
    // Without the right key the request cannot be read, so nothing is read or audited.
    if let Some(envelope) = staff::envelope(db, id, request_id).map_err(db_error)? {
        key_for(&envelope, keys)?;
    }
    let full = staff::read(db, id, request_id, Actor::Cli, unix_now())
        .map_err(db_error)?
        .ok_or("there is no such request")?;
    let mut answer = serde_json::to_value(&full).map_err(|e| e.to_string())?;
    if matches!(full.content, staff::Stored::Envelope(_)) {
        answer = open_answer(answer, id, keys)?;
    }
    print_json(&flagged(answer, Some(&landlord.areas)))
}

fn invite(
    db: &mut Db,
    config: &Config,
    landlord: &Landlord,
    email: &str,
    role: Role,
) -> Result<(), String> {
    match accounts::invite_member(db, config, &landlord.id, email, role, &Actor::Cli, unix_now())
        .map_err(db_error)?
    {
        Invited::Link { url, expires_at } => {
            println!(
                "invite link for {} (works once, until {}):\n{url}\nSend it only to them: whoever opens it first can enrol.",
                normalise_email(email),
                rfc3339(expires_at)
            );
            Ok(())
        }
        Invited::BadEmail => Err(format!("{email:?} is not an email address")),
        Invited::OutsideDomains(domains) => Err(format!(
            "{} is not at {}, the landlord's staff_email_domains",
            normalise_email(email),
            domains.join(" or ")
        )),
        Invited::AlreadyMember => Err(format!(
            "{} is already a member of {}'s team",
            normalise_email(email),
            landlord.id
        )),
        Invited::NotSetUp => Err(
            "invite needs a [staff] table with base_url, the address the inbox is served from, in the config".into(),
        ),
    }
}

/// Seals the key in the one key file to the member's public key and stores the grant, once
/// the security number the member read out matches the key it would be sealed to.
fn grant(
    db: &mut Db,
    landlord: &Landlord,
    email: &str,
    keys: &[KeyFile],
    confirmed: Option<&str>,
) -> Result<(), String> {
    let [key] = keys else {
        return Err("grant needs exactly one --key FILE: the landlord key to give".into());
    };
    let confirmed = confirmed.ok_or(
        "grant needs --fingerprint NUMBER: the 24-digit security number the member's inbox showed \
         when they set up. Ask them to read it out to you, in person or by phone",
    )?;
    let confirmed = Fingerprint::parse(confirmed).ok_or(
        "--fingerprint must be the 24 digits the member reads out, like \"4821 0937 5512 7730 0918 2264\"",
    )?;
    if !landlord.seal_key_ids.contains(&key.key_id) {
        return Err(format!(
            "key {:?} from {} is not in {:?}'s seal_key_ids in the config",
            key.key_id,
            key.path.display(),
            landlord.id
        ));
    }
    let email = normalise_email(email);
    let member = accounts::account(db, &email)
        .map_err(db_error)?
        .filter(|a| a.landlord == landlord.id)
        .ok_or_else(|| {
            format!(
                "{email} is not an inbox member of {:?}: invite them and let them enrol first",
                landlord.id
            )
        })?;
    let not_their_key = || {
        format!(
            "the security number you gave is not the number of the key the database holds for \
             {email}, so nothing was given. Check the number with them again. If it still does not \
             match, someone may have put another key in their place: do not give access. The \
             refusal is in the audit trail."
        )
    };
    if fingerprint::member(&landlord.id, &email, &member.public_key) != Ok(confirmed) {
        accounts::record_refused_grant(
            db,
            &landlord.id,
            &member.member_id,
            &Actor::Cli,
            unix_now(),
        )
        .map_err(db_error)?;
        return Err(not_their_key());
    }
    let sealed = key.seal_grant(&landlord.id, &email, &member.public_key)?;
    let new = accounts::NewGrant {
        key_id: &key.key_id,
        grant: &sealed,
        confirmed,
    };
    match accounts::store_grant(
        db,
        &landlord.id,
        &member.member_id,
        &new,
        &Actor::Cli,
        unix_now(),
    )
    .map_err(db_error)?
    {
        Granted::Done => {}
        Granted::NotTheirKey => return Err(not_their_key()),
        Granted::NoMember => {
            return Err(format!(
                "{email} stopped being a member while the grant was made"
            ))
        }
    }
    println!(
        "granted key {:?} to {email}: it is sealed to their own key, so only their browser can open it",
        key.key_id
    );
    Ok(())
}

/// What a lead does from the Team page for a member who has lost a passkey's device, for when
/// no lead can: the team's only lead has lost theirs while the team requires passkeys.
fn remove_passkeys(db: &mut Db, landlord: &Landlord, email: &str) -> Result<(), String> {
    let email = normalise_email(email);
    let not_a_member = || format!("{email} is not an inbox member of {:?}", landlord.id);
    let member = accounts::account(db, &email)
        .map_err(db_error)?
        .filter(|a| a.landlord == landlord.id)
        .ok_or_else(not_a_member)?;
    let removed = db
        .transaction(|tx| {
            accounts::remove_passkeys(tx, &landlord.id, &member.member_id, &Actor::Cli, unix_now())
        })
        .map_err(db_error)?;
    let Some((email, n)) = removed else {
        return Err(not_a_member());
    };
    let passkeys = if n == 1 { "passkey" } else { "passkeys" };
    println!(
        "removed {n} {passkeys} of {email} and ended their sessions. They sign in with the code from \
         their authenticator app; if their team requires passkeys, that session can only add a \
         new one until they sign in with it."
    );
    Ok(())
}

/// Seals the authenticator secrets an older version kept in plain text. The server refuses
/// them until then, because it cannot tell one an older version wrote from one planted by
/// someone who can write to the database; the operator, who knows where the database has been,
/// decides.
fn seal_totp_secrets(db: &mut Db, config: &Config) -> Result<(), String> {
    let staff = config.staff.as_ref().ok_or(
        "seal-totp-secrets needs the [staff] table, with pepper_env naming the pepper, in the config",
    )?;
    let sealed = accounts::seal_plain_totp_secrets(db, &staff.pepper).map_err(db_error)?;
    println!(
        "sealed the authenticator secrets of {} members and {} invites that an older version kept in plain text",
        sealed.members, sealed.invites
    );
    Ok(())
}

fn print_json(value: &serde_json::Value) -> Result<(), String> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).map_err(|e| e.to_string())?
    );
    Ok(())
}

fn found(result: sql::Result<bool>, done: &str) -> Result<(), String> {
    match result.map_err(db_error)? {
        true => {
            println!("{done}");
            Ok(())
        }
        false => Err("there is no such request".into()),
    }
}

fn db_error(e: sql::Error) -> String {
    format!("database error: {e}")
}

fn done(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("safe-contact-staff: {message}");
    ExitCode::from(2)
}
