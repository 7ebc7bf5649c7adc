use leptos::prelude::*;
use safe_contact_profile::{Block, Section};

use crate::contact::ServiceList;

/// The blocks of a content section, in order.
#[component]
pub fn SectionBody(section: Section) -> impl IntoView {
    section
        .blocks
        .into_iter()
        .map(|block| match block {
            Block::Text(text) => view! { <p>{text}</p> }.into_any(),
            Block::Steps(steps) => view! {
                <ol>{steps.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ol>
            }
            .into_any(),
            Block::Points(points) => view! {
                <ul>{points.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
            }
            .into_any(),
            Block::Services(services) => view! { <ServiceList services/> }.into_any(),
        })
        .collect_view()
}
