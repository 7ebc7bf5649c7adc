use safe_contact_profile::Profile;
use web_sys::Element;

use crate::contact::link;
use crate::dom::{append_text, el};
use crate::text::{append_filled, fill, lacks_translation, own_words, t};

/// The landlord's own promises, summarised from its policy, with a way to read the whole policy.
pub fn landlord_commitments(profile: &Profile) -> Vec<Element> {
    let policy = &profile.policy;
    let list = el("ul").el();
    for c in &profile.commitments {
        let item = own_words("li", &c.text, &c.translations);
        if let Some(advice) = &c.advice {
            let note = own_words("p", advice, &c.advice_translations);
            note.set_class_name("hint");
            let _ = item.append_child(&note);
        }
        let _ = list.append_child(&item);
    }
    let full = el("p").el();
    match policy.link.as_ref().and_then(|l| l.href()) {
        Some(href) => {
            let read = fill(t("landlord.policy.read_full"), &[("policy", &policy.title)]);
            append_filled(
                &full,
                t("landlord.policy.summary_linked"),
                &[("date", &policy.date)],
                "link",
                &link(&href, &read),
            );
        }
        None => append_text(
            &full,
            &fill(
                t("landlord.policy.summary_unlinked"),
                &[
                    ("policy", &policy.title),
                    ("date", &policy.date),
                    ("landlord", &profile.name),
                ],
            ),
        ),
    }
    let mut parts = vec![list, full];
    if lacks_translation(profile.commitment_words()) {
        let note = fill(t("landlord.in_english"), &[("landlord", &profile.name)]);
        parts.insert(0, el("p").class("hint").text(&note).el());
    }
    parts
}
