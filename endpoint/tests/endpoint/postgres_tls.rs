//! TLS to PostgreSQL, on a server of its own with a certificate from a private CA: with
//! `sslmode=require` the endpoint refuses a server it cannot verify, and trusts the CA named by
//! `PGSSLROOTCERT`. It holds the test server alone, because it sets that variable for the whole
//! process.

use std::path::Path;
use std::process::Command;

use crate::common::postgres::*;
use crate::common::*;
use safe_contact_endpoint::store::Store;

fn run(program: &str, args: &[&str], dir: &Path) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Takes `PGSSLROOTCERT` away however the test ends: the file it names goes with the test's
/// folder, and every later connection in the process would fail to read it.
struct UnsetRootCert;

impl Drop for UnsetRootCert {
    fn drop(&mut self) {
        std::env::remove_var("PGSSLROOTCERT");
    }
}

/// The throw-away server, stopped and deleted however the test ends.
struct Server(std::path::PathBuf);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../scripts/postgres.sh"
            ))
            .arg("stop")
            .arg(&self.0)
            .output();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/test.sh runs it with --ignored on a server it starts"]
async fn sslmode_require_checks_the_certificate_against_the_trusted_ca() {
    let (_, _server) = new_database_alone().await;
    let dir = tempdir();
    let certs = dir.path();
    std::fs::write(
        certs.join("san.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(
        "openssl",
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=Safe Contact test CA",
            ],
        ]
        .concat(),
        certs,
    );
    run(
        "openssl",
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ],
        ]
        .concat(),
        certs,
    );
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "san.ext",
        ],
        certs,
    );

    let pg_dir = dir.path().join("pg");
    let started = Command::new("bash")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/postgres.sh"
        ))
        .arg("start")
        .arg(&pg_dir)
        .output()
        .unwrap();
    let _server = Server(pg_dir.clone());
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let admin = String::from_utf8(started.stdout).unwrap().trim().to_owned();
    let data = pg_dir.join("data");
    for file in ["server.pem", "server.key"] {
        std::fs::copy(certs.join(file), data.join(file)).unwrap();
    }
    run("chown", &["postgres:", "server.pem", "server.key"], &data);
    run("chmod", &["600", "server.key"], &data);
    for setting in [
        "ALTER SYSTEM SET ssl_cert_file = 'server.pem'",
        "ALTER SYSTEM SET ssl_key_file = 'server.key'",
        "ALTER SYSTEM SET ssl = on",
        "SELECT pg_reload_conf()",
    ] {
        run("psql", &[&admin, "-qXc", setting], certs);
    }
    let url = format!("{admin}?sslmode=require");

    // Not a public CA's certificate, and no PGSSLROOTCERT: the endpoint will not connect.
    let _unset = UnsetRootCert;
    std::env::remove_var("PGSSLROOTCERT");
    let refused = Store::open(&pg(&url))
        .await
        .err()
        .expect("an unverified server is refused");
    assert!(
        refused.contains("cannot connect to PostgreSQL"),
        "{refused}"
    );

    // With the CA trusted, it connects, and the session is encrypted.
    std::env::set_var("PGSSLROOTCERT", certs.join("ca.pem"));
    let store = Store::open(&pg(&url)).await.unwrap();
    let ssl: i64 = store
        .with_db(|db| {
            db.query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )?
            .unwrap()
            .get(0)
        })
        .await
        .unwrap();
    assert_eq!(ssl, 1, "the connection uses TLS");
}
