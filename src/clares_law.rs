use leptos::prelude::*;
use safe_contact_profile::{AreaChoice, Profile};

use crate::section::SectionBody;

/// Clare's Law, with the police force that handles applications where the person lives.
#[component]
pub fn ClaresLaw(
    section: safe_contact_profile::Section,
    profile: Option<Profile>,
    area: RwSignal<Option<String>>,
) -> impl IntoView {
    let force = move || {
        let profile = profile.as_ref()?;
        Some(match profile.area(area.get().as_deref()) {
            AreaChoice::Chosen(chosen) => {
                let force = chosen.police_force.clone();
                let link = force.clares_law.and_then(|c| {
                    let text = format!("Apply online to {}", force.name);
                    c.href()
                        .map(|href| view! { <a href=href rel="noreferrer">{text}</a> })
                });
                view! {
                    <p>"Your local police force is "<strong>{force.name}</strong>". "{link}</p>
                }
                .into_any()
            }
            AreaChoice::Ask(areas) => {
                let forces = areas
                    .iter()
                    .map(|a| format!("{}: {}", a.name, a.police_force.name))
                    .collect::<Vec<_>>();
                view! {
                    <p>"Your local police force depends on where you live:"</p>
                    <ul>{forces.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}</ul>
                }
                .into_any()
            }
        })
    };
    view! {
        <SectionBody section/>
        {force}
    }
}
