//! The two binaries from the outside: the staff tool against a live database, and the server
//! refusing to start on a bad config.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::*;
use reqwest::StatusCode;

/// Runs the endpoint binary with `config` and `args` until it exits.
fn endpoint(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safe-contact-endpoint"))
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_cli_lists_reads_marks_and_purges() {
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_toml(dir.path(), "")).unwrap();
    let s = serve(dir.path(), "").await;
    let c = reqwest::Client::new();
    let body = valid_body();
    let id = body["request_id"].as_str().unwrap().to_owned();
    assert_eq!(post(&c, &s, &body).await.status, StatusCode::CREATED);

    let o = staff_cli(&config, &["list", "livin"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&id) && stdout(&o).contains("darlington"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        stdout(&staff_cli(&config, &["list", "star-housing"])).trim(),
        "no requests"
    );

    let o = staff_cli(&config, &["show", "livin", &id]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shown: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(shown["request"]["contact"], "07700900123");
    // Another landlord cannot see it.
    let o = staff_cli(&config, &["show", "star-housing", &id]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such request"));

    assert!(staff_cli(&config, &["mark", "livin", &id, "contacted"])
        .status
        .success());
    assert!(stdout(&staff_cli(&config, &["list", "livin", "contacted"])).contains(&id));
    assert_eq!(
        stdout(&staff_cli(&config, &["list", "livin"])).trim(),
        "no requests"
    );
    assert!(!staff_cli(&config, &["mark", "livin", &id, "new"])
        .status
        .success());

    let o = staff_cli(&config, &["purge", "livin", &id]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&staff_cli(&config, &["list", "livin", "all"])).trim(),
        "no requests"
    );
    assert!(staff_cli(&config, &["sweep"]).status.success());

    let o = staff_cli(&config, &["list", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no landlord \"nowhere\""));
    assert_eq!(staff_cli(&config, &["frobnicate"]).status.code(), Some(2));

    let cli_actions = texts(&s.db, "SELECT action FROM audit WHERE actor = 'cli'");
    assert_eq!(cli_actions.len(), 3, "read, mark and purge are audited");
}

#[test]
fn new_token_prints_a_token_and_its_hash() {
    let o = Command::new(env!("CARGO_BIN_EXE_safe-contact-staff"))
        .arg("new-token")
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = stdout(&o);
    let token = out.lines().next().unwrap().rsplit(' ').next().unwrap();
    assert_eq!(token.len(), 64);
    assert!(
        out.contains(&format!("staff_token_sha256 = \"{}\"", sha256_hex(token))),
        "{out}"
    );
}

#[test]
fn server_refuses_a_bad_config_and_names_the_problem() {
    let dir = tempdir();
    let config = dir.path().join("bad.toml");
    let cases = [
        (
            config_toml(dir.path(), "").replace(ORIGIN_LIVIN, "https://www.livin.example/"),
            "origin \"https://www.livin.example/\"",
        ),
        (
            config_toml(dir.path(), "").replace("staff_token_sha256", "staff_token"),
            "unknown field `staff_token`",
        ),
        (
            config_toml(dir.path(), "request_timeout_seconds = 0"),
            "request_timeout_seconds",
        ),
        (
            config_toml(dir.path(), "").replace(ORIGIN_LIVIN, "http://www.livin.example"),
            "origin \"http://www.livin.example\" must start with https://",
        ),
        (
            config_toml(dir.path(), "").replace(
                "id = \"livin\"",
                "id = \"livin\"\nnotify_webhook = \"http://127.0.0.1:1@evil.example/\"",
            ),
            "notify_webhook must not hold a user name or password",
        ),
        ("this is not toml".to_owned(), "bad.toml"),
    ];
    for (text, expected) in cases {
        std::fs::write(&config, text).unwrap();
        let o = endpoint(&config, &[]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert!(
            err.contains("not starting") && err.contains(expected),
            "{err}"
        );
    }
    std::fs::write(&config, config_toml(dir.path(), "")).unwrap();
    let o = endpoint(&config, &["--check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn demo_keys_and_plaintext_are_refused_outside_a_demo() {
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    let demo = config_toml(dir.path(), "").replace("livin-test-1", "livin-demo-1");
    let not_a_demo = demo.replace(DEMO_LINE, "");
    let plaintext_only = not_a_demo.replace("livin-demo-1", "livin-2026-05");
    let cases = [
        (
            &not_a_demo,
            [
                "seal key id \"livin-demo-1\" is a demo key",
                "run `safe-contact-staff keygen`, then replace callback.seal in the landlord's profile and \"livin-demo-1\" in seal_key_ids",
            ],
        ),
        (
            &plaintext_only,
            [
                "allow_plaintext = true",
                "remove allow_plaintext (or set demo = true for a demo only)",
            ],
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(&config, text).unwrap();
        let o = endpoint(&config, &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains("not starting"), "{err}");
        for e in expected {
            assert!(err.contains(e), "{e:?} is not in {err}");
        }
        // The staff tool reads the same config and refuses it the same way.
        let o = staff_cli(&config, &["list", "livin"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(expected[1]), "{}", stderr(&o));
    }
    std::fs::write(&config, &demo).unwrap();
    let o = endpoint(&config, &["--check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn staff_tool_warns_when_others_can_read_the_config() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, config_toml(dir.path(), "")).unwrap();
    let warning = format!(
        "warning: other users of this machine can read the config file {0}; run chmod 600 {0}",
        config.display()
    );
    for (mode, warned) in [(0o644, true), (0o640, true), (0o604, true), (0o600, false)] {
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(mode)).unwrap();
        let o = staff_cli(&config, &["list", "livin"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            stderr(&o).contains(&warning),
            warned,
            "mode {mode:o}: {}",
            stderr(&o)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_to_is_refused_while_an_endpoint_holds_the_database() {
    let dir = tempdir();
    let sqlite = format!("database = \"{}\"", dir.path().join("old.db").display());
    let toml = config_toml_on(&sqlite, "");
    let config_file = dir.path().join("config.toml");
    std::fs::write(&config_file, &toml).unwrap();
    let config = safe_contact_endpoint::Config::from_toml(&toml, dir.path()).unwrap();
    let s = serve_config(config).await;
    let c = reqwest::Client::new();
    assert_eq!(
        post(&c, &s, &valid_body()).await.status,
        StatusCode::CREATED
    );

    // Nothing listens here: the copy has to get past the old database to find that out.
    let nowhere = "postgres://nobody@127.0.0.1:1/none";
    let o = staff_cli(&config_file, &["copy-to", nowhere]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the database in the config is in use. Stop the endpoint"),
        "{}",
        stderr(&o)
    );
    // The endpoint, idle while the copy was refused, is none the worse for it.
    assert_eq!(
        post(&c, &s, &valid_body()).await.status,
        StatusCode::CREATED
    );

    s.running.shutdown().await;
    let o = staff_cli(&config_file, &["copy-to", nowhere]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot open the new database"),
        "with the endpoint stopped, the old database is read: {}",
        stderr(&o)
    );
    assert!(!stdout(&o).contains("delete"), "{}", stdout(&o));
}
