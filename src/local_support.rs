use leptos::prelude::*;
use safe_contact_profile::{Area, AreaChoice, Profile};

use crate::contact::{CallLogHint, ServiceList};

/// The landlord's own contacts and the services in the person's council area.
/// Where a landlord covers several areas the person picks one from a list: we never ask
/// for a postcode, and the pick is kept only in memory.
#[component]
pub fn LocalSupport(profile: Profile, area: RwSignal<Option<String>>) -> impl IntoView {
    // A landlord with no checked contact of its own gets no empty "Contact" heading.
    let contacts = (!profile.landlord_contacts.is_empty()).then(|| {
        let heading = format!("Contact {}", profile.name);
        let services = profile.landlord_contacts.clone();
        view! {
            <h4 class="group">{heading}</h4>
            <ServiceList services/>
        }
    });
    let several = profile.areas.len() > 1;
    let picker = several.then(|| view! { <AreaPicker areas=profile.areas.clone() area/> });
    let services = move || match profile.area(area.get().as_deref()) {
        AreaChoice::Chosen(chosen) => {
            view! { <AreaServices area=chosen.clone() several/> }.into_any()
        }
        AreaChoice::Ask(_) => view! {
            <p class="hint">"Choose your area to see the services near you."</p>
        }
        .into_any(),
    };
    view! {
        <CallLogHint/>
        {contacts}
        {picker}
        {services}
    }
}

#[component]
fn AreaPicker(areas: Vec<Area>, area: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <fieldset class="areas">
            <legend>"Which area do you live in?"</legend>
            {areas
                .into_iter()
                .map(|a| {
                    let input_id = format!("sc-area-{}", a.id);
                    let value = a.id.clone();
                    let checked = a.id.clone();
                    view! {
                        <div class="radio">
                            <input
                                type="radio"
                                name="sc-area"
                                id=input_id.clone()
                                value=a.id.clone()
                                autocomplete="off"
                                prop:checked=move || area.get().as_deref() == Some(checked.as_str())
                                on:change=move |_| area.set(Some(value.clone()))
                            />
                            <label for=input_id>{a.name}</label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
fn AreaServices(area: Area, several: bool) -> impl IntoView {
    let heading = if several {
        format!("Services in {}", area.name)
    } else {
        format!("Services near you in {}", area.name)
    };
    view! {
        <h4 class="group">{heading}</h4>
        <ServiceList services=area.services/>
    }
}
