//! The panel's sections as HTML, in the app's order and with its words (`src/panel.rs` and the
//! modules it calls). What the app does with a script is done here without one: a section that
//! opens and closes is a `<details>`, every area's services are listed where the app asks
//! which area, and the call-back form, which needs its script, gives way to the landlord's
//! numbers.

use safe_contact_profile::{
    AreaChoice, Block, Contact, ContactKind, National, Profile, Section, Service, Translations,
};
use safe_contact_ui::text::{current, english, fill, lacks_translation, t, Catalogue};

use crate::html::{block, content, filled, inline, line};

/// The panel for `profile` in the language of `catalogue`, which must be the current one.
pub fn panel(profile: &Profile, catalogue: &Catalogue) -> String {
    let national = &catalogue.national;
    let mut out = title(profile);
    if !catalogue.reviewed {
        out += &line("p", &[], &content(t("translation.unreviewed")));
    }
    out += &danger(national);
    if profile.callback.is_some() {
        out += &fold(
            "callback",
            t("panel.fold.callback"),
            false,
            &callback(profile, national),
        );
    }
    out += &fold(
        "local",
        t("panel.fold.local"),
        true,
        &local_support(profile),
    );
    let heading = fill(t("panel.fold.landlord"), &[("landlord", &profile.name)]);
    out += &fold("landlord", &heading, false, &landlord_commitments(profile));
    let helplines = call_log_hint() + &service_list(&national.helplines);
    out += &fold("helplines", t("panel.fold.helplines"), false, &helplines);
    let clares = section_body(&national.clares_law) + &police_forces(profile);
    out += &fold("clares-law", &national.clares_law.heading, false, &clares);
    for (id, section) in [
        ("tracks", &national.covering_tracks),
        ("someone", &national.worried_about_someone),
        ("behaviour", &national.own_behaviour),
        ("children", &national.children),
    ] {
        out += &fold(id, &section.heading, false, &section_body(section));
    }
    out
}

/// The loader's heading over the panel: the launcher's label, which the profile suggests for
/// the snippet. As in the app, the widget's own default is translated and a landlord's label,
/// its own words, is marked as English on a page in another language.
fn title(profile: &Profile) -> String {
    let default = english().text("panel.title");
    let label = profile
        .launcher_label
        .as_deref()
        .filter(|l| Some(*l) != default);
    match label {
        None => line("h2", &[], &content(t("panel.title"))),
        Some(label) if current().language.code == "en" => line("h2", &[], &content(label)),
        Some(label) => line("h2", &[("lang", "en")], &content(label)),
    }
}

/// Urgent advice first and always open, with a helpline beside it.
fn danger(national: &National) -> String {
    let section = &national.danger_now;
    let talk = line("h4", &[], &content(t("panel.danger.talk_to_someone")));
    let lines = line("h3", &[], &content(&section.heading))
        + &section_body(section)
        + &talk
        + &service_list(national.helplines.iter().take(1));
    block("section", &[], &lines)
}

/// A section that opens and closes. `data-fold` is the app's id for the same section.
fn fold(id: &str, heading: &str, open: bool, body: &str) -> String {
    let summary = line("summary", &[], &inline("h3", &[], &content(heading)));
    let open = if open { &[("open", "")][..] } else { &[] };
    block(
        "details",
        &[&[("data-fold", id)], open].concat(),
        &(summary + body),
    )
}

/// The blocks of a content section, in order.
fn section_body(section: &Section) -> String {
    section
        .blocks
        .iter()
        .map(|b| match b {
            Block::Text(text) => line("p", &[], &content(text)),
            Block::Steps(steps) => list("ol", steps),
            Block::Points(points) => list("ul", points),
            Block::Services(services) => service_list(services),
        })
        .collect()
}

fn list(tag: &str, items: &[String]) -> String {
    let items: String = items.iter().map(|i| line("li", &[], &content(i))).collect();
    block(tag, &[], &items)
}

/// The call-back form needs its script, so the page says what the app says when the form
/// cannot open: how to reach the landlord, and a helpline.
fn callback(profile: &Profile, national: &National) -> String {
    let failed = fill(t("callback.frame.failed"), &[("landlord", &profile.name)]);
    let contacts = profile
        .landlord_contacts
        .iter()
        .chain(national.helplines.first());
    line("p", &[], &content(&failed))
        + &service_list(contacts)
        + &line("p", &[], &content(t("callback.note.in_danger")))
}

/// The landlord's own contacts, then the services in each of its areas. Where the app asks
/// which area, every area is listed, each in a section of its own to open.
fn local_support(profile: &Profile) -> String {
    let mut out = call_log_hint();
    if !profile.landlord_contacts.is_empty() {
        let heading = fill(t("local.contact_landlord"), &[("landlord", &profile.name)]);
        out += &line("h4", &[], &content(&heading));
        out += &service_list(&profile.landlord_contacts);
    }
    match profile.area(None) {
        AreaChoice::Chosen(area) => {
            let heading = fill(
                t("local.services.near_you_in_area"),
                &[("area", &area.name)],
            );
            out += &line("h4", &[], &content(&heading));
            out += &service_list(&area.services);
        }
        AreaChoice::Ask(areas) => {
            out += &line("p", &[], &content(t("local.area_picker.legend")));
            for area in areas {
                let heading = fill(t("local.services.in_area"), &[("area", &area.name)]);
                let summary = line("summary", &[], &inline("h4", &[], &content(&heading)));
                out += &block("details", &[], &(summary + &service_list(&area.services)));
            }
        }
    }
    out
}

/// The police force for Clare's Law: the one force, or each area's, with its own page.
fn police_forces(profile: &Profile) -> String {
    let apply = |force: &safe_contact_profile::PoliceForce| match force
        .clares_law
        .as_ref()
        .and_then(Contact::href)
    {
        Some(href) => {
            let text = fill(
                t("clares_law.force.apply_online"),
                &[("force", &force.name)],
            );
            format!(" {}", link(&href, &text))
        }
        None => String::new(),
    };
    match profile.area(None) {
        AreaChoice::Chosen(area) => {
            let force = &area.police_force;
            let name = inline("strong", &[], &content(&force.name));
            let said = filled(t("clares_law.force.chosen"), &[], "force", &name);
            line("p", &[], &(said + &apply(force)))
        }
        AreaChoice::Ask(areas) => {
            let items: String = areas
                .iter()
                .map(|a| {
                    let args = [("area", a.name.as_str()), ("force", &a.police_force.name)];
                    let said = content(&fill(t("clares_law.force.area_line"), &args));
                    line("li", &[], &(said + &apply(&a.police_force)))
                })
                .collect();
            line("p", &[], &content(t("clares_law.force.depends_on_area")))
                + &block("ul", &[], &items)
        }
    }
}

/// The landlord's own promises, summarised from its policy, with a way to read the whole policy.
fn landlord_commitments(profile: &Profile) -> String {
    let policy = &profile.policy;
    let mut out = String::new();
    if lacks_translation(profile.commitment_words()) {
        let note = fill(t("landlord.in_english"), &[("landlord", &profile.name)]);
        out += &line("p", &[], &content(&note));
    }
    let items: String = profile
        .commitments
        .iter()
        .map(|c| {
            let item = own_words("li", &c.text, &c.translations);
            match &c.advice {
                None => item,
                // As the app draws it: the commitment's words, then our advice apart, as a hint.
                Some(advice) => {
                    let hint = own_words("p", advice, &c.advice_translations).replacen(
                        "<p",
                        "<p class=\"hint\"",
                        1,
                    );
                    item.replacen("</li>\n", &format!("{}</li>\n", hint.trim_end()), 1)
                }
            }
        })
        .collect();
    out += &block("ul", &[], &items);
    let full = match policy.link.as_ref().and_then(Contact::href) {
        Some(href) => {
            let read = fill(t("landlord.policy.read_full"), &[("policy", &policy.title)]);
            let args = [("date", policy.date.as_str())];
            filled(
                t("landlord.policy.summary_linked"),
                &args,
                "link",
                &link(&href, &read),
            )
        }
        None => content(&fill(
            t("landlord.policy.summary_unlinked"),
            &[
                ("policy", &policy.title),
                ("date", &policy.date),
                ("landlord", &profile.name),
            ],
        )),
    };
    out + &line("p", &[], &full)
}

/// Said before any list of numbers: the log and the bill are traces no web page can remove.
fn call_log_hint() -> String {
    line("p", &[], &content(t("contact.call_log_hint")))
}

fn service_list<'a>(services: impl IntoIterator<Item = &'a Service>) -> String {
    let items: String = services.into_iter().map(service_item).collect();
    block("ul", &[], &items)
}

fn service_item(service: &Service) -> String {
    let contacts: String = service.contacts.iter().map(contact_line).collect();
    // A service goes by its own name in every language: the name a person says on the phone.
    let name: &[(&str, &str)] = match current().language.code {
        "en" => &[],
        _ => &[("lang", "en")],
    };
    let lines = line("h4", name, &content(&service.name))
        + &own_words("p", &service.about, &service.translations)
        + &block("ul", &[], &contacts);
    block("li", &[], &lines)
}

fn contact_line(contact: &Contact) -> String {
    let kind = match contact.kind {
        ContactKind::Phone => "contact.kind.phone",
        ContactKind::Text => "contact.kind.text",
        ContactKind::Email => "contact.kind.email",
        ContactKind::Web => "contact.kind.web",
        ContactKind::Address => "contact.kind.address",
    };
    // As in the app: a number, address or link shown as itself reads left to right in any
    // language, so 0808 2000 247 never comes out backwards in Urdu or Arabic. A label follows
    // the page, with its number isolated as every number in the text is.
    let ltr: &[(&str, &str)] = match contact.label.is_none() && contact.kind != ContactKind::Address
    {
        true => &[("dir", "ltr")],
        false => &[],
    };
    let shown = match contact.href() {
        Some(href) => {
            let attrs = [&[("href", href.as_str()), ("rel", "noreferrer")], ltr].concat();
            inline("a", &attrs, &content(contact.text()))
        }
        None => inline("span", ltr, &content(contact.text())),
    };
    let hours = match &contact.hours {
        Some(hours) => format!("<br>{}", content(hours)),
        None => String::new(),
    };
    line("li", &[], &(content(t(kind)) + &shown + &hours))
}

/// A link that tells the site it leads to nothing about where the person came from.
fn link(href: &str, text: &str) -> String {
    inline(
        "a",
        &[("href", href), ("rel", "noreferrer")],
        &content(text),
    )
}

/// A landlord's or a service's own words, in the current language where the profile has them.
/// Otherwise the English stands in, marked as English: the app's `own_words`, as HTML.
fn own_words(tag: &str, english: &str, translations: &Translations) -> String {
    let code = current().language.code;
    match translations.get(code) {
        Some(text) if code != "en" => line(tag, &[], &content(text)),
        _ if code == "en" => line(tag, &[], &content(english)),
        _ => line(tag, &[("lang", "en")], &content(english)),
    }
}
