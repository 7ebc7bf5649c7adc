//! The call-back form's frame, served from the endpoint's own origin: its page and headers, the
//! requests it sends from that origin, and the start-up warnings when the endpoint shares an
//! origin with the landlord's pages or has no origin at all.

use std::path::Path;
use std::time::Duration;

use crate::common::*;
use reqwest::StatusCode;
use safe_contact_profile::Profile;
use serde_json::Value;

const PAGE_HEAD: &str = r#"<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Safe call-back request</title><link rel="stylesheet" href="../../form/form.css"><link rel="modulepreload" href="../../form/safe-contact-form.js"><link rel="preload" href="../../form/safe-contact-form_bg.wasm" as="fetch" crossorigin><script type="application/json" id="safe-contact-form">"#;
const PAGE_TAIL: &str =
    r#"</script><script src="../../form/frame.js"></script></head><body></body></html>"#;

/// A landlord's words that would end the script element if written into the page as they are.
const HOSTILE_STEPS: &str = "We will call you.</script><script>alert(1)</script><!--";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// The test config with the endpoint's `origin` line (if any) and both landlords' profiles,
/// Livin's next steps carrying [`HOSTILE_STEPS`].
fn config_with_profiles(dir: &Path, origin_line: &str) -> String {
    let livin = test_profile("livin").replace(
        "We will contact you using the way and the times you chose.",
        HOSTILE_STEPS,
    );
    let toml = config_toml(dir, origin_line);
    let toml = with_profile(&toml, dir, "livin", &livin);
    with_profile(&toml, dir, "star-housing", &test_profile("star-housing"))
}

async fn serve_frames(dir: &Path) -> Server {
    let text = config_with_profiles(dir, &format!("origin = \"{FORM_ORIGIN}\""));
    serve_config(safe_contact_endpoint::Config::from_toml(&text, dir).unwrap()).await
}

/// The JSON in the page's data element, after checking the page around it is exactly the shell.
fn page_data(html: &str) -> &str {
    let data = html
        .strip_prefix(PAGE_HEAD)
        .and_then(|rest| rest.strip_suffix(PAGE_TAIL))
        .unwrap_or_else(|| panic!("not the frame page's shape: {html}"));
    assert!(
        !data.contains('<'),
        "a < in the data could close the script element: {data}"
    );
    data
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_frame_page_carries_the_profile_and_may_be_framed_only_by_the_landlords_pages() {
    let dir = tempdir();
    let s = serve_frames(dir.path()).await;
    let c = client();

    let r = c.get(s.url("/v1/form/livin")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(
        h["content-security-policy"],
        format!("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {ORIGIN_LIVIN}")
    );
    assert_eq!(
        h.get_all("content-security-policy").iter().count(),
        1,
        "the API's own policy is not added: {h:?}"
    );
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h.get("set-cookie").is_none());

    let html = r.text().await.unwrap();
    let data: Value = serde_json::from_str(page_data(&html)).unwrap();
    assert_eq!(
        data.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["origins", "profile"]
    );
    assert_eq!(data["origins"], serde_json::json!([ORIGIN_LIVIN]));
    // The form reads it with the widget's own reader. It is the landlord's profile as the
    // browser gets every copy: without the sources and dates behind its contacts.
    let profile = Profile::read_json(&data["profile"].to_string()).unwrap();
    let callback = profile.callback.as_ref().unwrap();
    assert_eq!(
        callback.next_steps, HOSTILE_STEPS,
        "the same words, once read"
    );
    assert_eq!(callback.seal.as_ref().unwrap().key_id, "livin-test-1");
    let mut file: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("livin.json")).unwrap())
            .unwrap();
    safe_contact_profile::shown::shown(&mut file);
    assert_eq!(profile, Profile::read_json(&file.to_string()).unwrap());
    for key in safe_contact_profile::shown::NOT_SHOWN {
        assert!(!html.contains(&format!("\"{key}\":")), "{key} in the page");
    }

    // Another landlord's page names its own origins and profile.
    let r = c.get(s.url("/v1/form/star-housing")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let policy = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        policy.ends_with(&format!("; frame-ancestors {ORIGIN_STAR}")),
        "{policy}"
    );
    let html = r.text().await.unwrap();
    let data: Value = serde_json::from_str(page_data(&html)).unwrap();
    assert_eq!(data["origins"], serde_json::json!([ORIGIN_STAR]));
    assert_eq!(data["profile"]["id"], "star-housing");

    // HEAD gives the same headers and no body.
    let r = c.head(s.url("/v1/form/livin")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors"));
    assert!(r.bytes().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_frame_page_answers_404_without_a_profile_or_an_endpoint_origin() {
    let dir = tempdir();
    let c = client();
    let not_found = |r: reqwest::Response| async move {
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(r.headers()["cache-control"], "no-store");
        assert!(r.headers().get("set-cookie").is_none());
        let json: Value = r.json().await.unwrap();
        assert_eq!(json["errors"][0]["field"], Value::Null, "{json}");
        assert!(json["errors"][0]["message"].is_string(), "{json}");
    };

    let s = serve_frames(dir.path()).await;
    for unknown in ["/v1/form/nobody", "/v1/form/Livin", "/v1/form/livin%2F.."] {
        not_found(c.get(s.url(unknown)).send().await.unwrap()).await;
    }
    // What axum answers on its own is not kept or framed either.
    let r = c.post(s.url("/v1/form/livin")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(
        r.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    s.running.shutdown().await;

    // Star has no profile, so no form page; Livin still has one.
    let text = with_profile(
        &config_toml(dir.path(), &format!("origin = \"{FORM_ORIGIN}\"")),
        dir.path(),
        "livin",
        &test_profile("livin"),
    );
    let s =
        serve_config(safe_contact_endpoint::Config::from_toml(&text, dir.path()).unwrap()).await;
    not_found(c.get(s.url("/v1/form/star-housing")).send().await.unwrap()).await;
    let r = c.get(s.url("/v1/form/livin")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    s.running.shutdown().await;

    // Without the endpoint's origin there is nowhere for the frame to live.
    let text = config_with_profiles(dir.path(), "");
    let s =
        serve_config(safe_contact_endpoint::Config::from_toml(&text, dir.path()).unwrap()).await;
    for landlord in ["livin", "star-housing"] {
        not_found(
            c.get(s.url(&format!("/v1/form/{landlord}")))
                .send()
                .await
                .unwrap(),
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_from_the_frame_are_taken_for_every_landlord() {
    let dir = tempdir();
    let s = serve_frames(dir.path()).await;
    let c = client();
    let key = key_file(dir.path(), "livin-test-1");

    let body = valid_body();
    let envelope = seal(&body, &key);
    let sealed = serde_json::to_vec(&envelope).unwrap();
    let a = post_raw(
        &c,
        &s.url("/v1/callbacks/sealed"),
        sealed,
        &new_uuid(),
        FORM_ORIGIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    assert_eq!(a.json["request_id"], body["request_id"]);

    let mut star = valid_body();
    star["landlord"] = "star-housing".into();
    star["area"] = "shropshire".into();
    let a = post_raw(
        &c,
        &s.url("/v1/callbacks"),
        star.to_string().into_bytes(),
        &new_uuid(),
        FORM_ORIGIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    // The landlords' own pages are still taken, each for its own landlord only.
    assert_eq!(
        post(&c, &s, &valid_body()).await.status,
        StatusCode::CREATED
    );
    let mut livin_from_star = valid_body();
    livin_from_star["request_id"] = new_uuid().into();
    let a = post_raw(
        &c,
        &s.url("/v1/callbacks"),
        livin_from_star.to_string().into_bytes(),
        &new_uuid(),
        ORIGIN_STAR,
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.fields(), ["Origin"]);
    assert_eq!(count_rows(&s.db), 3);

    for origin in [
        "https://evil.example",
        "https://contact.example.org:8443",
        "http://contact.example.org",
        "null",
    ] {
        let body = valid_body();
        let a = post_raw(
            &c,
            &s.url("/v1/callbacks/sealed"),
            serde_json::to_vec(&seal(&body, &key)).unwrap(),
            &new_uuid(),
            origin,
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{origin}");
        assert_eq!(a.fields(), ["Origin"], "{origin}");
    }
    assert_eq!(count_rows(&s.db), 3);
}

/// Runs the endpoint binary on `toml` until it listens, and gives back what it logged by then.
async fn start_up_log(dir: &Path, toml: &str) -> String {
    let config = dir.join("config.toml");
    std::fs::write(&config, toml).unwrap();
    let log = dir.join("server.log");
    let (mut child, _) = spawn_endpoint(&config, std::fs::File::create(&log).unwrap()).await;
    child.kill().await.unwrap();
    std::fs::read_to_string(&log).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_warns_when_the_frame_cannot_be_isolated_or_is_off() {
    let dir = tempdir();
    let shared = config_with_profiles(dir.path(), &format!("origin = \"{ORIGIN_LIVIN}\""));
    let log = start_up_log(dir.path(), &shared).await;
    let warning = format!("Landlord livin's pages share the endpoint's origin {ORIGIN_LIVIN}, so scripts on those pages could read the call-back form. Serve the endpoint from an origin of its own, for example https://contact.<landlord>.org.uk.");
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(lines.len(), 1, "{log}");
    assert!(lines[0].ends_with(&warning), "{log}");

    let off = config_with_profiles(dir.path(), "");
    let log = start_up_log(dir.path(), &off).await;
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("WARN")).collect();
    assert_eq!(lines.len(), 2, "one line for each landlord: {log}");
    for (line, landlord) in lines.iter().zip(["livin", "star-housing"]) {
        assert!(
            line.contains(&format!("Landlord {landlord} has a profile, but the config sets no origin, so the call-back form frame is off.")),
            "{log}"
        );
    }

    let separate = config_with_profiles(dir.path(), &format!("origin = \"{FORM_ORIGIN}\""));
    let log = start_up_log(dir.path(), &separate).await;
    assert!(!log.contains("WARN"), "{log}");
}

#[test]
fn a_profile_that_disagrees_with_the_config_stops_the_start() {
    let dir = tempdir();
    let problem = |profile: &str| {
        let text = with_profile(&config_toml(dir.path(), ""), dir.path(), "livin", profile);
        safe_contact_endpoint::Config::from_toml(&text, dir.path())
            .unwrap_err()
            .0
    };
    let livin = test_profile("livin");
    let why = problem(&livin.replace("\"id\": \"livin\"", "\"id\": \"star-housing\""));
    assert!(
        why.contains("landlord[0] (\"livin\")")
            && why.contains("is for landlord \"star-housing\", not \"livin\""),
        "{why}"
    );
    let why = problem(&livin.replace("livin-test-1", "livin-2027-01"));
    assert!(
        why.contains("seals to key id \"livin-2027-01\", which is not in seal_key_ids"),
        "{why}"
    );
    let why = problem(&livin.replace("\"id\": \"hartlepool\"", "\"id\": \"hartlepool-town\""));
    assert!(
        why.contains("areas in profile")
            && why.contains("only in the profile: hartlepool-town; only in the config: hartlepool"),
        "{why}"
    );
    let why = problem("{\"schema_version\": 1}");
    assert!(
        why.contains("is not a profile the form can read") && why.contains("safe-contact-validate"),
        "{why}"
    );
    // The server says so too, in one line, and so does the staff tool, which reads the same file.
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        with_profile(
            &config_toml(dir.path(), ""),
            dir.path(),
            "livin",
            &livin.replace("livin-test-1", "livin-2027-01"),
        ),
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_safe-contact-endpoint"))
        .arg("--config")
        .arg(&config)
        .arg("--check")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not in seal_key_ids"), "{err}");
    let missing = config_toml(dir.path(), "").replace(
        "id = \"livin\"\n",
        "id = \"livin\"\nprofile = \"nowhere.json\"\n",
    );
    let why = safe_contact_endpoint::Config::from_toml(&missing, dir.path())
        .unwrap_err()
        .0;
    assert!(
        why.contains("cannot read profile") && why.contains("nowhere.json"),
        "{why}"
    );
}
