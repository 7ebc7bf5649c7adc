//! `safe-contact-staff`: the staff tool for people with access to the server itself. It works
//! on the database directly, so it needs the same config file as the server, and records what
//! it does in the same audit trail as the API.

use std::path::PathBuf;
use std::process::ExitCode;

use rusqlite::Connection;
use safe_contact_callback::normalise_request_id;
use safe_contact_endpoint::clock::unix_now;
use safe_contact_endpoint::staff::{self, Actor, Status};
use safe_contact_endpoint::{retention, store, Config};

const USAGE: &str = "usage:
  safe-contact-staff [--config FILE] list LANDLORD [new|contacted|closed|all]
  safe-contact-staff [--config FILE] show LANDLORD REQUEST_ID
  safe-contact-staff [--config FILE] mark LANDLORD REQUEST_ID contacted|closed
  safe-contact-staff [--config FILE] purge LANDLORD REQUEST_ID
  safe-contact-staff [--config FILE] sweep      delete everything past its retention period now
  safe-contact-staff new-token                  make a staff token and the hash for the config
The config defaults to $SAFE_CONTACT_CONFIG, else safe-contact.toml.";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut config_path = std::env::var_os("SAFE_CONTACT_CONFIG")
        .map_or_else(|| PathBuf::from("safe-contact.toml"), PathBuf::from);
    if args.first().map(String::as_str) == Some("--config") {
        if args.len() < 2 {
            return fail(USAGE);
        }
        config_path = PathBuf::from(args.remove(1));
        args.remove(0);
    }
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    if words == ["new-token"] {
        let (token, hash) = staff::new_token();
        println!("token (give to the landlord's staff, store nowhere else): {token}");
        println!("config line: staff_token_sha256 = \"{hash}\"");
        return ExitCode::SUCCESS;
    }
    if words.is_empty() || words == ["--help"] || words == ["-h"] {
        println!("{USAGE}");
        return if words.is_empty() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }

    let config = match Config::load(&config_path) {
        Ok(c) => c,
        Err(e) => return fail(&e.to_string()),
    };
    let mut conn = match store::open(&config.database) {
        Ok(c) => c,
        Err(e) => {
            return fail(&format!(
                "cannot open the database {}: {e}",
                config.database.display()
            ))
        }
    };
    let landlord = |id: &str| -> Result<String, String> {
        config
            .landlord(id)
            .map(|l| l.id.clone())
            .ok_or_else(|| format!("no landlord {id:?} in the config"))
    };
    let request_id =
        |s: &str| normalise_request_id(s).ok_or_else(|| format!("{s:?} is not a request id"));
    let result = match words.as_slice() {
        ["list", l] => landlord(l).and_then(|l| list(&conn, &l, Some(Status::New))),
        ["list", l, "all"] => landlord(l).and_then(|l| list(&conn, &l, None)),
        ["list", l, s] => match Status::parse(s) {
            Some(status) => landlord(l).and_then(|l| list(&conn, &l, Some(status))),
            None => Err(USAGE.to_owned()),
        },
        ["show", l, id] => landlord(l).and_then(|l| show(&mut conn, &l, &request_id(id)?)),
        ["mark", l, id, s @ ("contacted" | "closed")] => landlord(l).and_then(|l| {
            let status = Status::parse(s).unwrap_or(Status::Closed);
            let rid = request_id(id)?;
            found(
                staff::mark(&mut conn, &l, &rid, status, Actor::Cli, unix_now()),
                &format!("marked {s}"),
            )
        }),
        ["purge", l, id] => landlord(l).and_then(|l| {
            let rid = request_id(id)?;
            found(
                staff::purge(&mut conn, &l, &rid, Actor::Cli, unix_now()),
                "purged",
            )
        }),
        ["sweep"] => retention::sweep(&mut conn, &config, unix_now())
            .map(|n| println!("deleted {n} requests past their retention period"))
            .map_err(db_error),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn list(conn: &Connection, landlord: &str, status: Option<Status>) -> Result<(), String> {
    let rows = staff::list(conn, landlord, status).map_err(db_error)?;
    if rows.is_empty() {
        println!("no requests");
    }
    for r in rows {
        println!(
            "{}  {:<9}  {}  {}",
            r.request_id,
            r.status.as_str(),
            r.received_at,
            r.area.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

fn show(conn: &mut Connection, landlord: &str, request_id: &str) -> Result<(), String> {
    match staff::read(conn, landlord, request_id, Actor::Cli, unix_now()).map_err(db_error)? {
        Some(full) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&full).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        None => Err("there is no such request".into()),
    }
}

fn found(result: rusqlite::Result<bool>, done: &str) -> Result<(), String> {
    match result.map_err(db_error)? {
        true => {
            println!("{done}");
            Ok(())
        }
        false => Err("there is no such request".into()),
    }
}

fn db_error(e: rusqlite::Error) -> String {
    format!("database error: {e}")
}

fn fail(message: &str) -> ExitCode {
    eprintln!("safe-contact-staff: {message}");
    ExitCode::from(2)
}
