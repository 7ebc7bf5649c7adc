use safe_contact_profile::{Contact, ContactKind, Service};
use web_sys::Element;

use crate::dom::el;
use crate::text::{current, own_words, t};

/// Said before any list of numbers: the log and the bill are traces no web page can remove.
pub fn call_log_hint() -> Element {
    el("p").class("hint").text(t("contact.call_log_hint")).el()
}

pub fn service_list<'a>(services: impl IntoIterator<Item = &'a Service>) -> Element {
    let list = el("ul").class("services").el();
    for service in services {
        let _ = list.append_child(&service_item(service));
    }
    list
}

fn service_item(service: &Service) -> Element {
    let contacts = el("ul").class("contacts").el();
    for contact in &service.contacts {
        let _ = contacts.append_child(&contact_line(contact));
    }
    // A service goes by its own name in every language: the name a person says on the phone.
    let name = match current().language.code {
        "en" => el("h4"),
        _ => el("h4").attr("lang", "en"),
    };
    el("li")
        .class("service")
        .child(&name.text(&service.name).el())
        .child(&own_words("p", &service.about, &service.translations))
        .child(&contacts)
        .el()
}

fn contact_line(contact: &Contact) -> Element {
    let kind = match contact.kind {
        ContactKind::Phone => "contact.kind.phone",
        ContactKind::Text => "contact.kind.text",
        ContactKind::Email => "contact.kind.email",
        ContactKind::Web => "contact.kind.web",
        ContactKind::Address => "contact.kind.address",
    };
    let shown = match contact.href() {
        // No referrer: a support service need not learn which landlord's page sent someone.
        Some(href) => link(&href, contact.text()),
        None => el("span").text(contact.text()).el(),
    };
    // A number, address or link shown as itself reads left to right in any language: with
    // `dir` the browser isolates it, so 0808 2000 247 never comes out backwards in Urdu or
    // Arabic. A label is words, and follows the page; the number in it, such as the 18000 of
    // "18000 (emergency)", is isolated on its own, as every number in the text is.
    if contact.label.is_none() && contact.kind != ContactKind::Address {
        let _ = shown.set_attribute("dir", "ltr");
    }
    let hours = contact
        .hours
        .as_deref()
        .map(|h| el("span").class("hours").text(h).el());
    el("li")
        .child(&el("span").class("kind").text(t(kind)).el())
        .child(&shown)
        .maybe(hours.as_ref())
        .el()
}

/// A link that tells the site it leads to nothing about where the person came from.
pub fn link(href: &str, text: &str) -> Element {
    el("a")
        .attr("href", href)
        .attr("rel", "noreferrer")
        .text(text)
        .el()
}
