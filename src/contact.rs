use leptos::prelude::*;
use safe_contact_profile::{Contact, ContactKind, Service};

/// Said before any list of numbers: the log and the bill are traces no web page can remove.
#[component]
pub fn CallLogHint() -> impl IntoView {
    view! {
        <p class="hint">
            "Calls and texts show in your phone's call log and on the bill. "
            "Delete them afterwards if it is safe to."
        </p>
    }
}

#[component]
pub fn ServiceList(services: Vec<Service>) -> impl IntoView {
    view! {
        <ul class="services">
            {services.into_iter().map(|service| view! { <ServiceItem service/> }).collect_view()}
        </ul>
    }
}

#[component]
fn ServiceItem(service: Service) -> impl IntoView {
    view! {
        <li class="service">
            <h4>{service.name}</h4>
            <p>{service.about}</p>
            <ul class="contacts">
                {service.contacts.into_iter().map(|c| view! { <ContactLine contact=c/> }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
fn ContactLine(contact: Contact) -> impl IntoView {
    let kind = match contact.kind {
        ContactKind::Phone => "Phone",
        ContactKind::Text => "Text",
        ContactKind::Email => "Email",
        ContactKind::Web => "Website",
        ContactKind::Address => "Address",
    };
    let hours = contact
        .hours
        .clone()
        .map(|h| view! { <span class="hours">{h}</span> });
    let text = contact.text().to_string();
    let shown = match contact.href() {
        // No referrer: a support service need not learn which landlord's page sent someone.
        Some(href) => view! { <a href=href rel="noreferrer">{text}</a> }.into_any(),
        None => view! { <span>{text}</span> }.into_any(),
    };
    view! {
        <li>
            <span class="kind">{kind}": "</span>
            {shown}
            {hours}
        </li>
    }
}
