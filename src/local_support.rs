use safe_contact_profile::{AreaChoice, Profile};
use web_sys::Element;

use crate::contact::{call_log_hint, service_list};
use crate::dom::el;
use crate::text::{fill, t};

/// The landlord's own contacts, then the area picker where there are several areas, then
/// `services`: the slot that [`area_services`] fills for the area picked.
pub fn local_support(profile: &Profile, services: &Element) -> (Vec<Element>, Option<Element>) {
    let mut parts = vec![call_log_hint()];
    // A landlord with no checked contact of its own gets no empty "Contact" heading.
    if !profile.landlord_contacts.is_empty() {
        let heading = fill(t("local.contact_landlord"), &[("landlord", &profile.name)]);
        parts.push(el("h4").class("group").text(&heading).el());
        parts.push(service_list(&profile.landlord_contacts));
    }
    let picker = (profile.areas.len() > 1).then(|| area_picker(profile));
    parts.extend(picker.clone());
    parts.push(services.clone());
    (parts, picker)
}

/// Where a landlord covers several areas the person picks one from a list: we never ask for
/// a postcode, and the pick is kept only in memory.
fn area_picker(profile: &Profile) -> Element {
    let fieldset = el("fieldset")
        .class("areas")
        .child(&el("legend").text(t("local.area_picker.legend")).el())
        .el();
    for area in &profile.areas {
        let id = format!("sc-area-{}", area.id);
        let radio = el("div")
            .class("radio")
            .child(
                &el("input")
                    .attr("type", "radio")
                    .attr("name", "sc-area")
                    .id(&id)
                    .attr("value", &area.id)
                    .attr("autocomplete", "off")
                    .attr("spellcheck", "false")
                    .el(),
            )
            .child(&el("label").attr("for", &id).text(&area.name).el())
            .el();
        let _ = fieldset.append_child(&radio);
    }
    fieldset
}

/// The services in the area picked, or a prompt to pick one.
pub fn area_services(profile: &Profile, picked: Option<&str>) -> Vec<Element> {
    match profile.area(picked) {
        AreaChoice::Chosen(area) => {
            let heading = match profile.areas.len() > 1 {
                true => "local.services.in_area",
                false => "local.services.near_you_in_area",
            };
            let heading = fill(t(heading), &[("area", &area.name)]);
            vec![
                el("h4").class("group").text(&heading).el(),
                service_list(&area.services),
            ]
        }
        AreaChoice::Ask(_) => vec![el("p")
            .class("hint")
            .text(t("local.services.choose_area"))
            .el()],
    }
}
