use std::rc::Rc;

use safe_contact_profile::{National, Profile};
use web_sys::Element;

use crate::clares_law::police_force;
use crate::contact::{call_log_hint, service_list};
use crate::dom::{el, input, replace_children, target, Listeners};
use crate::fold::fold;
use crate::form_frame::FormFrame;
use crate::landlord::landlord_commitments;
use crate::local_support::{area_services, local_support};
use crate::section::section_body;
use crate::text::{fill, t};

const CSS: &str = concat!(
    include_str!("../style/base.css"),
    include_str!("../style/widget.css")
);

/// The whole panel, to go in the loader's panel body: urgent advice first, then short
/// sections a person can open one at a time. `profile` is `None` when it failed to load.
/// `frame` is the call-back form's fold, when the landlord takes requests. It is made once per
/// open panel: on a redraw it is already in the page, and only a placeholder marks its place.
pub fn panel(
    national: &National,
    profile: Option<Rc<Profile>>,
    frame: Option<&FormFrame>,
    listeners: Listeners,
) -> ([Element; 2], Drawn) {
    let mut owned = listeners;
    let listeners = &mut owned;
    // As one plain text node: `text` would put each number of the CSS in a right-to-left
    // language into an element of its own, which a style sheet does not read.
    let style = el("style").el();
    style.set_text_content(Some(CSS));
    let sc = el("div").class("sc").el();
    let add = |e: &Element| {
        let _ = sc.append_child(e);
    };
    if profile.is_none() {
        add(&el("p")
            .class("notice")
            .attr("role", "status")
            .text(t("panel.profile_failed"))
            .el());
    }
    let danger = &national.danger_now;
    let urgent = el("section")
        .class("danger")
        .attr("aria-labelledby", "sc-danger")
        .child(&el("h3").id("sc-danger").text(&danger.heading).el())
        .el();
    for part in section_body(danger) {
        let _ = urgent.append_child(&part);
    }
    // Shown with the 999 advice, so a helpline is on screen at once whatever else fails.
    let _ = urgent.append_child(
        &el("h4")
            .class("group")
            .text(t("panel.danger.talk_to_someone"))
            .el(),
    );
    let _ = urgent.append_child(&service_list(national.helplines.iter().take(1)));
    add(&urgent);

    // Filled for the area picked: shared by local support and Clare's Law.
    let services = el("div").el();
    let force = el("div").el();
    if let Some(p) = &profile {
        if let Some(frame) = frame {
            match frame.section().is_connected() {
                true => add(&el("div").class(SLOT).el()),
                false => add(frame.section()),
            }
        }
        let (local, picker) = local_support(p, &services);
        add(&fold(
            "local",
            t("panel.fold.local"),
            true,
            &local,
            listeners,
        ));
        let heading = fill(t("panel.fold.landlord"), &[("landlord", &p.name)]);
        add(&fold(
            "landlord",
            &heading,
            false,
            &landlord_commitments(p),
            listeners,
        ));
        show_area(p, None, &services, &force);
        if let Some(picker) = picker {
            let (p, services, force) = (p.clone(), services.clone(), force.clone());
            listeners.on(&picker, "change", move |ev| {
                if let Some(radio) = target(&ev) {
                    show_area(&p, Some(&input(&radio).value()), &services, &force);
                }
            });
        }
    }

    let helplines = [call_log_hint(), service_list(&national.helplines)];
    add(&fold(
        "helplines",
        t("panel.fold.helplines"),
        false,
        &helplines,
        listeners,
    ));
    let mut clares = section_body(&national.clares_law);
    if profile.is_some() {
        clares.push(force);
    }
    add(&fold(
        "clares-law",
        &national.clares_law.heading,
        false,
        &clares,
        listeners,
    ));
    for (id, section) in [
        ("tracks", &national.covering_tracks),
        ("someone", &national.worried_about_someone),
        ("behaviour", &national.own_behaviour),
        ("children", &national.children),
    ] {
        add(&fold(
            id,
            &section.heading,
            false,
            &section_body(section),
            listeners,
        ));
    }
    ([style, sc], Drawn { _listeners: owned })
}

/// Marks where the call-back form's fold goes when a redraw keeps it in place.
pub const SLOT: &str = "form-slot";

/// What a drawn panel holds on to: dropping it removes every listener and frees what they hold.
pub struct Drawn {
    _listeners: Listeners,
}

fn show_area(profile: &Profile, picked: Option<&str>, services: &Element, force: &Element) {
    replace_children(services, &area_services(profile, picked));
    replace_children(force, &police_force(profile, picked));
}
