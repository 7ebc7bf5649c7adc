use safe_contact_profile::{AreaChoice, Profile};
use web_sys::Element;

use crate::contact::link;
use crate::dom::{append_text, el};
use crate::section::list;
use crate::text::{append_filled, fill, t};

/// The police force that handles Clare's Law applications where the person lives.
pub fn police_force(profile: &Profile, picked: Option<&str>) -> Vec<Element> {
    match profile.area(picked) {
        AreaChoice::Chosen(area) => {
            let force = &area.police_force;
            let line = el("p").el();
            append_filled(
                &line,
                t("clares_law.force.chosen"),
                &[],
                "force",
                &el("strong").text(&force.name).el(),
            );
            if let Some(href) = force.clares_law.as_ref().and_then(|c| c.href()) {
                let apply = fill(
                    t("clares_law.force.apply_online"),
                    &[("force", &force.name)],
                );
                append_text(&line, " ");
                let _ = line.append_child(&link(&href, &apply));
            }
            vec![line]
        }
        AreaChoice::Ask(areas) => {
            let forces: Vec<String> = areas
                .iter()
                .map(|a| {
                    fill(
                        t("clares_law.force.area_line"),
                        &[("area", &a.name), ("force", &a.police_force.name)],
                    )
                })
                .collect();
            let intro = el("p").el();
            append_text(&intro, t("clares_law.force.depends_on_area"));
            vec![intro, list("ul", &forces)]
        }
    }
}
