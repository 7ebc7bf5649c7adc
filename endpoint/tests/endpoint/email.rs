//! The e-mail to a landlord's team, sent to an SMTP sink on loopback that this file runs: what
//! it says (only that a request waits, and the inbox link), how a burst is folded, how a send
//! that failed is retried, and that the log of a failure holds no address.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;
use reqwest::StatusCode;
use safe_contact_endpoint::keys::KeyFile;
use safe_contact_endpoint::notify::Timing;
use safe_contact_endpoint::Config;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const TEAM: &str = "da-team@housing.example";
const FROM: &str = "safe-contact@sender.example";
const INBOX: &str = "http://127.0.0.1:8080/staff/";

#[derive(Clone, Debug, Default)]
struct Mail {
    from: String,
    to: Vec<String>,
    data: String,
}

type Inbox = Arc<Mutex<Vec<Mail>>>;

/// Just enough of an SMTP server to take mail without TLS or authentication, keeping each one.
async fn smtp_sink(listener: TcpListener) -> Inbox {
    let inbox = Inbox::default();
    let kept = Arc::clone(&inbox);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(smtp_session(stream, Arc::clone(&kept)));
        }
    });
    inbox
}

async fn smtp_session(stream: TcpStream, inbox: Inbox) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut mail = Mail::default();
    let mut line = String::new();
    write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
    loop {
        line.clear();
        if read.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let angled = || {
            let start = line.find('<').map_or(0, |i| i + 1);
            let end = line.rfind('>').unwrap_or(line.len());
            line[start..end].to_owned()
        };
        let reply: &[u8] = match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
            Some("MAIL") => {
                mail.from = angled();
                b"250 ok\r\n"
            }
            Some("RCPT") => {
                mail.to.push(angled());
                b"250 ok\r\n"
            }
            Some("DATA") => {
                write.write_all(b"354 end with .\r\n").await.unwrap();
                while read.read_line(&mut mail.data).await.unwrap_or(0) > 0
                    && !mail.data.ends_with("\r\n.\r\n")
                {}
                inbox.lock().unwrap().push(std::mem::take(&mut mail));
                b"250 queued\r\n"
            }
            Some("QUIT") => {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            }
            // EHLO, HELO, RSET, NOOP.
            _ => b"250 sink\r\n",
        };
        write.write_all(reply).await.unwrap();
    }
}

/// The test config with Livin's team e-mailed through a mail server on `port` of this machine.
fn email_toml(dir: &std::path::Path, port: u16) -> String {
    let smtp = format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nfrom = \"Safe Contact <{FROM}>\"\n{}",
        staff_table("")
    );
    config_toml(dir, &smtp).replace(
        "id = \"livin\"",
        &format!("id = \"livin\"\nteam_email = \"{TEAM}\""),
    )
}

async fn serve_email(dir: &std::path::Path, port: u16, timing: Timing) -> Server {
    serve_timed(
        Config::from_toml(&email_toml(dir, port), dir).unwrap(),
        timing,
    )
    .await
}

/// A port on loopback that nothing listens on, for now.
async fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

async fn wait_for(inbox: &Inbox, count: usize, within: Duration) -> Vec<Mail> {
    let deadline = Instant::now() + within;
    while inbox.lock().unwrap().len() < count && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    inbox.lock().unwrap().clone()
}

async fn send_sealed(c: &reqwest::Client, s: &Server, key: &KeyFile) {
    let a = post_sealed(c, s, &seal(&valid_body(), key)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sealed_request_makes_one_content_free_email() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = smtp_sink(listener).await;
    let dir = tempdir();
    let s = serve_email(dir.path(), port, Timing::default()).await;
    let c = reqwest::Client::new();

    let mut body = valid_body();
    body["safe_times_note"] = json!("ZqxNoteSecret");
    body["contact"] = json!("07700 900461");
    let key = key_file(dir.path(), "livin-test-1");
    let envelope = seal(&body, &key);
    let a = post_sealed(&c, &s, &envelope).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.json);

    let got = wait_for(&inbox, 1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got_after = inbox.lock().unwrap().clone();
    assert_eq!(got_after.len(), 1, "{got_after:?}");
    let mail = &got[0];
    assert_eq!(mail.from, FROM);
    assert_eq!(mail.to, [TEAM]);
    assert!(
        mail.data
            .contains("Subject: A Safe Contact request is waiting\r\n"),
        "{}",
        mail.data
    );
    let (_, text) = mail.data.split_once("\r\n\r\n").unwrap();
    assert_eq!(
        text,
        format!("A Safe Contact request is waiting in your inbox.\r\n\r\nSign in to read it:\r\n{INBOX}\r\n.\r\n")
    );
    let envelope = serde_json::to_value(&envelope).unwrap();
    let mut markers: Vec<String> = ["livin", "darlington", "zqxnotesecret", "07700", "900461"]
        .map(String::from)
        .to_vec();
    for field in ["request_id", "key_id", "enc", "ciphertext"] {
        let v = envelope[field].as_str().unwrap();
        markers.push(v[..v.len().min(16)].to_lowercase());
    }
    let whole = mail.data.to_lowercase();
    for m in markers {
        assert!(
            !whole.contains(&m),
            "the e-mail holds {m:?}:\n{}",
            mail.data
        );
    }
    s.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_makes_one_email_then_one_more_after_the_cooldown() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = smtp_sink(listener).await;
    let dir = tempdir();
    let cooldown = Duration::from_secs(3);
    let s = serve_email(
        dir.path(),
        port,
        Timing {
            cooldown,
            ..Timing::default()
        },
    )
    .await;
    let c = reqwest::Client::new();
    let key = key_file(dir.path(), "livin-test-1");
    let started = Instant::now();
    for _ in 0..3 {
        send_sealed(&c, &s, &key).await;
    }
    // The first request is told at once; the two behind it wait for the cooldown to end.
    assert_eq!(wait_for(&inbox, 1, Duration::from_secs(10)).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        started.elapsed() < cooldown,
        "too slow to tell the two apart"
    );
    assert_eq!(inbox.lock().unwrap().len(), 1);
    // Then one more covers both, and nothing after it.
    assert_eq!(wait_for(&inbox, 2, Duration::from_secs(10)).await.len(), 2);
    tokio::time::sleep(cooldown + Duration::from_millis(500)).await;
    let got = inbox.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    let text = |m: &Mail| m.data.split_once("\r\n\r\n").unwrap().1.to_owned();
    assert_eq!(text(&got[0]), text(&got[1]));
    s.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_server_that_comes_back_gets_the_email_on_a_retry() {
    let port = free_port().await;
    let dir = tempdir();
    let retry = Duration::from_secs(1);
    let s = serve_email(
        dir.path(),
        port,
        Timing {
            email_retries: vec![retry; 4],
            ..Timing::default()
        },
    )
    .await;
    let key = key_file(dir.path(), "livin-test-1");
    let sent = Instant::now();
    send_sealed(&reqwest::Client::new(), &s, &key).await;
    // The first attempt finds nothing listening: refused at once, on loopback.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let inbox = smtp_sink(TcpListener::bind(addr).await.unwrap()).await;
    let got = wait_for(&inbox, 1, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 1, "the retry never arrived");
    assert!(sent.elapsed() >= retry, "it came before any retry was due");
    assert_eq!(got[0].to, [TEAM]);
    tokio::time::sleep(retry + Duration::from_millis(500)).await;
    assert_eq!(
        inbox.lock().unwrap().len(),
        1,
        "sent again after it was taken"
    );
    s.running.shutdown().await;
}

/// Through the real binary, with its real log and production timings: the first attempt fails
/// at once, and its line names the landlord, the attempt and the kind of error, and no address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_send_is_logged_without_any_address() {
    let port = free_port().await;
    let dir = tempdir();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, email_toml(dir.path(), port)).unwrap();
    let log_path = dir.path().join("server.log");
    let (mut child, base) =
        spawn_endpoint(&config, std::fs::File::create(&log_path).unwrap()).await;
    let started = Instant::now();
    let a = post_raw(
        &reqwest::Client::new(),
        &format!("{base}/v1/callbacks"),
        valid_body().to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_LIVIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a dead mail server held up the request"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut log = String::new();
    while !log.contains("notification e-mail not sent") && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        log = std::fs::read_to_string(&log_path).unwrap();
    }
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("notification e-mail not sent"))
        .unwrap_or_else(|| panic!("no failure line:\n{log}"));
    for expected in [
        "landlord=livin",
        "attempt=1",
        "of=5",
        "connection failed",
        "trying again in 10 s",
    ] {
        assert!(line.contains(expected), "{expected:?} missing: {line}");
    }
    let lower = log.to_lowercase();
    for marker in [
        "@",
        "da-team",
        "housing.example",
        "sender.example",
        "safe contact <",
    ] {
        assert!(!lower.contains(marker), "the log holds {marker:?}:\n{log}");
    }
}
