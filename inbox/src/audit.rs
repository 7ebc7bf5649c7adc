//! For leads: who opened, marked, granted, revoked or deleted what, and when. The trail holds
//! no request content, only ids and actions.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::listing::reference;
use crate::model::{Audit as AuditAnswer, AuditEntry};
use crate::session::app;
use crate::when::stamp;

#[component]
pub fn Audit() -> impl IntoView {
    let state = app();
    let entries = RwSignal::new(None::<Result<Vec<AuditEntry>, String>>);
    spawn_local(async move {
        match api::get::<AuditAnswer>("audit").await {
            Ok(a) => entries.set(Some(Ok(a.entries))),
            Err(f) => {
                if let Some(m) = state.failed(f) {
                    entries.set(Some(Err(m)));
                }
            }
        }
    });
    view! {
        <h1 class="heading-l">"Audit trail"</h1>
        <p class="body">"Newest first. It shows what was done, never what a request says."</p>
        {move || match entries.get() {
            None => view! { <p class="body" role="status">"Loading the audit trail…"</p> }.into_any(),
            Some(Err(m)) => view! { <p class="error-message">{m}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="body">"Nothing has happened yet."</p> }.into_any(),
            Some(Ok(list)) => view! {
                <div class="table-wrap" role="region" aria-label="Audit trail" tabindex="0">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"Action"</th>
                                <th scope="col">"Request"</th>
                                <th scope="col">"Member"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|e| view! {
                                <tr>
                                    <td>{stamp(&e.at)}</td>
                                    <td class="table__email">{e.who}</td>
                                    <td>{e.action}</td>
                                    <td>{e.request_id.as_deref().map(|r| reference(r).to_owned())}</td>
                                    <td class="table__email">{e.subject}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        }}
    }
}
