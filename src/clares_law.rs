use safe_contact_profile::{AreaChoice, Profile};
use web_sys::Element;

use crate::contact::link;
use crate::dom::{append_text, el};
use crate::section::list;

/// The police force that handles Clare's Law applications where the person lives.
pub fn police_force(profile: &Profile, picked: Option<&str>) -> Vec<Element> {
    match profile.area(picked) {
        AreaChoice::Chosen(area) => {
            let force = &area.police_force;
            let line = el("p")
                .text("Your local police force is ")
                .child(&el("strong").text(&force.name).el())
                .text(". ")
                .el();
            if let Some(href) = force.clares_law.as_ref().and_then(|c| c.href()) {
                let _ = line.append_child(&link(&href, &format!("Apply online to {}", force.name)));
            }
            vec![line]
        }
        AreaChoice::Ask(areas) => {
            let forces: Vec<String> = areas
                .iter()
                .map(|a| format!("{}: {}", a.name, a.police_force.name))
                .collect();
            let intro = el("p").el();
            append_text(&intro, "Your local police force depends on where you live:");
            vec![intro, list("ul", &forces)]
        }
    }
}
