use leptos::prelude::*;
use safe_contact_profile::{National, Profile};

use crate::callback::CallbackForm;
use crate::clares_law::ClaresLaw;
use crate::contact::{CallLogHint, ServiceList};
use crate::fold::Fold;
use crate::landlord::LandlordCommitments;
use crate::local_support::LocalSupport;
use crate::section::SectionBody;

const CSS: &str = include_str!("../style/widget.css");

/// What became of the landlord's profile. Only `Loaded` adds local content.
#[derive(Clone, Debug)]
pub enum ProfileState {
    Loaded(Box<Profile>),
    Missing,
    Broken,
}

/// The whole panel: urgent advice first, then short sections a person can open one at a time.
#[component]
pub fn Panel(national: National, profile: ProfileState, endpoint: Option<String>) -> impl IntoView {
    let area = RwSignal::new(None::<String>);
    let profile = match profile {
        ProfileState::Loaded(p) => Some(*p),
        ProfileState::Missing | ProfileState::Broken => None,
    };
    let notice = profile.is_none().then(|| {
        view! {
            <p class="notice" role="status">
                "Your landlord's local support could not be shown just now. "
                "Everything below still works."
            </p>
        }
    });
    let local = profile.clone().map(|p| {
        view! {
            <Fold id="local" heading="Support near you" open=true>
                <LocalSupport profile=p area/>
            </Fold>
        }
    });
    let landlord = profile.clone().map(|p| {
        let heading = format!("What {}, your landlord, can do", p.name);
        view! {
            <Fold id="landlord" heading>
                <LandlordCommitments profile=p/>
            </Fold>
        }
    });
    // The form needs a landlord that takes requests and somewhere to send them.
    let callback = profile.clone().and_then(|p| {
        let settings = p.callback.clone()?;
        let endpoint = endpoint.or_else(|| settings.endpoint.clone())?;
        let helpline = national.helplines.first().cloned();
        Some(view! {
            <Fold id="callback" heading="Ask us to contact you safely">
                <CallbackForm profile=p settings endpoint helpline/>
            </Fold>
        })
    });
    // Shown with the 999 advice, so a helpline is on screen at once whatever else fails.
    let first_helpline: Vec<_> = national.helplines.iter().take(1).cloned().collect();
    let National {
        danger_now,
        clares_law,
        helplines,
        covering_tracks,
        worried_about_someone,
        own_behaviour,
        children,
        ..
    } = national;
    view! {
        <style>{CSS}</style>
        <div class="sc">
            {notice}
            <section class="danger" aria-labelledby="sc-danger">
                <h3 id="sc-danger">{danger_now.heading.clone()}</h3>
                <SectionBody section=danger_now/>
                <h4 class="group">"Talk to someone"</h4>
                <ServiceList services=first_helpline/>
            </section>
            {callback}
            {local}
            {landlord}
            <Fold id="helplines" heading="National helplines">
                <CallLogHint/>
                <ServiceList services=helplines/>
            </Fold>
            <Fold id="clares-law" heading=clares_law.heading.clone()>
                <ClaresLaw section=clares_law profile area/>
            </Fold>
            <Fold id="tracks" heading=covering_tracks.heading.clone()>
                <SectionBody section=covering_tracks/>
            </Fold>
            <Fold id="someone" heading=worried_about_someone.heading.clone()>
                <SectionBody section=worried_about_someone/>
            </Fold>
            <Fold id="behaviour" heading=own_behaviour.heading.clone()>
                <SectionBody section=own_behaviour/>
            </Fold>
            <Fold id="children" heading=children.heading.clone()>
                <SectionBody section=children/>
            </Fold>
        </div>
    }
}
