use leptos::prelude::*;
use safe_contact_profile::Profile;

/// The landlord's own promises, summarised from its policy, with a way to read the whole policy.
#[component]
pub fn LandlordCommitments(profile: Profile) -> impl IntoView {
    let policy = profile.policy;
    let name = profile.name;
    let full = match policy.link.and_then(|l| l.href()) {
        Some(href) => view! {
            <p>
                "This is a summary. "
                <a href=href rel="noreferrer">"Read the full "{policy.title.clone()}</a>
                " ("{policy.date.clone()}")."
            </p>
        }
        .into_any(),
        None => view! {
            <p>
                "This is a summary of the "{policy.title.clone()}" ("{policy.date.clone()}"). "
                "You can ask "{name}" for a copy of the full policy."
            </p>
        }
        .into_any(),
    };
    view! {
        <ul>
            {profile.commitments.into_iter().map(|c| view! { <li>{c.text}</li> }).collect_view()}
        </ul>
        {full}
    }
}
