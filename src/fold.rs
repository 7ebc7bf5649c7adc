use leptos::prelude::*;

/// One section that opens and closes, after GOV.UK's accordion: a heading holding a button,
/// so screen reader users can move by headings and everyone can scan the list quickly.
#[component]
pub fn Fold(
    id: &'static str,
    #[prop(into)] heading: String,
    #[prop(optional)] open: bool,
    children: Children,
) -> impl IntoView {
    let open = RwSignal::new(open);
    let body_id = format!("sc-{id}");
    view! {
        <section class="fold">
            <h3>
                <button
                    type="button"
                    class="fold-button"
                    aria-expanded=move || open.get().to_string()
                    aria-controls=body_id.clone()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {heading}
                </button>
            </h3>
            <div id=body_id class="fold-body" hidden=move || !open.get()>
                {children()}
            </div>
        </section>
    }
}
