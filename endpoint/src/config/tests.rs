use super::web::{check_origin, check_web_address};
use super::*;

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A `pepper_env` line for a `[staff]` table, naming a variable that holds a pepper.
fn pepper_line() -> &'static str {
    std::env::set_var("SAFE_CONTACT_TEST_PEPPER_TABLE", "cd".repeat(32));
    "pepper_env = \"SAFE_CONTACT_TEST_PEPPER_TABLE\"\n"
}

fn base(extra_landlord: &str) -> String {
    format!(
        r#"
database = "x.db"
[[landlord]]
id = "livin"
areas = ["darlington", "hartlepool"]
origins = ["https://www.livin.co.uk"]
staff_token_sha256 = "{HASH}"
seal_key_ids = ["livin-2026-05"]
{extra_landlord}
"#
    )
}

fn problem(text: &str) -> String {
    Config::from_toml(text, Path::new("/srv")).unwrap_err().0
}

#[test]
fn good_config_with_defaults() {
    let c = Config::from_toml(&base(""), Path::new("/srv")).unwrap();
    assert_eq!(c.database, Database::Sqlite("/srv/x.db".into()));
    assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    let l = c.landlord("livin").unwrap();
    assert_eq!((l.retention_days, l.closed_retention_days), (90, 30));
    assert_eq!((&l.notify_webhook, &l.team_email), (&None, &None));
    assert!(c.smtp.is_none());
    assert_eq!(l.seal_key_ids, ["livin-2026-05"]);
    assert!(!l.allow_plaintext, "plaintext is off unless asked for");
    assert!(!c.demo, "a config is not a demo unless it says so");
    assert_eq!(c.rate_limit.per_client_per_hour, 10);
    assert_eq!(c.rate_limit.max_clients, 100_000);
    assert!(c.staff.is_none(), "no inbox unless configured");
    assert!(l.staff_guidance.is_empty());
}

#[test]
fn database_is_a_file_or_a_postgres_address() {
    std::env::set_var("SAFE_CONTACT_TEST_SECRET_GOOD", "ab".repeat(32));
    std::env::set_var("SAFE_CONTACT_TEST_SECRET_SHORT", "ab".repeat(31));
    let with = |db: &str, var: &str| {
        base("").replace(
            "database = \"x.db\"",
            &format!("database = \"{db}\"\nclient_secret_env = \"{var}\""),
        )
    };
    let good = |db: &str| with(db, "SAFE_CONTACT_TEST_SECRET_GOOD");
    let url = "postgres://safe:pw@db.example:5433/contact?sslmode=require";
    let c = Config::from_toml(&good(url), Path::new("/srv")).unwrap();
    assert_eq!(c.database, Database::Postgres(url.into()));
    assert_eq!(c.client_secret().unwrap(), Some([0xab; 32]));
    let said = c.database.describe();
    assert_eq!(said, "PostgreSQL database contact on db.example port 5433");
    assert!(!said.contains("pw") && !said.contains("safe"));
    assert!(!format!("{c:?}").contains("pw"), "Debug shows no password");
    let c = Config::from_toml(&good("postgresql://h/x"), Path::new("/srv")).unwrap();
    assert_eq!(
        c.database.describe(),
        "PostgreSQL database x on h port 5432"
    );
    assert!(problem(&good("postgres://h:notaport/x")).contains("PostgreSQL connection string"));
    assert!(problem(&good("mysql://h/x")).contains("postgres://"));
    // Instances must share the client key on PostgreSQL; SQLite may make its own.
    let without = base("").replace("database = \"x.db\"", &format!("database = \"{url}\""));
    let secret_problem = |text: &str| {
        Config::from_toml(text, Path::new("/srv"))
            .unwrap()
            .client_secret()
            .unwrap_err()
            .0
    };
    assert!(secret_problem(&without).contains("client_secret_env is needed with PostgreSQL"));
    assert_eq!(
        Config::from_toml(&base(""), Path::new("/srv"))
            .unwrap()
            .client_secret()
            .unwrap(),
        None
    );
    let short = secret_problem(&with(url, "SAFE_CONTACT_TEST_SECRET_SHORT"));
    assert!(
        short.contains("64 hex digits") && !short.contains("abab"),
        "{short}"
    );
    assert!(
        secret_problem(&with(url, "SAFE_CONTACT_NO_SUCH_VARIABLE_42")).contains("64 hex digits")
    );
    assert!(problem(&with(url, "abab abab")).contains("NAME of an environment variable"));
}

#[test]
fn staff_table() {
    let with = |table: &str| {
        format!(
            "{}\n{}",
            base("staff_guidance = [\"Call from a withheld number.\"]"),
            table
        )
    };
    let c = Config::from_toml(
        &with(&format!(
            "[staff]\nbase_url = \"http://127.0.0.1:8080\"\n{}",
            pepper_line()
        )),
        Path::new("/srv"),
    )
    .unwrap();
    let s = c.staff.as_ref().unwrap();
    assert_eq!(s.base_url, "http://127.0.0.1:8080");
    assert_eq!((s.idle.as_secs(), s.invite_hours), (900, 24));
    assert_eq!(
        (
            s.sign_in.failures_per_known_device,
            s.sign_in.failures_per_account_and_client,
            s.sign_in.failures_per_account,
            s.sign_in.failures_per_client,
            s.sign_in.window_minutes
        ),
        (5, 5, 10, 20, 15)
    );
    assert_eq!(
        c.landlord("livin").unwrap().staff_guidance,
        ["Call from a withheld number."]
    );
    assert!(problem(&with("[staff]\nidle_seconds = 600")).contains("base_url"));
    assert!(
        problem(&with("[staff]\nbase_url = \"http://inbox.example\"")).contains("staff.base_url")
    );
    assert!(
        problem(&with("[staff]\nbase_url = \"https://inbox.example/\"")).contains("staff.base_url")
    );
    assert!(problem(&with(
        "[staff]\nbase_url = \"https://a.example\"\nidle_seconds = 5"
    ))
    .contains("idle_seconds"));
    assert!(problem(&with(
        "[staff]\nbase_url = \"https://a.example\"\n[staff.sign_in]\nwindow_minutes = 0"
    ))
    .contains("window_minutes"));
    assert!(problem(&base("staff_guidance = [\"\"]")).contains("staff_guidance"));
}

#[test]
fn staff_pepper_comes_from_the_environment_and_only_a_demo_may_go_without() {
    use safe_contact_staff_keys::pepper::Pepper;
    let staff = |more: &str| {
        format!(
            "{}\n[staff]\nbase_url = \"https://inbox.example\"\n{more}",
            base("")
        )
    };
    let member = |c: &Config| c.staff.as_ref().unwrap().pepper.member("a@b.org").to_b64();
    let hex = "0f".repeat(32);
    let expected = Pepper::new([0x0f; 32]).member("a@b.org").to_b64();
    std::env::set_var("SAFE_CONTACT_TEST_PEPPER_HEX", &hex);
    std::env::set_var(
        "SAFE_CONTACT_TEST_PEPPER_B64",
        "Dw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8=",
    );
    std::env::set_var("SAFE_CONTACT_TEST_PEPPER_SHORT", "0f".repeat(31));
    for var in [
        "SAFE_CONTACT_TEST_PEPPER_HEX",
        "SAFE_CONTACT_TEST_PEPPER_B64",
    ] {
        let c = Config::from_toml(
            &staff(&format!("pepper_env = \"{var}\"")),
            Path::new("/srv"),
        )
        .unwrap();
        assert_eq!(member(&c), expected);
        assert!(!c.staff.as_ref().unwrap().demo_pepper);
        assert!(!format!("{c:?}").contains(&hex), "Debug shows no pepper");
    }
    assert!(problem(&staff("")).contains("staff.pepper_env is needed"));
    for var in [
        "SAFE_CONTACT_TEST_PEPPER_SHORT",
        "SAFE_CONTACT_NO_SUCH_VARIABLE_43",
    ] {
        assert!(
            problem(&staff(&format!("pepper_env = \"{var}\""))).contains("does not hold 32 bytes")
        );
    }
    let pasted = problem(&staff(&format!("pepper_env = \"{hex} \"")));
    assert!(pasted.contains("NAME of an environment variable") && !pasted.contains(&hex));

    let demo =
        Config::from_toml(&format!("demo = true\n{}", staff("")), Path::new("/srv")).unwrap();
    assert_eq!(
        member(&demo),
        Pepper::new(DEMO_PEPPER).member("a@b.org").to_b64()
    );
    assert!(demo
        .warnings()
        .iter()
        .any(|w| w.contains("demo's public pepper")));
}

#[test]
fn demo_settings_need_demo_true() {
    let demo_key = base("").replace("livin-2026-05", "livin-demo-1");
    let why = problem(&demo_key);
    assert!(
        why.contains("\"livin-demo-1\" is a demo key")
            && why.contains("run `safe-contact-staff keygen`")
            && why.contains("callback.seal")
            && !why.contains('\n'),
        "{why}"
    );
    let plain = base("allow_plaintext = true");
    let why = problem(&plain);
    assert!(
        why.contains("remove allow_plaintext") && !why.contains('\n'),
        "{why}"
    );
    for text in [demo_key, plain] {
        let c = Config::from_toml(&format!("demo = true\n{text}"), Path::new("/srv")).unwrap();
        assert!(c.demo);
    }
    assert!(problem(&format!("demo = \"yes\"\n{}", base(""))).contains("demo"));
}

#[test]
fn seal_keys_and_plaintext() {
    let keys = |list: &str| base("").replace("[\"livin-2026-05\"]", list);
    assert!(problem(&keys("[\"Livin 1\"]")).contains("seal key id \"Livin 1\""));
    assert!(problem(&keys("[\"a\", \"a\"]")).contains("appears twice"));
    assert!(problem(&keys("[]")).contains("could take no requests"));
    let plain_only = format!("demo = true\n{}allow_plaintext = true\n", keys("[]"));
    let c = Config::from_toml(&plain_only, Path::new("/srv")).unwrap();
    let l = c.landlord("livin").unwrap();
    assert!(l.allow_plaintext && l.seal_key_ids.is_empty());
    let rotating = keys("[\"livin-2026-05\", \"livin-2026-11\"]");
    let c = Config::from_toml(&rotating, Path::new("/srv")).unwrap();
    assert_eq!(c.landlord("livin").unwrap().seal_key_ids.len(), 2);
}

#[test]
fn bad_configs_name_the_problem() {
    assert!(problem(&base("colour = \"red\"")).contains("unknown field `colour`"));
    assert!(problem(&base("retention_days = 0")).contains("retention_days"));
    assert!(problem(&base("closed_retention_days = 100")).contains("closed_retention_days"));
    assert!(
        problem(&base("notify_webhook = \"http://example.org/hook\"")).contains("notify_webhook")
    );
    assert!(problem(&base("").replace(HASH, "abc")).contains("staff_token_sha256"));
    assert!(problem(&base("").replace("\"livin\"", "\"Livin\"")).contains("id must be"));
    assert!(problem("database = \"x.db\"").contains("no [[landlord]]"));
    assert!(problem(&format!("bind = \"nowhere\"\n{}", base(""))).contains("bind"));
    assert!(
        problem(&format!("trusted_proxies = [\"proxy\"]\n{}", base("")))
            .contains("trusted_proxies")
    );
    assert!(
        problem(&format!("static_dir = \"/no/such/dir\"\n{}", base(""))).contains("static_dir")
    );
    assert!(
        problem(&format!("{}\n[rate_limit]\nglobal_per_hour = 0", base("")))
            .contains("global_per_hour")
    );
    let twice = format!(
        "{}{}",
        base(""),
        base("").replace("database = \"x.db\"", "")
    );
    assert!(problem(&twice).contains("appears twice"));
}

#[test]
fn origins_must_be_exact() {
    for bad in [
        "https://www.livin.co.uk/",
        "https://*.livin.co.uk",
        "www.livin.co.uk",
        "https://WWW.livin.co.uk",
        "https://a.org:0",
        "https://a.org:x",
        "ftp://a.org",
        "https://a.org/path",
        "http://www.livin.co.uk",
        "http://127.0.0.2:8080",
        "http://localhost.evil.example",
        "http://[::2]:8080",
    ] {
        assert!(check_origin(bad).is_err(), "{bad}");
    }
    for good in [
        "https://www.livin.co.uk",
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "http://[::1]:8080",
        "http://localhost",
        "https://[2001:db8::1]:8443",
    ] {
        assert!(check_origin(good).is_ok(), "{good}");
    }
}

/// Livin's seed profile, as the demo uses it: its key id and its four areas.
fn with_seed_profile(top: &str) -> Config {
    let text = format!(
        "demo = true\n{top}\n{}",
        base("profile = \"../public/profiles/livin.json\"")
            .replace("livin-2026-05", "livin-demo-1")
            .replace(
                "[\"darlington\", \"hartlepool\"]",
                "[\"county-durham\", \"darlington\", \"hartlepool\", \"stockton-on-tees\"]"
            )
    );
    Config::from_toml(&text, Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn staff_email_domains_are_domains_in_lower_case() {
    let c = Config::from_toml(
        &base("staff_email_domains = [\"Livin.org.uk\", \"staff.livin.example\"]"),
        Path::new("/srv"),
    )
    .unwrap();
    assert_eq!(
        c.landlord("livin").unwrap().staff_email_domains,
        ["livin.org.uk", "staff.livin.example"]
    );
    for bad in [
        "livin",
        "@livin.org.uk",
        "livin.org.uk/x",
        "",
        "a b.org",
        "livin..org",
    ] {
        let problem = problem(&base(&format!("staff_email_domains = [{bad:?}]")));
        assert!(problem.contains("staff_email_domains"), "{bad}: {problem}");
    }
    // With an inbox and no domains, the start-up says what that allows.
    let staff = "[staff]\nbase_url = \"https://contact.livin.example\"\n";
    let open = Config::from_toml(
        &format!("{}\n{staff}{}", base(""), pepper_line()),
        Path::new("/srv"),
    )
    .unwrap();
    assert!(
        open.warnings()
            .iter()
            .any(|w| w.starts_with("Landlord livin sets no staff_email_domains")),
        "{:?}",
        open.warnings()
    );
    assert_eq!(c.warnings(), Vec::<String>::new());
}

#[test]
fn the_endpoints_origin_and_what_it_warns_of() {
    let c = with_seed_profile("origin = \"https://contact.livin.example\"");
    assert_eq!(c.origin.as_deref(), Some("https://contact.livin.example"));
    assert_eq!(
        c.landlord("livin").unwrap().profile.as_ref().unwrap().id,
        "livin"
    );
    assert_eq!(c.warnings(), Vec::<String>::new());

    let shared = with_seed_profile("origin = \"https://www.livin.co.uk\"");
    assert_eq!(
        shared.warnings(),
        ["Landlord livin's pages share the endpoint's origin https://www.livin.co.uk, so scripts on those pages could read the call-back form. Serve the endpoint from an origin of its own, for example https://contact.<landlord>.org.uk."]
    );
    let off = with_seed_profile("");
    assert_eq!(off.origin, None);
    let warnings = off.warnings();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].starts_with("Landlord livin has a profile, but the config sets no origin, so the call-back form frame is off."),
        "{warnings:?}"
    );
    // Without a profile there is no frame to miss.
    let plain = Config::from_toml(&base(""), Path::new("/srv")).unwrap();
    assert_eq!(plain.warnings(), Vec::<String>::new());

    for bad in [
        "https://contact.example.org/",
        "http://contact.example.org",
        "contact.example.org",
    ] {
        let why = problem(&format!("origin = {bad:?}\n{}", base("")));
        assert!(why.starts_with(&format!("origin {bad:?} must")), "{why}");
    }
}

#[test]
fn webhooks_need_tls_off_this_machine() {
    assert!(check_web_address("https://hooks.example.org/x").is_ok());
    assert!(check_web_address("http://127.0.0.1:9000/x").is_ok());
    assert!(check_web_address("http://localhost/x").is_ok());
    assert!(check_web_address("http://example.org/x").is_err());
    assert!(check_web_address("https://").is_err());
    assert!(check_web_address("http://[::1]:9000/x").is_ok());
    for bad in [
        "http://127.0.0.1:1@evil.example/",
        "http://localhost@evil.example/x",
        "http://127.0.0.1.evil.example/x",
        "https://user:secret@hooks.example.org/x",
        "ftp://127.0.0.1/x",
        "not a url",
    ] {
        assert!(check_web_address(bad).is_err(), "{bad}");
    }
    assert!(check_web_address("http://127.0.0.1:1@evil.example/")
        .unwrap_err()
        .contains("user name"));
}

const SMTP: &str = r#"
[smtp]
host = "smtp.example.org"
port = 587
security = "starttls"
from = "Safe Contact <safe-contact@example.org>"
"#;
const STAFF: &str = "\n[staff]\nbase_url = \"https://help.example.org\"\n";

fn with_smtp(landlord: &str, smtp: &str) -> String {
    format!("{}{smtp}{STAFF}{}", base(landlord), pepper_line())
}

#[test]
fn team_email_through_smtp() {
    let c = Config::from_toml(
        &with_smtp("team_email = \"da-team@livin.example\"", SMTP),
        Path::new("/srv"),
    )
    .unwrap();
    let l = c.landlord("livin").unwrap();
    assert_eq!(
        l.team_email.as_ref().unwrap().to_string(),
        "da-team@livin.example"
    );
    let smtp = c.smtp.unwrap();
    assert_eq!((smtp.port, smtp.security), (587, Security::Starttls));
    assert_eq!(smtp.from.email.to_string(), "safe-contact@example.org");
    assert!(smtp.credentials.is_none());
    assert_eq!(
        c.staff.unwrap().inbox_url(),
        "https://help.example.org/staff/",
        "the e-mail's link"
    );
    let why = problem(&format!(
        "{}{SMTP}",
        base("team_email = \"da-team@livin.example\"")
    ));
    assert!(
        why.contains("team_email") && why.contains("[staff]"),
        "no inbox to link to: {why}"
    );

    let why = problem(&base("team_email = \"da-team@livin.example\""));
    assert!(
        why.contains("landlord[0] (\"livin\")")
            && why.contains("team_email")
            && why.contains("[smtp]"),
        "{why}"
    );
    for bad in [
        "not an address",
        "a@x.example, b@x.example",
        "Team <a@x.example>",
    ] {
        let why = problem(&with_smtp(&format!("team_email = {bad:?}"), SMTP));
        assert!(
            why.contains("team_email must be one e-mail address"),
            "{why}"
        );
        assert!(!why.contains("x.example"), "the address stays out: {why}");
    }
}

#[test]
fn smtp_settings_are_checked() {
    let smtp = |from: &str, to: &str| with_smtp("", &SMTP.replace(from, to));
    let none_remote = smtp("\"starttls\"", "\"none\"");
    assert!(problem(&none_remote).contains("security = \"none\" would send mail unencrypted"));
    for host in ["127.0.0.1", "localhost", "::1"] {
        let local = none_remote.replace("smtp.example.org", host);
        let c = Config::from_toml(&local, Path::new("/srv")).unwrap();
        assert_eq!(c.smtp.unwrap().security, Security::None, "{host}");
    }
    assert!(problem(&smtp("\"starttls\"", "\"ssl\"")).contains("unknown variant `ssl`"));
    assert!(Config::from_toml(&smtp("\"starttls\"", "\"tls\""), Path::new("/srv")).is_ok());
    for host in [
        "smtp://smtp.example.org",
        "smtp.example.org:587",
        "",
        "-x.example",
    ] {
        assert!(
            problem(&smtp("smtp.example.org", host)).contains("smtp.host"),
            "{host}"
        );
    }
    assert!(problem(&smtp("587", "0")).contains("smtp.port"));
    assert!(problem(&smtp("587", "70000")).contains("port"));
    assert!(
        problem(&smtp("Safe Contact <safe-contact@example.org>", "nobody")).contains("smtp.from")
    );
    assert!(problem(&with_smtp("", "[smtp]\nhost = \"localhost\"")).contains("missing field"));
    assert!(problem(&with_smtp("", &format!("{SMTP}colour = \"red\"")))
        .contains("unknown field `colour`"));
}

#[test]
fn smtp_password_comes_from_the_environment() {
    let creds = |lines: &str| with_smtp("", &format!("{SMTP}{lines}"));
    // PATH is set wherever tests run, so no test has to change the environment.
    let c = Config::from_toml(
        &creds("username = \"safe-contact\"\npassword_env = \"PATH\""),
        Path::new("/srv"),
    )
    .unwrap();
    let smtp = c.smtp.unwrap();
    assert!(smtp.credentials.is_some());
    let shown = format!("{smtp:?}");
    let path = std::env::var("PATH").unwrap();
    assert!(!shown.contains(&path), "Debug shows the password: {shown}");

    let why = problem(&creds(
        "username = \"safe-contact\"\npassword_env = \"SAFE_CONTACT_NO_SUCH_VARIABLE_42\"",
    ));
    assert!(
        why.contains("\"SAFE_CONTACT_NO_SUCH_VARIABLE_42\"") && why.contains("not set"),
        "{why}"
    );
    let why = problem(&creds(
        "username = \"safe-contact\"\npassword_env = \"hunter2 secret!\"",
    ));
    assert!(
        why.contains("NAME of an environment variable") && !why.contains("hunter2"),
        "{why}"
    );
    assert!(problem(&creds("username = \"safe-contact\"")).contains("go together"));
    assert!(problem(&creds("password_env = \"PATH\"")).contains("go together"));
}
