use safe_contact_profile::Profile;
use web_sys::Element;

use crate::contact::link;
use crate::dom::{append_text, el};

/// The landlord's own promises, summarised from its policy, with a way to read the whole policy.
pub fn landlord_commitments(profile: &Profile) -> Vec<Element> {
    let policy = &profile.policy;
    let list = el("ul").el();
    for c in &profile.commitments {
        let _ = list.append_child(&el("li").text(&c.text).el());
    }
    let full = el("p").el();
    match policy.link.as_ref().and_then(|l| l.href()) {
        Some(href) => {
            append_text(&full, "This is a summary. ");
            let _ = full.append_child(&link(&href, &format!("Read the full {}", policy.title)));
            append_text(&full, &format!(" ({}).", policy.date));
        }
        None => append_text(
            &full,
            &format!(
                "This is a summary of the {} ({}). You can ask {} for a copy of the full policy.",
                policy.title, policy.date, profile.name
            ),
        ),
    }
    vec![list, full]
}
