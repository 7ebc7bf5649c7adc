use std::collections::BTreeSet;
use std::path::Path;

use safe_contact_profile::{national, Block, ContactKind, Profile, Service, LANGUAGES};
use safe_contact_ui::text::english;

use super::*;

const SEEDS: [&str; 5] = [
    "livin",
    "chesterfield",
    "star-housing",
    "stockport-homes",
    "stoke-on-trent",
];

fn seed(id: &str) -> Profile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../public/profiles")
        .join(format!("{id}.json"));
    let text = std::fs::read_to_string(&path).expect("a seed profile");
    Profile::read_json(&text).expect("the seed profile reads")
}

fn livin() -> String {
    render(&seed("livin"), "en").unwrap()
}

/// Every `href="…"` value in `html` that starts with `scheme`, as written.
fn hrefs(html: &str, scheme: &str) -> BTreeSet<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(href, _)| href.to_owned()))
        .filter(|href| href.starts_with(scheme))
        .collect()
}

#[test]
fn the_fragment_is_one_marked_div_whose_first_line_names_it_and_its_digest() {
    let html = livin();
    let (head, rest) = html.split_once('\n').unwrap();
    assert_eq!(
        head,
        "<div data-safe-contact-static lang=\"en\" dir=\"ltr\" data-hj-suppress data-clarity-mask=\"true\" class=\"rr-block ph-no-capture fs-exclude\">"
    );
    let (comment, body) = rest.split_once('\n').unwrap();
    let body = body.strip_suffix("</div>").expect("it ends with the div");
    assert_eq!(
        comment,
        format!(
            "<!-- safe-contact panel-html livin en sha256:{} -->",
            digest(body)
        )
    );
    assert_eq!(digest(body).len(), 64);
    assert_eq!(html, livin(), "the same profile renders the same bytes");
    let mut changed = seed("livin");
    changed.landlord_contacts[0].contacts[0].value = "0800 000 0000".into();
    let changed = render(&changed, "en").unwrap();
    assert_ne!(
        changed.lines().nth(1),
        html.lines().nth(1),
        "a change moves the digest"
    );
}

#[test]
fn the_sections_come_in_the_apps_order_with_its_headings() {
    let html = livin();
    let n = national();
    let headings = [
        "<h2>Domestic abuse support</h2>".to_string(),
        format!("<h3>{}</h3>", n.danger_now.heading),
        "<h4>Talk to someone</h4>".into(),
        "<details data-fold=\"callback\">".into(),
        "<h3>Ask us to contact you safely</h3>".into(),
        "<details data-fold=\"local\" open>".into(),
        "<h3>Support near you</h3>".into(),
        "<h3>What Livin, your landlord, can do</h3>".into(),
        "<h3>National helplines</h3>".into(),
        format!("<h3>{}</h3>", escape(&n.clares_law.heading)),
        format!("<h3>{}</h3>", n.covering_tracks.heading),
        format!("<h3>{}</h3>", n.worried_about_someone.heading),
        format!("<h3>{}</h3>", n.own_behaviour.heading),
        format!("<h3>{}</h3>", n.children.heading),
    ];
    let mut from = 0;
    for heading in &headings {
        let at = html[from..]
            .find(heading.as_str())
            .unwrap_or_else(|| panic!("{heading} is missing or out of order"));
        from += at + heading.len();
    }
    assert!(html.contains("If you are in danger now, call 999 and ask for the police."));
}

#[test]
fn every_phone_number_the_app_can_show_is_a_tel_link_as_the_app_makes_it() {
    fn phones<'a>(services: impl IntoIterator<Item = &'a Service>, out: &mut BTreeSet<String>) {
        for contact in services.into_iter().flat_map(|s| &s.contacts) {
            if contact.kind == ContactKind::Phone {
                out.extend(contact.href());
            }
        }
    }
    for id in SEEDS {
        let profile = seed(id);
        let n = national();
        let mut expected = BTreeSet::new();
        phones(&profile.landlord_contacts, &mut expected);
        phones(
            profile.areas.iter().flat_map(|a| &a.services),
            &mut expected,
        );
        phones(&n.helplines, &mut expected);
        for section in [
            &n.danger_now,
            &n.clares_law,
            &n.covering_tracks,
            &n.worried_about_someone,
            &n.own_behaviour,
            &n.children,
        ] {
            for block in &section.blocks {
                if let Block::Services(services) = block {
                    phones(services, &mut expected);
                }
            }
        }
        assert_eq!(
            hrefs(&render(&profile, "en").unwrap(), "tel:"),
            expected,
            "{id}"
        );
    }
    let html = livin();
    for tel in [
        "tel:08082000247",
        "tel:08005874538",
        "tel:03001112344",
        "tel:101",
    ] {
        assert!(html.contains(&format!("href=\"{tel}\"")), "{tel}");
    }
}

#[test]
fn without_its_script_the_form_gives_way_to_the_landlords_numbers() {
    let html = livin();
    let start = html.find("<details data-fold=\"callback\">").unwrap();
    let form = &html[start..start + html[start..].find("</details>").unwrap()];
    assert!(form.contains("<p>The form could not open. You can still contact Livin yourself:</p>"));
    assert_eq!(
        hrefs(form, "tel:"),
        ["tel:08005874538", "tel:03001112344", "tel:08082000247"]
            .map(String::from)
            .into()
    );
    assert!(form.contains("<p>If you are in danger now, call 999.</p>"));
    assert!(!html.contains("<form") && !html.contains("<iframe") && !html.contains("<input"));
    let mut no_form = seed("livin");
    no_form.callback = None;
    assert!(!render(&no_form, "en")
        .unwrap()
        .contains("data-fold=\"callback\""));
}

#[test]
fn every_area_is_listed_where_the_app_asks_which() {
    let html = livin();
    let profile = seed("livin");
    assert!(html.contains("<p>Which area do you live in?</p>"));
    for area in &profile.areas {
        assert!(html.contains(&format!("<h4>Services in {}</h4>", area.name)));
        assert!(html.contains(&format!(
            "<li>{}: {}</li>",
            area.name, area.police_force.name
        )));
        for service in &area.services {
            assert!(html.contains(&escape(&service.name)), "{}", service.name);
        }
    }
    let one = render(&seed("chesterfield"), "en").unwrap();
    assert!(one.contains("<h4>Services near you in Chesterfield</h4>"));
    assert!(
        one.contains("<p>Your local police force is <strong>Derbyshire Constabulary</strong>.</p>")
    );
}

#[test]
fn nothing_from_a_profile_becomes_markup() {
    let mut profile = seed("chesterfield");
    profile.name = "Homes <script>alert(1)</script> & \"Co\"".into();
    profile.landlord_contacts[0].name = "<img src=x onerror=alert(1)>".into();
    profile.policy.link.as_mut().unwrap().value = "javascript:alert(1)".into();
    let html = render(&profile, "en").unwrap();
    assert!(!html.contains("<script") && !html.contains("<img"));
    assert!(!html.contains("javascript:"));
    assert!(html.contains("Homes &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"));
}

#[test]
fn each_language_the_landlord_offers_renders_in_its_own_words() {
    for language in &LANGUAGES {
        let html = render(&seed("livin"), language.code).unwrap();
        let dir = if language.rtl { "rtl" } else { "ltr" };
        assert!(html.starts_with(&format!(
            "<div data-safe-contact-static lang=\"{}\" dir=\"{dir}\" data-hj-suppress data-clarity-mask=\"true\" class=\"rr-block ph-no-capture fs-exclude\">\n<!-- safe-contact panel-html livin {} sha256:",
            language.code, language.code
        )));
        assert_eq!(
            hrefs(&html, "tel:"),
            hrefs(&livin(), "tel:"),
            "{}",
            language.code
        );
        assert!(
            !html.contains('{'),
            "{}: a placeholder left unfilled",
            language.code
        );
    }
    let polish = render(&seed("livin"), "pl").unwrap();
    assert!(polish.contains("<h4 lang=\"en\">National Domestic Abuse Helpline</h4>"));
    assert!(polish.contains("To tłumaczenie nie zostało jeszcze sprawdzone."));
    let mut only_english = seed("livin");
    only_english.languages = vec!["en".into()];
    assert!(render(&only_english, "pl").is_err());
}

/// Every key-shaped literal in this crate's sources is in the English catalogue, which every
/// other catalogue matches key for key (`profile/tests/catalogues.rs`): a missing key would
/// otherwise show as itself in a landlord's page.
#[test]
fn every_key_this_crate_looks_up_is_in_the_catalogue() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        keys.extend(
            source
                .split('"')
                .filter(|s| {
                    s.contains('.')
                        && s.starts_with(|c: char| c.is_ascii_lowercase())
                        && s.chars()
                            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                        && !s.ends_with(".json")
                })
                .map(String::from),
        );
    }
    assert!(keys.len() > 20, "the scan found too few keys: {keys:?}");
    let missing: Vec<_> = keys
        .iter()
        .filter(|k| english().text(k).is_none())
        .collect();
    assert!(missing.is_empty(), "not in ui.en.json: {missing:?}");
}

/// As in the app: in Urdu and Arabic each phone and text link reads left to right, the whole
/// link when it shows the number itself, else the number inside its label; and so does every
/// number in the text. Other languages need no isolates.
#[test]
fn in_right_to_left_languages_every_number_is_isolated_left_to_right() {
    for language in LANGUAGES.iter().filter(|l| l.rtl) {
        let html = render(&seed("livin"), language.code).unwrap();
        let links = html
            .split("<a ")
            .skip(1)
            .map(|a| a.split_once("</a>").unwrap().0);
        let dialled = links.filter(|a| a.contains("href=\"tel:") || a.contains("href=\"sms:"));
        for link in dialled {
            let (attrs, inner) = link.split_once('>').unwrap();
            assert!(
                attrs.contains("dir=\"ltr\"") || inner.contains("<bdi dir=\"ltr\">"),
                "{}: {link}",
                language.code
            );
        }
        for isolated in [
            "\"tel:+442070080151\" rel=\"noreferrer\"><bdi dir=\"ltr\">+44 20 7008 0151</bdi> (",
            "\"tel:18000\" rel=\"noreferrer\"><bdi dir=\"ltr\">18000</bdi> (",
            "<bdi dir=\"ltr\">0808 2000 247</bdi>",
        ] {
            assert!(html.contains(isolated), "{}: {isolated}", language.code);
        }
    }
    for code in ["en", "pl"] {
        assert!(
            !render(&seed("livin"), code).unwrap().contains("<bdi"),
            "{code}"
        );
    }
}
